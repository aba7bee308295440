/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rules, first match wins, for each online node with memory:
 *
 * 1. This boot's early facts list the node under "Early memory node ranges"
 *    (mm/mm_init.c free_area_init(): memblock's ranges before the page
 *    allocator), from /dev/kmsg, numacmad's boot-facts record or the
 *    journal (kernel/kernel_log.h): boot memory. A list that lacks the
 *    node: not boot memory.
 * 2. This boot's kernel made a CMA area on the node (sysfs numaN, pernumaN,
 *    hugetlbN): it had memory there at early boot. Or the node has present
 *    pages in ZONE_DMA/ZONE_DMA32: memory onlined later lands in the first
 *    of the node's kernel zones whose span it intersects, else ZONE_NORMAL
 *    (mm/memory_hotplug.c default_kernel_zone_for_pfn()), or ZONE_MOVABLE;
 *    a node without boot memory has only empty spans.
 * 3. The log says "cma: invalid node N specified" (kernel/dma/contiguous.c
 *    dma_numa_cma_reserve(): the node was not online at early boot).
 * 4. The node's memory is driver-managed: "System RAM (DRIVER)" in
 *    /proc/iomem (mm/memory_hotplug.c add_memory_driver_managed(), the name
 *    it requires; used by dax/kmem for CXL memory and NVIDIA's driver for
 *    Grace Hopper's GPU memory), mapped to the node by its memory blocks;
 *    or memblock (arm64 debugfs) flags its range DRV_MNG.
 * 5. x86: a /sys/firmware/memmap entry that is not one of the boot (e820)
 *    entries holds its memory: hot-added (machine/memory_maps.h).
 * 6. All of the node's memory is in ZONE_MOVABLE and the node is missing
 *    from has_normal_memory (drivers/base/node.c N_NORMAL_MEMORY, set in
 *    mm/memory_hotplug.c online_pages() only for zones
 *    up to ZONE_NORMAL): memory onlined movable after boot. Boot memory is
 *    movable only with kernelcore=/movablecore= on the command line
 *    (mm/mm_init.c find_zone_movable_pfns_for_nodes()), where this rule is
 *    not used; with movable_node, memblock skips hotpluggable memory for
 *    allocations (mm/memblock.c should_skip_region()), so no CMA area lands
 *    there either.
 * 7. This boot's kernel made its implicit per-node areas (CMA_SIZE_PERNUMA,
 *    no numa_cma=/cma_pernuma= on the booted line) on other nodes, not on
 *    this one, and nothing the kernel would accept explains it: slots were
 *    left, the node is not the default area's (patch 0003) and has room
 *    for four such areas. dma_numa_cma_reserve() tries every node online
 *    then: this one was not (its memory came later).
 * 8. Otherwise: unknown (known false); taken as boot memory for the plan
 *    (a kernel that finds no memory there only warns), never as a failure.
 */
#include <ctype.h>
#include <inttypes.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/cmdline.h"
#include "machine/boot_memory.h"
#include "machine/memory_blocks.h"
#include "machine/memory_maps.h"

#define MEMORY_DIR "/sys/devices/system/memory"

void boot_memory_done(BootMemory *bm) {
        for (size_t i = 0; i < bm->n_nodes; i++)
                free(bm->nodes[i].driver);
        free(bm->nodes);
        nodeset_free(bm->normal_memory);
        *bm = (BootMemory){0};
}

const NodeBootMemory *boot_memory_node(const BootMemory *bm, int node) {
        for (size_t i = 0; bm && i < bm->n_nodes; i++)
                if (bm->nodes[i].node == node)
                        return &bm->nodes[i];
        return NULL;
}

bool boot_memory_can_hold(const BootMemory *bm, int node) {
        if (!bm)
                return true;
        const NodeBootMemory *n = boot_memory_node(bm, node);
        return n ? n->boot : false;
}

bool boot_memory_known(const BootMemory *bm, int node) {
        const NodeBootMemory *n = boot_memory_node(bm, node);
        return n && n->known;
}

static NodeBootMemory *node_mut(BootMemory *bm, int node) {
        return (NodeBootMemory *) boot_memory_node(bm, node);
}

/* Present pages per node, movable or not, and those in ZONE_DMA or
 * ZONE_DMA32, from zoneinfo as parsed once (kernel/memory.c). Both lists
 * are sorted by node: one walk. */
