/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the kernel can make at boot: the kernel log's facts, the CMA slots,
 * which nodes have boot memory, planning within both, and status judged
 * with them (devices served remotely, pool usage), on hand-built inputs and
 * the real Debian 7.2 kernel config of a captured tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>

#include "basic/util.h"
#include "kernel/cma_slots.h"
#include "kernel/kernel_log.h"
#include "machine/boot_memory.h"
#include "plan/plan.h"
#include "plan/slots.h"
#include "status/status.h"
#include "test-cma.h"
#include "test-judge.h"
#include "test-machine.h"

#define TREES SRCDIR "/tests/fixtures/trees"

static KernelCaps k72;

static int setup(void **state) {
        assert_int_equal(kernel_caps_load(TREES "/7.2-amd64-implicit", "7.2.13+deb14-amd64", false, &k72), 0);
        return 0;
}

static int teardown(void **state) {
        kernel_caps_done(&k72);
        return 0;
}

/* ---- the kernel log ---- */

static void test_kernel_log(void **state) {
        KernelLog l;
        const char *kmsg =
                "6,1,0,-;Command line: console=ttyS0 cma=64M\n"
                "4,60,0,-;cma: invalid node 2 specified\n"
                "6,70,0,-;Early memory node ranges\n"
                "6,71,0,-;  node   0: [mem 0x0000000000001000-0x000000000009efff]\n"
                " SUBSYSTEM=foo\n"
                "6,72,0,-;  node   1: [mem 0x0000000040000000-0x000000007ffdffff]\n"
                "6,73,0,-;Kernel command line: x\n"
                "6,74,0,-;  node   5: not a range after the list ended\n"
                "3,80,0,-;cma: Not enough slots for CMA reserved regions!\n"
                "4,81,0,-;cma: dma_numa_cma_reserve: reservation failed: err -28, node 19\n"
                "4,82,0,-;cma: dma_numa_cma_reserve: reservation failed: err -22, node 1\n";
        assert_int_equal(kernel_log_parse(kmsg, &l), 0);
        assert_true(l.readable && l.has_early_ranges && l.slots_exhausted);
        assert_int_equal(nodeset_count(l.early_nodes), 2);
        assert_true(nodeset_contains(l.early_nodes, 0) && nodeset_contains(l.early_nodes, 1));
        assert_false(nodeset_contains(l.early_nodes, 5));
        assert_true(nodeset_contains(l.invalid_nodes, 2));
        assert_true(nodeset_contains(l.failed_nodes, 19) && nodeset_contains(l.failed_nodes, 1));
        assert_true(nodeset_contains(l.failed_enospc, 19));
        assert_false(nodeset_contains(l.failed_enospc, 1));
        kernel_log_done(&l);

        /* dmesg's format works too. */
        assert_int_equal(kernel_log_parse("[    0.000000] Early memory node ranges\n"
                                          "[    0.000000]   node   3: [mem 0x1-0x2]\n", &l), 0);
        assert_true(nodeset_contains(l.early_nodes, 3));
        kernel_log_done(&l);

        /* No log in a tree: not readable, not an error. */
        assert_int_equal(kernel_log_load(TREES "/7.2-amd64-implicit", &l), 0);
        assert_false(l.readable);
        kernel_log_done(&l);
}

/* ---- slots ---- */

