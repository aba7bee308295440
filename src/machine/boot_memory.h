/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which nodes can hold a CMA pool at the next boot: only nodes whose memory
 * the kernel has at early boot. CMA areas are reserved from memblock before
 * the page allocator runs (kernel/dma/contiguous.c dma_numa_cma_reserve():
 * for_each_node(), a node not online then is skipped with "cma: invalid
 * node N specified"); memory that arrives later (a hot-added DIMM, CXL
 * memory through dax/kmem, Grace Hopper's GPU memory through
 * add_memory_driver_managed()) is never in memblock at that point. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cma_state.h"
#include "kernel/kernel_caps.h"
#include "kernel/kernel_log.h"
#include "machine/memory_maps.h"
#include "machine/topology.h"

typedef struct {
        int node;
        bool has_memory;
        bool boot;                /* the kernel had this node's memory at early boot (or, when
                                   * !known, is taken to have had it: a pool may be planned) */
        bool known;               /* some evidence decided it (else: why says what is missing) */
        const char *why;          /* the rule that decided (static string) */
        uint64_t movable_pages;   /* present pages in ZONE_MOVABLE (zoneinfo) */
        uint64_t kernel_pages;    /* present pages in the other zones */
        uint64_t dma_pages;       /* of which in ZONE_DMA or ZONE_DMA32 */
        char *driver;             /* "kmem" for "System RAM (kmem)" on this node, or NULL */
        bool memmap_added;        /* a /sys/firmware/memmap entry outside the boot entries
                                   * holds its memory (memmap_entry: its number) */
        unsigned memmap_entry;
        bool memmap_boot;         /* every block of its memory lies in a certain boot entry */
        bool memblock_driver;     /* memblock flags one of its ranges DRV_MNG */
} NodeBootMemory;

typedef struct {
        NodeBootMemory *nodes;    /* one per online node of the topology, same order */
        size_t n_nodes;
        NodeSet *normal_memory;   /* node/has_normal_memory (N_NORMAL_MEMORY), NULL if absent */
        bool log_readable;
} BootMemory;

/* Present pages per node and zone from /proc/zoneinfo: into nodes[]. */
int boot_memory_parse_zoneinfo(const char *text, BootMemory *bm);

/* Decide, per node, from what the tree says (see boot_memory.c for the rules
 * and where the kernel does each thing). cma, log, booted_cmdline and
 * running (the running kernel: its implicit areas tell which nodes were
 * online at early boot) may be NULL. */
int boot_memory_judge(const Topology *t, const CmaState *cma, const KernelLog *log,
                      const char *booted_cmdline, const KernelCaps *running, BootMemory *bm);
int boot_memory_load(const char *root, const Topology *t, const CmaState *cma, const KernelLog *log,
                     const char *booted_cmdline, const KernelCaps *running, BootMemory *ret);
void boot_memory_done(BootMemory *bm);

const NodeBootMemory *boot_memory_node(const BootMemory *bm, int node);
/* NULL bm (not read): every node with memory can. A node nothing decided
 * for is taken to have had its memory at boot (a pool may be planned: a
 * kernel that finds no memory there only warns). */
bool boot_memory_can_hold(const BootMemory *bm, int node);
/* Did some evidence decide? NULL bm: no. */
bool boot_memory_known(const BootMemory *bm, int node);