static void take_zones(const ZoneCma *z, size_t n, BootMemory *bm) {
        size_t j = 0;
        for (size_t i = 0; i < bm->n_nodes; i++) {
                NodeBootMemory *b = &bm->nodes[i];
                while (j < n && z[j].node < b->node)
                        j++;
                if (j == n)
                        return;
                if (z[j].node != b->node)
                        continue;
                for (MemZone k = 0; k < _MEM_ZONE_MAX; k++) {
                        uint64_t pages = z[j].zones[k].present_pages;
                        if (k == MEM_ZONE_MOVABLE)
                                b->movable_pages += pages;
                        else
                                b->kernel_pages += pages;
                        if (k == MEM_ZONE_DMA || k == MEM_ZONE_DMA32)
                                b->dma_pages += pages;
                }
        }
}

int boot_memory_parse_zoneinfo(const char *text, BootMemory *bm) {
        _cleanup_free_ ZoneCma *z = NULL;
        size_t n = 0;
        int r = zoneinfo_parse(text, &z, &n, NULL);
        if (r < 0)
                return r;
        take_zones(z, n, bm);
        return 0;
}

/* The memory blocks (machine/memory_blocks.h), read once and only when
 * some range has to be put on a node: a large machine has thousands. */
typedef struct {
        bool loaded;
        MemoryBlocks m;
} Blocks;

static int blocks_get(const char *root, Blocks *b) {
        if (b->loaded)
                return 0;
        b->loaded = true;
        return memory_blocks_load(root, NULL, &b->m);
}

/* Where block i starts (phys_index * block_size_bytes, drivers/base/memory.c);
 * false when that does not fit in 64 bits. */
static bool block_start(const Blocks *b, size_t i, uint64_t *ret) {
        if (b->m.blocks[i].block > UINT64_MAX / b->m.block_size)
                return false;
        *ret = b->m.blocks[i].block * b->m.block_size;
        return true;
}

/* Driver-managed ranges (/proc/iomem) to nodes, through the memory blocks. */
static int map_driver_ranges(const char *root, Blocks *bl, BootMemory *bm) {
        _cleanup_free_ char *iomem = NULL;
        DriverRange *ranges = NULL;
        size_t n = 0;
        int r;

        if (read_full_file_root(root, "/proc/iomem", &iomem, NULL) < 0)
                return 0;
        if ((r = iomem_driver_ranges(iomem, &ranges, &n)) < 0 || n == 0 || (r = blocks_get(root, bl)) < 0) {
                driver_ranges_free(ranges, n);
                return r;
        }
        for (size_t b = 0; b < bl->m.n && r >= 0; b++)
                for (size_t i = 0; i < n; i++) {
                        NodeBootMemory *nb = node_mut(bm, bl->m.blocks[b].node);
                        uint64_t start;
                        if (!block_start(bl, b, &start) || start < ranges[i].start || start > ranges[i].end || !nb ||
                            nb->driver)
                                continue;
                        if (!(nb->driver = strdup(ranges[i].driver)))
                                r = -ENOMEM;
                }
        driver_ranges_free(ranges, n);
        return r;
}

/* x86's firmware memory map: RAM entries that are not the boot entries
 * hold hot-added memory; those certainly among them, boot memory
 * (machine/memory_maps.h). Each memory block is looked up once. */
static int map_memmap(const char *root, Blocks *bl, BootMemory *bm) {
        MemmapEntry *e = NULL;
        size_t n = 0;
        int r = memmap_load(root, &e, &n);
        if (r < 0 || !n || !memmap_mark_boot(e, n) || (r = blocks_get(root, bl)) < 0) {
                free(e);
                return r;
        }
        _cleanup_free_ bool *uncertain = calloc(bm->n_nodes + 1, sizeof(bool));
        _cleanup_free_ bool *seen = calloc(bm->n_nodes + 1, sizeof(bool));
        if (!uncertain || !seen) {
                free(e);
                return -ENOMEM;
        }
        for (size_t b = 0; b < bl->m.n; b++) {
                NodeBootMemory *nb = node_mut(bm, bl->m.blocks[b].node);
                const MemmapEntry *hit = NULL;
                uint64_t start;
                if (!nb || !block_start(bl, b, &start))
                        continue;
                for (size_t i = 0; i < n && !hit; i++)
                        if (e[i].ram && start >= e[i].start && start <= e[i].end)
                                hit = &e[i];
                seen[nb - bm->nodes] = true;
                if (hit && !hit->boot && !nb->memmap_added) {
                        nb->memmap_added = true;
                        nb->memmap_entry = hit->index;
                }
                if (!hit || !hit->boot_certain)
                        uncertain[nb - bm->nodes] = true;
        }
        for (size_t i = 0; i < bm->n_nodes; i++)
                bm->nodes[i].memmap_boot = seen[i] && !uncertain[i] && !bm->nodes[i].memmap_added;
        free(e);
        return 0;
}