static void test_slots(void **state) {
        _cleanup_nodeset_ NodeSet *four = NULL, *two = NULL;
        assert_int_equal(nodeset_parse("0-3", &four), 0);
        assert_int_equal(nodeset_parse("0-1", &two), 0);
        assert_int_equal(k72.cma_areas, 20);
        /* 7.2 (mm/hugetlb_cma.c): whole gigantic pages (1 GiB on x86),
         * shared by the nodes with boot memory, one area per node until
         * the size is reached. */
        assert_int_equal(hugetlb_cma_areas(&k72, NULL, four, four), 0);
        assert_int_equal(hugetlb_cma_areas(&k72, "4G", four, four), 4);
        assert_int_equal(hugetlb_cma_areas(&k72, "2G", four, four), 2);   /* "3 GB on 4 nodes: the first three" */
        assert_int_equal(hugetlb_cma_areas(&k72, "3G", four, four), 3);
        assert_int_equal(hugetlb_cma_areas(&k72, "512M", four, four), 0);  /* "must be a multiple of 1024 MiB" */
        assert_int_equal(hugetlb_cma_areas(&k72, "0:1G,2:1G", four, four), 2);
        assert_int_equal(hugetlb_cma_areas(&k72, "0:1G,2:0", four, four), 1);
        assert_int_equal(hugetlb_cma_areas(&k72, "0:1G,5:1G", four, four), 1);  /* "invalid node 5 specified" */
        assert_int_equal(hugetlb_cma_areas(&k72, "0", four, four), 0);
        /* Nodes online without memory share nothing on 7.2. */
        assert_int_equal(hugetlb_cma_areas(&k72, "2G", four, two), 2);

        _cleanup_cmdline_ Cmdline *c = NULL;
        assert_int_equal(cmdline_parse("cma=64M hugetlb_cma=0:1G,1:1G", &c), 0);
        CmaState running = {0};
        CmaArea dt = { .name = (char *) "linux,cma-video", .kind = AREA_OTHER, .node = -1 };
        CmaArea hp = { .name = (char *) "hugetlb0", .kind = AREA_OTHER, .node = -1 };
        CmaArea areas[] = { dt, hp };
        running.areas = areas;
        running.n_areas = 2;
        CmaSlots s;
        cma_slots_count(&k72, c, true, two, two, &running, &s);
        assert_int_equal(s.areas, 20);
        assert_int_equal(s.default_area, 1);
        assert_int_equal(s.hugetlb, 2);
        assert_int_equal(s.other, 1);   /* hugetlb0 is counted from the command line */
        assert_int_equal(s.per_node, 16);

        /* crashkernel=SIZE,cma takes one (x86 7.2: reserve_crashkernel_cma()). */
        _cleanup_cmdline_ Cmdline *cc = NULL;
        assert_int_equal(cmdline_parse("cma=64M crashkernel=512M crashkernel=256M,cma", &cc), 0);
        assert_int_equal(crashkernel_cma_size(cc), 256 * MIB);
        cma_slots_count(&k72, cc, true, two, two, NULL, &s);
        assert_int_equal(s.crash, 1);
        assert_int_equal(s.per_node, 18);

        KernelCaps none = {0};
        cma_slots_count(&none, c, false, two, two, NULL, &s);
        assert_int_equal(s.per_node, UINT_MAX);
}

/* ---- boot memory ---- */

typedef struct {
        Topology *t;
        BootMemory bm;
        CmaState cma;
} BootCase;

static void boot_case(BootCase *c, const char *zoneinfo, const char *normal) {
        *c = (BootCase){0};
        c->t = make_topology("0-2", "0-2", "0-2", GIB, NULL);
        c->bm.nodes = calloc(3, sizeof(NodeBootMemory));
        assert_non_null(c->bm.nodes);
        for (int i = 0; i < 3; i++)
                c->bm.nodes[c->bm.n_nodes++] = (NodeBootMemory){ .node = i };
        assert_int_equal(boot_memory_parse_zoneinfo(zoneinfo, &c->bm), 0);
        if (normal)
                assert_int_equal(nodeset_parse(normal, &c->bm.normal_memory), 0);
}

static void boot_case_done(BootCase *c) {
        boot_memory_done(&c->bm);
        topology_free(c->t);
}

#define ZONEINFO_MOVABLE_2 \
        "Node 0, zone   Normal\n  pages free 1\n        present  262144\n" \
        "Node 1, zone   Normal\n        present  262144\n" \
        "Node 2, zone   Normal\n        present  0\n" \
        "Node 2, zone  Movable\n        present  262144\n"

