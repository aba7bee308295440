/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CMA areas the running kernel made: /proc/zoneinfo of every captured
 * tree, malformed zoneinfo, and /sys/kernel/mm/cma trees built here.
 *
 * The CMA pages per node of the real files are hard-coded; they were read
 * with an independent scan, not with numacma:
 *   awk '/^Node/ { n = $2 + 0 } $1 == "cma" { c[n] += $2 } $1 == "nr_free_cma" { f[n] += $2 }
 *        END { for (k in c) print k, c[k], f[k] }' proc/zoneinfo
 * and checked against the kernel logs (capture.txt / kernel.log): e.g.
 * 7.2-arm64-implicit has numa0 + numa1 + the default area on node 1, 64 MiB
 * each: 16384 pages on node 0, 32768 on node 1. They depend only on what
 * the kernel reserved. Free CMA pages change from boot to boot (a
 * re-captured tree has other figures), so those are computed here by
 * scan_fields(), the same independent field scan as the awk line, and the
 * CMA pages must match that scan too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "kernel/cma_state.h"
#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "test-tree.h"

#define TREES SRCDIR "/tests/fixtures/trees"

typedef struct {
        const char *tree;
        size_t n;
        ZoneCma nodes[2];         /* free_cma_pages: as first captured, not checked */
} RealZoneinfo;

static const RealZoneinfo real[] = {
        { "6.1-amd64-cma_pernuma-ignored", 2, { { 0, 0, 0 }, { 1, 0, 0 } } },
        { "6.1-arm64-cma_pernuma", 2, { { 0, 4096, 4096 }, { 1, 20480, 20288 } } },
        { "6.12-amd64-no-cma-config", 2, { { 0, 0, 0 }, { 1, 0, 0 } } },
        { "6.12-arm64-numa_cma-ignored", 2, { { 0, 0, 0 }, { 1, 16384, 16192 } } },
        { "7.2-amd64-accel-remote", 2, { { 0, 0, 0 }, { 1, 32768, 32704 } } },
        { "7.2-amd64-failed-reservation", 2, { { 0, 0, 0 }, { 1, 0, 0 } } },
        { "7.2-amd64-implicit", 2, { { 0, 16384, 15872 }, { 1, 32768, 32704 } } },
        { "7.2-amd64-no-cma", 2, { { 0, 0, 0 }, { 1, 0, 0 } } },
        { "7.2-amd64-numa_cma-accel", 2, { { 0, 16384, 16384 }, { 1, 65536, 65472 } } },
        { "7.2-amd64-single-node", 1, { { 0, 16384, 16352 } } },
        { "7.2-arm64-implicit", 2, { { 0, 16384, 15872 }, { 1, 32768, 32704 } } },
        { "7.2-arm64-numa_cma-accel", 2, { { 0, 0, 0 }, { 1, 49152, 49088 } } },
};

/* awk-like: fields split on white space; "Node N," sets the node; a first
 * field "cma" or "nr_free_cma" adds the second field's number. */
static void scan_fields(const char *text, uint64_t cma[2], uint64_t free_cma[2]) {
        _cleanup_free_ char *copy = strdup(text);
        char *save = NULL;
        int node = -1;
        assert_non_null(copy);
        cma[0] = cma[1] = free_cma[0] = free_cma[1] = 0;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *f1, *f2, *s2 = NULL;
                f1 = strtok_r(line, " \t", &s2);
                f2 = f1 ? strtok_r(NULL, " \t", &s2) : NULL;
                if (!f1 || !f2)
                        continue;
                if (streq(f1, "Node"))
                        node = atoi(f2);
                else if (node >= 0 && node < 2 && streq(f1, "cma"))
                        cma[node] += strtoull(f2, NULL, 10);
                else if (node >= 0 && node < 2 && streq(f1, "nr_free_cma"))
                        free_cma[node] += strtoull(f2, NULL, 10);
        }
}

