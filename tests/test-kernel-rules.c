/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's rules by release and architecture (kernel/kernel_rules.h),
 * and the reservations they make of a command line (plan/predict.h), one
 * test per edge the issue found in the model. Expectations come from the
 * sources cited in src/kernel/kernel_rules.c: Debian's linux-source-6.1,
 * -6.12 (also with patches/kernel/6.12) and -7.2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/kernel_rules.h"
#include "plan/plan.h"
#include "plan/predict.h"
#include "snapshot/snapshot.h"
#include "test-machine.h"

#define TREES SRCDIR "/tests/fixtures/trees"
#define KTREES SRCDIR "/tests/kernel/trees"
#define M(x) ((uint64_t) (x) * MIB)

static void load(const char *root, const char *release, KernelCaps *k) {
        assert_int_equal(kernel_caps_load(root, release, false, k), 0);
}

/* A real config with one edit (from -> to). */
static void load_edited(const char *root, const char *release, const char *from, const char *to, KernelCaps *k) {
        _cleanup_free_ char *path = strdup_printf("/boot/config-%s", release), *text = NULL;
        assert_int_equal(read_full_file_root(root, path, &text, NULL), 0);
        char *at = strstr(text, from);
        assert_non_null(at);
        _cleanup_free_ char *edited = strdup_printf("%.*s%s%s", (int) (at - text), text, to, at + strlen(from));
        assert_int_equal(kernel_caps_parse_config(edited, release, k), 0);
}

static bool order_is(const KernelRules *r, const ReserveStep *want, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (r->order[i] != want[i])
                        return false;
        return r->order[n] == RESERVE_END;
}
#define ORDER_IS(r, ...) order_is(r, (const ReserveStep[]){ __VA_ARGS__ }, ELEMENTSOF(((const ReserveStep[]){ __VA_ARGS__ })))

/* ---- the table ---- */

static void test_rows(void **state) {
        const KernelRules *r;

        r = kernel_rules_find(KERNEL_V(7, 2), "x86_64", false, ARRAYS_ONE);
        assert_true(ORDER_IS(r, RESERVE_DT, RESERVE_DEFAULT, RESERVE_PER_NODE, RESERVE_CRASH, RESERVE_HUGETLB));
        assert_true(r->default_failure_stops_per_node && r->implicit && r->crash_cma);
        assert_int_equal(r->early_online, EARLY_ONLINE_BOOT_MEMORY);
        assert_int_equal(r->hugetlb, HUGETLB_BOOTMEM_MULTIPLE);

        r = kernel_rules_find(KERNEL_V(7, 2), "arm64", false, ARRAYS_ONE);
        assert_true(ORDER_IS(r, RESERVE_DT, RESERVE_DEFAULT, RESERVE_PER_NODE, RESERVE_HUGETLB));
        assert_int_equal(r->early_online, EARLY_ONLINE_PARSED);
        assert_false(r->crash_cma);

        /* 6.12 arm64: hugetlb_cma= first, per-node before the default area. */
        r = kernel_rules_find(KERNEL_V(6, 12), "arm64", false, ARRAYS_TWO);
        assert_true(ORDER_IS(r, RESERVE_DT, RESERVE_HUGETLB, RESERVE_PER_NODE, RESERVE_DEFAULT));
        assert_int_equal(r->arrays, ARRAYS_TWO);
        assert_false(r->default_failure_stops_per_node);
        r = kernel_rules_find(KERNEL_V(6, 12), "x86_64", false, ARRAYS_TWO);
        assert_true(ORDER_IS(r, RESERVE_DT, RESERVE_PER_NODE, RESERVE_DEFAULT, RESERVE_HUGETLB));

        /* The series on 6.12: 7.2's arrays, 6.12's hugetlb_cma= place, no early return. */
        r = kernel_rules_find(KERNEL_V(6, 12), "arm64", true, ARRAYS_ONE);
        assert_true(r->series && r->implicit && r->arrays == ARRAYS_ONE);
        assert_true(ORDER_IS(r, RESERVE_DT, RESERVE_HUGETLB, RESERVE_DEFAULT, RESERVE_PER_NODE));
        assert_false(r->default_failure_stops_per_node);
        /* 7.2 with CMA_SIZE_PERNUMA is upstream, not the series. */
        assert_false(kernel_rules_find(KERNEL_V(7, 2), "arm64", true, ARRAYS_ONE)->series);

        /* Slots: MAX_CMA_AREAS = 1 + CONFIG_CMA_AREAS before 6.9. */
        assert_int_equal(kernel_rules_find(KERNEL_V(6, 1), "arm64", false, ARRAYS_PERNUMA)->slots_extra, 1);
        assert_int_equal(kernel_rules_find(KERNEL_V(6, 8), "x86_64", false, ARRAYS_TWO)->slots_extra, 1);
        assert_int_equal(kernel_rules_find(KERNEL_V(6, 8), "x86_64", false, ARRAYS_TWO)->areas_numa, 19);
        assert_int_equal(kernel_rules_find(KERNEL_V(6, 9), "x86_64", false, ARRAYS_TWO)->slots_extra, 0);
        assert_int_equal(kernel_rules_find(KERNEL_V(6, 9), "x86_64", false, ARRAYS_TWO)->areas_numa, 20);

        /* 5.10-6.5: cma_pernuma= made by arm64 only. */
        assert_true(kernel_rules_find(KERNEL_V(6, 1), "arm64", false, ARRAYS_PERNUMA)->pernuma_reserved);
        assert_false(kernel_rules_find(KERNEL_V(6, 1), "x86_64", false, ARRAYS_PERNUMA)->pernuma_reserved);
        assert_int_equal(kernel_rules_find(KERNEL_V(5, 4), "arm64", false, ARRAYS_NONE)->arrays, ARRAYS_NONE);

        /* An unknown release: the newest row of what the config shows. */
        assert_int_equal(kernel_rules_find(0, "arm64", false, ARRAYS_ONE)->from, KERNEL_V(7, 2));
        assert_int_equal(kernel_rules_find(0, "x86_64", false, ARRAYS_TWO)->arrays, ARRAYS_TWO);

        /* Every row says where it was read from. */
        _cleanup_free_ char *o = kernel_rules_order_string(kernel_rules_find(KERNEL_V(6, 12), "arm64", true, ARRAYS_ONE));
        assert_string_equal(o, "device-tree areas, then hugetlb_cma= areas, then the default area, then the per-node areas");
}

