/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's coherent allocation path per device (src/kernel/dma_path.c),
 * rule by rule, on zone layouts written here after the captured machines
 * (qemu q35 and virt, 4 KiB pages) and after arm64 servers' memory maps;
 * then dma_zones_from_memory() on the captured trees' own zoneinfo. The
 * rules and their sources are in src/kernel/dma_path.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "basic/util.h"
#include "kernel/dma_path.h"
#include "kernel/memory.h"

#define PS 4096ull
#define PFN(addr) ((uint64_t) (addr) / PS)

static void zone(ZoneCma *n, MemZone z, uint64_t start, uint64_t end, uint64_t cma) {
        n->zones[z] = (ZonePages){ .present_pages = PFN(end - start), .spanned_pages = PFN(end - start),
                                   .start_pfn = PFN(start), .has_start = true, .cma_pages = PFN(cma) };
        n->cma_pages += PFN(cma);
}

/* q35, 2 x 1 GiB: node 0 DMA [4K, 16M) and DMA32 [16M, 1G), node 1 DMA32
 * [1G, 2G) (7.2-amd64-nvme-pools' zoneinfo, rounded). */
static void q35_2g(KernelMemory *m, ZoneCma n[2], uint64_t def_cma_node1) {
        memset(n, 0, 2 * sizeof(ZoneCma));
        n[0].node = 0;
        n[1].node = 1;
        zone(&n[0], MEM_ZONE_DMA, 4096, 16 * MIB, 0);
        zone(&n[0], MEM_ZONE_DMA32, 16 * MIB, 1 * GIB, 64 * MIB);
        zone(&n[1], MEM_ZONE_DMA32, 1 * GIB, 2 * GIB, def_cma_node1);
        *m = (KernelMemory){ .has_zoneinfo = true, .nodes = n, .n_nodes = 2, .page_size = PS };
}

static DmaPath decide(const DmaZones *z, DmaDeviceFacts f, const NodeSet *pools, bool def, int def_node,
                      uint64_t low, uint64_t high) {
        DmaAreas a = { .pools = pools, .default_area = def, .default_node = def_node,
                       .default_low = low, .default_high = high, .default_span_known = high > 0 };
        DmaPath p;
        dma_path_decide(&f, z, &a, &p);
        return p;
}

static NodeSet *pools_of(int a, int b) {
        NodeSet *s = nodeset_new();
        assert_non_null(s);
        if (a >= 0)
                assert_int_equal(nodeset_add(s, a), 0);
        if (b >= 0)
                assert_int_equal(nodeset_add(s, b), 0);
        return s;
}

