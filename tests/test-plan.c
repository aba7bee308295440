/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From (policy, machine, target kernels, the administrator's line) to pools
 * and arguments. The policy starts from policy_new_default() (equal to the
 * shipped conf/numacma.conf: nodes = all, size = default, per_accelerator
 * = 128M, max_node_share = 10%, only_with_default_area = yes, unsupported
 * = report, respect_admin_args = yes); each case changes what it tests.
 * Kernels are the real Debian configs of the captured trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "plan/plan.h"
#include "basic/util.h"
#include "test-machine.h"

#define TREES SRCDIR "/tests/fixtures/trees"
#define M(x) ((x) * MIB)

/* ---- helpers ---- */

typedef enum {
        K61_ARM64, K612_ARM64, K72_AMD64, K72_ARM64, _K_MAX,
} KernelId;

static const struct {
        const char *tree, *release;
} kernel_trees[_K_MAX] = {
        [K61_ARM64] = { "6.1-arm64-cma_pernuma", "6.1.0-50-arm64" },
        [K612_ARM64] = { "6.12-arm64-numa_cma-ignored", "6.12.117+deb13-arm64" },
        [K72_AMD64] = { "7.2-amd64-implicit", "7.2.13+deb14-amd64" },
        [K72_ARM64] = { "7.2-arm64-implicit", "7.2.13+deb14-arm64" },
};
static KernelCaps kernels[_K_MAX];

static int setup(void **state) {
        for (size_t i = 0; i < _K_MAX; i++) {
                _cleanup_free_ char *root = strdup_printf(TREES "/%s", kernel_trees[i].tree);
                assert_int_equal(kernel_caps_load(root, kernel_trees[i].release, false, &kernels[i]), 0);
        }
        return 0;
}

static int teardown(void **state) {
        for (size_t i = 0; i < _K_MAX; i++)
                kernel_caps_done(&kernels[i]);
        return 0;
}

static void add_override(Policy *p, NodeOverride o) {
        NodeOverride *n = realloc(p->overrides, (p->n_overrides + 1) * sizeof(NodeOverride));
        assert_non_null(n);
        p->overrides = n;
        p->overrides[p->n_overrides++] = o;
}

/* ---- policy changes, one per case ---- */

static void pol_disable_cma(Policy *p) { p->unsupported = UNSUPPORTED_DISABLE_CMA; }
static void pol_accelerators(Policy *p) { p->nodes_mode = NODES_ACCELERATORS; }
static void pol_list_0_2(Policy *p) {
        p->nodes_mode = NODES_LIST;
        assert_int_equal(nodeset_parse("0,2", &p->nodes_list), 0);
}
static void pol_node1_off(Policy *p) { add_override(p, (NodeOverride){ .node = 1, .has_enabled = true, .enabled = false }); }
static void pol_node1_256m(Policy *p) {
        add_override(p, (NodeOverride){ .node = 1, .has_size = true, .size = { .kind = SIZE_BYTES, .bytes = M(256) } });
}
static void pol_node1_acc_1g(Policy *p) {
        add_override(p, (NodeOverride){ .node = 1, .has_per_accelerator = true, .per_accelerator = GIB });
}
static void pol_share_2(Policy *p) { p->size = (SizeSpec){ .kind = SIZE_SHARE, .share = 20000 }; }
static void pol_min_100m(Policy *p) { p->min_size = M(100); }
static void pol_max_32m(Policy *p) { p->max_size = M(32); }
static void pol_size_128m(Policy *p) { p->size = (SizeSpec){ .kind = SIZE_BYTES, .bytes = M(128) }; }
static void pol_acc_1g(Policy *p) { p->per_accelerator = GIB; }
static void pol_no_respect(Policy *p) { p->respect_admin_args = false; }
static void pol_any_area(Policy *p) { p->only_with_default_area = false; }
static void pol_none(Policy *p) { p->nodes_mode = NODES_NONE; }
static void pol_trace(Policy *p) { p->trace_at_boot = true; }

typedef struct {
        const char *name;
        KernelId k[3];            /* targets; the list ends at the first _K_MAX (0 entries = none) */
        size_t n_k;
        const char *online, *memory;
        uint64_t mem;
        int accel[4];             /* END terminated */
        void (*policy)(Policy *p);
        const char *admin;
        const char *args;         /* joined with ' ' */
        const char *param;        /* NULL = none */
        bool implicit, refused, admin_conflict;
        const char *problem;      /* substring of the problems; NULL = no problem at all */
        const char *problem2;     /* a second one */
        uint64_t size[3];         /* PlanNode sizes of nodes 0-2 */
} Case;

#define NOACC { END }

static const Case cases[] = {
        { "7.2 arm64, 2 nodes, default policy: the implicit areas suffice",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, NULL, "",
          "", NULL, .implicit = true, .size = { M(64), M(64) } },
        { "7.2 arm64, an accelerator on node 1",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "",
          "numa_cma=0:64M,1:192M", "numa_cma", .size = { M(64), M(192) } },
        { "7.2 arm64, two accelerators on node 0",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 0, 0, END }, NULL, "quiet",
          "numa_cma=0:320M,1:64M", "numa_cma", .size = { M(320), M(64) } },
        { "7.2 arm64, an accelerator without a node counts nowhere",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { -1, END }, NULL, "",
          "", NULL, .implicit = true, .size = { M(64), M(64) } },
        { "6.1 arm64, equal pools: cma_pernuma=",
          { K61_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, NULL, "",
          "cma_pernuma=64M", "cma_pernuma", .size = { M(64), M(64) } },
        { "6.1 arm64, size = 128M: cma_pernuma=",
          { K61_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, pol_size_128m, "",
          "cma_pernuma=128M", "cma_pernuma", .size = { M(128), M(128) } },
        { "6.1 arm64, unequal pools: refused",
          { K61_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "",
          "", NULL, .refused = true,
          .problem = "kernel 6.1.0-50-arm64 only honors cma_pernuma= (one size on every node) and cannot make these pools",
          .size = { M(64), M(192) } },
        { "6.12 arm64: unsupported, reported",
          { K612_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "",
          "", NULL,
          .problem = "kernel 6.12.117+deb13-arm64 cannot make per-node CMA pools; the 64 MiB default area serves every device" },
        { "6.12 arm64, unsupported = disable-cma: cma=0",
          { K612_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_disable_cma, "",
          "cma=0", "cma",
          .problem = "kernel 6.12.117+deb13-arm64 cannot make per-node CMA pools" },
        { "6.12 arm64, disable-cma, the administrator's cma= stays",
          { K612_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_disable_cma, "cma=32M",
          "", NULL,
          .problem = "unsupported = disable-cma would write cma=0, but the administrator's cma=32M is kept",
          .problem2 = "the 32 MiB default area serves every device" },
        { "7.2 arm64, the administrator's numa_cma= is respected",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "quiet numa_cma=1:32M",
          "", NULL, .admin_conflict = true,
          .problem = "'numa_cma=1:32M' on the kernel command line was not written by numacma and is kept",
          .size = { 0, M(32) } },
        { "7.2 arm64, the administrator's cma-pernuma= (dash) is respected",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, NULL, "cma-pernuma=16M",
          "", NULL, .admin_conflict = true,
          .problem = "'cma-pernuma=16M' on the kernel command line", .size = { M(16), M(16) } },
        { "7.2 arm64, the administrator's numa_cma= after -- is init's, not the kernel's",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "quiet -- numa_cma=1:32M",
          "numa_cma=0:64M,1:192M", "numa_cma", .size = { M(64), M(192) } },
        { "7.2 arm64, respect_admin_args = no",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_no_respect, "numa_cma=1:32M",
          "numa_cma=0:64M,1:192M", "numa_cma", .size = { M(64), M(192) } },
        { "7.2 arm64, nodes = accelerators",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_accelerators, "",
          "numa_cma=1:192M", "numa_cma", .size = { 0, M(192) } },
        { "7.2 arm64, nodes = accelerators, none there",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, pol_accelerators, "",
          "", NULL },
        { "7.2 arm64, nodes = none",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_none, "",
          "", NULL },
        { "7.2 arm64, nodes = 0,2 with node 2 memoryless",
          { K72_ARM64 }, 1, "0-2", "0-1", 4 * GIB, NOACC, pol_list_0_2, "",
          "numa_cma=0:64M", "numa_cma",
          .problem = "node 2 has no memory: no pool can be made there", .size = { M(64), 0, 0 } },
        { "7.2 arm64, nodes = all with a memoryless node: implicit still fits",
          { K72_ARM64 }, 1, "0-2", "0-1", 4 * GIB, NOACC, NULL, "",
          "", NULL, .implicit = true, .size = { M(64), M(64), 0 } },
        { "7.2 arm64, [node.1] enabled = no",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_node1_off, "",
          "numa_cma=0:64M", "numa_cma", .size = { M(64), 0 } },
        { "7.2 arm64, [node.1] size = 256M",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, pol_node1_256m, "",
          "numa_cma=0:64M,1:256M", "numa_cma", .size = { M(64), M(256) } },
        /* 2% of 4 GiB = 85899345 bytes, aligned up to 2 MiB: 82 MiB. */
        { "7.2 arm64, size = 2%",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, pol_share_2, "",
          "cma_pernuma=82M", "cma_pernuma", .size = { M(82), M(82) } },
        { "7.2 arm64, min_size = 100M",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, pol_min_100m, "",
          "cma_pernuma=100M", "cma_pernuma", .size = { M(100), M(100) } },
        { "7.2 arm64, max_size = 32M (the accelerator's node too)",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_max_32m, "",
          "cma_pernuma=32M", "cma_pernuma", .size = { M(32), M(32) } },
        /* 10% of 4 GiB = 429496729 bytes: 408 MiB after aligning down. */
        { "7.2 arm64, max_node_share caps a 1 GiB-per-accelerator pool",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_acc_1g, "",
          "numa_cma=0:64M,1:408M", "numa_cma",
          .problem = "node 1: a 1088 MiB pool would take more than max_node_share = 10% of the node's memory; it is capped at 408 MiB",
          .size = { M(64), M(408) } },
        { "7.2 arm64, [node.1] per_accelerator = 1G",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 0, 1, END }, pol_node1_acc_1g, "",
          "numa_cma=0:192M,1:408M", "numa_cma",
          .problem = "node 1: a 1088 MiB pool", .size = { M(192), M(408) } },
        { "7.2 amd64 without cma=: no default area, nothing to do",
          { K72_AMD64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "",
          "", NULL, .size = { 0, 0 } },
        { "7.2 amd64 with cma=64M: implicit",
          { K72_AMD64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, NULL, "cma=64M",
          "", NULL, .implicit = true, .size = { M(64), M(64) } },
        { "7.2 amd64 with cma=64M and an accelerator",
          { K72_AMD64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "cma=64M",
          "numa_cma=0:64M,1:192M", "numa_cma", .size = { M(64), M(192) } },
        { "7.2 amd64 without cma=, only_with_default_area = no",
          { K72_AMD64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_any_area, "",
          "numa_cma=1:128M", "numa_cma", .size = { 0, M(128) } },
        { "one node: nothing to do",
          { K72_ARM64 }, 1, "0", "0", 4 * GIB, { 0, END }, NULL, "",
          "", NULL, .size = { 0 } },
        { "mixed 6.12 arm64 + 7.2 arm64: arguments for 7.2, 6.12 ignores them",
          { K612_ARM64, K72_ARM64 }, 2, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "",
          "numa_cma=0:64M,1:192M", "numa_cma",
          .problem = "kernel 6.12.117+deb13-arm64 cannot make per-node CMA pools: booted, it ignores 'numa_cma=0:64M,1:192M'",
          .size = { M(64), M(192) } },
        { "mixed 7.2 arm64 + 6.12 arm64, equal pools: implicit, no problem",
          { K72_ARM64, K612_ARM64 }, 2, "0-1", "0-1", 4 * GIB, NOACC, NULL, "",
          "", NULL, .implicit = true, .size = { M(64), M(64) } },
        { "mixed 6.1 arm64 + 7.2 arm64, equal pools: cma_pernuma= (6.1 has no implicit areas)",
          { K61_ARM64, K72_ARM64 }, 2, "0-1", "0-1", 4 * GIB, NOACC, NULL, "",
          "cma_pernuma=64M", "cma_pernuma", .size = { M(64), M(64) } },
        { "mixed 6.1 arm64 + 7.2 arm64, unequal pools: refused",
          { K61_ARM64, K72_ARM64 }, 2, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "",
          "", NULL, .refused = true, .problem = "kernel 6.1.0-50-arm64 only honors cma_pernuma=",
          .size = { M(64), M(192) } },
        { "7.2 arm64, trace_at_boot = yes: trace_event= with the pools' argument",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, { 1, END }, pol_trace, "quiet",
          "numa_cma=0:64M,1:192M trace_event=dma:dma_alloc,dma:dma_free,cma:cma_alloc_finish,cma:cma_release", "numa_cma",
          .size = { M(64), M(192) } },
        { "7.2 arm64, trace_at_boot = yes with implicit pools: trace_event= alone",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, pol_trace, "",
          "trace_event=dma:dma_alloc,dma:dma_free,cma:cma_alloc_finish,cma:cma_release", NULL, .implicit = true,
          .size = { M(64), M(64) } },
        { "7.2 arm64, trace_at_boot = yes, the administrator's trace_event= is kept, none added",
          { K72_ARM64 }, 1, "0-1", "0-1", 4 * GIB, NOACC, pol_trace, "trace_event=sched:sched_switch",
          "", NULL, .implicit = true,
          .problem = "the command line has 'trace_event=sched:sched_switch', which numacma did not write: the kernel keeps only one trace_event=",
          .size = { M(64), M(64) } },
        { "no target kernel known",
          { 0 }, 0, "0-1", "0-1", 4 * GIB, { 1, END }, NULL, "",
          "", NULL },
};

static bool check_case(size_t idx, const Case *c) {
        _cleanup_policy_ Policy *pol = NULL;
        _cleanup_cmdline_ Cmdline *admin = NULL;
        _cleanup_plan_ Plan *p = NULL;
        KernelCaps targets[3];
        bool ok = true;

        assert_int_equal(policy_new_default(&pol), 0);
        if (c->policy)
                c->policy(pol);
        Topology *t = make_topology(c->online, c->online, c->memory, c->mem, c->accel);
        assert_int_equal(cmdline_parse(c->admin, &admin), 0);
        for (size_t i = 0; i < c->n_k; i++)
                targets[i] = kernels[c->k[i]];
        PlanInput in = { .policy = pol, .topology = t, .targets = targets, .n_targets = c->n_k, .admin = admin };
        assert_int_equal(plan_compute(&in, &p), 0);

        _cleanup_free_ char *args = plan_args_string(p);
        _cleanup_free_ char *problems = problems_join(&p->problems, "\n");
        _cleanup_free_ char *explain = strv_join(p->explain, "\n");
        assert_non_null(args);
        ok = ok && streq(args, c->args) && streq_ptr(p->param, c->param);
        ok = ok && p->implicit == c->implicit && p->refused == c->refused && p->admin_conflict == c->admin_conflict;
        if (c->problem)
                ok = ok && problems && strstr(problems, c->problem) && (!c->problem2 || strstr(problems, c->problem2));
        else
                ok = ok && !p->problems.n;
        /* Sizes of the online nodes. */
        assert_int_equal(p->n_nodes, t->n_nodes);
        for (size_t i = 0; i < p->n_nodes && i < 3; i++) {
                const PlanNode *pn = plan_node(p, (int) i);
                assert_non_null(pn);
                assert_int_equal(pn->node, (int) i);
                ok = ok && pn->size == c->size[i];
        }
        if (!ok)
                print_error("case %zu: %s\n  args '%s' (want '%s'), param %s (%s), implicit %d (%d), refused %d (%d), "
                            "admin_conflict %d (%d)\n  sizes %" PRIu64 "/%" PRIu64 "/%" PRIu64 " MiB (want %" PRIu64
                            "/%" PRIu64 "/%" PRIu64 ")\n  problems:\n%s\n  want: %s%s%s\n  explain:\n%s\n",
                            idx, c->name, args, c->args, strna(p->param), strna(c->param), p->implicit, c->implicit,
                            p->refused, c->refused, p->admin_conflict, c->admin_conflict,
                            p->n_nodes > 0 ? p->nodes[0].size / MIB : 0, p->n_nodes > 1 ? p->nodes[1].size / MIB : 0,
                            p->n_nodes > 2 ? p->nodes[2].size / MIB : 0,
                            c->size[0] / MIB, c->size[1] / MIB, c->size[2] / MIB,
                            strna(problems), strna(c->problem), c->problem2 ? " + " : "", strempty(c->problem2),
                            strna(explain));
        topology_free(t);
        return ok;
}

static void test_table(void **state) {
        size_t failed = 0;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                failed += !check_case(i, &cases[i]);
        if (failed)
                fail_msg("%zu of %zu cases failed", failed, ELEMENTSOF(cases));
}

/* COMMAND_LINE_SIZE is 2048 with the NUL: 2047 bytes fit, 2048 do not. */
static void test_command_line_size(void **state) {
        static const int accel[] = { 1, END };
        const char *want = "numa_cma=0:64M,1:192M";
        for (size_t len = 2046; len <= 2049; len++) {
                _cleanup_policy_ Policy *pol = NULL;
                _cleanup_cmdline_ Cmdline *admin = NULL;
                _cleanup_plan_ Plan *p = NULL;
                /* The admin's line: "x=aaa..." such that line + ' ' + args = len. */
                size_t admin_len = len - 1 - strlen(want);
                _cleanup_free_ char *line = malloc(admin_len + 1);
                assert_non_null(line);
                memset(line, 'a', admin_len);
                memcpy(line, "x=", 2);
                line[admin_len] = 0;

                assert_int_equal(policy_new_default(&pol), 0);
                Topology *t = make_topology("0-1", "0-1", "0-1", 4 * GIB, accel);
                assert_int_equal(cmdline_parse(line, &admin), 0);
                PlanInput in = { .policy = pol, .topology = t, .targets = &kernels[K72_ARM64], .n_targets = 1, .admin = admin };
                assert_int_equal(plan_compute(&in, &p), 0);
                _cleanup_free_ char *args = plan_args_string(p);
                if (len <= 2047) {
                        assert_string_equal(args, want);
                        assert_false(p->refused);
                        assert_int_equal(p->problems.n, 0);
                } else {
                        _cleanup_free_ char *expect = strdup_printf(
                                "the kernel command line would be %zu bytes with '%s', over the kernel's limit of 2047: nothing is written",
                                len, want);
                        assert_string_equal(args, "");
                        assert_null(p->param);
                        assert_true(p->refused);
                        assert_int_equal(p->problems.n, 1);
                        assert_int_equal(p->problems.items[0].code, PROBLEM_CMDLINE_TOO_LONG);
                        assert_string_equal(p->problems.items[0].text, expect);
                }
                topology_free(t);
        }
}

/* The explanation names every node and the reason for its size. */
static void test_explain(void **state) {
        static const int accel[] = { 1, END };
        _cleanup_policy_ Policy *pol = NULL;
        _cleanup_cmdline_ Cmdline *admin = NULL;
        _cleanup_plan_ Plan *p = NULL;
        assert_int_equal(policy_new_default(&pol), 0);
        Topology *t = make_topology("0-1", "0-1", "0-1", 4 * GIB, accel);
        assert_int_equal(cmdline_parse("", &admin), 0);
        PlanInput in = { .policy = pol, .topology = t, .targets = &kernels[K72_ARM64], .n_targets = 1, .admin = admin };
        assert_int_equal(plan_compute(&in, &p), 0);
        assert_string_equal(plan_node(p, 0)->why, "node 0: 64 MiB (the default area's size) = 64 MiB");
        assert_string_equal(plan_node(p, 1)->why,
                            "node 1: 64 MiB (the default area's size) + 1 accelerator x 128 MiB = 192 MiB");
        assert_int_equal(plan_node(p, 1)->n_accelerators, 1);
        assert_true(plan_node(p, 1)->wanted);
        assert_int_equal(plan_node(p, 1)->memory, 4 * GIB);
        assert_null(plan_node(p, 2));
        assert_int_equal(p->default_area, M(64));
        assert_true(strv_contains(p->explain, "node 1: 64 MiB (the default area's size) + 1 accelerator x 128 MiB = 192 MiB"));
        topology_free(t);
}

/* Pools are sized for the devices they would serve: an accelerator whose
 * driver set a 32-bit coherent mask (GFP_DMA32 skips the per-node areas)
 * adds nothing to its node's pool and, under nodes = accelerators, earns
 * it none; the explanation says why. On arm64 whose DMA zone spans all
 * memory no pool is planned at all. */
static void test_pool_users(void **state) {
        static const int accel[] = { 1, END };
        _cleanup_policy_ Policy *pol = NULL;
        _cleanup_cmdline_ Cmdline *admin = NULL;
        assert_int_equal(policy_new_default(&pol), 0);
        pol->nodes_mode = NODES_ACCELERATORS;
        Topology *t = make_topology("0-1", "0-1", "0-1", 4 * GIB, accel);
        assert_int_equal(cmdline_parse("", &admin), 0);
        DmaDevice dev = { .address = t->devices[0].address, .class_code = 0x120000, .node = 1,
                          .driver = (char *) "xdna", .accelerator = true, .mask_bits = 32 };
        DmaDevices dma = { .devices = &dev, .n_devices = 1 };
        DmaZones z = { .known = true, .arm64 = true, .page_size = 4096, .zone_dma_limit = 0xffffffff };
        PlanInput in = { .policy = pol, .topology = t, .targets = &kernels[K72_ARM64], .n_targets = 1,
                         .admin = admin, .dma = &dma, .zones = &z };
        Plan *p = NULL;
        assert_int_equal(plan_compute(&in, &p), 0);
        assert_int_equal(plan_node(p, 1)->n_accelerators, 0);
        assert_int_equal(plan_node(p, 1)->size, 0);
        _cleanup_free_ char *args = plan_args_string(p);
        assert_string_equal(args, "");
        _cleanup_free_ char *explain = strv_join(p->explain, "\n");
        assert_non_null(strstr(explain, "device 0000:81:00.0 (xdna) on node 1, 32-bit coherent mask: no pool counts it"));
        plan_free(p);

        /* The same device with a 64-bit mask: a pool of 64 + 128 MiB. */
        dev.mask_bits = 64;
        assert_int_equal(plan_compute(&in, &p), 0);
        assert_int_equal(plan_node(p, 1)->n_accelerators, 1);
        assert_int_equal(plan_node(p, 1)->size, M(192));
        plan_free(p);

        /* No RAM below 4 GiB, the DMA zone over all of it: no pool, said. */
        z.dma_zone_covers_memory = true;
        pol->nodes_mode = NODES_ALL;
        assert_int_equal(plan_compute(&in, &p), 0);
        assert_null(p->args);
        assert_true(problems_contain_code(&p->problems, PROBLEM_POOLS_UNUSABLE));
        assert_non_null(strstr(p->problems.items[0].text, "every coherent DMA request on this machine carries GFP_DMA"));
        plan_free(p);
        topology_free(t);
}

/* topology_classify() counts accelerators per node once; the counts equal
 * a scan over the devices, for every node, before and after. */
static void test_accelerator_counts(void **state) {
        static const int accel[] = { 1, 1, 3, -1, 0, END };
        _cleanup_policy_ Policy *pol = NULL;
        assert_int_equal(policy_new_default(&pol), 0);
        Topology *t = make_topology("0-3", "0-3", "0-3", 4 * GIB, accel);
        /* Not classified yet: every device is marked by hand. */
        static const size_t want[] = { 1, 2, 0, 1 };
        for (int n = 0; n < 4; n++)
                assert_int_equal(topology_accelerators_on(t, n), want[n]);
        assert_int_equal(topology_accelerators_on(t, -1), 1);
        /* Class 0x120000 is in the default pci_classes: the same counts. */
        t->devices[2].class_code = 0x020000;  /* the one on node 3: a NIC now */
        topology_classify(t, pol);
        assert_non_null(t->accel_count);
        static const size_t want2[] = { 1, 2, 0, 0 };
        for (int n = 0; n < 4; n++)
                assert_int_equal(topology_accelerators_on(t, n), want2[n]);
        assert_int_equal(topology_accelerators_on(t, 7), 0);
        assert_int_equal(topology_accelerators_on(t, 4096), 0);
        assert_int_equal(topology_accelerators_on(t, -1), 1);
        topology_free(t);
}

/* Sizes next to 2^64 saturate instead of wrapping to a tiny pool: the
 * policy of issue 11 (size = 2^64 - 1, per_accelerator = 1) and its
 * neighbours all end at max_size, capped by max_node_share. */
static void test_size_overflow(void **state) {
        static const int accel[] = { 1, 1, END };
        static const struct {
                const char *policy;
                uint64_t node0, node1;
        } t[] = {
                { "[pools]\nsize = 18446744073709551615\nper_accelerator = 1\n", M(408), M(408) },
                { "[pools]\nsize = 18446744073709551614\nper_accelerator = 1\n", M(408), M(408) },
                { "[pools]\nsize = 64M\nper_accelerator = 9223372036854775808\n", M(64), M(408) },
                { "[pools]\nsize = 64M\nper_accelerator = 16777215T\n", M(64), M(408) },
                { "[pools]\nsize = 8589934592G\nper_accelerator = 8589934592G\nmax_size = 18446744073709551615\n"
                  "max_node_share = 100%\n", 4 * GIB, 4 * GIB },
                { "[pools]\nsize = 100%\nper_accelerator = 18446744073709551615\nmax_size = 18446744073709551615\n"
                  "max_node_share = 100%\n", 4 * GIB, 4 * GIB },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_policy_ Policy *pol = NULL;
                _cleanup_cmdline_ Cmdline *admin = NULL;
                _cleanup_plan_ Plan *p = NULL;
                PolicyErrors errs = {0};
                assert_int_equal(policy_new_default(&pol), 0);
                assert_int_equal(policy_parse_string(pol, "/etc/numacma.conf", t[i].policy, &errs), 0);
                Topology *topo = make_topology("0-1", "0-1", "0-1", 4 * GIB, accel);
                assert_int_equal(cmdline_parse("", &admin), 0);
                PlanInput in = { .policy = pol, .topology = topo, .targets = &kernels[K72_ARM64], .n_targets = 1,
                                 .admin = admin };
                assert_int_equal(plan_compute(&in, &p), 0);
                uint64_t s0 = plan_node(p, 0)->size, s1 = plan_node(p, 1)->size;
                if (s0 != t[i].node0 || s1 != t[i].node1)
                        fail_msg("case %zu: node sizes %" PRIu64 "/%" PRIu64 " bytes, want %" PRIu64 "/%" PRIu64
                                 "\n%s\n%s", i, s0, s1, t[i].node0, t[i].node1, plan_node(p, 0)->why,
                                 plan_node(p, 1)->why);
                /* Every size is a multiple of the kernel's alignment. */
                assert_int_equal(s0 % kernels[K72_ARM64].cma_align, 0);
                assert_int_equal(s1 % kernels[K72_ARM64].cma_align, 0);
                topology_free(topo);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_command_line_size),
                cmocka_unit_test(test_explain),
                cmocka_unit_test(test_accelerator_counts),
                cmocka_unit_test(test_pool_users),
                cmocka_unit_test(test_size_overflow),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