/* ---- what the configurations of real kernels give ---- */

static void test_real_configs(void **state) {
        KernelCaps k;

        load(TREES "/6.1-arm64-cma_pernuma", "6.1.0-50-arm64", &k);
        assert_int_equal(k.cma_areas_config, 19);
        assert_int_equal(k.cma_areas, 20);  /* 1 + CONFIG_CMA_AREAS */
        assert_int_equal(k.per_node, PERNODE_CMA_PERNUMA);
        kernel_caps_done(&k);
        /* Without the symbol: the release's default (19 with NUMA). */
        load_edited(TREES "/6.1-arm64-cma_pernuma", "6.1.0-50-arm64", "CONFIG_CMA_AREAS=19\n", "", &k);
        assert_int_equal(k.cma_areas_config, 19);
        assert_int_equal(k.cma_areas, 20);
        kernel_caps_done(&k);

        load(TREES "/6.12-arm64-numa_cma-ignored", "6.12.117+deb13-arm64", &k);
        assert_int_equal(k.cma_areas, 20);
        assert_int_equal(k.per_node, PERNODE_NONE);
        assert_false(k.rules->series);
        kernel_caps_done(&k);

        load(KTREES "/arm64-6.12bpx-n2-none", "6.12.117", &k);
        assert_true(k.rules->series && k.single_array && k.implicit_per_node);
        assert_int_equal(k.numacma_0003, TRI_UNKNOWN);  /* its release says nothing */
        kernel_caps_done(&k);

        load(TREES "/7.2-amd64-implicit", "7.2.13+deb14-amd64", &k);
        assert_true(k.rules->crash_cma && k.rules->default_failure_stops_per_node);
        kernel_caps_done(&k);
}