static void test_real_zoneinfo(void **state) {
        size_t seen = 0;
        for (size_t i = 0; i < ELEMENTSOF(real); i++) {
                _cleanup_free_ char *root = strdup_printf(TREES "/%s", real[i].tree);
                _cleanup_free_ char *text = NULL;
                _cleanup_free_ ZoneCma *z = NULL;
                size_t n = 0;
                bool has_cma = false;
                assert_int_equal(read_full_file_root(root, "/proc/zoneinfo", &text, NULL), 0);
                assert_int_equal(zoneinfo_parse(text, &z, &n, &has_cma), 0);
                /* Every kernel prints the "cma" line, 0 without CONFIG_CMA
                 * (zone_cma_pages()): the 6.1/6.12 amd64 trees have it too. */
                assert_true(has_cma);
                if (n != real[i].n)
                        fail_msg("%s: %zu nodes, expected %zu", real[i].tree, n, real[i].n);
                uint64_t cma[2], free_cma[2];
                scan_fields(text, cma, free_cma);
                for (size_t j = 0; j < n; j++)
                        if (z[j].node != real[i].nodes[j].node || z[j].cma_pages != real[i].nodes[j].cma_pages ||
                            z[j].cma_pages != cma[j] || z[j].free_cma_pages != free_cma[j])
                                fail_msg("%s: node %d cma %" PRIu64 " free %" PRIu64 ", expected node %d cma %" PRIu64
                                         " (scan %" PRIu64 ") free %" PRIu64, real[i].tree, z[j].node, z[j].cma_pages,
                                         z[j].free_cma_pages, real[i].nodes[j].node, real[i].nodes[j].cma_pages,
                                         cma[j], free_cma[j]);
                /* ret_has_cma may be NULL. */
                _cleanup_free_ ZoneCma *z2 = NULL;
                assert_int_equal(zoneinfo_parse(text, &z2, &n, NULL), 0);
                assert_int_equal(n, real[i].n);
                seen++;
        }
        /* Every tree with a zoneinfo is in the table (a new one is checked
         * by the fuzz corpus and the fixture tests until it is added). */
        _cleanup_strv_free_ char **trees = NULL;
        assert_int_equal(list_dir_root(TREES, "/", NULL, &trees), 0);
        size_t with_zoneinfo = 0;
        for (char **t = trees; *t; t++) {
                _cleanup_free_ char *p = strdup_printf("/%s/proc/zoneinfo", *t);
                with_zoneinfo += exists_root(TREES, p);
        }
        assert_true(with_zoneinfo >= seen);
}

/* cma_state_load() on the captured trees agrees with /proc/meminfo. */
static void test_real_meminfo(void **state) {
        static const struct {
                const char *tree;
                bool meminfo;
                uint64_t total_kb;
                bool sysfs;
        } c[] = {
                { "7.2-arm64-implicit", true, 196608, true },
                { "6.1-arm64-cma_pernuma", true, 98304, false },
                /* No CONFIG_CMA: meminfo has no Cma* lines. */
                { "6.12-amd64-no-cma-config", false, 0, false },
        };
        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                _cleanup_free_ char *root = strdup_printf(TREES "/%s", c[i].tree);
                CmaState s;
                assert_int_equal(cma_state_load(root, NULL, &s), 0);
                assert_true(s.has_zoneinfo);
                assert_int_equal(s.has_meminfo, c[i].meminfo);
                assert_int_equal(s.cma_total_kb, c[i].total_kb);
                /* CmaFree changes from boot to boot: only its bound. */
                assert_true(s.cma_free_kb <= s.cma_total_kb);
                assert_true(!c[i].meminfo || s.cma_free_kb > 0);
                assert_int_equal(s.has_sysfs, c[i].sysfs);
                uint64_t pages = 0;
                for (size_t j = 0; j < s.n_nodes; j++)
                        pages += s.nodes[j].cma_pages;
                assert_int_equal(pages * 4, c[i].total_kb);
                cma_state_done(&s);
        }
}

typedef struct {
        const char *name, *text;
        int r;
        size_t n;
        ZoneCma nodes[3];
        bool has_cma;
} Synthetic;