static void test_boot_memory_rules(void **state) {
        BootCase c;

        /* Rule 5: node 2 all movable and not in has_normal_memory. */
        boot_case(&c, ZONEINFO_MOVABLE_2, "0-1");
        assert_int_equal(c.bm.nodes[2].movable_pages, 262144);
        assert_int_equal(c.bm.nodes[2].kernel_pages, 0);
        assert_int_equal(boot_memory_judge(c.t, NULL, NULL, "cma=64M", NULL, &c.bm), 0);
        assert_true(boot_memory_can_hold(&c.bm, 0));
        assert_false(boot_memory_can_hold(&c.bm, 2));
        assert_non_null(strstr(boot_memory_node(&c.bm, 2)->why, "ZONE_MOVABLE"));
        /* ... but not with kernelcore=/movablecore=: boot memory can be movable then. */
        assert_int_equal(boot_memory_judge(c.t, NULL, NULL, "movablecore=50%", NULL, &c.bm), 0);
        assert_true(boot_memory_can_hold(&c.bm, 2));

        /* Rule 2 beats rule 5: this boot's kernel made numa2. */
        CmaArea a = { .name = (char *) "numa2", .kind = AREA_NUMA, .node = 2, .total_pages = 1, .has_total = true };
        c.cma.areas = &a;
        c.cma.n_areas = 1;
        assert_int_equal(boot_memory_judge(c.t, &c.cma, NULL, NULL, NULL, &c.bm), 0);
        assert_true(boot_memory_can_hold(&c.bm, 2));
        c.cma = (CmaState){0};

        /* Rule 1: the log's early ranges decide, whatever the zones say. */
        KernelLog log;
        assert_int_equal(kernel_log_parse("6,1,0,-;Early memory node ranges\n6,2,0,-;  node   0: [mem 0-1]\n6,3,0,-;  node   2: [mem 2-3]\n", &log), 0);
        assert_int_equal(boot_memory_judge(c.t, NULL, &log, NULL, NULL, &c.bm), 0);
        assert_true(boot_memory_can_hold(&c.bm, 2));
        assert_false(boot_memory_can_hold(&c.bm, 1));
        kernel_log_done(&log);
        boot_case_done(&c);

        /* Rule 3: "invalid node" without the early ranges (the log wrapped). */
        boot_case(&c, "Node 0, zone Normal\n present 5\nNode 1, zone Normal\n present 5\nNode 2, zone Normal\n present 5\n", "0-2");
        assert_int_equal(kernel_log_parse("4,1,0,-;cma: invalid node 1 specified\n", &log), 0);
        assert_int_equal(boot_memory_judge(c.t, NULL, &log, NULL, NULL, &c.bm), 0);
        assert_false(boot_memory_can_hold(&c.bm, 1));
        assert_true(boot_memory_can_hold(&c.bm, 2));
        kernel_log_done(&log);

        /* Rule 4: driver-managed memory (Grace Hopper's, CXL through kmem). */
        assert_int_equal(boot_memory_judge(c.t, NULL, NULL, NULL, NULL, &c.bm), 0);
        assert_true(boot_memory_can_hold(&c.bm, 2));
        assert_non_null(c.bm.nodes[2].driver = strdup("NVIDIA"));
        assert_int_equal(boot_memory_judge(c.t, NULL, NULL, NULL, NULL, &c.bm), 0);
        assert_false(boot_memory_can_hold(&c.bm, 2));
        boot_case_done(&c);

        /* NULL: not read, every node can. */
        assert_true(boot_memory_can_hold(NULL, 7));
}

static void test_iomem(void **state) {
        DriverRange *r;
        size_t n;
        const char *iomem =
                "00001000-0009fbff : System RAM\n"
                "100000000-13fffffff : System RAM\n"
                "  100000000-10fffffff : Kernel code\n"
                "880000000-8ffffffff : System RAM (kmem)\n"
                "a00000000-affffffff : System RAM (NVIDIA)\n"
                "00000000-00000000 : System RAM (kmem)\n";
        assert_int_equal(iomem_driver_ranges(iomem, &r, &n), 0);
        assert_int_equal(n, 2);  /* the last line: addresses hidden (not root) */
        assert_string_equal(r[0].driver, "kmem");
        assert_int_equal(r[0].start, 0x880000000);
        assert_string_equal(r[1].driver, "NVIDIA");
        for (size_t i = 0; i < n; i++)
                free(r[i].driver);
        free(r);
}

/* ---- plan ---- */

