/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/util.h"
#include "kernel/dma_path.h"

#define LIMIT_4G UINT64_C(0xffffffff)
#define X86_ZONE_DMA_LIMIT UINT64_C(0xffffff)  /* DMA_BIT_MASK(24): kernel/dma/direct.c */

const char *dma_iommu_to_string(DmaIommu i) {
        switch (i) {
        case DMA_IOMMU_NONE: return "none";
        case DMA_IOMMU_IDENTITY: return "identity";
        case DMA_IOMMU_TRANSLATING: return "translating";
        case DMA_IOMMU_ASSIGNED: return "assigned";
        default: return "unknown";
        }
}

DmaIommu dma_iommu_from_type(const char *type) {
        if (!type)
                return DMA_IOMMU_UNKNOWN;
        if (streq(type, "identity"))
                return DMA_IOMMU_IDENTITY;
        if (streq(type, "DMA") || streq(type, "DMA-FQ"))
                return DMA_IOMMU_TRANSLATING;
        if (streq(type, "blocked") || streq(type, "unmanaged"))
                return DMA_IOMMU_ASSIGNED;
        return DMA_IOMMU_UNKNOWN;
}

const char *dma_source_to_string(DmaSource s) {
        switch (s) {
        case DMA_FROM_NOTHING: return "none";
        case DMA_FROM_NODE_POOL: return "node-pool";
        case DMA_FROM_DEFAULT_AREA: return "default-area";
        case DMA_FROM_PAGE_ALLOCATOR: return "page-allocator";
        case DMA_FROM_IOMMU_PAGES: return "iommu";
        default: return "unknown";
        }
}

const char *dma_locality_to_string(DmaLocality l) {
        switch (l) {
        case DMA_LOCAL: return "local";
        case DMA_REMOTE: return "remote";
        default: return "unknown";
        }
}

void dma_zones_done(DmaZones *z) {
        nodeset_free(z->with_dma);
        nodeset_free(z->with_dma32);
        *z = (DmaZones){0};
}

/* The populated zones' extent: where DRAM starts and ends, where the DMA
 * zone ends, whether any Normal (or Movable) memory exists. */
typedef struct {
        uint64_t dram_start, dram_end, dma_end;
        bool has_dma, has_high;
} ZoneExtent;

static int scan_zones(const KernelMemory *m, uint64_t ps, DmaZones *z, ZoneExtent *e) {
        *e = (ZoneExtent){ .dram_start = UINT64_MAX };
        for (size_t i = 0; i < m->n_nodes; i++)
                for (MemZone k = 0; k < _MEM_ZONE_MAX; k++) {
                        const ZonePages *zp = &m->nodes[i].zones[k];
                        if (!zp->present_pages)
                                continue;
                        uint64_t start = zp->has_start ? zp->start_pfn * ps : 0;
                        uint64_t end = zp->has_start ? (zp->start_pfn + zp->spanned_pages) * ps : 0;
                        if (zp->has_start) {
                                e->dram_start = MIN(e->dram_start, start);
                                e->dram_end = MAX(e->dram_end, end);
                        }
                        NodeSet *set = k == MEM_ZONE_DMA ? z->with_dma : k == MEM_ZONE_DMA32 ? z->with_dma32 : NULL;
                        if (set && nodeset_add(set, m->nodes[i].node) < 0)
                                return -ENOMEM;
                        if (k == MEM_ZONE_DMA) {
                                e->has_dma = true;
                                e->dma_end = MAX(e->dma_end, end);
                        } else if (k == MEM_ZONE_NORMAL || k == MEM_ZONE_MOVABLE)
                                e->has_high = true;
                }
        return 0;
}

