/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rules, first match wins, for each online node with memory:
 *
 * 1. The kernel log lists the node under "Early memory node ranges"
 *    (mm/mm_init.c free_area_init(): memblock's ranges before the page
 *    allocator): boot memory. A log with that list that lacks the node:
 *    not boot memory.
 * 2. This boot's kernel made a CMA area on the node (sysfs numaN, pernumaN,
 *    hugetlbN): it had memory there at early boot.
 * 3. The log says "cma: invalid node N specified" (kernel/dma/contiguous.c
 *    dma_numa_cma_reserve(): the node was not online at early boot).
 * 4. The node's memory is driver-managed: "System RAM (DRIVER)" in
 *    /proc/iomem (mm/memory_hotplug.c add_memory_driver_managed(), the name
 *    it requires; used by dax/kmem for CXL memory and NVIDIA's driver for
 *    Grace Hopper's GPU memory), mapped to the node by its memory blocks.
 * 5. All of the node's memory is in ZONE_MOVABLE and the node is missing
 *    from has_normal_memory (drivers/base/node.c N_NORMAL_MEMORY, set in
 *    mm/memory_hotplug.c online_pages() only for zones
 *    up to ZONE_NORMAL): memory onlined movable after boot. Boot memory is
 *    movable only with kernelcore=/movablecore= on the command line
 *    (mm/mm_init.c find_zone_movable_pfns_for_nodes()), where this rule is
 *    not used; with movable_node, memblock skips hotpluggable memory for
 *    allocations (mm/memblock.c should_skip_region()), so no CMA area lands
 *    there either.
 * 6. Otherwise: boot memory (in kernel zones, as early boot leaves it).
 *
 * A cold-plugged DIMM onlined into ZONE_NORMAL with the log gone is the
 * case none of these catch: status then reports the failed reservation. */
#include <ctype.h>
#include <inttypes.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/cmdline.h"
#include "machine/boot_memory.h"
#include "machine/memory_blocks.h"

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

static NodeBootMemory *node_mut(BootMemory *bm, int node) {
        return (NodeBootMemory *) boot_memory_node(bm, node);
}

/* Present pages per node, movable or not, from zoneinfo as parsed once
 * (kernel/memory.c). Both lists are sorted by node: one walk. */
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
                for (MemZone k = 0; k < _MEM_ZONE_MAX; k++)
                        if (k == MEM_ZONE_MOVABLE)
                                b->movable_pages += z[j].zones[k].present_pages;
                        else
                                b->kernel_pages += z[j].zones[k].present_pages;
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

int iomem_driver_ranges(const char *text, DriverRange **ret, size_t *ret_n) {
        DriverRange *r = NULL;
        size_t n = 0;
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                if (!isxdigit((unsigned char) *l))
                        continue;  /* nested resources are indented */
                char *e;
                uint64_t start = strtoull(l, &e, 16), end;
                if (*e != '-')
                        continue;
                end = strtoull(e + 1, &e, 16);
                const char *name = startswith(e, " : System RAM (");
                const char *close = name ? strchr(name, ')') : NULL;
                const char *nl = strchr(l, '\n');
                if (!close || (nl && close > nl) || end <= start)
                        continue;  /* not driver-managed, or addresses hidden (not root) */
                DriverRange *nr = realloc(r, (n + 1) * sizeof(DriverRange));
                if (!nr)
                        goto oom;
                r = nr;
                r[n] = (DriverRange){ .start = start, .end = end, .driver = strndup(name, (size_t) (close - name)) };
                if (!r[n++].driver)
                        goto oom;
        }
        *ret = r;
        *ret_n = n;
        return 0;
oom:
        for (size_t i = 0; i < n; i++)
                free(r[i].driver);
        free(r);
        return -ENOMEM;
}

/* Driver-managed ranges to nodes: each memory block starts at
 * phys_index * block_size_bytes and names its node by a nodeN link
 * (drivers/base/memory.c). Only read when /proc/iomem has such a range. */
