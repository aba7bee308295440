/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the trace text parsers: trace_event_parse() and
 * trace_header_parse() (src/kernel/trace_events.c) on every line of the
 * input, as the raw bytes (not NUL-terminated: the parser must stay within
 * the length it is given), and dma_trace_build() (src/machine/dma_trace.c)
 * on the whole input, with no devices and no memory map. Checks, abort()ing
 * on any failure:
 *  - a parsed event has a kind, a NUL-terminated name of at most 63 bytes,
 *    and a cpu of -1 or at least 0;
 *  - parsing the same line twice gives the same event;
 *  - dma_trace_build() returns 0; every row has a device and a source, at
 *    least one allocation, frees no more than its allocations and freed
 *    bytes no more than its bytes; the rows count as many allocations as
 *    the input has dma_alloc lines (a line that is the buffer's header
 *    counts as the header); areas have names and are sorted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "basic/util.h"
#include "kernel/trace_events.h"
#include "machine/dma_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 1 << 20)
                return 0;
        const char *text = (const char *) data;
        uint64_t allocs = 0;
        for (const char *l = text, *e = text + size; l < e;) {
                const char *nl = memchr(l, '\n', (size_t) (e - l));
                size_t n = nl ? (size_t) (nl - l) : (size_t) (e - l);
                /* A copy of exactly n bytes: ASan catches any read past it. */
                char *line = malloc(n ? n : 1);
                CHECK(line);
                memcpy(line, l, n);
                TraceEvent a, b;
                uint64_t x, y;
                int h = trace_header_parse(line, n, &x, &y);
                CHECK(h == 0 || h == 1);
                int r = trace_event_parse(line, n, &a);
                CHECK(r == 0 || r == 1);
                if (r == 1) {
                        CHECK(trace_event_parse(line, n, &b) == 1);
                        CHECK(a.kind != TRACE_NONE && a.kind == b.kind);
                        CHECK(memchr(a.name, '\0', sizeof(a.name)) && streq(a.name, b.name));
                        CHECK(a.cpu >= -1 && a.cpu == b.cpu && a.addr == b.addr && a.size == b.size);
                        CHECK(a.pfn == b.pfn && a.count == b.count && a.error == b.error && a.usec == b.usec);
                        /* The builder takes a header line for a header, never an event. */
                        allocs += a.kind == TRACE_DMA_ALLOC && !h;
                }
                free(line);
                l += n + 1;
        }

        DmaTraceInput in = { .page_size = 4096 };
        DmaTrace t;
        CHECK(dma_trace_build(text, size, &in, &t) == 0);
        uint64_t rows_allocs = 0;
        for (size_t i = 0; i < t.n_rows; i++) {
                const DmaTraceRow *row = &t.rows[i];
                CHECK(row->device && row->source && row->allocs > 0);
                CHECK(row->frees <= row->allocs && row->freed_bytes <= row->bytes);
                CHECK(row->dev == NULL && row->dev_node == -1);
                rows_allocs += row->allocs;
        }
        /* A NUL ends nothing here: the builder sees the same lines. */
        CHECK(rows_allocs == allocs);
        for (size_t i = 0; i < t.n_areas; i++) {
                CHECK(t.areas[i].name);
                CHECK(t.areas[i].dma_pages <= t.areas[i].alloc_pages);
                if (i > 0)
                        CHECK(strcmp(t.areas[i - 1].name, t.areas[i].name) <= 0);
        }
        dma_trace_done(&t);
        return 0;
}