int dma_zones_from_memory(const KernelMemory *m, const char *arch, uint64_t page_size, DmaZones *ret) {
        DmaZones z = {
                .known = m && m->has_zoneinfo && m->n_nodes > 0,
                .arm64 = arch && (streq(arch, "arm64") || streq(arch, "aarch64")),
                .page_size = page_size ? page_size : 4096,
                .with_dma = nodeset_new(),
                .with_dma32 = nodeset_new(),
        };
        ZoneExtent e = {0};
        int r = z.with_dma && z.with_dma32 ? 0 : -ENOMEM;
        if (r >= 0 && z.known)
                r = scan_zones(m, z.page_size, &z, &e);
        if (r < 0) {
                dma_zones_done(&z);
                return r;
        }
        if (z.known && e.dram_start != UINT64_MAX)
                z.dram_start = e.dram_start;
        if (!z.known || !e.has_dma)
                ;  /* no DMA zone: GFP_DMA finds nothing of its own */
        else if (!z.arm64) {
                /* x86 keeps DMA_BIT_MASK(24); other arches: the zone's end. */
                bool x86 = arch && (streq(arch, "x86_64") || streq(arch, "x86") || streq(arch, "i386"));
                z.zone_dma_limit = x86 ? X86_ZONE_DMA_LIMIT : e.dma_end - 1;
                z.zone_dma_limit_exact = x86;
        } else if (e.dram_start <= LIMIT_4G) {
                /* Clamped to 4 GiB: the zone ends at the limit, or at DRAM's
                 * end when that comes first (then the limit is at least that,
                 * and 4 GiB unless the firmware says less). */
                z.zone_dma_limit_exact = e.dma_end < e.dram_end;
                z.zone_dma_limit = z.zone_dma_limit_exact ? e.dma_end - 1 : LIMIT_4G;
        } else if (!e.has_high) {
                z.zone_dma_limit = e.dram_end - 1;
                z.dma_zone_covers_memory = true;
        } else {
                z.zone_dma_limit = e.dma_end - 1;
                z.zone_dma_limit_exact = true;
        }
        *ret = z;
        return 0;
}

