/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What each kernel release reserves for a command line, node by node.
 * Expectations are read from kernel/dma/contiguous.c of each release:
 *  - 7.2 (dma_numa_cma_reserve(), one array): numa_cma= wins per node over
 *    cma_pernuma=; any numa_cma=/cma_pernuma= (even =0) sets
 *    numa_cma_configured and so switches the implicit areas off; implicit
 *    areas (CMA_SIZE_PERNUMA) only with a default area and >1 online node;
 *  - 6.6-7.1: "pernuma%d" and "numa%d" side by side, both reserved;
 *  - 6.1: cma_pernuma= only, reserved by arm64's bootmem_init() only;
 *  - early_numa_cma(): sscanf("%lu%n") (skips leading spaces), ':' and
 *    node < MAX_NUMNODES or stop, memparse(), ',' or stop; it runs once for
 *    every numa_cma= on the line, so entries accumulate per node;
 *  - early params: '-' equals '_' in the name, nothing after "--";
 *  - cma_declare_contiguous_nid() aligns the size up to the pageblock size
 *    and fails on a node without memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "basic/fileio.h"
#include "plan/predict.h"
#include "basic/util.h"
#include "test-machine.h"

#define TREES SRCDIR "/tests/fixtures/trees"

/* ---- helpers ---- */

/* A machine: every node in possible gets a NumaNode; nodes in memory get
 * mem bytes. Sets in the kernel's list syntax. */
typedef enum {
        K61_AMD64,      /* Debian 6.1 amd64: no CMA */
        K61_ARM64,      /* Debian 6.1 arm64: cma_pernuma */
        K61_X86_PERNUMA,/* 6.1 x86 built with DMA_PERNUMA_CMA: parsed, not reserved */
        K612_ARM64,     /* Debian 6.12 arm64: no DMA_NUMA_CMA */
        K612_NUMA,      /* Debian 6.12 arm64 config with DMA_NUMA_CMA=y: two arrays */
        K72_AMD64,      /* Debian 7.2 amd64: implicit, no default area */
        K72_ARM64,      /* Debian 7.2 arm64: implicit, 64 MiB default, MAX_NUMNODES 16 */
        _K_MAX,
} KernelId;

static KernelCaps kernels[_K_MAX];

static void load_real(KernelId id, const char *tree, const char *release) {
        _cleanup_free_ char *root = strdup_printf(TREES "/%s", tree);
        assert_int_equal(kernel_caps_load(root, release, false, &kernels[id]), 0);
}

static void parse_edited(KernelId id, const char *tree, const char *release, const char *from, const char *to) {
        _cleanup_free_ char *root = strdup_printf(TREES "/%s", tree);
        _cleanup_free_ char *path = strdup_printf("/boot/config-%s", release);
        _cleanup_free_ char *text = NULL;
        assert_int_equal(read_full_file_root(root, path, &text, NULL), 0);
        char *at = strstr(text, from);
        assert_non_null(at);
        _cleanup_free_ char *edited = strdup_printf("%.*s%s%s", (int) (at - text), text, to, at + strlen(from));
        assert_int_equal(kernel_caps_parse_config(edited, release, &kernels[id]), 0);
}

static int setup(void **state) {
        load_real(K61_AMD64, "6.1-amd64-cma_pernuma-ignored", "6.1.0-50-amd64");
        load_real(K61_ARM64, "6.1-arm64-cma_pernuma", "6.1.0-50-arm64");
        parse_edited(K61_X86_PERNUMA, "6.1-amd64-cma_pernuma-ignored", "6.1.0-50-amd64",
                     "# CONFIG_CMA is not set\n",
                     "CONFIG_CMA=y\nCONFIG_DMA_CMA=y\nCONFIG_DMA_PERNUMA_CMA=y\nCONFIG_CMA_SIZE_MBYTES=0\n");
        load_real(K612_ARM64, "6.12-arm64-numa_cma-ignored", "6.12.117+deb13-arm64");
        parse_edited(K612_NUMA, "6.12-arm64-numa_cma-ignored", "6.12.117+deb13-arm64",
                     "# CONFIG_DMA_NUMA_CMA is not set\n", "CONFIG_DMA_NUMA_CMA=y\n");
        load_real(K72_AMD64, "7.2-amd64-implicit", "7.2.13+deb14-amd64");
        load_real(K72_ARM64, "7.2-arm64-implicit", "7.2.13+deb14-arm64");
        /* The edits did what they should. */
        assert_true(kernels[K61_X86_PERNUMA].dma_pernuma_cma);
        assert_false(kernels[K61_X86_PERNUMA].honors_cma_pernuma);
        assert_true(kernels[K612_NUMA].dma_numa_cma);
        assert_false(kernels[K612_NUMA].single_array);
        assert_false(kernels[K612_NUMA].implicit_per_node);
        return 0;
}

