/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Node memory from /proc/zoneinfo (src/kernel/memory.c, src/machine/topology.c).
 *
 * node_read_meminfo() (drivers/base/node.c) prints MemTotal as the sum of
 * zone_managed_pages() over the node's zones (si_meminfo_node()), and
 * zoneinfo_show_print() (mm/vmstat.c) prints the same counter per zone as
 * "managed": summed per node they are the node's MemTotal, in pages.
 * /proc/meminfo's MemTotal is totalram_pages(), moved together with the
 * zones' counters, so MemTotal over the sum is the page size.
 *
 * On every captured tree the sum equals node<N>/meminfo's MemTotal to the
 * kB (read here independently with sscanf); then trees made here: 64 KiB
 * pages, memory that moved between the two reads, a node zoneinfo does not
 * list, missing files, and a PCI device in a VMD domain (10000:). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "test-tree.h"
#include "kernel/memory.h"
#include "machine/topology.h"

static const char *const tree_dirs[] = { SRCDIR "/tests/fixtures/trees", SRCDIR "/tests/kernel/trees" };

/* "Node 0 MemTotal:       1013732 kB", independently of the code under test. */
static uint64_t node_meminfo_kb(const char *root, int node) {
        _cleanup_free_ char *p = strdup_printf("%s/sys/devices/system/node/node%d/meminfo", root, node);
        FILE *f = fopen(p, "re");
        char line[256];
        uint64_t kb = UINT64_MAX;
        int n;
        assert_non_null(f);
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "Node %d MemTotal: %" SCNu64 " kB", &n, &kb) == 2)
                        break;
        fclose(f);
        assert_int_not_equal(kb, UINT64_MAX);
        return kb;
}

static void check_tree(const char *root) {
        KernelMemory m;
        _cleanup_topology_ Topology *t = NULL;
        assert_int_equal(kernel_memory_load(root, &m), 0);
        assert_true(m.has_zoneinfo);
        assert_int_equal(m.page_size, 4096);  /* every captured kernel has 4 KiB pages */
        assert_int_equal(topology_load(root, NULL, &t), 0);
        assert_true(t->n_nodes >= 1);
        for (size_t i = 0; i < t->n_nodes; i++) {
                int id = t->nodes[i].id;
                uint64_t want = node_meminfo_kb(root, id) * KIB, got = 0;
                assert_true(kernel_memory_node_total(&m, id, &got));
                if (got != want || t->nodes[i].mem_total != want)
                        fail_msg("%s node %d: zoneinfo %" PRIu64 ", topology %" PRIu64 ", meminfo %" PRIu64,
                                 root, id, got, t->nodes[i].mem_total, want);
        }
        kernel_memory_done(&m);
}

static void test_captured_trees(void **state) {
        size_t checked = 0;
        for (size_t d = 0; d < ELEMENTSOF(tree_dirs); d++) {
                _cleanup_strv_free_ char **names = NULL;
                assert_int_equal(list_dir_root(NULL, tree_dirs[d], NULL, &names), 0);
                for (char **n = names; *n; n++) {
                        _cleanup_free_ char *root = strdup_printf("%s/%s", tree_dirs[d], *n);
                        _cleanup_free_ char *zi = strdup_printf("%s/proc/zoneinfo", root);
                        if (access(zi, F_OK) < 0)
                                continue;  /* README.md */
                        check_tree(root);
                        checked++;
                }
        }
        assert_true(checked >= 20);  /* the captured trees, and the ones derived from them */
}

/* ---- trees made here ---- */

/* Two nodes; node 1's zones as a 1024-node kernel prints them. */
#define ZONEINFO_2 "Node 0, zone      DMA\n  pages free     3\n        managed  1000\n        cma      0\n" \
                   "Node 0, zone   Normal\n        managed  3000\n        cma      512\n" \
                   "Node 1, zone   Normal\n  per-node stats\n      nr_free_cma  7\n        managed  2000\n"

static void put_nodes(const char *root, const char *mem0, const char *mem1) {
        put(root, "/sys/devices/system/node/online", "0-1\n");
        put(root, "/sys/devices/system/node/possible", "0-1\n");
        put(root, "/sys/devices/system/node/has_memory", "0-1\n");
        put(root, "/sys/devices/system/node/node0/meminfo", mem0);
        put(root, "/sys/devices/system/node/node1/meminfo", mem1);
}

static uint64_t node_mem(const char *root, int id) {
        _cleanup_topology_ Topology *t = NULL;
        assert_int_equal(topology_load(root, NULL, &t), 0);
        const NumaNode *n = topology_node(t, id);
        assert_non_null(n);
        return n->mem_total;
}

/* The node meminfo files say something else here: a value that comes from
 * them shows that zoneinfo was not used. */
#define MEMINFO_0 "Node 0 MemTotal:       111 kB\n"
#define MEMINFO_1 "Node 1 MemTotal:       222 kB\n"