static uint64_t mask_limit(unsigned bits) {
        return bits == 0 || bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* dma_direct_optimal_gfp_mask(): the zone flag of the device's requests. */
static MemZone request_zone(const DmaDeviceFacts *d, const DmaZones *z) {
        uint64_t limit = mask_limit(d->mask_bits);
        if (z->dma_zone_covers_memory)
                return MEM_ZONE_DMA;
        if (z->zone_dma_limit && limit <= z->zone_dma_limit)
                return MEM_ZONE_DMA;
        if (limit <= LIMIT_4G)
                return MEM_ZONE_DMA32;
        return MEM_ZONE_NORMAL;
}

static DmaLocality locality(int dev_node, int mem_node) {
        if (dev_node < 0 || mem_node < 0)
                return DMA_LOCALITY_UNKNOWN;
        return dev_node == mem_node ? DMA_LOCAL : DMA_REMOTE;
}

/* Can the default area satisfy dma_coherent_ok() for this limit? 1 yes,
 * 0 no, -1 it depends on where in its zone it lies. */
static int default_fits(const DmaAreas *a, uint64_t limit) {
        if (limit == UINT64_MAX)
                return 1;
        if (!a->default_span_known)
                return -1;
        if (a->default_high && a->default_high - 1 <= limit)
                return 1;
        if (a->default_low > limit)
                return 0;
        return -1;
}

/* alloc_pages_node(node, gfp): the zone asked for (or a lower one) on the
 * node, else on the nearest node that has it (the zonelist's fallback). */
static void page_allocator(const DmaDeviceFacts *d, const DmaZones *z, MemZone zone, DmaPath *p) {
        p->source = DMA_FROM_PAGE_ALLOCATOR;
        p->zone = zone;
        if (zone == MEM_ZONE_NORMAL) {
                p->mem_node = d->node;
                p->locality = locality(d->node, d->node);
                return;
        }
        const NodeSet *only = zone == MEM_ZONE_DMA ? z->with_dma : NULL;
        _cleanup_nodeset_ NodeSet *low = NULL;
        if (!only) {
                /* GFP_DMA32 may be served by ZONE_DMA32 or ZONE_DMA. */
                low = nodeset_dup(z->with_dma32);
                for (int n = -1; low && (n = nodeset_next(z->with_dma, n)) >= 0;)
                        (void) nodeset_add(low, n);
                only = low;
        }
        if (d->node >= 0 && nodeset_contains(only, d->node))
                p->mem_node = d->node;
        else if (nodeset_count(only) == 1)
                p->mem_node = nodeset_next(only, -1);
        p->locality = d->node >= 0 && p->mem_node != d->node && z->known ? DMA_REMOTE : locality(d->node, p->mem_node);
}

static void direct(const DmaDeviceFacts *d, const DmaZones *z, const DmaAreas *a, DmaPath *p) {
        MemZone zone = request_zone(d, z);
        if (d->node < 0)
                p->bypass |= DMA_BYPASS_NO_NODE;
        if (zone == MEM_ZONE_DMA && (z->dma_zone_covers_memory || mask_limit(d->mask_bits) > LIMIT_4G))
                p->bypass |= DMA_BYPASS_DMA_ZONE;
        else if (zone != MEM_ZONE_NORMAL)
                p->bypass |= DMA_BYPASS_MASK;
        p->uses_pool = !p->bypass;
        if (p->uses_pool && nodeset_contains(a->pools, d->node)) {
                p->source = DMA_FROM_NODE_POOL;
                p->mem_node = d->node;
                p->locality = DMA_LOCAL;
                p->why = "dma_alloc_contiguous() takes the per-node area of the device's node";
                return;
        }
        int fits = a->default_area ? default_fits(a, mask_limit(d->mask_bits)) : 0;
        if (fits > 0) {
                p->source = DMA_FROM_DEFAULT_AREA;
                p->mem_node = a->default_node;
                p->locality = locality(d->node, a->default_node);
                p->why = p->bypass & DMA_BYPASS_NO_NODE ? "NUMA_NO_NODE: dma_alloc_contiguous() never tries a per-node area, the default area serves it" :
                         p->bypass & DMA_BYPASS_DMA_ZONE ? "GFP_DMA (zone_dma_limit covers its mask): dma_alloc_contiguous() skips the per-node areas, the default area serves it" :
                         p->bypass & DMA_BYPASS_MASK ? "coherent mask within 4 GiB (GFP_DMA32/GFP_DMA): dma_alloc_contiguous() skips the per-node areas, the default area serves it" :
                         "no per-node area on its node: dma_alloc_contiguous() falls back to the default area";
                return;
        }
        if (fits < 0) {
                p->source = DMA_FROM_UNKNOWN;
                p->mem_node = -1;
                p->zone = zone;
                p->why = "the default area serves it if the block lies within its coherent mask, else the page allocator (dma_coherent_ok())";
                return;
        }
        if (z->known && z->dram_start > mask_limit(d->mask_bits)) {
                /* __dma_direct_alloc_pages(): every zone's pages fail
                 * dma_coherent_ok(), and GFP_DMA has no lower zone to retry. */
                p->source = DMA_FROM_NOTHING;
                p->zone = zone;
                p->why = "no memory lies within its coherent mask: its coherent allocations fail (dma_direct_alloc()), unless an IOMMU translates";
                return;
        }
        page_allocator(d, z, zone, p);
        p->why = a->default_area ? "the default area lies above its coherent mask (dma_coherent_ok() drops it): the page allocator serves it" :
                 p->bypass & DMA_BYPASS_NO_NODE ? "NUMA_NO_NODE and no default area: the page allocator serves it on the allocating CPU's node" :
                 "no CMA area serves it: the page allocator does (alloc_pages_node())";
}

void dma_path_decide(const DmaDeviceFacts *d, const DmaZones *z, const DmaAreas *a, DmaPath *ret) {
        DmaPath p = { .source = DMA_FROM_UNKNOWN, .mem_node = -1, .zone = _MEM_ZONE_MAX,
                      .locality = DMA_LOCALITY_UNKNOWN };
        if (d->iommu == DMA_IOMMU_ASSIGNED) {
                p.source = DMA_FROM_NOTHING;
                p.why = "its IOMMU domain is blocked or unmanaged: the device belongs to VFIO (a VM or user space), the host allocates no coherent memory for it";
        } else if (!d->bound) {
                p.source = DMA_FROM_NOTHING;
                p.uses_pool = d->node >= 0;  /* what its driver will do is unknown: as a 64-bit device */
                p.why = "no driver is bound: it allocates nothing until one binds and sets its mask";
        } else if (d->iommu == DMA_IOMMU_TRANSLATING) {
                p.source = DMA_FROM_IOMMU_PAGES;
                p.bypass = DMA_BYPASS_IOMMU;
                p.mem_node = d->node;
                p.zone = MEM_ZONE_NORMAL;
                p.locality = locality(d->node, d->node);
                p.why = "a translating IOMMU: iommu_dma_alloc_remap() maps page allocator pages of the device's node, no CMA area";
        } else
                direct(d, z, a, &p);
        *ret = p;
}