static const Synthetic synthetic[] = {
        { "empty", "", 0, 0, .has_cma = false },
        { "garbage", "hello\nworld\n\n\t\n", 0, 0 },
        { "binary-ish", "\x01\x02\xff\xfe cma 5\n", 0, 0 },
        { "cma before any zone", "        cma      7\nNode 0, zone DMA\n", 0, 1, { { 0, 0, 0 } } },
        { "one zone, no newline at the end", "Node 0, zone DMA\n        cma      7", 0, 1, { { 0, 7, 0 } }, true },
        { "missing value", "Node 0, zone DMA\n        cma\n      nr_free_cma\n", 0, 1, { { 0, 0, 0 } } },
        { "value not a number", "Node 0, zone DMA\n        cma      abc\n      nr_free_cma  -\n", 0, 1, { { 0, 0, 0 } } },
        { "other names that start with cma",
          "Node 0, zone DMA\n        cmax     7\n        cma_foo  8\n      nr_free_cmaz 9\n", 0, 1, { { 0, 0, 0 } } },
        { "tabs", "Node 0, zone DMA\n\tcma\t5\n\tnr_free_cma\t3\n", 0, 1, { { 0, 5, 3 } }, true },
        { "zones summed, nodes sorted",
          "Node 2, zone Normal\n        cma      10\n      nr_free_cma  4\n"
          "Node 0, zone DMA\n        cma      5\n"
          "Node 2, zone Movable\n        cma      7\n      nr_free_cma  1\n"
          "Node 1, zone DMA\n        cma      0\n",
          0, 3, { { 0, 5, 0 }, { 1, 0, 0 }, { 2, 17, 5 } }, true },
        { "largest node accepted", "Node 65535, zone DMA\n cma 1\n", 0, 1, { { 65535, 1, 0 } }, true },
        { "huge node number", "Node 65536, zone DMA\n cma 1\n", -EBADMSG, 0 },
        { "huge node number later", "Node 0, zone DMA\n cma 1\nNode 1000000, zone DMA\n cma 1\n", -EBADMSG, 0 },
        { "negative node number", "Node -1, zone DMA\n cma 1\n", -EBADMSG, 0 },
        { "int overflow node number", "Node 99999999999999999999, zone DMA\n cma 1\n", -EBADMSG, 0 },
        { "not a zone header", "Node 0 zone DMA\n cma 1\nNodeX 1, zone DMA\n cma 2\n", 0, 0 },
        { "per-CPU pagesets end what counts in a zone",
          "Node 0, zone DMA\n        cma      7\n  pagesets\n    cpu: 0\n        cma      5\n"
          "Node 1, zone DMA\n        cma      1\n", 0, 2, { { 0, 7, 0 }, { 1, 1, 0 } }, true },
        { "64-bit counts", "Node 0, zone DMA\n cma 4294967296\n nr_free_cma 4294967297\n", 0, 1,
          { { 0, UINT64_C(4294967296), UINT64_C(4294967297) } }, true },
};

static void test_synthetic(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(synthetic); i++) {
                const Synthetic *e = &synthetic[i];
                ZoneCma *z = (ZoneCma *) (uintptr_t) 1;
                size_t n = 12345;
                bool has_cma = !e->has_cma;
                int r = zoneinfo_parse(e->text, &z, &n, &has_cma);
                if (r != e->r)
                        fail_msg("%s: %d, expected %d", e->name, r, e->r);
                if (r < 0) {
                        /* Nothing handed out on failure. */
                        assert_true(z == (ZoneCma *) (uintptr_t) 1);
                        assert_int_equal(n, 12345);
                        continue;
                }
                if (n != e->n || has_cma != e->has_cma)
                        fail_msg("%s: %zu nodes has_cma %d, expected %zu %d", e->name, n, has_cma, e->n, e->has_cma);
                for (size_t j = 0; j < n; j++)
                        if (z[j].node != e->nodes[j].node || z[j].cma_pages != e->nodes[j].cma_pages ||
                            z[j].free_cma_pages != e->nodes[j].free_cma_pages)
                                fail_msg("%s: [%zu] node %d cma %" PRIu64 " free %" PRIu64, e->name, j,
                                         z[j].node, z[j].cma_pages, z[j].free_cma_pages);
                free(z);
        }
}

/* ---- sysfs trees ---- */

