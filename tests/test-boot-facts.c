/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot memory without the ring buffer: numacmad's boot-facts record, the
 * order of the sources (kernel_log_load()), the firmware memory map and
 * memblock parsers, and the rules they feed (machine/boot_memory.h). The
 * memmap entries are those of captured trees (tests/fixtures/trees). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/boot_facts.h"
#include "kernel/kernel_log.h"
#include "machine/boot_memory.h"
#include "machine/memory_maps.h"
#include "test-machine.h"
#include "test-tree.h"

#define TREES SRCDIR "/tests/fixtures/trees"
#define ID "8d67c90e-1dc2-4717-87aa-255c9b649867"

#define EARLY \
        "6,85,0,-;Early memory node ranges\n" \
        "6,86,0,-;  node   0: [mem 0x0000000000001000-0x000000000009efff]\n" \
        "6,87,0,-;  node   1: [mem 0x0000000040000000-0x000000007ffd6fff]\n" \
        "4,88,0,-;cma: invalid node 2 specified\n" \
        "6,89,0,-;cma: Reserved 64 MiB at 0x000000007be00000\n" \
        "6,90,0,-;smpboot: a line the record does not keep\n"
#define LATE "12,5000,99999999,-;numacma-flood 1.1: later\n"

/* A root with a boot_id and a /dev/kmsg of the given text. */
static char *root_with(const char *kmsg) {
        char *root = make_root();
        put(root, "/proc/sys/kernel/random/boot_id", ID "\n");
        put(root, "/dev/kmsg", kmsg);
        return root;
}

static void test_record(void **state) {
        char *root = root_with(EARLY LATE);
        _cleanup_free_ char *kmsg = NULL, *text = NULL, *lines = NULL, *source = NULL;

        assert_false(boot_facts_recorded(root));
        assert_int_equal(kmsg_read(root, &kmsg), 0);
        assert_int_equal(boot_facts_record(root, kmsg, "/dev/kmsg"), 1);
        assert_true(boot_facts_recorded(root));
        assert_int_equal(boot_facts_record(root, kmsg, "/dev/kmsg"), 0);  /* once per boot */
        assert_int_equal(read_full_file_root(root, BOOT_FACTS_PATH, &text, NULL), 0);
        assert_int_equal(boot_facts_parse(text, ID, &lines, &source), 0);
        assert_string_equal(source, "/dev/kmsg");
        assert_non_null(strstr(lines, "Early memory node ranges"));
        assert_non_null(strstr(lines, "cma: invalid node 2 specified"));
        assert_null(strstr(lines, "smpboot"));
        assert_null(strstr(lines, "numacma-flood"));
        assert_int_equal(boot_facts_parse(text, "00000000-0000-0000-0000-000000000000", &lines, &source), -ESTALE);
        assert_int_equal(boot_facts_parse("not a record\n", ID, &lines, &source), -EBADMSG);

        /* The ring buffer wraps: kernel_log_load() takes the record. */
        put(root, "/dev/kmsg", LATE);
        KernelLog l;
        assert_int_equal(kernel_log_load(root, &l), 0);
        assert_true(l.has_early_ranges);
        assert_string_equal(l.source, "the boot-facts record " BOOT_FACTS_PATH);
        assert_true(nodeset_contains(l.early_nodes, 1) && !nodeset_contains(l.early_nodes, 2));
        assert_true(nodeset_contains(l.invalid_nodes, 2));
        kernel_log_done(&l);

        /* Too late to record a new boot's facts: -ENODATA, nothing written;
         * what is unknown says why. */
        put(root, "/proc/sys/kernel/random/boot_id", "00000000-0000-0000-0000-000000000001\n");
        _cleanup_free_ char *late = NULL;
        assert_int_equal(kmsg_read(root, &late), 0);
        assert_int_equal(boot_facts_record(root, late, "/dev/kmsg"), -ENODATA);
        assert_int_equal(kernel_log_load(root, &l), 0);
        assert_false(l.has_early_ranges);
        assert_null(l.source);
        assert_non_null(strstr(l.unknown_why, "no longer holds this boot's early messages"));
        assert_non_null(strstr(l.unknown_why, "another boot's"));
        kernel_log_done(&l);
        rm_root(root);
}

/* The kernel's own log first, when it still has the early lines. */
static void test_kmsg_first(void **state) {
        char *root = root_with(EARLY);
        KernelLog l;
        assert_int_equal(kernel_log_load(root, &l), 0);
        assert_string_equal(l.source, "/dev/kmsg");
        kernel_log_done(&l);
        rm_root(root);
}

