/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the kernel takes a device's coherent DMA memory from: the per-node
 * area of its node, the default area, the page allocator (which zone), or
 * pages an IOMMU maps. The rules, read from Debian's 6.12 and 7.2 sources
 * (identical in both unless said):
 *
 * - dma_alloc_attrs() (kernel/dma/mapping.c) goes to dma_direct_alloc()
 *   without an IOMMU or with an identity domain, to iommu_dma_alloc() with
 *   a translating one (dev->dma_iommu: iommu_setup_dma_ops() in
 *   drivers/iommu/dma-iommu.c, domain types "DMA" and "DMA-FQ").
 * - iommu_dma_alloc(): a blocking request goes to iommu_dma_alloc_remap(),
 *   whose __iommu_dma_alloc_pages() takes alloc_pages_node(dev_to_node(dev))
 *   pages: the device's node, never a CMA area.
 * - __dma_direct_alloc_pages() (kernel/dma/direct.c) adds
 *   dma_direct_optimal_gfp_mask(): GFP_DMA when the device's coherent limit
 *   min_not_zero(coherent_dma_mask, bus_dma_limit) is within zone_dma_limit,
 *   else GFP_DMA32 when within 4 GiB; then dma_alloc_contiguous(), whose
 *   result is dropped when dma_coherent_ok() finds it above the limit; then
 *   alloc_pages_node(dev_to_node(dev), gfp).
 * - dma_alloc_contiguous() (kernel/dma/contiguous.c): nothing for requests
 *   that cannot sleep or of one page or less; the per-node area of
 *   dev_to_node(dev) only when that is not NUMA_NO_NODE and the request
 *   carries neither GFP_DMA nor GFP_DMA32; else the default area.
 * - zone_dma_limit (kernel/dma/direct.c) is 24 bits unless the arch sets
 *   it; arm64 (zone_sizes_init() 6.12, dma_limits_init() 7.2,
 *   arch/arm64/mm/init.c) takes the smallest IORT/device-tree DMA limit and
 *   clamps it to 4 GiB only when DRAM starts below 4 GiB; its DMA zone ends
 *   at min(zone_dma_limit, end of DRAM) + 1 (max_zone_phys()).
 * - The default area is reserved in one zone (mm/cma.c
 *   cma_declare_contiguous_nid(): bottom-up from 4 GiB when memory reaches
 *   4 GiB + its size, else below the limit: arm64_dma_phys_limit on arm64,
 *   the end of mapped memory on x86).
 *
 * Only allocations larger than a page, from a context that can sleep, take
 * a CMA area; a page or less always comes from the page allocator on the
 * device's node. This module only decides: it reads nothing. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "basic/nodeset.h"
#include "kernel/memory.h"

/* The IOMMU domain of a device (/sys/kernel/iommu_groups/N/type, printed
 * by iommu_group_show_type() in drivers/iommu/iommu.c). */
typedef enum {
        DMA_IOMMU_NONE,          /* no iommu_group: dma-direct */
        DMA_IOMMU_IDENTITY,      /* "identity" (passthrough): dma-direct */
        DMA_IOMMU_TRANSLATING,   /* "DMA", "DMA-FQ": dma-iommu */
        DMA_IOMMU_ASSIGNED,      /* "blocked", "unmanaged": VFIO or another owner */
        DMA_IOMMU_UNKNOWN,
} DmaIommu;

const char *dma_iommu_to_string(DmaIommu i);
DmaIommu dma_iommu_from_type(const char *type);

/* The machine's zones as the DMA paths see them, from /proc/zoneinfo. */
typedef struct {
        bool known;                   /* zoneinfo was read */
        bool arm64;
        uint64_t page_size;
        /* The largest physical address a GFP_DMA request can get; 0 when
         * the kernel has no DMA zone. zone_dma_limit_exact: the DMA zone
         * ends before memory does (or the arch fixes it), so this is the
         * kernel's zone_dma_limit itself. */
        uint64_t zone_dma_limit;
        bool zone_dma_limit_exact;
        /* arm64 without RAM below 4 GiB whose DMA zone spans all memory
         * (Normal empty on every node): zone_dma_limit reaches past the end
         * of DRAM, so (unless the firmware gives a device a larger limit
         * than the smallest it declares) every coherent request carries
         * GFP_DMA and no per-node area is ever tried. */
        bool dma_zone_covers_memory;
        uint64_t dram_start;              /* the lowest populated address (known only) */
        NodeSet *with_dma, *with_dma32;   /* nodes with present pages in the zone */
} DmaZones;

int dma_zones_from_memory(const KernelMemory *m, const char *arch, uint64_t page_size, DmaZones *ret);
void dma_zones_done(DmaZones *z);

/* What the kernel knows of one device. */
typedef struct {
        int node;                 /* dev_to_node(): -1 NUMA_NO_NODE */
        unsigned mask_bits;       /* consistent_dma_mask_bits; 0 unknown */
        bool bound;               /* a driver is bound (only then it allocates) */
        DmaIommu iommu;
} DmaDeviceFacts;

/* The CMA areas of the kernel in question. */
typedef struct {
        const NodeSet *pools;     /* nodes with a per-node area (numaN, pernumaN) */
        bool default_area;        /* a default area exists */
        int default_node;         /* its node, -1 unknown */
        /* The zone(s) on default_node that can hold it (zones with at least
         * its size of CMA): the lowest start and highest end among them. */
        uint64_t default_low, default_high;
        bool default_span_known;
} DmaAreas;

typedef enum {
        DMA_FROM_UNKNOWN,
        DMA_FROM_NOTHING,         /* no driver: nothing is allocated */
        DMA_FROM_NODE_POOL,       /* the per-node area of its node */
        DMA_FROM_DEFAULT_AREA,
        DMA_FROM_PAGE_ALLOCATOR,
        DMA_FROM_IOMMU_PAGES,     /* page allocator pages, mapped by the IOMMU */
} DmaSource;

typedef enum {
        DMA_LOCAL,
        DMA_REMOTE,
        DMA_LOCALITY_UNKNOWN,
} DmaLocality;

/* Why a device never reaches the per-node areas (flags). */
typedef enum {
        DMA_BYPASS_NO_NODE = 1 << 0,     /* NUMA_NO_NODE */
        DMA_BYPASS_MASK = 1 << 1,        /* coherent mask within 4 GiB: GFP_DMA32/GFP_DMA */
        DMA_BYPASS_DMA_ZONE = 1 << 2,    /* arm64: zone_dma_limit covers its mask (GFP_DMA) */
        DMA_BYPASS_IOMMU = 1 << 3,       /* translating IOMMU: page allocator */
} DmaBypass;

typedef struct {
        DmaSource source;
        int mem_node;             /* node the memory comes from, -1 unknown or several */
        MemZone zone;             /* page allocator: the zone asked for; _MEM_ZONE_MAX none */
        DmaLocality locality;
        unsigned bypass;          /* DmaBypass flags */
        bool uses_pool;           /* a per-node area on its node would serve it */
        const char *why;          /* the rule that decided (static) */
} DmaPath;

void dma_path_decide(const DmaDeviceFacts *d, const DmaZones *z, const DmaAreas *a, DmaPath *ret);

const char *dma_source_to_string(DmaSource s);
const char *dma_locality_to_string(DmaLocality l);