static void test_bare_oops(void **state) {
        KernelCaps k;
        load(TREES "/7.2-amd64-implicit", "7.2.13+deb14-amd64", &k);
        assert_string_equal(kernel_caps_bare_oops(&k, "numa_cma"), "early_numa_cma()");
        assert_string_equal(kernel_caps_bare_oops(&k, "cma_pernuma"), "early_cma_pernuma()");
        assert_string_equal(kernel_caps_bare_oops(&k, "hugetlb_cma"), "cmdline_parse_hugetlb_cma()");
        assert_null(kernel_caps_bare_oops(&k, "cma"));  /* early_cma() checks for NULL */
        kernel_caps_done(&k);
        /* Debian 6.12 arm64 has no DMA_NUMA_CMA: numa_cma is unknown there. */
        load(TREES "/6.12-arm64-numa_cma-ignored", "6.12.117+deb13-arm64", &k);
        assert_null(kernel_caps_bare_oops(&k, "numa_cma"));
        assert_null(kernel_caps_bare_oops(&k, "cma_pernuma"));
        assert_non_null(kernel_caps_bare_oops(&k, "hugetlb_cma"));
        kernel_caps_done(&k);
        /* 6.1 arm64: cma_pernuma (DMA_PERNUMA_CMA) but no numa_cma yet. */
        load(TREES "/6.1-arm64-cma_pernuma", "6.1.0-50-arm64", &k);
        assert_null(kernel_caps_bare_oops(&k, "numa_cma"));
        assert_string_equal(kernel_caps_bare_oops(&k, "cma_pernuma"), "early_cma_pernuma()");
        kernel_caps_done(&k);
}

static void test_0003_release(void **state) {
        assert_int_equal(kernel_rules_0003_from_release("6.12.118+numacma"), TRI_YES);
        assert_int_equal(kernel_rules_0003_from_release("6.12.118+numacma-upstream"), TRI_NO);
        assert_int_equal(kernel_rules_0003_from_release("6.12.117+deb13-arm64"), TRI_UNKNOWN);
        assert_int_equal(kernel_rules_0003_from_release(NULL), TRI_UNKNOWN);
}

/* ---- the reservations, in each release's order ---- */

/* Which nodes had their memory at early boot (the others: hot-added). */
static BootMemory boot_memory(const Topology *t, const char *boot) {
        _cleanup_nodeset_ NodeSet *b = NULL;
        BootMemory bm = {0};
        assert_int_equal(nodeset_parse(boot, &b), 0);
        bm.nodes = calloc(t->n_nodes + 1, sizeof(NodeBootMemory));
        assert_non_null(bm.nodes);
        for (size_t i = 0; i < t->n_nodes; i++)
                bm.nodes[bm.n_nodes++] = (NodeBootMemory){ .node = t->nodes[i].id, .has_memory = t->nodes[i].has_memory,
                                                          .boot = nodeset_contains(b, t->nodes[i].id), .known = true };
        return bm;
}

static void predict(const KernelCaps *k, const char *line, const Topology *t, const PredictEnv *env, Prediction *p) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        assert_int_equal(cmdline_parse(line, &c), 0);
        assert_int_equal(predict_pools(k, c, t, env, p), 0);
}

/* 7.2 x86: the implicit areas count the nodes online at
 * dma_contiguous_reserve(): a memoryless CPU node and a node whose memory
 * is hot-added come online later (arch/x86/mm/numa.c). */