static void test_plan_skips_nodes_without_boot_memory(void **state) {
        _cleanup_policy_ Policy *pol = NULL;
        assert_int_equal(policy_new_default(&pol), 0);
        _cleanup_topology_ Topology *t = make_topology("0-2", "0-2", "0-2", GIB, NULL);
        _cleanup_cmdline_ Cmdline *admin = NULL;
        assert_int_equal(cmdline_parse("cma=64M", &admin), 0);
        BootCase c;
        boot_case(&c, ZONEINFO_MOVABLE_2, "0-1");
        assert_int_equal(boot_memory_judge(t, NULL, NULL, NULL, NULL, &c.bm), 0);

        /* Without the boot memory: the implicit areas give every node 64M. */
        PlanInput in = { .policy = pol, .topology = t, .targets = &k72, .n_targets = 1, .admin = admin };
        _cleanup_plan_ Plan *p = NULL;
        assert_int_equal(plan_compute(&in, &p), 0);
        assert_true(p->implicit);

        /* With it: node 2 gets nothing, the others are named. */
        in.boot_memory = &c.bm;
        _cleanup_plan_ Plan *q = NULL;
        assert_int_equal(plan_compute(&in, &q), 0);
        assert_false(q->implicit);
        assert_string_equal(q->args[0], "numa_cma=0:64M,1:64M");
        assert_int_equal(plan_node(q, 2)->size, 0);
        assert_non_null(strstr(plan_node(q, 2)->why, "early boot"));
        boot_case_done(&c);
}

static void test_plan_within_slots(void **state) {
        _cleanup_policy_ Policy *pol = NULL;
        assert_int_equal(policy_new_default(&pol), 0);
        pol->max_node_share = SHARE_ONE;  /* no cap: sizes stay equal */
        pol->per_accelerator = 0;
        /* 24 nodes, an accelerator on node 22. */
        _cleanup_topology_ Topology *t = make_topology("0-23", "0-23", "0-23", GIB, (const int[]){ 22, END });
        _cleanup_cmdline_ Cmdline *admin = NULL;
        assert_int_equal(cmdline_parse("cma=16M", &admin), 0);
        /* An NVMe controller on node 20, a NIC on node 21. */
        DmaDevice devs[] = {
                { .address = "0000:90:00.0", .class_code = 0x010802, .node = 20, .driver = (char *) "nvme" },
                { .address = "0000:91:00.0", .class_code = 0x020000, .node = 21, .driver = (char *) "ice" },
        };
        DmaDevices dma = { .devices = devs, .n_devices = 2 };
        PlanInput in = { .policy = pol, .topology = t, .targets = &k72, .n_targets = 1, .admin = admin, .dma = &dma };
        _cleanup_plan_ Plan *p = NULL;
        assert_int_equal(plan_compute(&in, &p), 0);
        assert_int_equal(p->slot_budget, 19);
        assert_false(p->implicit);
        size_t pools = 0;
        for (size_t i = 0; i < p->n_nodes; i++)
                pools += p->nodes[i].size > 0;
        assert_int_equal(pools, 19);
        /* The accelerator's node, then the DMA devices' nodes, then 0-15. */
        assert_int_equal(plan_node(p, 22)->size, 16 * MIB);
        assert_int_equal(plan_node(p, 20)->size, 16 * MIB);
        assert_int_equal(plan_node(p, 21)->size, 16 * MIB);
        assert_int_equal(plan_node(p, 15)->size, 16 * MIB);
        assert_int_equal(plan_node(p, 16)->size, 0);
        assert_true(plan_node(p, 16)->left_out);
        assert_int_equal(plan_node(p, 23)->size, 0);
        assert_string_equal(p->args[0], "numa_cma=0:16M,1:16M,2:16M,3:16M,4:16M,5:16M,6:16M,7:16M,8:16M,9:16M,"
                                        "10:16M,11:16M,12:16M,13:16M,14:16M,15:16M,20:16M,21:16M,22:16M");
        bool said = false;
        for (char **e = p->explain; e && *e; e++)
                said |= strstr(*e, "left out: 16 (no device), 17 (no device), 18 (no device), 19 (no device), 23 (no device)") != NULL;
        assert_true(said);

        /* hugetlb_cma= takes slots too: one per node named. */
        _cleanup_cmdline_ Cmdline *h = NULL;
        assert_int_equal(cmdline_parse("cma=16M hugetlb_cma=0:1G,1:1G,2:1G", &h), 0);
        in.admin = h;
        _cleanup_plan_ Plan *q = NULL;
        assert_int_equal(plan_compute(&in, &q), 0);
        assert_int_equal(q->slot_budget, 16);
}