static int teardown(void **state) {
        for (size_t i = 0; i < _K_MAX; i++)
                kernel_caps_done(&kernels[i]);
        return 0;
}

typedef enum {
        T2,             /* nodes 0-1, 4 GiB each */
        T2_MEMLESS1,    /* nodes 0-1 online, node 1 without memory */
        T1,             /* one node */
        T3_OFFLINE2,    /* nodes 0-2 possible, 0-1 online */
        T20,            /* nodes 0-19 (more than arm64's MAX_NUMNODES 16) */
        _T_MAX,
} TopoId;

static Topology *make(TopoId id) {
        switch (id) {
        case T2: return make_topology("0-1", "0-1", "0-1", 4 * GIB, NULL);
        case T2_MEMLESS1: return make_topology("0-1", "0-1", "0", 4 * GIB, NULL);
        case T1: return make_topology("0", "0", "0", 4 * GIB, NULL);
        case T3_OFFLINE2: return make_topology("0-2", "0-1", "0-1", 4 * GIB, NULL);
        case T20: return make_topology("0-19", "0-19", "0-19", 4 * GIB, NULL);
        default: abort();
        }
}

#define M(x) ((x) * MIB)

typedef struct {
        KernelId k;
        TopoId t;
        const char *line;
        uint64_t default_area;
        uint64_t pool[4];        /* nodes 0-3 */
        bool implicit, explicit_args;
        const char *ignored;     /* joined with '|', NULL = none */
        const char *note;        /* a substring of the joined notes, NULL = none at all */
} Case;