static void test_x86(void **state) {
        KernelMemory m;
        ZoneCma n[2];
        DmaZones z;
        q35_2g(&m, n, 128 * MIB);
        assert_int_equal(dma_zones_from_memory(&m, "x86_64", PS, &z), 0);
        assert_true(z.known);
        assert_int_equal(z.zone_dma_limit, 0xffffff);
        assert_false(z.dma_zone_covers_memory);
        _cleanup_nodeset_ NodeSet *pools = pools_of(0, 1);

        /* 64-bit, node 1, numa1: its pool. */
        DmaPath p = decide(&z, (DmaDeviceFacts){ .node = 1, .mask_bits = 64, .bound = true }, pools, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_NODE_POOL);
        assert_int_equal(p.mem_node, 1);
        assert_int_equal(p.locality, DMA_LOCAL);
        assert_int_equal(p.bypass, 0);
        assert_true(p.uses_pool);

        /* 32-bit (rtl8139 under 8139too) on node 0: GFP_DMA32 skips numa0, the
         * default area below 4 GiB on node 1 serves it: remote. */
        p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 32, .bound = true }, pools, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_DEFAULT_AREA);
        assert_int_equal(p.mem_node, 1);
        assert_int_equal(p.locality, DMA_REMOTE);
        assert_int_equal(p.bypass, DMA_BYPASS_MASK);
        assert_false(p.uses_pool);

        /* The same with the default area above 4 GiB (bottom-up from 4 GiB on
         * a large machine): dma_coherent_ok() drops it, the page allocator's
         * DMA32 zone of its own node serves it. */
        p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 32, .bound = true }, pools, true, 0, 4 * GIB, 8 * GIB);
        assert_int_equal(p.source, DMA_FROM_PAGE_ALLOCATOR);
        assert_int_equal(p.zone, MEM_ZONE_DMA32);
        assert_int_equal(p.mem_node, 0);
        assert_int_equal(p.locality, DMA_LOCAL);

        /* A 24-bit device on node 1: GFP_DMA; the default area (DMA32) is above
         * its mask; only node 0 has a DMA zone. */
        p = decide(&z, (DmaDeviceFacts){ .node = 1, .mask_bits = 24, .bound = true }, pools, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_PAGE_ALLOCATOR);
        assert_int_equal(p.zone, MEM_ZONE_DMA);
        assert_int_equal(p.mem_node, 0);
        assert_int_equal(p.locality, DMA_REMOTE);

        /* No node: the default area, whatever the pools; locality unknown. */
        p = decide(&z, (DmaDeviceFacts){ .node = -1, .mask_bits = 64, .bound = true }, pools, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_DEFAULT_AREA);
        assert_int_equal(p.mem_node, 1);
        assert_int_equal(p.locality, DMA_LOCALITY_UNKNOWN);
        assert_int_equal(p.bypass, DMA_BYPASS_NO_NODE);
        /* ... and without a default area the allocating CPU's node. */
        p = decide(&z, (DmaDeviceFacts){ .node = -1, .mask_bits = 64, .bound = true }, pools, false, -1, 0, 0);
        assert_int_equal(p.source, DMA_FROM_PAGE_ALLOCATOR);
        assert_int_equal(p.mem_node, -1);
        assert_int_equal(p.locality, DMA_LOCALITY_UNKNOWN);

        /* 64-bit on node 0 without numa0: the default area on node 1. */
        _cleanup_nodeset_ NodeSet *only1 = pools_of(1, -1);
        p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 64, .bound = true }, only1, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_DEFAULT_AREA);
        assert_int_equal(p.locality, DMA_REMOTE);
        assert_int_equal(p.bypass, 0);
        assert_true(p.uses_pool);
        /* No CMA at all: the page allocator on its node. */
        _cleanup_nodeset_ NodeSet *none = pools_of(-1, -1);
        p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 64, .bound = true }, none, false, -1, 0, 0);
        assert_int_equal(p.source, DMA_FROM_PAGE_ALLOCATOR);
        assert_int_equal(p.mem_node, 0);
        assert_int_equal(p.locality, DMA_LOCAL);

        /* The default area's zone unknown: a 32-bit device can go either way. */
        p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 32, .bound = true }, pools, true, 1, 0, 0);
        assert_int_equal(p.source, DMA_FROM_UNKNOWN);

        /* Translating IOMMU: page allocator pages of its node, no CMA. */
        p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 32, .bound = true, .iommu = DMA_IOMMU_TRANSLATING },
                   pools, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_IOMMU_PAGES);
        assert_int_equal(p.locality, DMA_LOCAL);
        assert_int_equal(p.bypass, DMA_BYPASS_IOMMU);
        /* Identity domain: dma-direct, as without an IOMMU. */
        p = decide(&z, (DmaDeviceFacts){ .node = 1, .mask_bits = 64, .bound = true, .iommu = DMA_IOMMU_IDENTITY },
                   pools, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_NODE_POOL);
        /* VFIO: the host allocates nothing. */
        p = decide(&z, (DmaDeviceFacts){ .node = 1, .mask_bits = 64, .bound = true, .iommu = DMA_IOMMU_ASSIGNED },
                   pools, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_NOTHING);
        /* Unbound: nothing yet; a pool would serve it once a 64-bit driver binds. */
        p = decide(&z, (DmaDeviceFacts){ .node = 1 }, pools, true, 1, 1 * GIB, 2 * GIB);
        assert_int_equal(p.source, DMA_FROM_NOTHING);
        assert_true(p.uses_pool);
        dma_zones_done(&z);
}

/* qemu virt arm64: RAM from 1 GiB, all below 4 GiB, zone DMA up to 4 GiB
 * (zone_dma_limit clamped to U32_MAX), DMA32 and Normal empty. */
static void test_arm64_low_ram(void **state) {
        ZoneCma n[2] = { { .node = 0 }, { .node = 1 } };
        zone(&n[0], MEM_ZONE_DMA, 1 * GIB, 2 * GIB, 64 * MIB);
        zone(&n[1], MEM_ZONE_DMA, 2 * GIB, 3 * GIB, 64 * MIB);
        KernelMemory m = { .has_zoneinfo = true, .nodes = n, .n_nodes = 2, .page_size = PS };
        DmaZones z;
        assert_int_equal(dma_zones_from_memory(&m, "arm64", PS, &z), 0);
        assert_false(z.dma_zone_covers_memory);
        assert_int_equal(z.zone_dma_limit, 0xffffffff);
        assert_false(z.zone_dma_limit_exact);
        _cleanup_nodeset_ NodeSet *pools = pools_of(0, -1);
        DmaPath p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 64, .bound = true }, pools, true, 1, 2 * GIB, 3 * GIB);
        assert_int_equal(p.source, DMA_FROM_NODE_POOL);
        /* 32-bit: GFP_DMA; the default area (below arm64_dma_phys_limit) fits. */
        p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 32, .bound = true }, pools, true, 1, 2 * GIB, 3 * GIB);
        assert_int_equal(p.source, DMA_FROM_DEFAULT_AREA);
        assert_int_equal(p.mem_node, 1);
        assert_int_equal(p.locality, DMA_REMOTE);
        assert_int_equal(p.bypass, DMA_BYPASS_MASK);
        dma_zones_done(&z);
}