static void test_suggested_size(void **state) {
        /* 64M pool, 60M in use, 8M failed: 2 x 68M = 136M. */
        assert_int_equal(pool_suggested_size(64 * MIB, 60 * MIB, 8 * MIB, 2 * MIB), 136 * MIB);
        /* Little in use: at least size + failed. */
        assert_int_equal(pool_suggested_size(64 * MIB, 0, 1 * MIB, 2 * MIB), 66 * MIB);
        assert_int_equal(pool_suggested_size(64 * MIB, 0, 4096, 2 * MIB), 66 * MIB);
}

/* ---- status ---- */

static void case_init(StatusCase *c, const char *nodes, const int *accel) {
        *c = (StatusCase){0};
        assert_int_equal(policy_new_default(&c->policy), 0);
        c->topology = make_topology(nodes, nodes, nodes, GIB, accel);
        c->cma = cma_state_zoneinfo(true);
        for (size_t i = 0; i < c->topology->n_nodes; i++)
                cma_add_zone(&c->cma, c->topology->nodes[i].id);
}

static void judge(StatusCase *c, const char *booted) {
        assert_int_equal(cmdline_parse(booted, &c->admin), 0);
        assert_int_equal(cma_usage_load("/nonexistent", &c->cma, &c->usage), 0);
        PlanInput pin = { .policy = c->policy, .topology = c->topology, .targets = &k72, .n_targets = 1,
                          .admin = c->admin, .boot_memory = c->bm, .dma = &c->dma, .cma = &c->cma, .usage = &c->usage };
        assert_int_equal(plan_compute(&pin, &c->plan), 0);
        c->desired = desired_line(booted, c->plan);
        StatusInput in = {
                .policy = c->policy, .topology = c->topology, .running = &k72, .running_config_found = true,
                .targets = &k72, .n_targets = 1, .cma = &c->cma, .booted_cmdline = booted, .next = &c->next,
                .plan = c->plan, .desired = c->desired, .boot_memory = c->bm, .dma = &c->dma, .usage = &c->usage,
        };
        assert_int_equal(status_judge(&in, &c->status), 0);
}

/* A memory-only node that came after boot: the implicit request for it is
 * not a failed reservation, the node says why. */
static void test_status_memory_after_boot(void **state) {
        StatusCase c;
        BootCase b;
        case_init(&c, "0-2", NULL);
        boot_case(&b, ZONEINFO_MOVABLE_2, "0-1");
        assert_int_equal(boot_memory_judge(c.topology, NULL, NULL, NULL, NULL, &b.bm), 0);
        c.bm = &b.bm;
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        cma_add_area(&c.cma, "numa1", AREA_NUMA, 1, 1, 64 * MIB);
        judge(&c, "cma=64M");
        assert_int_equal(c.status->state, STATE_OK);
        assert_false(node(c.status, 2)->boot_memory);
        assert_true(node(c.status, 2)->booted_not_boot);
        assert_int_equal(node(c.status, 2)->booted, 0);
        assert_int_equal(node(c.status, 2)->desired, 0);
        assert_true(has_problem(c.status, "node 2 cannot hold a CMA pool"));
        assert_false(has_problem(c.status, "reservation failed"));
        assert_non_null(strstr(c.status->summary, "2/2 nodes"));
        status_case_done(&c);
        boot_case_done(&b);
}

/* More nodes than slots: the slot limit is named as the cause. */
static void test_status_slots(void **state) {
        StatusCase c;
        case_init(&c, "0-21", (const int[]){ 21, END });
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 5, 16 * MIB);
        for (int n = 0; n < 19; n++) {
                char name[16];
                snprintf(name, sizeof name, "numa%d", n);
                cma_add_area(&c.cma, name, AREA_NUMA, n, n, 16 * MIB);
        }
        judge(&c, "cma=16M");
        assert_int_equal(c.status->state, STATE_DEGRADED);
        assert_true(node(c.status, 20)->booted_no_slot);
        assert_false(node(c.status, 18)->booted_no_slot);
        assert_true(has_problem(c.status, "nodes 19, 20, 21: the booted command line asks for pools there, but the kernel's CMA slots ran out first (CONFIG_CMA_AREAS=20"));
        assert_false(has_problem(c.status, "reservation failed"));
        /* The plan serves the accelerator's node. */
        assert_true(plan_node(c.plan, 21)->size > 0);
        status_case_done(&c);

        /* The node the slots ran out before holds the default area: served
         * locally, said, not degraded. */
        case_init(&c, "0-19", NULL);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 19, 16 * MIB);
        for (int n = 0; n < 19; n++) {
                char name[16];
                snprintf(name, sizeof name, "numa%d", n);
                cma_add_area(&c.cma, name, AREA_NUMA, n, n, 16 * MIB);
        }
        judge(&c, "cma=16M");
        assert_int_equal(c.status->default_node, 19);
        assert_true(node(c.status, 19)->booted_no_slot);
        assert_int_equal(c.status->state, STATE_OK);
        assert_true(has_problem(c.status, "node 19: the kernel's CMA slots ran out before its per-node area, but the default area lies on it"));
        status_case_done(&c);
}