static const Case cases[] = {
        /* ---- 7.2 arm64: one array, implicit areas ---- */
        { K72_ARM64, T2, "", M(64), { M(64), M(64) }, .implicit = true },
        { K72_ARM64, T2, "console=ttyAMA0 quiet", M(64), { M(64), M(64) }, .implicit = true },
        { K72_ARM64, T2, "cma=128M", M(128), { M(128), M(128) }, .implicit = true },
        { K72_ARM64, T2, "cma=3M", M(4), { M(4), M(4) }, .implicit = true },
        { K72_ARM64, T2, "cma=0", 0, { 0, 0 } },
        /* The last cma= counts. */
        { K72_ARM64, T2, "cma=0 cma=32M", M(32), { M(32), M(32) }, .implicit = true },
        { K72_ARM64, T2, "numa_cma=1:32M", M(64), { 0, M(32) }, .explicit_args = true },
        { K72_ARM64, T2, "cma_pernuma=16M", M(64), { M(16), M(16) }, .explicit_args = true },
        /* numa_cma= wins node by node; no sum on 7.2. */
        { K72_ARM64, T2, "cma_pernuma=16M numa_cma=1:32M", M(64), { M(16), M(32) }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=1:32M cma_pernuma=16M", M(64), { M(16), M(32) }, .explicit_args = true },
        /* Even =0 switches the implicit areas off. */
        { K72_ARM64, T2, "numa_cma=0:0", M(64), { 0, 0 }, .explicit_args = true },
        { K72_ARM64, T2, "cma_pernuma=0", M(64), { 0, 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=", M(64), { 0, 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=garbage", M(64), { 0, 0 }, .explicit_args = true },
        /* numa_cma=N:0 falls back to cma_pernuma= on that node (size ?: pernuma). */
        { K72_ARM64, T2, "cma_pernuma=16M numa_cma=0:0,1:32M", M(64), { M(16), M(32) }, .explicit_args = true },
        /* Parsing stops at the first malformed entry. */
        { K72_ARM64, T2, "numa_cma=0:64M,x:1G,1:32M", M(64), { M(64), 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=0:64M;1:32M", M(64), { M(64), 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=0:64M,1", M(64), { M(64), 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=0,1:32M", M(64), { 0, 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=-1:32M,1:32M", M(64), { 0, 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=0:64M,,1:32M", M(64), { M(64), 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=0:64M,1:32M,", M(64), { M(64), M(32) }, .explicit_args = true },
        /* sscanf("%lu") skips leading white space: a quoted value may hold some. */
        { K72_ARM64, T2, "numa_cma=\"0:64M, 1:32M\"", M(64), { M(64), M(32) }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=\" 1:32M\"", M(64), { 0, M(32) }, .explicit_args = true },
        /* Node numbers at or above MAX_NUMNODES (16 on Debian arm64) stop the parse. */
        { K72_ARM64, T2, "numa_cma=16:64M,0:32M", M(64), { 0, 0 }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=15:64M,0:32M", M(64), { M(32), 0 }, .explicit_args = true },
        /* memparse() syntax for the sizes. */
        { K72_ARM64, T2, "numa_cma=0:0x2000000,1:65536k", M(64), { M(32), M(64) }, .explicit_args = true },
        /* Repeated numa_cma= accumulate per node; a later entry for a node wins. */
        { K72_ARM64, T2, "numa_cma=0:64M numa_cma=1:32M", M(64), { M(64), M(32) }, .explicit_args = true },
        { K72_ARM64, T2, "numa_cma=0:64M,1:8M numa_cma=0:16M", M(64), { M(16), M(8) }, .explicit_args = true },
        /* The last cma_pernuma= wins. */
        { K72_ARM64, T2, "cma_pernuma=64M cma_pernuma=8M", M(64), { M(8), M(8) }, .explicit_args = true },
        { K72_ARM64, T2, "cma_pernuma=64M cma_pernuma=0", M(64), { 0, 0 }, .explicit_args = true },
        /* '-' and '_' are the same in parameter names (parameq()). */
        { K72_ARM64, T2, "numa-cma=1:32M", M(64), { 0, M(32) }, .explicit_args = true },
        { K72_ARM64, T2, "cma-pernuma=16M", M(64), { M(16), M(16) }, .explicit_args = true },
        /* Only whole names: numa_cmax= is another parameter. */
        { K72_ARM64, T2, "numa_cmax=1:32M xnuma_cma=1:32M", M(64), { M(64), M(64) }, .implicit = true },
        /* A bare key has no value: the kernel's handler is not given one. */
        { K72_ARM64, T2, "numa_cma", M(64), { M(64), M(64) }, .implicit = true },
        /* After "--" the arguments are init's. */
        { K72_ARM64, T2, "quiet -- numa_cma=1:32M cma_pernuma=8M", M(64), { M(64), M(64) }, .implicit = true },
        { K72_ARM64, T2, "cma=0 -- cma=64M", 0, { 0, 0 } },
        /* Alignment up to the pageblock size (2 MiB). */
        { K72_ARM64, T2, "numa_cma=0:1M,1:3M", M(64), { M(2), M(4) }, .explicit_args = true },
        { K72_ARM64, T2, "cma_pernuma=1", M(64), { M(2), M(2) }, .explicit_args = true },
        /* A memoryless online node: no area there (the reservation fails).
         * It still counts as online for the implicit areas. */
        { K72_ARM64, T2_MEMLESS1, "", M(64), { M(64), 0 }, .implicit = true },
        { K72_ARM64, T2_MEMLESS1, "numa_cma=1:32M", M(64), { 0, 0 }, .explicit_args = true,
          .note = "node 1 has no memory" },
        { K72_ARM64, T2_MEMLESS1, "cma_pernuma=16M", M(64), { M(16), 0 }, .explicit_args = true,
          .note = "node 1 has no memory" },
        /* An offline node gets nothing (the kernel warns "invalid node"). */
        { K72_ARM64, T3_OFFLINE2, "numa_cma=2:32M,0:8M", M(64), { M(8), 0, 0 }, .explicit_args = true },
        { K72_ARM64, T3_OFFLINE2, "", M(64), { M(64), M(64), 0 }, .implicit = true },
        /* One node: no implicit areas. */
        { K72_ARM64, T1, "", M(64), { 0 } },
        { K72_ARM64, T1, "numa_cma=0:32M", M(64), { M(32) }, .explicit_args = true },
        { K72_ARM64, T20, "numa_cma=3:32M", M(64), { 0, 0, 0, M(32) }, .explicit_args = true },

        /* ---- 7.2 amd64: CMA_SIZE_MBYTES=0, no default area without cma= ---- */
        { K72_AMD64, T2, "", 0, { 0, 0 } },
        { K72_AMD64, T2, "cma=64M", M(64), { M(64), M(64) }, .implicit = true },
        { K72_AMD64, T2, "cma=64M@0-4G", M(64), { M(64), M(64) }, .implicit = true },
        { K72_AMD64, T2, "numa_cma=1:32M", 0, { 0, M(32) }, .explicit_args = true },
        /* MAX_NUMNODES is 1024 there: node 16 is a valid number (offline here). */
        { K72_AMD64, T2, "numa_cma=16:64M,0:32M", 0, { M(32), 0 }, .explicit_args = true },
        { K72_AMD64, T2, "numa_cma=1024:64M,0:32M", 0, { 0, 0 }, .explicit_args = true },
        /* The node number wraps like simple_strntoull(): 2^64 + 1 is node 1. */
        { K72_AMD64, T2, "numa_cma=18446744073709551617:32M", 0, { 0, M(32) }, .explicit_args = true },

        /* ---- 6.6-7.1 (6.12 with DMA_NUMA_CMA): two arrays, both reserved ---- */
        { K612_NUMA, T2, "", M(64), { 0, 0 } },
        { K612_NUMA, T2, "cma_pernuma=16M numa_cma=1:32M", M(64), { M(16), M(48) }, .explicit_args = true },
        { K612_NUMA, T2, "numa_cma=1:32M", M(64), { 0, M(32) }, .explicit_args = true },
        { K612_NUMA, T2, "cma_pernuma=16M", M(64), { M(16), M(16) }, .explicit_args = true },
        /* Each area is aligned on its own: 4 MiB + 4 MiB. */
        { K612_NUMA, T2, "cma_pernuma=3M numa_cma=1:3M", M(64), { M(4), M(8) }, .explicit_args = true },
        { K612_NUMA, T2, "numa_cma=0:64M,x:1G,1:32M", M(64), { M(64), 0 }, .explicit_args = true },

        /* ---- Debian 6.12 arm64: no per-node areas; both parameters unknown ---- */
        { K612_ARM64, T2, "", M(64), { 0, 0 } },
        { K612_ARM64, T2, "numa_cma=1:32M", M(64), { 0, 0 }, .ignored = "numa_cma=1:32M" },
        { K612_ARM64, T2, "cma_pernuma=16M numa-cma=0:8M", M(64), { 0, 0 },
          .ignored = "cma_pernuma=16M|numa-cma=0:8M" },

        /* ---- 6.1 arm64: cma_pernuma= only ---- */
        { K61_ARM64, T2, "", M(64), { 0, 0 } },
        { K61_ARM64, T2, "cma_pernuma=16M", M(64), { M(16), M(16) }, .explicit_args = true },
        { K61_ARM64, T2, "numa_cma=1:32M", M(64), { 0, 0 }, .ignored = "numa_cma=1:32M" },
        { K61_ARM64, T2, "cma_pernuma=16M numa_cma=1:32M", M(64), { M(16), M(16) }, .explicit_args = true,
          .ignored = "numa_cma=1:32M" },
        { K61_ARM64, T2, "cma=0 cma_pernuma=16M", 0, { M(16), M(16) }, .explicit_args = true },

        /* ---- 6.1 amd64 (Debian): no CMA, everything unknown ---- */
        { K61_AMD64, T2, "cma_pernuma=16M", 0, { 0, 0 }, .ignored = "cma_pernuma=16M" },
        { K61_AMD64, T2, "cma=64M", 0, { 0, 0 } },

        /* ---- 6.1 x86 built with DMA_PERNUMA_CMA: parsed, never reserved ---- */
        { K61_X86_PERNUMA, T2, "cma_pernuma=16M", 0, { 0, 0 }, .explicit_args = true,
          .note = "parses cma_pernuma= but does not reserve it" },
        { K61_X86_PERNUMA, T2, "numa_cma=1:16M", 0, { 0, 0 }, .ignored = "numa_cma=1:16M" },
};

static bool check_case(size_t i, const Case *c) {
        _cleanup_cmdline_ Cmdline *line = NULL;
        Topology *t = make(c->t);
        Prediction p;

        assert_int_equal(cmdline_parse(c->line, &line), 0);
        assert_int_equal(predict_pools(&kernels[c->k], line, t, NULL, &p), 0);

        _cleanup_free_ char *ign = strv_join(p.ignored, "|");
        _cleanup_free_ char *notes = strv_join(p.notes, "\n");
        bool ok = p.default_area == c->default_area && p.implicit == c->implicit &&
                  p.explicit_args == c->explicit_args &&
                  streq_ptr(p.ignored ? ign : NULL, c->ignored) &&
                  (c->note ? notes && strstr(notes, c->note) : !p.notes);
        for (int n = 0; n < 4; n++)
                ok = ok && prediction_pool(&p, n) == c->pool[n];
        if (!ok)
                print_error("case %zu, kernel %s, '%s': default %" PRIu64 " MiB (want %" PRIu64 "), pools "
                         "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 " MiB (want %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 "), "
                         "implicit %d (%d), explicit %d (%d), ignored '%s' (%s), notes '%s' (%s)\n",
                         i, kernels[c->k].release, c->line, p.default_area / MIB, c->default_area / MIB,
                         prediction_pool(&p, 0) / MIB, prediction_pool(&p, 1) / MIB,
                         prediction_pool(&p, 2) / MIB, prediction_pool(&p, 3) / MIB,
                         c->pool[0] / MIB, c->pool[1] / MIB, c->pool[2] / MIB, c->pool[3] / MIB,
                         p.implicit, c->implicit, p.explicit_args, c->explicit_args,
                         strna(ign), strna(c->ignored), strna(notes), strna(c->note));
        prediction_done(&p);
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

/* pool[] covers every possible node, and nothing beyond. */
static void test_pool_array(void **state) {
        _cleanup_cmdline_ Cmdline *line = NULL;
        Topology *t = make(T3_OFFLINE2);
        Prediction p;
        assert_int_equal(cmdline_parse("numa_cma=0:8M,1:8M,2:8M,5:8M", &line), 0);
        assert_int_equal(predict_pools(&kernels[K72_AMD64], line, t, NULL, &p), 0);
        assert_int_equal(p.n_nodes, 3);
        assert_int_equal(prediction_pool(&p, -1), 0);
        assert_int_equal(prediction_pool(&p, 5), 0);
        assert_int_equal(prediction_pool(&p, 1), M(8));
        prediction_done(&p);
        assert_null(p.pool);
        topology_free(t);
}

/* A 64 KiB-page kernel aligns every area to 512 MiB. */
static void test_64k_alignment(void **state) {
        KernelCaps k;
        assert_int_equal(kernel_caps_parse_config(
                "CONFIG_ARM64=y\nCONFIG_ARM64_64K_PAGES=y\nCONFIG_ARCH_FORCE_MAX_ORDER=13\n"
                "CONFIG_PAGE_BLOCK_MAX_ORDER=13\nCONFIG_NUMA=y\nCONFIG_NODES_SHIFT=4\nCONFIG_HUGETLB_PAGE=y\n"
                "CONFIG_CMA=y\nCONFIG_DMA_CMA=y\nCONFIG_CMA_SIZE_MBYTES=16\nCONFIG_CMA_SIZE_SEL_MBYTES=y\n"
                "CONFIG_DMA_NUMA_CMA=y\nCONFIG_CMA_SIZE_PERNUMA=y\n", "7.2.13+deb14-arm64", &k), 0);
        Topology *t = make_topology("0-1", "0-1", "0-1", 64 * GIB, NULL);
        static const struct {
                const char *line;
                uint64_t d, p0, p1;
        } c[] = {
                { "", M(512), M(512), M(512) },
                { "numa_cma=0:64M,1:600M", M(512), M(512), M(1024) },
                { "cma=0 cma_pernuma=1M", 0, M(512), M(512) },
        };
        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                _cleanup_cmdline_ Cmdline *line = NULL;
                Prediction p;
                assert_int_equal(cmdline_parse(c[i].line, &line), 0);
                assert_int_equal(predict_pools(&k, line, t, NULL, &p), 0);
                assert_int_equal(p.default_area, c[i].d);
                assert_int_equal(prediction_pool(&p, 0), c[i].p0);
                assert_int_equal(prediction_pool(&p, 1), c[i].p1);
                prediction_done(&p);
        }
        topology_free(t);
        kernel_caps_done(&k);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_pool_array),
                cmocka_unit_test(test_64k_alignment),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
