/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The text tracefs prints for the events that show coherent DMA memory
 * (kernel/trace/trace_output.c: "TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: "
 * then the event's TP_printk()):
 *
 *   dma:dma_alloc, dma:dma_alloc_pages  (include/trace/events/dma.h, 6.12+)
 *     "DEVICE dir=DIR dma_addr=%llx size=%zu virt_addr=%p flags=... attrs=..."
 *   dma:dma_free, dma:dma_free_pages
 *     "DEVICE dir=DIR dma_addr=%llx size=%zu virt_addr=%p attrs=..."
 *   cma:cma_alloc_finish  (include/trace/events/cma.h)
 *     "name=AREA pfn=0x%lx page=%p count=%lu align=%u errorno=%d"
 *   cma:cma_release
 *     "name=AREA pfn=0x%lx page=%p count=%lu"
 *
 * dma_alloc fires in dma_alloc_attrs() (kernel/dma/mapping.c) after the
 * allocation, with dma_addr 0 when it failed; cma_alloc_finish in
 * cma_alloc() (mm/cma.c) with errorno 0 on success, before the counters of
 * /sys/kernel/mm/cma move by count. A task name (16 bytes at most, any
 * text) comes first on the line: an event is recognized only where its
 * whole body parses. This parser reads untrusted text (fuzz-trace-events). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The events numacma asks for on the command line when the policy says
 * trace_at_boot = yes (kernel/trace/trace_events.c setup_trace_event():
 * one trace_event=, a later one replaces it). */
#define TRACE_BOOT_EVENTS "dma:dma_alloc,dma:dma_free,cma:cma_alloc_finish,cma:cma_release"
#define TRACE_BOOT_TOKEN "trace_event=" TRACE_BOOT_EVENTS

typedef enum {
        TRACE_NONE,
        TRACE_DMA_ALLOC,          /* dma_alloc and dma_alloc_pages */
        TRACE_DMA_FREE,           /* dma_free and dma_free_pages */
        TRACE_CMA_ALLOC,          /* cma_alloc_finish */
        TRACE_CMA_RELEASE,
} TraceEventKind;

typedef struct {
        TraceEventKind kind;
        uint64_t usec;            /* timestamp, 0 when the line has none */
        int cpu;                  /* -1 when the line has none */
        char name[64];            /* the device (dma) or the area (cma), truncated */
        uint64_t addr;            /* dma: dma_addr */
        uint64_t size;            /* dma: bytes */
        uint64_t pfn, count;      /* cma: first page frame, pages */
        int error;                /* cma_alloc_finish: errorno */
} TraceEvent;

/* One line (without its newline; it may be unterminated within n bytes).
 * Returns 1 with *ret filled for one of the events above, 0 for another
 * line (comments, other events, a body that does not parse). */
int trace_event_parse(const char *line, size_t n, TraceEvent *ret);

/* The "# entries-in-buffer/entries-written: A/B   #P:N" header: B > A
 * means the ring buffer overwrote events. 1 when the line is that header. */
int trace_header_parse(const char *line, size_t n, uint64_t *ret_entries, uint64_t *ret_written);