/* The default area failed: one reason, not one per node. */
static void test_status_default_area_failed(void **state) {
        StatusCase c;
        case_init(&c, "0-3", NULL);
        c.cma.has_sysfs = false;
        judge(&c, "cma=3G");
        assert_int_equal(c.status->state, STATE_DEGRADED);
        assert_true(c.status->default_area_failed);
        assert_int_equal(c.status->default_area, 0);
        assert_true(has_problem(c.status, "made no per-node pool at all"));
        assert_false(has_problem(c.status, "node 0: the booted command line asks"));
        status_case_done(&c);
}

/* Every device counts, accelerator or not, on nodes the policy covers;
 * the administrator's arguments are no excuse, and the fix is said. */
static void test_status_devices(void **state) {
        StatusCase c;
        case_init(&c, "0-1", NULL);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa1", AREA_NUMA, 1, 1, 64 * MIB);
        DmaDevice devs[] = {
                { .address = "0000:81:00.0", .class_code = 0x010802, .node = 0, .driver = (char *) "nvme" },
        };
        c.dma = (DmaDevices){ .devices = devs, .n_devices = 1 };
        judge(&c, "cma=64M numa_cma=1:64M");
        assert_true(c.plan->admin_conflict);
        assert_int_equal(c.status->state, STATE_DEGRADED);
        assert_int_equal(c.status->n_devices, 1);
        assert_true(c.status->devices[0].remote_default);
        assert_true(c.status->devices[0].covered);
        assert_true(has_problem(c.status, "the coherent DMA of 0000:81:00.0 (nvme) comes from the 64 MiB default area on node 1"));
        assert_true(has_problem(c.status, "give node 0 a pool there (e.g. 0:64M)"));
        c.dma = (DmaDevices){0};
        status_case_done(&c);

        /* nodes = accelerators: a device on a node without one is listed, not counted. */
        case_init(&c, "0-1", (const int[]){ 1, END });
        c.policy->nodes_mode = NODES_ACCELERATORS;
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa1", AREA_NUMA, 1, 1, 192 * MIB);
        c.dma = (DmaDevices){ .devices = devs, .n_devices = 1 };
        judge(&c, "cma=64M numa_cma=1:192M");
        assert_int_equal(c.status->state, STATE_OK);
        assert_true(c.status->devices[0].remote_default);
        assert_false(c.status->devices[0].covered);
        assert_true(has_problem(c.status, "not counted"));
        c.dma = (DmaDevices){0};
        status_case_done(&c);
}

/* Devices that never reach a per-node pool are listed with where their
 * memory comes from and the ways out: one without a node (never counted in
 * the state), one whose driver set a 32-bit coherent mask (the default area
 * lies in node 1's DMA32 zone, below 4 GiB: it serves it, remotely), an
 * accelerator that does the same (degraded: the state counts
 * accelerators). */
/* Two nodes with the implicit pools and the default area in node 1's DMA32
 * zone [1 GiB, 2 GiB), below 4 GiB (as on the captured q35 trees). */
