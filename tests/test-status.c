/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status judged from values alone (no file is read by status_judge()):
 * hand-built machines and CMA states against the real Debian kernels'
 * capabilities from the captured trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "basic/util.h"
#include "plan/plan.h"
#include "status/status.h"
#include "test-cma.h"
#include "test-judge.h"
#include "test-machine.h"

#define TREES SRCDIR "/tests/fixtures/trees"

static KernelCaps k72, k612;

static int setup(void **state) {
        assert_int_equal(kernel_caps_load(TREES "/7.2-amd64-implicit", "7.2.13+deb14-amd64", false, &k72), 0);
        assert_int_equal(kernel_caps_load(TREES "/6.12-arm64-numa_cma-ignored", "6.12.117+deb13-arm64", false, &k612), 0);
        return 0;
}

static int teardown(void **state) {
        kernel_caps_done(&k72);
        kernel_caps_done(&k612);
        return 0;
}

/* One machine: two 1 GiB nodes, an accelerator on node 1, and the CMA
 * areas the kernel made (sysfs names and sizes). */
static void case_init(StatusCase *c, bool sysfs) {
        *c = (StatusCase){0};
        assert_int_equal(policy_new_default(&c->policy), 0);
        c->topology = make_topology("0-1", "0-1", "0-1", GIB, (const int[]){ 1, END });
        c->cma = cma_state_zoneinfo(sysfs);
        cma_add_zone(&c->cma, 0);
        cma_add_zone(&c->cma, 1);
}

/* Plan from the next boot's (or the booted) line, then judge. */
static void judge(StatusCase *c, const KernelCaps *k, const char *booted, const char *next) {
        if (next)
                assert_non_null(c->next.cmdline = strdup(next));
        assert_int_equal(cmdline_parse(next ? next : booted, &c->admin), 0);
        PlanInput pin = { .policy = c->policy, .topology = c->topology, .targets = k, .n_targets = 1, .admin = c->admin };
        assert_int_equal(plan_compute(&pin, &c->plan), 0);
        c->desired = desired_line(next ? next : booted, c->plan);
        StatusInput in = {
                .policy = c->policy, .topology = c->topology, .running = k, .running_config_found = true,
                .targets = k, .n_targets = 1, .cma = &c->cma, .booted_cmdline = booted, .next = &c->next,
                .plan = c->plan, .desired = c->desired,
        };
        assert_int_equal(status_judge(&in, &c->status), 0);
}

#define LINE "cma=64M numa_cma=0:64M,1:192M"

/* The default area on node 1 beside node 1's pool: both pools active,
 * the accelerator local, nothing pending. */
static void test_ok_pools_active(void **state) {
        StatusCase c;
        case_init(&c, true);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        cma_add_area(&c.cma, "numa1", AREA_NUMA, 1, 1, 192 * MIB);
        judge(&c, &k72, LINE, LINE);
        const Status *s = c.status;
        assert_int_equal(s->state, STATE_OK);
        assert_int_equal(s->default_area, 64 * MIB);
        assert_int_equal(s->default_node, 1);
        assert_true(node(s, 1)->has_local_pool);
        assert_int_equal(node(s, 1)->local_pool, 192 * MIB);
        assert_int_equal(node(s, 0)->local_pool, 64 * MIB);
        assert_int_equal(node(s, 1)->booted, 192 * MIB);
        assert_int_equal(s->n_accels, 1);
        assert_true(s->accels[0].local_pool);
        assert_false(s->accels[0].remote_default);
        status_case_done(&c);
}

/* Asked for, not made: degraded, with the node and both sizes. */
static void test_failed_reservation_is_degraded(void **state) {
        StatusCase c;
        case_init(&c, true);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        judge(&c, &k72, LINE, LINE);
        assert_int_equal(c.status->state, STATE_DEGRADED);
        assert_true(has_problem(c.status, "node 1: the booted command line asks for a 192 MiB pool but the kernel reserved 0 MiB"));
        assert_false(node(c.status, 1)->has_local_pool);
        assert_true(c.status->accels[0].remote_default == false || c.status->default_node == 1);
        status_case_done(&c);
}

/* The accelerator's node has no pool while the default area sits on the
 * other node: its coherent DMA is remote. */