#define ZONEINFO "Node 0, zone DMA\n        cma      32768\n      nr_free_cma  32000\n" \
                 "Node 1, zone Normal\n        cma      16384\n      nr_free_cma  16384\n"
#define MEMINFO "MemTotal:        4000000 kB\nMemFree:         3000000 kB\nCmaTotal:         196608 kB\nCmaFree:          193536 kB\n"

static void test_sysfs_with_sizes(void **state) {
        char *root = make_root();
        put(root, "/proc/zoneinfo", ZONEINFO);
        put(root, "/proc/meminfo", MEMINFO);
        static const char *const areas[] = { "reserved", "numa0", "pernuma1", "hugetlb0" };
        for (size_t i = 0; i < ELEMENTSOF(areas); i++) {
                _cleanup_free_ char *t = strdup_printf("/sys/kernel/mm/cma/%s/total_pages", areas[i]);
                _cleanup_free_ char *a = strdup_printf("/sys/kernel/mm/cma/%s/available_pages", areas[i]);
                _cleanup_free_ char *tv = strdup_printf("%zu\n", 16384 * (i + 1));
                _cleanup_free_ char *av = strdup_printf("%zu\n", 16384 * (i + 1) - 10);
                put(root, t, tv);
                put(root, a, av);
                _cleanup_free_ char *s = strdup_printf("/sys/kernel/mm/cma/%s/alloc_pages_success", areas[i]);
                put(root, s, "0\n");
        }

        CmaState s;
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        assert_true(s.has_zoneinfo);
        assert_true(s.zoneinfo_has_cma);
        assert_int_equal(s.n_nodes, 2);
        assert_int_equal(cma_state_zone(&s, 0)->cma_pages, 32768);
        assert_int_equal(cma_state_zone(&s, 1)->free_cma_pages, 16384);
        assert_null(cma_state_zone(&s, 2));
        assert_true(s.has_meminfo);
        assert_int_equal(s.cma_total_kb, 196608);
        assert_int_equal(s.cma_free_kb, 193536);
        assert_true(s.has_sysfs);
        assert_int_equal(s.n_areas, 4);

        /* Sorted by kind, then node: reserved, numa0, pernuma1, hugetlb0. */
        static const struct {
                const char *name;
                CmaAreaKind kind;
                int node;
                uint64_t total;
        } want[] = {
                { "reserved", AREA_DEFAULT, -1, 1 * 16384 },
                { "numa0", AREA_NUMA, 0, 2 * 16384 },
                { "pernuma1", AREA_PERNUMA, 1, 3 * 16384 },
                { "hugetlb0", AREA_OTHER, -1, 4 * 16384 },
        };
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                const CmaArea *a = &s.areas[i];
                assert_string_equal(a->name, want[i].name);
                assert_int_equal(a->kind, want[i].kind);
                assert_int_equal(a->node, want[i].node);
                assert_true(a->has_total);
                assert_int_equal(a->total_pages, want[i].total);
                assert_true(a->has_available);
                assert_int_equal(a->available_pages, want[i].total - 10);
        }
        assert_ptr_equal(cma_state_area(&s, AREA_DEFAULT, -1), &s.areas[0]);
        assert_ptr_equal(cma_state_area(&s, AREA_DEFAULT, 5), &s.areas[0]);
        assert_ptr_equal(cma_state_area(&s, AREA_NUMA, 0), &s.areas[1]);
        assert_null(cma_state_area(&s, AREA_NUMA, 1));
        assert_ptr_equal(cma_state_area(&s, AREA_PERNUMA, 1), &s.areas[2]);
        assert_null(cma_state_area(&s, AREA_PERNUMA, 0));
        cma_state_done(&s);
        assert_int_equal(s.n_areas, 0);
        assert_null(s.areas);
        rm_root(root);
}

