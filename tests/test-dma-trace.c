/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Attributing traced coherent allocations (src/machine/dma_trace.c) and
 * finding tracefs (src/machine/tracefs.c): the text of
 * tests/fuzz-corpus/trace-events/format-6.12 (lines in the format of
 * include/trace/events/dma.h and cma.h of 6.12) on a memory map and devices
 * written here; the trees captured under qemu with trace_event= are
 * checked against their expected.json by check-trace-fixture.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/memory.h"
#include "kernel/trace_events.h"
#include "machine/dma_trace.h"
#include "machine/tracefs.h"
#include "test-tree.h"

static const DmaTraceRow *row(const DmaTrace *t, const char *dev, const char *source) {
        for (size_t i = 0; i < t->n_rows; i++)
                if (streq(t->rows[i].device, dev) && streq(t->rows[i].source, source))
                        return &t->rows[i];
        fail_msg("no row %s %s", dev, source);
        return NULL;
}

static void test_attribute(void **state) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        assert_int_equal(read_full_file_root(SRCDIR, "/tests/fuzz-corpus/trace-events/format-6.12", &text, &len), 0);

        /* 128 MiB blocks: 0-15 on node 0 (0-2 GiB), 16-31 on node 1. */
        struct MemoryBlock b[32];
        for (int i = 0; i < 32; i++)
                b[i] = (struct MemoryBlock){ .block = (uint64_t) i, .node = i < 16 ? 0 : 1 };
        MemoryBlocks mb = { .block_size = 128 * MIB, .blocks = b, .n = 32 };
        DmaDevice devs[] = {
                { .address = "0000:00:03.0", .node = 0, .driver = (char *) "8139too", .mask_bits = 32 },
                { .address = "0000:82:00.0", .node = 1, .driver = (char *) "nvme", .mask_bits = 64 },
        };
        DmaDevices dma = { .devices = devs, .n_devices = 2 };
        DmaTraceInput in = { .page_size = 4096, .dma = &dma, .blocks = &mb };
        DmaTrace t;
        assert_int_equal(dma_trace_build(text, len, &in, &t), 0);
        assert_true(t.has_header);
        assert_int_equal(t.entries, 6);
        assert_int_equal(t.written, 9);
        assert_int_equal(t.n_dma_events, 4);
        assert_int_equal(t.n_cma_events, 2);
        assert_int_equal(t.n_rows, 3);

        const DmaTraceRow *r = row(&t, "0000:82:00.0", "numa1");
        assert_int_equal(r->kind, TRACE_FROM_AREA);
        assert_int_equal(r->dev_node, 1);
        assert_int_equal(r->mem_node, 0);  /* 0x7f000000 is in block 15... */
        dma_trace_done(&t);

        /* ... of node 1 once the map says so: the map decides, not the area's name. */
        for (int i = 0; i < 32; i++)
                b[i].node = i < 8 ? 0 : 1;
        assert_int_equal(dma_trace_build(text, len, &in, &t), 0);
        r = row(&t, "0000:82:00.0", "numa1");
        assert_int_equal(r->mem_node, 1);
        assert_int_equal(r->locality, DMA_LOCAL);
        assert_int_equal(r->allocs, 1);
        assert_int_equal(r->bytes, 16384);
        assert_int_equal(r->cma_pages, 4);
        assert_int_equal(r->frees, 0);

        r = row(&t, "0000:82:00.0", "page allocator");
        assert_int_equal(r->kind, TRACE_FROM_PAGE_ALLOCATOR);
        assert_int_equal(r->frees, 1);
        assert_int_equal(r->freed_bytes, 4096);

        r = row(&t, "0000:00:03.0", "reserved");
        assert_int_equal(r->dev_node, 0);
        assert_int_equal(r->mem_node, 1);
        assert_int_equal(r->locality, DMA_REMOTE);
        assert_int_equal(r->cma_pages, 9);

        const DmaTraceArea *a = dma_trace_area(&t, "reserved");
        assert_non_null(a);
        assert_int_equal(a->alloc_pages, 9);
        assert_int_equal(a->dma_pages, 9);
        assert_int_equal(t.unmatched_frees, 0);
        dma_trace_done(&t);

        /* An IOMMU translating: no address is placed, no area claimed. */
        devs[1].iommu = DMA_IOMMU_TRANSLATING;
        assert_int_equal(dma_trace_build(text, len, &in, &t), 0);
        r = row(&t, "0000:82:00.0", "IOMMU");
        assert_int_equal(r->allocs, 2);
        assert_int_equal(r->mem_node, -1);
        assert_int_equal(r->locality, DMA_LOCALITY_UNKNOWN);
        assert_int_equal(dma_trace_area(&t, "numa1")->dma_pages, 0);
        dma_trace_done(&t);
}