static void test_page_sizes(void **state) {
        static const struct {
                const char *meminfo;
                uint64_t page_size;
        } t[] = {
                { "MemTotal:        24000 kB\n", 4096 },
                { "MemTotal:        96000 kB\n", 16384 },
                { "MemTotal:       384000 kB\n", 65536 },
                /* A balloon took 100 pages between the two reads. */
                { "MemTotal:        23600 kB\n", 4096 },
                /* No power of two near 3 KiB: do not guess. */
                { "MemTotal:        18000 kB\n", 0 },
                { "MemTotal:            0 kB\n", 0 },
                { "MemFree:         24000 kB\n", 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                char *root = make_root();
                put(root, "/proc/zoneinfo", ZONEINFO_2);
                put(root, "/proc/meminfo", t[i].meminfo);
                put_nodes(root, MEMINFO_0, MEMINFO_1);
                KernelMemory m;
                assert_int_equal(kernel_memory_load(root, &m), 0);
                if (m.page_size != t[i].page_size)
                        fail_msg("'%s': page size %" PRIu64 ", expected %" PRIu64, t[i].meminfo, m.page_size,
                                 t[i].page_size);
                assert_int_equal(m.n_nodes, 2);
                assert_int_equal(m.nodes[0].managed_pages, 4000);
                assert_int_equal(m.nodes[1].managed_pages, 2000);
                assert_int_equal(m.nodes[0].cma_pages, 512);
                assert_int_equal(m.nodes[1].free_cma_pages, 7);
                if (t[i].page_size) {
                        assert_int_equal(node_mem(root, 0), 4000 * t[i].page_size);
                        assert_int_equal(node_mem(root, 1), 2000 * t[i].page_size);
                } else {
                        assert_int_equal(node_mem(root, 0), 111 * KIB);
                        assert_int_equal(node_mem(root, 1), 222 * KIB);
                }
                kernel_memory_done(&m);
                rm_root(root);
        }
}

/* A node that zoneinfo does not list, or no zoneinfo at all: the node's
 * own meminfo. */
static void test_fallbacks(void **state) {
        char *root = make_root();
        put(root, "/proc/zoneinfo", "Node 0, zone   Normal\n        managed  1000\n");
        put(root, "/proc/meminfo", "MemTotal:        4000 kB\n");
        put_nodes(root, MEMINFO_0, MEMINFO_1);
        assert_int_equal(node_mem(root, 0), 4000 * KIB);
        assert_int_equal(node_mem(root, 1), 222 * KIB);
        rm_root(root);

        root = make_root();
        put(root, "/proc/meminfo", "MemTotal:        4000 kB\n");
        put_nodes(root, MEMINFO_0, MEMINFO_1);
        assert_int_equal(node_mem(root, 0), 111 * KIB);
        assert_int_equal(node_mem(root, 1), 222 * KIB);
        rm_root(root);

        /* CONFIG_NUMA off: no node directories, node 0 holds MemTotal. */
        root = make_root();
        put(root, "/proc/zoneinfo", "Node 0, zone   Normal\n        managed  1000\n");
        put(root, "/proc/meminfo", "MemTotal:        4000 kB\n");
        assert_int_equal(node_mem(root, 0), 4000 * KIB);
        rm_root(root);

        /* A malformed zoneinfo is an error, as for the CMA state. */
        root = make_root();
        put(root, "/proc/zoneinfo", "Node 70000, zone   Normal\n        managed  1000\n");
        _cleanup_topology_ Topology *t = NULL;
        assert_int_equal(topology_load(root, NULL, &t), -EBADMSG);
        rm_root(root);
}

/* A device behind Intel VMD, laid out as vmd.c makes it: a domain from
 * 0x10000 and a root bus "pci10000:00" below the VMD endpoint. It is listed,
 * and include= names it. */
static void test_vmd_device(void **state) {
        char *root = make_root();
        const char *dev = "/sys/devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0";
        put(root, "/proc/zoneinfo", ZONEINFO_2);
        put(root, "/proc/meminfo", "MemTotal:        24000 kB\n");
        put_nodes(root, MEMINFO_0, MEMINFO_1);
        _cleanup_free_ char *cls = strdup_printf("%s/class", dev), *node = strdup_printf("%s/numa_node", dev);
        put(root, cls, "0x010802\n");
        put(root, node, "1\n");
        link_in(root, "../../../devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0",
                "/sys/bus/pci/devices/10000:01:00.0");

        _cleanup_(policy_freep) Policy *p = NULL;
        PolicyErrors errs = {0};
        assert_int_equal(policy_new_default(&p), 0);
        assert_int_equal(policy_parse_string(p, "test.conf", "[accelerators]\ninclude = 10000:01:00.0\n", &errs), 0);
        assert_null(errs.messages);
        _cleanup_topology_ Topology *t = NULL;
        assert_int_equal(topology_load(root, p, &t), 0);
        topology_classify(t, p);
        assert_int_equal(t->n_devices, 1);
        assert_string_equal(t->devices[0].address, "10000:01:00.0");
        assert_int_equal(t->devices[0].class_code, 0x010802);
        assert_int_equal(t->devices[0].numa_node, 1);
        assert_true(t->devices[0].accelerator);
        assert_string_equal(t->devices[0].why, "listed in include=");
        assert_int_equal(topology_accelerators_on(t, 1), 1);
        rm_root(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_captured_trees),
                cmocka_unit_test(test_page_sizes),
                cmocka_unit_test(test_fallbacks),
                cmocka_unit_test(test_vmd_device),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