static void test_implicit_early_online(void **state) {
        KernelCaps k72, k72a;
        Prediction p;
        load(TREES "/7.2-amd64-implicit", "7.2.13+deb14-amd64", &k72);
        load(TREES "/7.2-arm64-implicit", "7.2.13+deb14-arm64", &k72a);

        Topology *cpu_only = make_topology("0-1", "0-1", "0", GIB, NULL);
        predict(&k72, "cma=64M", cpu_only, NULL, &p);
        assert_false(p.implicit);
        assert_int_equal(p.early_online, 1);
        assert_int_equal(prediction_pool(&p, 0), 0);
        prediction_done(&p);

        Topology *cxl = make_topology("0-1", "0-1", "0-1", GIB, NULL);
        BootMemory bm = boot_memory(cxl, "0");
        PredictEnv env = { .boot_memory = &bm, .default_node = -1 };
        predict(&k72, "cma=64M", cxl, &env, &p);
        assert_false(p.implicit);
        assert_int_equal(prediction_pool(&p, 0) + prediction_pool(&p, 1), 0);
        prediction_done(&p);
        /* With two boot nodes the hot-added one is "invalid node 2". */
        Topology *three = make_topology("0-2", "0-2", "0-2", GIB, NULL);
        BootMemory bm3 = boot_memory(three, "0-1");
        env.boot_memory = &bm3;
        predict(&k72, "cma=64M", three, &env, &p);
        assert_true(p.implicit);
        assert_int_equal(prediction_pool(&p, 0), M(64));
        assert_int_equal(prediction_pool(&p, 1), M(64));
        assert_int_equal(prediction_pool(&p, 2), 0);
        assert_true(nodeset_contains(p.limits.not_boot, 2));
        prediction_done(&p);

        /* arm64 onlines every node it parsed: a memoryless node counts for
         * nr_online_nodes, and its own area fails (no slot taken). */
        Topology *memless = make_topology("0-1", "0-1", "0", GIB, NULL);
        predict(&k72a, "", memless, NULL, &p);
        assert_true(p.implicit);
        assert_int_equal(p.early_online, 2);
        assert_int_equal(prediction_pool(&p, 0), M(64));
        assert_true(nodeset_contains(p.limits.not_boot, 1));
        prediction_done(&p);

        boot_memory_done(&bm);
        boot_memory_done(&bm3);
        topology_free(cpu_only);
        topology_free(cxl);
        topology_free(three);
        topology_free(memless);
        kernel_caps_done(&k72);
        kernel_caps_done(&k72a);
}

/* hugetlb_cma= takes its slots first on arm64 up to 6.12 (the patched
 * 6.12 too), last on 7.2. Three slots, two nodes of 2 GiB. */
static void test_hugetlb_order(void **state) {
        KernelCaps series, k72;
        Prediction p;
        load_edited(KTREES "/arm64-6.12bpx-n2-none", "6.12.117", "CONFIG_CMA_AREAS=20\n",
                    "CONFIG_CMA_AREAS=3\n", &series);
        /* The trees' tinyconfig kernels have no hugetlbfs: add it. */
        series.hugetlb_page = true;
        load_edited(TREES "/7.2-arm64-implicit", "7.2.13+deb14-arm64", "CONFIG_CMA_AREAS=20\n", "CONFIG_CMA_AREAS=3\n", &k72);
        assert_int_equal(series.cma_areas, 3);
        Topology *t = make_topology("0-1", "0-1", "0-1", 2 * GIB, NULL);

        predict(&series, "hugetlb_cma=2G", t, NULL, &p);
        assert_int_equal(p.hugetlb_made, 2);
        assert_true(p.default_made);
        assert_int_equal(prediction_pool(&p, 0) + prediction_pool(&p, 1), 0);
        assert_true(nodeset_contains(p.limits.no_slot, 0) && nodeset_contains(p.limits.no_slot, 1));
        prediction_done(&p);
        /* With 0003 and the default area on node 1, only numa0 is asked. */
        series.numacma_0003 = TRI_YES;
        PredictEnv env = { .default_node = 1 };
        predict(&series, "hugetlb_cma=2G", t, &env, &p);
        assert_int_equal(p.skipped_default_node, 1);
        assert_true(nodeset_contains(p.limits.no_slot, 0));
        assert_false(nodeset_contains(p.limits.no_slot, 1));
        prediction_done(&p);
        /* One gigantic page: one hugetlb area (node 0), then the default
         * area and numa0; numa1 finds no slot. */
        predict(&series, "numa_cma=0:32M,1:32M hugetlb_cma=1G", t, &env, &p);
        assert_int_equal(p.hugetlb_made, 1);
        assert_int_equal(prediction_pool(&p, 0), M(32));
        assert_int_equal(prediction_pool(&p, 1), 0);
        assert_true(nodeset_contains(p.limits.no_slot, 1));
        prediction_done(&p);

        /* 7.2: the DMA areas first, hugetlb_cma= gets what is left. */
        predict(&k72, "hugetlb_cma=2G", t, NULL, &p);
        assert_int_equal(prediction_pool(&p, 0), M(64));
        assert_int_equal(prediction_pool(&p, 1), M(64));
        assert_int_equal(p.hugetlb_asked, 2);
        assert_int_equal(p.hugetlb_made, 0);
        prediction_done(&p);

        topology_free(t);
        kernel_caps_done(&series);
        kernel_caps_done(&k72);
}