/* Lines as the kernel prints them, with and without context, and what is
 * not an event. */
static void test_parse(void **state) {
        TraceEvent e;
        const char *l = "   <idle>-0       [001] d.h1.   123.000042: dma_free_pages: 0000:00:1f.2 dir=FROM_DEVICE dma_addr=abc size=12 virt_addr=0 attrs=";
        assert_int_equal(trace_event_parse(l, strlen(l), &e), 1);
        assert_int_equal(e.kind, TRACE_DMA_FREE);
        assert_int_equal(e.cpu, 1);
        assert_int_equal(e.usec, 123000042);
        assert_string_equal(e.name, "0000:00:1f.2");
        assert_int_equal(e.addr, 0xabc);
        l = "cma_alloc_finish: name=numa0 pfn=0x10 page=0 count=2 align=1 errorno=-12";
        assert_int_equal(trace_event_parse(l, strlen(l), &e), 1);
        assert_int_equal(e.error, -12);
        assert_int_equal(e.cpu, -1);
        /* A cut line, an unknown event, a header. */
        l = "  t-1 [000] ..... 1.0: dma_alloc: 0000:01:00.0 dir=BIDIRECTIONAL dma_addr=1000 size=8192 virt";
        assert_int_equal(trace_event_parse(l, strlen(l) - 30, &e), 0);
        l = "  t-1 [000] ..... 1.0: dma_map_page: 0000:01:00.0 dir=TO_DEVICE dma_addr=1 size=2 phys_addr=1 attrs=";
        assert_int_equal(trace_event_parse(l, strlen(l), &e), 0);
        uint64_t a, b;
        l = "# entries-in-buffer/entries-written: 10/12   #P:4";
        assert_int_equal(trace_header_parse(l, strlen(l), &a, &b), 1);
        assert_int_equal(a, 10);
        assert_int_equal(b, 12);
}

/* The captured tree's memory blocks: 128 MiB blocks 0-7 on node 0, 8-15 on
 * node 1 (their nodeN links); an address beyond them falls back to the
 * zones' spans, and beyond those to nothing. */
static void test_memory_blocks(void **state) {
        _cleanup_free_ char *root = strdup_printf("%s/tests/fixtures/trees/7.2-amd64-devices-trace", SRCDIR);
        _cleanup_(kernel_memory_done) KernelMemory m = {0};
        _cleanup_(memory_blocks_done) MemoryBlocks mb = {0};
        assert_int_equal(kernel_memory_load(root, &m), 0);
        assert_int_equal(memory_blocks_load(root, &m, &mb), 0);
        assert_int_equal(mb.block_size, 128 * MIB);
        assert_int_equal(mb.n, 16);
        assert_int_equal(memory_blocks_node(&mb, 0x5e42000), 0);
        assert_int_equal(memory_blocks_node(&mb, 0x3fffffff), 0);
        assert_int_equal(memory_blocks_node(&mb, 0x40000000), 1);
        assert_int_equal(memory_blocks_node(&mb, 0x7be70000), 1);
        assert_int_equal(memory_blocks_node(&mb, 0x200000000ull), -1);
        /* Without the blocks: the zones (node 1's DMA32 from pfn 0x40000). */
        MemoryBlocks zones_only = { .zones = &m };
        assert_int_equal(memory_blocks_node(&zones_only, 0x7be70000), 1);
        assert_int_equal(memory_blocks_node(&zones_only, 0x1000000), 0);
}

static void test_tracefs_missing(void **state) {
        char *root = make_root();
        Tracefs fs;
        _cleanup_free_ char *why = NULL;
        assert_int_equal(tracefs_open(root, &fs, &why), -ENOENT);
        assert_non_null(strstr(why, "mount -t tracefs nodev /sys/kernel/tracing"));

        /* Mounted, with the CMA events only (a kernel before 6.12). */
        put(root, "/sys/kernel/tracing/trace", "# tracer: nop\n");
        put(root, "/sys/kernel/tracing/events/cma/cma_alloc_finish/enable", "0\n");
        put(root, "/sys/kernel/tracing/events/cma/cma_release/enable", "1\n");
        assert_int_equal(tracefs_open(root, &fs, &why), 0);
        assert_string_equal(fs.dir, "/sys/kernel/tracing");
        assert_false(fs.has[TRACEFS_DMA_ALLOC]);
        assert_true(fs.has[TRACEFS_CMA_ALLOC_FINISH]);
        assert_false(fs.enabled[TRACEFS_CMA_ALLOC_FINISH]);
        assert_true(fs.enabled[TRACEFS_CMA_RELEASE]);
        tracefs_done(&fs);
        rm_root(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_attribute),
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_memory_blocks),
                cmocka_unit_test(test_tracefs_missing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