/* Before 6.15 the area directories have no total_pages/available_pages. */
static void test_sysfs_without_sizes(void **state) {
        char *root = make_root();
        put(root, "/proc/zoneinfo", ZONEINFO);
        static const char *const areas[] = { "reserved", "numa0", "pernuma1", "hugetlb0",
                                             "numa", "numax", "pernuma-1", "numa12", "linux,cma" };
        for (size_t i = 0; i < ELEMENTSOF(areas); i++) {
                _cleanup_free_ char *p = strdup_printf("/sys/kernel/mm/cma/%s/alloc_pages_success", areas[i]);
                put(root, p, "3\n");
        }
        /* Sizes that are not numbers count as absent. */
        put(root, "/sys/kernel/mm/cma/numa12/total_pages", "lots\n");

        CmaState s;
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        assert_false(s.has_meminfo);
        assert_true(s.has_sysfs);
        assert_int_equal(s.n_areas, ELEMENTSOF(areas));
        for (size_t i = 0; i < s.n_areas; i++) {
                assert_false(s.areas[i].has_total);
                assert_false(s.areas[i].has_available);
        }
        static const struct {
                const char *name;
                CmaAreaKind kind;
                int node;
        } want[] = {
                { "numa", AREA_OTHER, -1 },
                { "numa12", AREA_NUMA, 12 },
                { "numax", AREA_OTHER, -1 },
                { "pernuma-1", AREA_OTHER, -1 },
                { "hugetlb0", AREA_OTHER, -1 },
                { "linux,cma", AREA_OTHER, -1 },
                { "reserved", AREA_DEFAULT, -1 },
                { "pernuma1", AREA_PERNUMA, 1 },
                { "numa0", AREA_NUMA, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                const CmaArea *a = NULL;
                for (size_t j = 0; j < s.n_areas; j++)
                        if (streq(s.areas[j].name, want[i].name))
                                a = &s.areas[j];
                if (!a)
                        fail_msg("area %s missing", want[i].name);
                if (a->kind != want[i].kind || a->node != want[i].node)
                        fail_msg("area %s: kind %d node %d, expected %d %d", want[i].name, a->kind, a->node,
                                 want[i].kind, want[i].node);
        }
        cma_state_done(&s);
        rm_root(root);
}

/* sys/kernel/mm/cma exists but is empty: sysfs on, no areas. No sysfs at
 * all, no zoneinfo: nothing known, no error. */
static void test_sysfs_empty_and_missing(void **state) {
        char *root = make_root();
        mkdir_in(root, "/sys/kernel/mm/cma");
        CmaState s;
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        assert_true(s.has_sysfs);
        assert_int_equal(s.n_areas, 0);
        assert_false(s.has_zoneinfo);
        assert_false(s.zoneinfo_has_cma);
        assert_int_equal(s.n_nodes, 0);
        cma_state_done(&s);
        rm_root(root);

        root = make_root();
        put(root, "/proc/zoneinfo", "Node 0, zone DMA\n        cma      0\n");
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        assert_false(s.has_sysfs);
        assert_true(s.has_zoneinfo);
        assert_true(s.zoneinfo_has_cma);
        assert_int_equal(s.n_nodes, 1);
        cma_state_done(&s);
        rm_root(root);
}

/* ---- sizes from zoneinfo ----
 *
 * Where zoneinfo gives a per-node area's size, total_pages is not read
 * (one is, to confirm): on every captured kernel with total_pages, what
 * comes out must equal the file, read here independently. */
static void test_real_totals(void **state) {
        static const char *const dirs[] = { TREES, SRCDIR "/tests/kernel/trees" };
        size_t checked = 0;
        for (size_t d = 0; d < ELEMENTSOF(dirs); d++) {
                _cleanup_strv_free_ char **names = NULL;
                assert_int_equal(list_dir_root(NULL, dirs[d], NULL, &names), 0);
                for (char **n = names; *n; n++) {
                        _cleanup_free_ char *root = strdup_printf("%s/%s", dirs[d], *n);
                        _cleanup_free_ char *proc = strdup_printf("%s/proc", root);
                        CmaState s;
                        if (access(proc, F_OK) < 0)
                                continue;  /* README.md */
                        assert_int_equal(cma_state_load(root, NULL, &s), 0);
                        for (size_t i = 0; i < s.n_areas; i++) {
                                _cleanup_free_ char *p = strdup_printf("%s/sys/kernel/mm/cma/%s/total_pages", root,
                                                                       s.areas[i].name);
                                FILE *f = fopen(p, "re");
                                uint64_t v = 0;
                                bool has = f && fscanf(f, "%" SCNu64, &v) == 1;
                                if (f)
                                        fclose(f);
                                if (s.areas[i].has_total != has || (has && s.areas[i].total_pages != v))
                                        fail_msg("%s %s: has_total %d total %" PRIu64 ", file %d %" PRIu64, *n,
                                                 s.areas[i].name, s.areas[i].has_total, s.areas[i].total_pages, has, v);
                                checked += has;
                        }
                        cma_state_done(&s);
                }
        }
        assert_true(checked >= 10);
}

/* 7.2's implicit areas on 4 nodes, the default area on node 2. */
#define ZONEINFO_4 "Node 0, zone Normal\n        cma      16384\n" \
                   "Node 1, zone Normal\n        cma      16384\n" \
                   "Node 2, zone DMA32\n        cma      16384\n" \
                   "Node 2, zone Normal\n        cma      16384\n" \
                   "Node 3, zone Normal\n        cma      16384\n"

static void put_area(const char *root, const char *name, const char *total, const char *available) {
        _cleanup_free_ char *t = strdup_printf("/sys/kernel/mm/cma/%s/total_pages", name);
        _cleanup_free_ char *a = strdup_printf("/sys/kernel/mm/cma/%s/available_pages", name);
        if (total)
                put(root, t, total);
        put(root, a, available);
}

static char *implicit_tree(void) {
        char *root = make_root();
        put(root, "/proc/zoneinfo", ZONEINFO_4);
        put_area(root, "reserved", "16384\n", "16000\n");
        for (int n = 0; n < 4; n++) {
                _cleanup_free_ char *name = strdup_printf("numa%d", n);
                _cleanup_free_ char *avail = strdup_printf("%d\n", 16300 + n);
                put_area(root, name, "16384\n", avail);
        }
        return root;
}

static void assert_totals(const CmaState *s, uint64_t def, const uint64_t numa[4]) {
        const CmaArea *r = cma_state_area(s, AREA_DEFAULT, -1);
        assert_non_null(r);
        assert_true(r->has_total);
        assert_int_equal(r->total_pages, def);
        for (int n = 0; n < 4; n++) {
                const CmaArea *a = cma_state_area(s, AREA_NUMA, n);
                assert_non_null(a);
                assert_true(a->has_total);
                assert_int_equal(a->total_pages, numa[n]);
                assert_true(a->has_available);
                assert_int_equal(a->available_pages, 16300 + n);
        }
}

static void test_totals_from_zoneinfo(void **state) {
        /* numa0, numa1 and numa3's total_pages are directories: not files
         * one can read. The sizes come from zoneinfo all the same; numa2's
         * (the default area's node) is read. */
        char *root = implicit_tree();
        for (int n = 0; n < 4; n += n == 1 ? 2 : 1) {
                _cleanup_free_ char *t = strdup_printf("%s/sys/kernel/mm/cma/numa%d/total_pages", root, n);
                assert_int_equal(unlink(t), 0);
                assert_int_equal(mkdir(t, 0755), 0);
        }
        CmaState s;
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        assert_totals(&s, 16384, (const uint64_t[4]){ 16384, 16384, 16384, 16384 });
        cma_state_done(&s);
        rm_root(root);
}

/* When zoneinfo and the one total read disagree, every total is read. */
static void test_totals_disagree(void **state) {
        char *root = implicit_tree();
        put(root, "/sys/kernel/mm/cma/numa2/total_pages", "8192\n");
        put(root, "/sys/kernel/mm/cma/numa0/total_pages", "4096\n");
        CmaState s;
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        assert_totals(&s, 16384, (const uint64_t[4]){ 4096, 16384, 8192, 16384 });
        cma_state_done(&s);
        rm_root(root);
}

/* Zoneinfo cannot tell: CMA on a node without an area of its own beyond
 * the default area's size, two nodes above the default area's size, an
 * area of another kind. Every total is read. */
static void test_totals_ambiguous(void **state) {
        static const struct {
                const char *zoneinfo, *extra;
        } t[] = {
                { "Node 0, zone Normal\n cma 16384\nNode 1, zone Normal\n cma 16384\nNode 2, zone Normal\n cma 32768\n"
                  "Node 3, zone Normal\n cma 16384\nNode 4, zone Normal\n cma 8\n", NULL },
                { "Node 0, zone Normal\n cma 32768\nNode 1, zone Normal\n cma 16384\nNode 2, zone Normal\n cma 32768\n"
                  "Node 3, zone Normal\n cma 16384\n", NULL },
                { ZONEINFO_4, "hugetlb0" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                char *root = implicit_tree();
                put(root, "/proc/zoneinfo", t[i].zoneinfo);
                /* The file says 1000 where zoneinfo would say 16384: only a read gives 1000. */
                put(root, "/sys/kernel/mm/cma/numa1/total_pages", "1000\n");
                if (t[i].extra)
                        put_area(root, t[i].extra, "0\n", "0\n");
                CmaState s;
                assert_int_equal(cma_state_load(root, NULL, &s), 0);
                assert_totals(&s, 16384, (const uint64_t[4]){ 16384, 1000, 16384, 16384 });
                cma_state_done(&s);
                rm_root(root);
        }
}

/* A kernel without total_pages (before 6.15): nothing is made up. */
static void test_totals_not_in_kernel(void **state) {
        char *root = make_root();
        put(root, "/proc/zoneinfo", ZONEINFO_4);
        put_area(root, "reserved", NULL, "16000\n");
        put_area(root, "numa0", NULL, "16000\n");
        put_area(root, "numa2", NULL, "16000\n");
        CmaState s;
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        assert_int_equal(s.n_areas, 3);
        for (size_t i = 0; i < s.n_areas; i++)
                assert_false(s.areas[i].has_total);
        cma_state_done(&s);

        /* No default area: the one read of a per-node area's total decides. */
        _cleanup_free_ char *r = strdup_printf("%s/sys/kernel/mm/cma/reserved/available_pages", root);
        _cleanup_free_ char *rd = strdup_printf("%s/sys/kernel/mm/cma/reserved", root);
        assert_int_equal(unlink(r), 0);
        assert_int_equal(rmdir(rd), 0);
        put(root, "/proc/zoneinfo", "Node 0, zone Normal\n cma 16384\nNode 2, zone Normal\n cma 8192\n");
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        for (size_t i = 0; i < s.n_areas; i++)
                assert_false(s.areas[i].has_total);
        cma_state_done(&s);
        put(root, "/sys/kernel/mm/cma/numa0/total_pages", "16384\n");
        assert_int_equal(cma_state_load(root, NULL, &s), 0);
        assert_int_equal(cma_state_area(&s, AREA_NUMA, 0)->total_pages, 16384);
        assert_true(cma_state_area(&s, AREA_NUMA, 2)->has_total);
        assert_int_equal(cma_state_area(&s, AREA_NUMA, 2)->total_pages, 8192);
        cma_state_done(&s);
        rm_root(root);
}

/* A zoneinfo the parser rejects fails the load. */
static void test_bad_zoneinfo(void **state) {
        char *root = make_root();
        put(root, "/proc/zoneinfo", "Node 70000, zone DMA\n        cma      1\n");
        CmaState s;
        assert_int_equal(cma_state_load(root, NULL, &s), -EBADMSG);
        rm_root(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_real_zoneinfo),
                cmocka_unit_test(test_real_meminfo),
                cmocka_unit_test(test_synthetic),
                cmocka_unit_test(test_sysfs_with_sizes),
                cmocka_unit_test(test_sysfs_without_sizes),
                cmocka_unit_test(test_sysfs_empty_and_missing),
                cmocka_unit_test(test_bad_zoneinfo),
                cmocka_unit_test(test_real_totals),
                cmocka_unit_test(test_totals_from_zoneinfo),
                cmocka_unit_test(test_totals_disagree),
                cmocka_unit_test(test_totals_ambiguous),
                cmocka_unit_test(test_totals_not_in_kernel),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