/* arm64 with no RAM below 4 GiB (memory at 0x80_0000_0000 per socket, as
 * on Ampere and Grace servers). */
static void test_arm64_high_ram(void **state) {
        ZoneCma n[2] = { { .node = 0 }, { .node = 1 } };
        /* No firmware DMA limit: the DMA zone spans everything, Normal empty. */
        zone(&n[0], MEM_ZONE_DMA, 512 * GIB, 640 * GIB, 0);
        zone(&n[1], MEM_ZONE_DMA, 640 * GIB, 768 * GIB, 64 * MIB);
        KernelMemory m = { .has_zoneinfo = true, .nodes = n, .n_nodes = 2, .page_size = PS };
        DmaZones z;
        assert_int_equal(dma_zones_from_memory(&m, "arm64", PS, &z), 0);
        assert_true(z.dma_zone_covers_memory);
        _cleanup_nodeset_ NodeSet *pools = pools_of(0, 1);
        DmaPath p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 64, .bound = true }, pools, true, 1, 640 * GIB, 768 * GIB);
        assert_int_equal(p.source, DMA_FROM_DEFAULT_AREA);
        assert_int_equal(p.locality, DMA_REMOTE);
        assert_int_equal(p.bypass, DMA_BYPASS_DMA_ZONE);
        assert_false(p.uses_pool);
        /* A 32-bit device: the default area and every page of the DMA zone
         * lie above its mask, dma_coherent_ok() drops them all: it fails. */
        p = decide(&z, (DmaDeviceFacts){ .node = 0, .mask_bits = 32, .bound = true }, pools, true, 1, 640 * GIB, 768 * GIB);
        assert_int_equal(p.source, DMA_FROM_NOTHING);
        assert_int_equal(p.mem_node, -1);
        assert_int_equal(p.locality, DMA_LOCALITY_UNKNOWN);
        assert_int_equal(p.bypass, DMA_BYPASS_DMA_ZONE);
        dma_zones_done(&z);

        /* A firmware DMA limit below memory's end: the DMA zone ends at
         * 2^39 + 2^38, Normal above; DRAM from 256 GiB, so a 39-bit mask
         * reaches into the DMA zone. */
        memset(n, 0, sizeof n);
        n[0].node = 0;
        n[1].node = 1;
        zone(&n[0], MEM_ZONE_DMA, 256 * GIB, 768 * GIB, 0);
        zone(&n[1], MEM_ZONE_NORMAL, 768 * GIB, 1024 * GIB, 0);
        assert_int_equal(dma_zones_from_memory(&m, "arm64", PS, &z), 0);
        assert_false(z.dma_zone_covers_memory);
        assert_true(z.zone_dma_limit_exact);
        assert_int_equal(z.zone_dma_limit, 768 * GIB - 1);
        p = decide(&z, (DmaDeviceFacts){ .node = 1, .mask_bits = 39, .bound = true }, pools, false, -1, 0, 0);
        assert_int_equal(p.bypass, DMA_BYPASS_DMA_ZONE);
        assert_int_equal(p.source, DMA_FROM_PAGE_ALLOCATOR);
        assert_int_equal(p.zone, MEM_ZONE_DMA);
        assert_int_equal(p.mem_node, 0);
        p = decide(&z, (DmaDeviceFacts){ .node = 1, .mask_bits = 48, .bound = true }, pools, false, -1, 0, 0);
        assert_int_equal(p.source, DMA_FROM_NODE_POOL);
        dma_zones_done(&z);
}

/* The captured trees' zoneinfo: every arm64 tree of qemu virt has RAM
 * below 4 GiB, every x86 one zone_dma_limit 16 MiB - 1. */
static void test_captured(void **state) {
        static const struct { const char *tree; const char *arch; } trees[] = {
                { "/tests/fixtures/trees/7.2-arm64-4-nodes", "arm64" },
                { "/tests/fixtures/trees/7.2-amd64-nvme-pools", "x86_64" },
        };
        for (size_t i = 0; i < ELEMENTSOF(trees); i++) {
                KernelMemory m;
                DmaZones z;
                _cleanup_free_ char *root = strdup_printf("%s%s", SRCDIR, trees[i].tree);
                assert_int_equal(kernel_memory_load(root, &m), 0);
                assert_int_equal(dma_zones_from_memory(&m, trees[i].arch, m.page_size, &z), 0);
                assert_true(z.known);
                assert_false(z.dma_zone_covers_memory);
                if (z.arm64)
                        assert_true(z.zone_dma_limit <= 0xffffffffull);
                else
                        assert_int_equal(z.zone_dma_limit, 0xffffff);
                assert_true(nodeset_count(z.with_dma) >= 1);
                dma_zones_done(&z);
                kernel_memory_done(&m);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_x86),
                cmocka_unit_test(test_arm64_low_ram),
                cmocka_unit_test(test_arm64_high_ram),
                cmocka_unit_test(test_captured),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