static int map_driver_ranges(const char *root, BootMemory *bm) {
        _cleanup_free_ char *iomem = NULL;
        DriverRange *ranges = NULL;
        size_t n = 0;
        int r;

        if (read_full_file_root(root, "/proc/iomem", &iomem, NULL) < 0)
                return 0;
        if ((r = iomem_driver_ranges(iomem, &ranges, &n)) < 0 || n == 0)
                return r;
        _cleanup_free_ char *bs = NULL;
        uint64_t block = 0;
        _cleanup_strv_free_ char **blocks = NULL;
        if (read_line_root(root, MEMORY_DIR "/block_size_bytes", &bs) >= 0)
                (void) safe_atou64(bs, 16, &block);
        if (block && list_dir_root(root, MEMORY_DIR, memory_block_name, &blocks) >= 0)
                for (char **b = blocks; *b && r >= 0; b++) {
                        uint64_t idx;
                        if (safe_atou64(*b + strlen("memory"), 10, &idx) < 0)
                                continue;
                        uint64_t addr = idx * block;
                        const DriverRange *hit = NULL;
                        for (size_t i = 0; i < n; i++)
                                if (addr >= ranges[i].start && addr <= ranges[i].end)
                                        hit = &ranges[i];
                        if (!hit)
                                continue;
                        _cleanup_free_ char *dir = strdup_printf(MEMORY_DIR "/%s", *b);
                        _cleanup_strv_free_ char **links = NULL;
                        int node;
                        if (!dir) {
                                r = -ENOMEM;
                                break;
                        }
                        if (list_dir_root(root, dir, node_link_name, &links) < 0 || !links[0] ||
                            safe_atoi(links[0] + 4, &node) < 0)
                                continue;
                        NodeBootMemory *nb = node_mut(bm, node);
                        if (nb && !nb->driver && !(nb->driver = strdup(hit->driver)))
                                r = -ENOMEM;
                }
        for (size_t i = 0; i < n; i++)
                free(ranges[i].driver);
        free(ranges);
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

static const char *decide(const NodeBootMemory *n, const BootMemory *bm, const CmaState *cma,
                          const KernelLog *log, bool movable_boot, bool *ret) {
        if (log && log->has_early_ranges) {
                *ret = nodeset_contains(log->early_nodes, n->node);
                return *ret ? "listed in the kernel log's early memory node ranges" :
                              "missing from the kernel log's early memory node ranges: its memory came after early boot";
        }
        if (made_area(cma, n->node))
                return *ret = true, "this boot's kernel made a CMA area there";
        if (log && nodeset_contains(log->invalid_nodes, n->node))
                return *ret = false, "this boot's kernel logged 'cma: invalid node specified' for it: it was not online at early boot";
        if (n->driver)
                return *ret = false, "its memory is driver-managed ('System RAM (driver)' in /proc/iomem): added after early boot";
        bool normal = bm->normal_memory ? nodeset_contains(bm->normal_memory, n->node) : n->kernel_pages > 0;
        if (!movable_boot && !normal && n->movable_pages > 0 && n->kernel_pages == 0)
                return *ret = false, "all its memory is in ZONE_MOVABLE (not in has_normal_memory): onlined movable after early boot";
        return *ret = true, "its memory is in kernel zones, as early boot leaves it";
}

int boot_memory_judge(const Topology *t, const CmaState *cma, const KernelLog *log,
                      const char *booted_cmdline, BootMemory *bm) {
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
                if (!n->has_memory) {
                        n->boot = false;
                        n->why = "no memory";
                        continue;
                }
                n->why = decide(n, bm, cma, log, movable_boot, &n->boot);
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
                     const char *booted_cmdline, BootMemory *ret) {
        BootMemory bm = {0};
        _cleanup_free_ char *normal = NULL;
        int r = nodes_of(t, &bm);
        if (r >= 0)
                take_zones(t->memory.nodes, t->memory.n_nodes, &bm);
        if (r >= 0 && read_line_root(root, "/sys/devices/system/node/has_normal_memory", &normal) >= 0 &&
            nodeset_parse(normal, &bm.normal_memory) < 0)
                bm.normal_memory = NULL;
        if (r >= 0)
                r = map_driver_ranges(root, &bm);
        if (r >= 0)
                r = boot_memory_judge(t, cma, log, booted_cmdline, &bm);
        if (r < 0) {
                boot_memory_done(&bm);
                return r;
        }
        *ret = bm;
        return 0;
}