/* arm64's memblock: a range flagged DRV_MNG is driver-managed memory. */
static int map_memblock(const char *root, BootMemory *bm) {
        _cleanup_free_ char *text = NULL;
        MemblockRange *m = NULL;
        size_t n = 0;
        if (read_full_file_root(root, "/sys/kernel/debug/memblock/memory", &text, NULL) < 0)
                return 0;
        int r = memblock_parse(text, &m, &n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                NodeBootMemory *nb = m[i].driver_managed ? node_mut(bm, m[i].node) : NULL;
                if (nb)
                        nb->memblock_driver = true;
        }
        free(m);
        return r;
}

static bool made_area(const CmaState *cma, int node) {
        for (size_t i = 0; cma && i < cma->n_areas; i++) {
                const CmaArea *a = &cma->areas[i];
                if ((a->kind == AREA_NUMA || a->kind == AREA_PERNUMA) && a->node == node &&
                    (!a->has_total || a->total_pages))
                        return true;
                int h;
                const char *s = startswith(a->name, "hugetlb");
                if (s && *s && safe_atoi(s, &h) >= 0 && h == node)
                        return true;
        }
        return false;
}

/* Rule 7: did this boot's kernel make implicit areas on other nodes and
 * none here, with nothing it would accept to explain it? */
static bool implicit_elsewhere(const NodeBootMemory *n, const Topology *t, const CmaState *cma,
                               const char *booted_cmdline, const KernelCaps *k) {
        if (!k || !k->implicit_per_node || !cma || !cma->has_sysfs || !booted_cmdline)
                return false;
        _cleanup_cmdline_ Cmdline *c = NULL;
        if (cmdline_parse(booted_cmdline, &c) < 0 || cmdline_count(c, "numa_cma") || cmdline_count(c, "cma_pernuma"))
                return false;
        uint64_t size = 0;
        size_t elsewhere = 0;
        for (size_t i = 0; i < cma->n_areas; i++) {
                const CmaArea *a = &cma->areas[i];
                if (a->kind == AREA_NUMA && a->node != n->node) {
                        elsewhere++;
                        size = a->has_total ? a->total_pages : 0;
                }
        }
        const NumaNode *tn = topology_node(t, n->node);
        uint64_t ps = k->page_size ? k->page_size : 4096;
        /* A node too small for the default area's size may take a smaller one. */
        bool room = size && tn && tn->mem_total / 4 >= size * ps;
        return elsewhere && room && !cma_state_area(cma, AREA_NUMA, n->node) && (!k->cma_areas || cma->n_areas < k->cma_areas) &&
               cma_state_default_node(cma) != n->node;
}

