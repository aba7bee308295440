/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Coherent allocations as the kernel traced them (kernel/trace_events.h),
 * attributed to device, area and node: a dma_alloc's dma_addr is the
 * physical address when no IOMMU translates (less a dma-ranges offset,
 * which qemu and x86 servers do not have); the cma_alloc_finish of the same
 * page frame just before it names the CMA area (none: the page allocator);
 * the memory block of the address names the node
 * (machine/memory_blocks.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/dma_path.h"
#include "machine/dma_devices.h"
#include "machine/memory_blocks.h"

typedef enum {
        TRACE_FROM_AREA,            /* a CMA area (name in source) */
        TRACE_FROM_PAGE_ALLOCATOR,  /* no cma_alloc_finish for its page frame */
        TRACE_FROM_IOMMU,           /* an IOMMU translates: the address is no physical one */
        TRACE_FROM_FAILED,          /* dma_addr 0: the allocation failed */
} TraceSource;

typedef struct {
        char *device;             /* as the trace names it (dev_name()) */
        const DmaDevice *dev;     /* the machine's DMA device of that name, or NULL */
        int dev_node;             /* -1: none, or not a PCI device numacma knows */
        TraceSource kind;
        char *source;             /* the area's name, "page allocator", "IOMMU", "failed" */
        int mem_node;             /* -1 unknown */
        DmaLocality locality;
        uint64_t allocs, bytes;   /* allocations and the bytes they asked for */
        uint64_t frees, freed_bytes;  /* of those, freed while traced */
        uint64_t cma_pages;       /* pages of their cma_alloc_finish */
} DmaTraceRow;

typedef struct {
        char *name;
        uint64_t alloc_pages, fail_pages, release_pages;  /* as the sysfs counters count them */
        uint64_t dma_pages;       /* of alloc_pages: those a traced coherent allocation got */
} DmaTraceArea;

typedef struct {
        DmaTraceRow *rows;        /* sorted by device, then source, then node */
        size_t n_rows;
        DmaTraceArea *areas;      /* sorted by name */
        size_t n_areas;
        uint64_t n_dma_events, n_cma_events;
        bool has_header;          /* the "entries-in-buffer/entries-written" header */
        uint64_t entries, written;  /* written > entries: the ring buffer lost events */
        uint64_t unmatched_frees; /* frees of allocations made before the trace */
} DmaTrace;

typedef struct {
        uint64_t page_size;
        const DmaDevices *dma;    /* may be NULL */
        const MemoryBlocks *blocks;
} DmaTraceInput;

/* Lines of the tracefs "trace" file (or of trace_pipe) fed one at a time
 * (a live system's buffer can be larger than a file read whole), then
 * attributed. */
typedef struct DmaTraceBuilder DmaTraceBuilder;
DmaTraceBuilder *dma_trace_builder_new(void);
void dma_trace_builder_free(DmaTraceBuilder *b);
static inline void dma_trace_builder_freep(DmaTraceBuilder **b) { dma_trace_builder_free(*b); }
int dma_trace_feed(DmaTraceBuilder *b, const char *line, size_t n);
/* Consumes b. */
int dma_trace_finish(DmaTraceBuilder *b, const DmaTraceInput *in, DmaTrace *ret);
/* The same for a whole text of len bytes. */
int dma_trace_build(const char *text, size_t len, const DmaTraceInput *in, DmaTrace *ret);
void dma_trace_done(DmaTrace *t);
const DmaTraceArea *dma_trace_area(const DmaTrace *t, const char *name);
const char *trace_source_to_string(TraceSource s);