static void bypass_case(StatusCase *c) {
        case_init(c, "0-1", NULL);
        cma_add_area(&c->cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c->cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        cma_add_area(&c->cma, "numa1", AREA_NUMA, 1, 1, 64 * MIB);
        c->cma.nodes[1].zones[MEM_ZONE_DMA32] = (ZonePages){ .present_pages = PAGES(GIB), .spanned_pages = PAGES(GIB),
                                                             .start_pfn = PAGES(GIB), .has_start = true,
                                                             .cma_pages = PAGES(128 * MIB) };
}

static void test_status_bypass(void **state) {
        StatusCase c;
        bypass_case(&c);
        DmaDevice devs[] = {
                { .address = "0000:00:03.0", .class_code = 0x020000, .node = 0, .driver = (char *) "8139too", .mask_bits = 32 },
                { .address = "0000:00:04.0", .class_code = 0x010802, .node = -1, .driver = (char *) "nvme", .mask_bits = 64 },
                { .address = "0000:81:00.0", .class_code = 0x010802, .node = 1, .driver = (char *) "nvme", .mask_bits = 64 },
        };
        c.dma = (DmaDevices){ .devices = devs, .n_devices = 3 };
        judge(&c, "cma=64M");
        assert_int_equal(c.status->state, STATE_OK);
        assert_int_equal(c.status->devices[0].path.source, DMA_FROM_DEFAULT_AREA);
        assert_int_equal(c.status->devices[0].path.locality, DMA_REMOTE);
        assert_int_equal(c.status->devices[1].path.bypass, DMA_BYPASS_NO_NODE);
        assert_true(c.status->devices[2].local_pool);
        assert_true(has_problem(c.status, "devices without a NUMA node (numa_node -1): 0000:00:04.0 (nvme, 64-bit mask): the 64 MiB default area on node 1;"));
        assert_true(has_problem(c.status, "the firmware must give its PCI host bridge a node (ACPI _PXM, device-tree numa-node-id)"));
        assert_true(has_problem(c.status, "devices whose coherent DMA never reaches a per-node pool: 0000:00:03.0 (8139too, node 0, 32-bit mask): "
                                          "the 64 MiB default area on node 1 (remote)"));
        assert_true(has_problem(c.status, "or cma=0 ('unsupported = disable-cma')"));
        assert_true(problems_contain_code(&c.status->problems, PROBLEM_DEVICES_NO_NODE));
        assert_true(problems_contain_code(&c.status->problems, PROBLEM_DEVICES_BYPASS_POOLS));
        assert_false(problems_contain_code(&c.status->problems, PROBLEM_ACCELERATOR_BYPASS_POOLS));
        c.dma = (DmaDevices){0};
        status_case_done(&c);

        /* The NIC an accelerator under the policy: degraded. */
        bypass_case(&c);
        devs[0].accelerator = true;
        c.dma = (DmaDevices){ .devices = devs, .n_devices = 1 };
        judge(&c, "cma=64M");
        assert_int_equal(c.status->state, STATE_DEGRADED);
        assert_true(has_problem(c.status, "accelerators whose coherent DMA never reaches a per-node pool: 0000:00:03.0 (8139too, node 0, 32-bit mask): "
                                          "the 64 MiB default area on node 1 (remote)"));
        assert_true(problems_contain_code(&c.status->problems, PROBLEM_ACCELERATOR_BYPASS_POOLS));
        c.dma = (DmaDevices){0};
        status_case_done(&c);
}

/* A pool whose allocations failed is too small: a warning with a size. */
static void test_status_usage(void **state) {
        StatusCase c;
        case_init(&c, "0-1", NULL);
        cma_add_area(&c.cma, "reserved", AREA_DEFAULT, -1, 1, 64 * MIB);
        cma_add_area(&c.cma, "numa0", AREA_NUMA, 0, 0, 64 * MIB);
        cma_add_area(&c.cma, "numa1", AREA_NUMA, 1, 1, 64 * MIB);
        c.cma.areas[1].available_pages = PAGES(4 * MIB);  /* 60M in use */
        judge(&c, "cma=64M");
        /* Counters come from sysfs: hand-fill them after the load. */
        status_free(c.status);
        c.usage.areas[1].has_fail = true;
        c.usage.areas[1].alloc_fail = PAGES(8 * MIB);
        StatusInput in = {
                .policy = c.policy, .topology = c.topology, .running = &k72, .running_config_found = true,
                .targets = &k72, .n_targets = 1, .cma = &c.cma, .booted_cmdline = "cma=64M", .next = &c.next,
                .plan = c.plan, .desired = c.desired, .usage = &c.usage,
        };
        assert_int_equal(status_judge(&in, &c.status), 0);
        /* plan --explain says how the size was derived. */
        PlanInput pin = { .policy = c.policy, .topology = c.topology, .targets = &k72, .n_targets = 1,
                          .admin = c.admin, .cma = &c.cma, .usage = &c.usage };
        _cleanup_plan_ Plan *p = NULL;
        assert_int_equal(plan_compute(&pin, &p), 0);
        bool said = false;
        for (char **e = p->explain; e && *e; e++)
                said |= strstr(*e, "node 0: the 64 MiB pool 'numa0' failed 2048 pages of allocations this boot with 60 MiB in use: suggested 136 MiB = max(2 x (in use + failed), size + failed)") != NULL;
        assert_true(said);
        const NodeStatus *n0 = node(c.status, 0);
        assert_true(n0->usage_known);
        assert_int_equal(n0->local_pool_used, 60 * MIB);
        assert_int_equal(n0->local_pool_alloc_failures, PAGES(8 * MIB));
        assert_int_equal(n0->suggested, 136 * MIB);
        assert_true(has_problem(c.status, "node 0: the 64 MiB pool is too small"));
        assert_true(has_problem(c.status, "suggested size 136 MiB"));
        assert_int_equal(c.status->state, STATE_OK);
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        assert_non_null(f);
        assert_int_equal(status_print_check(f, c.status, NULL), 1);  /* WARNING */
        fclose(f);
        /* One unit per label: bytes, thresholds none, 0 to the pool's size. */
        assert_non_null(strstr(buf, "'node0_pool_used'=62914560B;;;0;67108864"));
        assert_non_null(strstr(buf, "'node0_pool_alloc_failures'=2048c"));
        free(buf);
        /* 60 of 64 MiB in use is 93.75%: thresholds in percent of the pool,
         * in perfdata in bytes. */
        static const struct { double w, c; int code; const char *perf, *why; } th[] = {
                { 90, -1, 1, "'node0_pool_used'=62914560B;60397977;;0;67108864", "node 0's pool 94% in use (warning at 90%)" },
                { 80, 90, 2, "'node0_pool_used'=62914560B;53687091;60397977;0;67108864", "(critical at 90%)" },
                { 95, 99, 1, "'node0_pool_used'=62914560B;63753420;66437775;0;67108864", NULL },
                { -1, 93.75, 2, ";;62914560;0;67108864", "(critical at 93.75%)" },
        };
        for (size_t i = 0; i < ELEMENTSOF(th); i++) {
                CheckThresholds t = { .warning = th[i].w, .critical = th[i].c };
                buf = NULL;
                f = open_memstream(&buf, &len);
                assert_non_null(f);
                assert_int_equal(status_print_check(f, c.status, &t), th[i].code);
                fclose(f);
                if (!strstr(buf, th[i].perf) || (th[i].why && !strstr(buf, th[i].why)) || (!th[i].why && strstr(buf, "in use (")))
                        print_error("thresholds %g/%g: %s", th[i].w, th[i].c, buf);
                assert_non_null(strstr(buf, th[i].perf));
                /* Each label once (monitoring-plugins: one value per label). */
                const char *first = strstr(buf, "'node0_pool_used'");
                assert_non_null(first);
                assert_null(strstr(first + 1, "'node0_pool_used'"));
                assert_true(th[i].why ? strstr(buf, th[i].why) != NULL : strstr(buf, "in use (") == NULL);
                free(buf);
        }
        status_case_done(&c);

        /* Without CMA sysfs usage is unknown. */
        case_init(&c, "0-1", NULL);
        c.cma.has_sysfs = false;
        judge(&c, "cma=64M");
        assert_false(node(c.status, 0)->usage_known);
        assert_false(c.status->default_usage_known);
        status_case_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kernel_log),
                cmocka_unit_test(test_slots),
                cmocka_unit_test(test_boot_memory_rules),
                cmocka_unit_test(test_iomem),
                cmocka_unit_test(test_plan_skips_nodes_without_boot_memory),
                cmocka_unit_test(test_plan_within_slots),
                cmocka_unit_test(test_suggested_size),
                cmocka_unit_test(test_status_memory_after_boot),
                cmocka_unit_test(test_status_slots),
                cmocka_unit_test(test_status_default_area_failed),
                cmocka_unit_test(test_status_devices),
                cmocka_unit_test(test_status_bypass),
                cmocka_unit_test(test_status_usage),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