static void test_remote_default_area(void **state) {
        StatusCase c;
        case_init(&c, true);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 0, 64 * MIB);
        cma_add_area(&c.cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        judge(&c, &k72, "cma=64M numa_cma=0:64M", "cma=64M numa_cma=0:64M");
        assert_int_equal(c.status->default_node, 0);
        assert_true(c.status->accels[0].remote_default);
        assert_true(has_problem(c.status, "accelerator 0000:81:00.0 on node 1 has no local CMA pool"));
        assert_int_equal(c.status->state, STATE_DEGRADED);
        status_case_done(&c);
}

/* The next boot asks for other CMA areas than the booted line. */
static void test_pending_reboot(void **state) {
        StatusCase c;
        case_init(&c, true);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        cma_add_area(&c.cma, "numa1", AREA_NUMA, 1, 1, 192 * MIB);
        judge(&c, &k72, LINE, "cma=64M numa_cma=0:64M,1:256M quiet");
        assert_int_equal(c.status->state, STATE_PENDING_REBOOT);
        assert_int_equal(node(c.status, 1)->next_boot, 256 * MIB);
        assert_non_null(strstr(c.status->summary, "reboot pending"));
        status_case_done(&c);
}

/* Only a non-CMA token differs: nothing is pending. */
static void test_other_tokens_not_pending(void **state) {
        StatusCase c;
        case_init(&c, true);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        cma_add_area(&c.cma, "numa1", AREA_NUMA, 1, 1, 192 * MIB);
        judge(&c, &k72, LINE, "quiet " LINE " splash");
        assert_int_equal(c.status->state, STATE_OK);
        status_case_done(&c);
}

/* An unknown next boot says why; a record that lies is reported. */
static void test_unknown_next_and_lying_record(void **state) {
        StatusCase c;
        case_init(&c, true);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        cma_add_area(&c.cma, "numa1", AREA_NUMA, 1, 1, 192 * MIB);
        assert_non_null(c.next.unknown_reason = strdup("there is no grub.cfg"));
        assert_int_equal(strv_extend(&c.next.record_ignored, "quiet"), 0);
        c.next.has_record = true;
        judge(&c, &k72, LINE, NULL);
        assert_true(has_problem(c.status, "unknown: there is no grub.cfg"));
        assert_true(has_problem(c.status, "names 'quiet', which numacma never writes"));
        assert_int_equal(c.status->state, STATE_OK);
        status_case_done(&c);
}

/* Debian 13's arm64 kernel: a default area and no per-node CMA. */
static void test_unsupported_kernel(void **state) {
        StatusCase c;
        case_init(&c, false);
        c.cma.nodes[1].cma_pages = PAGES(64 * MIB);
        c.cma.nodes[1].free_cma_pages = PAGES(63 * MIB);
        c.cma.has_meminfo = true;
        c.cma.cma_total_kb = 64 * 1024;
        judge(&c, &k612, "console=ttyAMA0", "console=ttyAMA0");
        assert_int_equal(c.status->state, STATE_UNSUPPORTED);
        assert_int_equal(c.status->default_area, 64 * MIB);
        assert_int_equal(c.status->default_node, 1);
        assert_non_null(strstr(c.status->summary, "cannot make per-node CMA pools"));
        /* No CMA sysfs: the usage is zoneinfo's, without a failure count. */
        assert_true(c.status->default_usage_known && c.status->default_usage_zoneinfo);
        assert_int_equal(c.status->default_used, 1 * MIB);
        /* The two ways out: the patched kernel and the cma=0 stopgap. */
        bool advice = false;
        FOREACH_PROBLEM(p, &c.status->problems)
                advice |= p->code == PROBLEM_PER_NODE_KERNEL_NEEDED && strstr(p->text, "numacma-kernel-patches") &&
                          strstr(p->text, "unsupported = disable-cma") && strstr(p->text, "cma=0");
        assert_true(advice);
        status_case_done(&c);
}

/* No default area and no pools: every node's coherent DMA is local. */
static void test_no_cma_at_all(void **state) {
        StatusCase c;
        case_init(&c, true);
        judge(&c, &k72, "cma=0", "cma=0");
        assert_int_equal(c.status->state, STATE_OK);
        assert_int_equal(c.status->default_area, 0);
        assert_false(c.status->accels[0].remote_default);
        status_case_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ok_pools_active),
                cmocka_unit_test(test_failed_reservation_is_degraded),
                cmocka_unit_test(test_remote_default_area),
                cmocka_unit_test(test_pending_reboot),
                cmocka_unit_test(test_other_tokens_not_pending),
                cmocka_unit_test(test_unknown_next_and_lying_record),
                cmocka_unit_test(test_unsupported_kernel),
                cmocka_unit_test(test_no_cma_at_all),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