static const char *decide(const NodeBootMemory *n, const BootMemory *bm, const Topology *t, const CmaState *cma,
                          const KernelLog *log, const char *booted_cmdline, const KernelCaps *running,
                          bool movable_boot, bool *ret) {
        if (log && log->has_early_ranges) {
                *ret = nodeset_contains(log->early_nodes, n->node);
                if (log->source && !streq(log->source, "/dev/kmsg"))
                        return *ret ? "listed in this boot's early memory node ranges (from the boot-facts record or the journal)" :
                                      "missing from this boot's early memory node ranges (from the boot-facts record or the journal): its memory came after early boot";
                return *ret ? "listed in the kernel log's early memory node ranges" :
                              "missing from the kernel log's early memory node ranges: its memory came after early boot";
        }
        if (made_area(cma, n->node))
                return *ret = true, "this boot's kernel made a CMA area there";
        if (n->dma_pages)
                return *ret = true, "it has memory in ZONE_DMA/ZONE_DMA32, where only boot memory lands (memory hot-added to a node without boot memory goes to ZONE_NORMAL or ZONE_MOVABLE)";
        if (log && nodeset_contains(log->invalid_nodes, n->node))
                return *ret = false, "this boot's kernel logged 'cma: invalid node specified' for it: it was not online at early boot";
        if (n->driver || n->memblock_driver)
                return *ret = false, n->driver ? "its memory is driver-managed ('System RAM (driver)' in /proc/iomem): added after early boot" :
                                                 "its memory is driver-managed (DRV_MNG in memblock): added after early boot";
        if (n->memmap_added)
                return *ret = false, "its memory is a hot-added entry of the firmware memory map (/sys/firmware/memmap, not one of the boot entries): added after early boot";
        if (n->memmap_boot)
                return *ret = true, "its memory is in the firmware's boot memory map (/sys/firmware/memmap e820 entries)";
        bool normal = bm->normal_memory ? nodeset_contains(bm->normal_memory, n->node) : n->kernel_pages > 0;
        if (!movable_boot && !normal && n->movable_pages > 0 && n->kernel_pages == 0)
                return *ret = false, "all its memory is in ZONE_MOVABLE (not in has_normal_memory): onlined movable after early boot";
        if (implicit_elsewhere(n, t, cma, booted_cmdline, running))
                return *ret = false, "this boot's kernel made its implicit per-node areas on other nodes but not here, with slots left: it was not online at early boot (its memory came later)";
        *ret = true;
        return NULL;  /* unknown */
}

int boot_memory_judge(const Topology *t, const CmaState *cma, const KernelLog *log,
                      const char *booted_cmdline, const KernelCaps *running, BootMemory *bm) {
        bool movable_boot = false;
        if (booted_cmdline) {
                _cleanup_cmdline_ Cmdline *c = NULL;
                if (cmdline_parse(booted_cmdline, &c) < 0)
                        return -ENOMEM;
                movable_boot = cmdline_count(c, "kernelcore") || cmdline_count(c, "movablecore");
        }
        bm->log_readable = log && log->readable;
        for (size_t i = 0; i < bm->n_nodes; i++) {
                NodeBootMemory *n = &bm->nodes[i];
                const NumaNode *tn = topology_node(t, n->node);
                n->has_memory = tn && tn->has_memory;
                n->known = true;
                if (!n->has_memory) {
                        n->boot = false;
                        n->why = "no memory";
                        continue;
                }
                n->why = decide(n, bm, t, cma, log, booted_cmdline, running, movable_boot, &n->boot);
                if (!n->why) {
                        n->known = false;
                        n->why = "unknown: nothing this boot left says whether its memory was there at early boot (its memory is in kernel zones)";
                }
        }
        return 0;
}

static int nodes_of(const Topology *t, BootMemory *bm) {
        bm->nodes = calloc(MAX(t->n_nodes, (size_t) 1), sizeof(NodeBootMemory));
        if (!bm->nodes)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_nodes; i++)
                if (t->nodes[i].online)
                        bm->nodes[bm->n_nodes++] = (NodeBootMemory){ .node = t->nodes[i].id };
        return 0;
}

int boot_memory_load(const char *root, const Topology *t, const CmaState *cma, const KernelLog *log,
                     const char *booted_cmdline, const KernelCaps *running, BootMemory *ret) {
        BootMemory bm = {0};
        _cleanup_free_ char *normal = NULL;
        Blocks blocks = {0};
        int r = nodes_of(t, &bm);
        if (r >= 0)
                take_zones(t->memory.nodes, t->memory.n_nodes, &bm);
        if (r >= 0 && read_line_root(root, "/sys/devices/system/node/has_normal_memory", &normal) >= 0 &&
            nodeset_parse(normal, &bm.normal_memory) < 0)
                bm.normal_memory = NULL;
        /* The maps that outlive the log, only when the log cannot tell. */
        bool need = !log || !log->has_early_ranges;
        if (r >= 0 && need)
                r = map_driver_ranges(root, &blocks, &bm);
        if (r >= 0 && need)
                r = map_memmap(root, &blocks, &bm);
        if (r >= 0 && need)
                r = map_memblock(root, &bm);
        memory_blocks_done(&blocks.m);
        if (r >= 0)
                r = boot_memory_judge(t, cma, log, booted_cmdline, running, &bm);
        if (r < 0) {
                boot_memory_done(&bm);
                return r;
        }
        *ret = bm;
        return 0;
}
