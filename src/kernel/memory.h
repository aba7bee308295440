/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's memory counters, each file read once: per node from
 * /proc/zoneinfo, in total from /proc/meminfo. Node sizes (the topology)
 * and the CMA state both come from here. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The zones the kernel's DMA paths name (include/linux/mmzone.h enum
 * zone_type); HighMem (32-bit only) and Device count as other. */
typedef enum {
        MEM_ZONE_DMA,
        MEM_ZONE_DMA32,
        MEM_ZONE_NORMAL,
        MEM_ZONE_MOVABLE,
        MEM_ZONE_OTHER,
        _MEM_ZONE_MAX,
} MemZone;

/* One zone of one node: "present", "cma", "spanned" and "start_pfn" (the
 * last printed only for a populated zone, after its pagesets). */
typedef struct {
        uint64_t present_pages, cma_pages;
        uint64_t start_pfn, spanned_pages;
        bool has_start;
} ZonePages;

/* Per node, summed over its zones, and zone by zone. */
typedef struct {
        int node;
        uint64_t cma_pages;       /* "cma" */
        uint64_t free_cma_pages;  /* "nr_free_cma" */
        uint64_t managed_pages;   /* "managed": the node's MemTotal, in pages */
        ZonePages zones[_MEM_ZONE_MAX];
} ZoneCma;

const char *mem_zone_to_string(MemZone z);

typedef struct {
        bool has_zoneinfo;
        bool zoneinfo_has_cma;    /* some zone has a "cma" line */
        ZoneCma *nodes;           /* sorted by node */
        size_t n_nodes;

        uint64_t mem_total_kb;    /* /proc/meminfo MemTotal; 0 when unknown */
        bool has_cma_total;       /* /proc/meminfo has CmaTotal (CONFIG_CMA) */
        uint64_t cma_total_kb, cma_free_kb;
        /* MemTotal over the zones' managed pages: 0 when the two do not
         * give a page size (then read the nodes' own meminfo). */
        uint64_t page_size;
} KernelMemory;

int zoneinfo_parse(const char *text, ZoneCma **ret, size_t *ret_n, bool *ret_has_cma);
/* A missing file leaves its part unknown; a malformed zoneinfo is -EBADMSG. */
int kernel_memory_load(const char *root, KernelMemory *ret);
void kernel_memory_done(KernelMemory *m);
/* Binary search in nodes sorted by node. */
const ZoneCma *zone_cma_find(const ZoneCma *nodes, size_t n, int node);
const ZoneCma *kernel_memory_node(const KernelMemory *m, int node);
/* A node's memory in bytes, when zoneinfo and the page size give it. */
bool kernel_memory_node_total(const KernelMemory *m, int node, uint64_t *ret);