static MemmapEntry *memmap_of(const char *tree, size_t *ret_n) {
        _cleanup_free_ char *root = strdup_printf(TREES "/%s", tree);
        MemmapEntry *e;
        assert_int_equal(memmap_load(root, &e, ret_n), 0);
        assert_true(*ret_n > 0);
        return e;
}

static void test_memmap(void **state) {
        size_t n;
        /* A DIMM the firmware handed over through ACPI at boot: registered
         * (entry 0) before the e820 entries (1-9, from address 0). */
        MemmapEntry *e = memmap_of("7.2-amd64-one-boot-node-dimm", &n);
        assert_true(memmap_mark_boot(e, n));
        assert_int_equal(n, 10);
        assert_int_equal(e[0].start, 0x100000000);
        assert_true(e[0].ram && !e[0].boot);
        for (size_t i = 1; i < n; i++)
                assert_true(e[i].boot);
        assert_true(e[4].ram && e[4].boot_certain);  /* 0x100000-0x3ffd6fff: node 0's */
        free(e);

        /* Hot-added after boot above every e820 entry: in the run, but not
         * certain (only RAM after the last other entry). */
        MemmapEntry r[] = {
                { .index = 3, .start = 0xfec00000, .end = 0xfec00fff },
                { .index = 0, .start = 0x0, .end = 0x9fbff, .ram = true },
                { .index = 2, .start = 0x100000, .end = 0x7fffffff, .ram = true },
                { .index = 1, .start = 0x9fc00, .end = 0x9ffff },
                { .index = 4, .start = 0x100000000, .end = 0x17fffffff, .ram = true },
        };
        assert_true(memmap_mark_boot(r, 5));
        assert_int_equal(r[0].index, 0);
        assert_true(r[0].boot_certain && r[2].boot_certain);
        assert_true(r[4].boot && !r[4].boot_certain);
        /* No entry at 0: no conclusion. */
        assert_false(memmap_mark_boot(r + 1, 4));
        MemmapEntry p;
        assert_int_equal(memmap_entry_parse(0, "0x10", "0x1", "System RAM", &p), -EINVAL);
        assert_int_equal(memmap_entry_parse(0, "16", "0x20", "System RAM", &p), -EINVAL);
}

static void test_memblock(void **state) {
        MemblockRange *m;
        size_t n;
        assert_int_equal(memblock_parse(
                "   0: 0x0000000040000000..0x000000007fffffff    0 NONE\n"
                "   1: 0x0000000100000000..0x000000013fffffff    2 DRV_MNG\n"
                "   2: 0x0000000140000000..0x000000017fffffff    x HOTPLUG|MIRROR\n"
                "garbage\n", &m, &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(m[0].node, 0);
        assert_false(m[0].driver_managed);
        assert_true(m[1].driver_managed && m[1].node == 2 && m[1].start == 0x100000000);
        assert_true(m[2].hotplug && m[2].node == -1);
        free(m);
}

/* A tree with the early ranges gone and nothing else: unknown, never a
 * boot-memory claim; with the memmap of the same machine: decided. */
static void test_rules_without_log(void **state) {
        Topology *t = make_topology("0-2", "0-2", "0-2", GIB, NULL);
        BootMemory bm = { .nodes = calloc(3, sizeof(NodeBootMemory)) };
        assert_non_null(bm.nodes);
        for (int i = 0; i < 3; i++)
                bm.nodes[bm.n_nodes++] = (NodeBootMemory){ .node = i, .kernel_pages = 1000 };
        KernelLog l = { .readable = true };
        assert_int_equal(boot_memory_judge(t, NULL, &l, "cma=64M", NULL, &bm), 0);
        assert_false(bm.nodes[2].known);
        assert_true(bm.nodes[2].boot);  /* taken as boot memory for a plan */
        assert_non_null(strstr(bm.nodes[2].why, "unknown"));
        bm.nodes[2].memmap_added = true;
        bm.nodes[1].memmap_boot = true;
        bm.nodes[0].memblock_driver = true;
        assert_int_equal(boot_memory_judge(t, NULL, &l, "cma=64M", NULL, &bm), 0);
        assert_true(bm.nodes[2].known && !bm.nodes[2].boot);
        assert_true(bm.nodes[1].known && bm.nodes[1].boot);
        assert_true(bm.nodes[0].known && !bm.nodes[0].boot);
        boot_memory_done(&bm);
        topology_free(t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_record),
                cmocka_unit_test(test_kmsg_first),
                cmocka_unit_test(test_memmap),
                cmocka_unit_test(test_memblock),
                cmocka_unit_test(test_rules_without_log),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