/* 6.6-7.1: the per-node areas come before the default area, two per node
 * with both parameters: the default area is the one the slots run out on. */
static void test_two_arrays_default_last(void **state) {
        KernelCaps k;
        Prediction p;
        load_edited(TREES "/6.12-arm64-numa_cma-ignored", "6.12.117+deb13-arm64",
                    "# CONFIG_DMA_NUMA_CMA is not set\n", "CONFIG_DMA_NUMA_CMA=y\nCONFIG_CMA_AREAS=4\n", &k);
        Topology *t = make_topology("0-1", "0-1", "0-1", 4 * GIB, NULL);
        predict(&k, "cma_pernuma=16M numa_cma=0:16M,1:16M", t, NULL, &p);
        assert_int_equal(prediction_pool(&p, 0), M(32));
        assert_int_equal(prediction_pool(&p, 1), M(32));
        assert_false(p.default_made);
        assert_int_equal(p.limits.slots.per_node, 3);  /* what a plan may take: the default area keeps its slot */
        prediction_done(&p);
        topology_free(t);
        kernel_caps_done(&k);
}

/* A failed default area: 7.2 returns before dma_numa_cma_reserve(), the
 * patched 6.12 does not. Here the device-tree areas took every slot. */
static void test_default_failure(void **state) {
        KernelCaps k72, series;
        load(TREES "/7.2-arm64-implicit", "7.2.13+deb14-arm64", &k72);
        load(KTREES "/arm64-6.12bpx-n2-none", "6.12.117", &series);
        ReserveNode nodes[] = { { .node = 0, .early_online = true, .boot_memory = true, .numa = M(32) },
                                { .node = 1, .early_online = true, .boot_memory = true, .numa = M(32) } };
        ReserveAsk a = { .default_size = M(64), .default_node = -1, .dt_areas = 20, .nodes = nodes, .n_nodes = 2 };
        ReserveOutcome o;
        assert_int_equal(cma_reserve_simulate(&k72, &a, false, &o), 0);
        assert_int_equal(o.default_fate, FATE_NO_SLOT);
        assert_int_equal(o.nodes[0].numa, FATE_DEFAULT_FAILED);
        reserve_outcome_done(&o);
        assert_int_equal(cma_reserve_simulate(&series, &a, false, &o), 0);
        assert_int_equal(o.default_fate, FATE_NO_SLOT);
        assert_int_equal(o.nodes[0].numa, FATE_NO_SLOT);  /* tried, not stopped */
        reserve_outcome_done(&o);
        a.dt_areas = 1;  /* room: the series makes both */
        assert_int_equal(cma_reserve_simulate(&series, &a, false, &o), 0);
        assert_int_equal(o.nodes[1].numa, FATE_MADE);
        assert_int_equal(o.used, 4);
        reserve_outcome_done(&o);
        kernel_caps_done(&k72);
        kernel_caps_done(&series);
}

/* Patch 0003: no implicit area on the default area's node; explicit ones
 * are made as asked. */
static void test_0003(void **state) {
        KernelCaps k;
        Prediction p;
        load(KTREES "/arm64-6.12bpx-n2-none", "6.12.117", &k);
        k.numacma_0003 = TRI_YES;
        Topology *t = make_topology("0-1", "0-1", "0-1", GIB, NULL);
        PredictEnv env = { .default_node = 1 };
        predict(&k, "", t, &env, &p);
        assert_true(p.implicit);
        assert_int_equal(prediction_pool(&p, 0), M(64));
        assert_int_equal(prediction_pool(&p, 1), 0);
        assert_int_equal(p.skipped_default_node, 1);
        prediction_done(&p);
        predict(&k, "numa_cma=0:32M,1:32M", t, &env, &p);
        assert_int_equal(prediction_pool(&p, 1), M(32));
        prediction_done(&p);
        k.numacma_0003 = TRI_NO;
        predict(&k, "", t, &env, &p);
        assert_int_equal(prediction_pool(&p, 1), M(64));
        prediction_done(&p);
        topology_free(t);
        kernel_caps_done(&k);
}

/* A bare numa_cma / cma_pernuma / hugetlb_cma oopses 6.6-7.2 at early
 * boot: never "absent". */
static void test_bare_in_prediction(void **state) {
        KernelCaps k;
        Prediction p;
        load(TREES "/7.2-amd64-implicit", "7.2.13+deb14-amd64", &k);
        Topology *t = make_topology("0-1", "0-1", "0-1", GIB, NULL);
        predict(&k, "cma=64M numa_cma", t, NULL, &p);
        assert_int_equal(strv_length(p.oops), 1);
        assert_non_null(strstr(p.oops[0], "early_numa_cma()"));
        prediction_done(&p);
        predict(&k, "cma=64M numa_cma= -- cma_pernuma", t, NULL, &p);
        assert_int_equal(strv_length(p.oops), 0);  /* "numa_cma=" has a value; after "--" is init's */
        assert_false(p.implicit);                 /* and switches the implicit areas off */
        prediction_done(&p);

        /* The plan writes nothing onto such a line, and says why. */
        _cleanup_policy_ Policy *pol = NULL;
        _cleanup_cmdline_ Cmdline *admin = NULL;
        _cleanup_plan_ Plan *plan = NULL;
        assert_int_equal(policy_new_default(&pol), 0);
        assert_int_equal(cmdline_parse("cma=64M hugetlb_cma", &admin), 0);
        PlanInput in = { .policy = pol, .topology = t, .targets = &k, .n_targets = 1, .admin = admin };
        assert_int_equal(plan_compute(&in, &plan), 0);
        assert_true(plan->refused);
        assert_null(plan->args);
        assert_non_null(strstr(plan->refusal, "cmdline_parse_hugetlb_cma()"));
        topology_free(t);
        kernel_caps_done(&k);
}

/* What numacma says on the captured trees of the patched 6.12 arm64 kernel
 * (tests/kernel/trees, README.md there), beyond their expected.json. */
static bool has(const ProblemList *l, const char *needle) {
        FOREACH_PROBLEM(p, l)
                if (strstr(p->text, needle))
                        return true;
        return false;
}

static void test_series_trees(void **state) {
        Snapshot *s;
        /* cma=3G fails; the series still makes explicit per-node areas. */
        assert_int_equal(snapshot_new(KTREES "/arm64-6.12bpx-n2-cma3g", NULL, 0, NULL, &s), 0);
        assert_false(has(&s->plan->problems, "cannot help"));
        assert_false(has(&s->status->problems, "returns from dma_contiguous_reserve()"));
        assert_true(has(&s->status->problems, "none of its implicit per-node areas"));
        snapshot_free(s);
        /* hugetlb_cma= took the slots first; 0003 known from the log line. */
        assert_int_equal(snapshot_new(KTREES "/arm64-6.12bpx-n2-hugetlb2g-slots3", NULL, 0, NULL, &s), 0);
        assert_int_equal(s->running.numacma_0003, TRI_YES);
        assert_true(has(&s->status->problems, "then hugetlb_cma= areas, then the default area, then the per-node areas"));
        assert_true(has(&s->status->problems, "node 0: the booted command line asks for pools there, but the kernel's CMA slots ran out first"));
        assert_false(has(&s->status->problems, "node 1"));
        snapshot_free(s);
        /* 0003 known from what the kernel made (no log in this tree). */
        assert_int_equal(snapshot_new(KTREES "/arm64-6.12bpx-n2-none", NULL, 0, NULL, &s), 0);
        assert_int_equal(s->running.numacma_0003, TRI_YES);
        snapshot_free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rows),
                cmocka_unit_test(test_real_configs),
                cmocka_unit_test(test_bare_oops),
                cmocka_unit_test(test_0003_release),
                cmocka_unit_test(test_implicit_early_online),
                cmocka_unit_test(test_hugetlb_order),
                cmocka_unit_test(test_two_arrays_default_last),
                cmocka_unit_test(test_default_failure),
                cmocka_unit_test(test_0003),
                cmocka_unit_test(test_bare_in_prediction),
                cmocka_unit_test(test_series_trees),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
