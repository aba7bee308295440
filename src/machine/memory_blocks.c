/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "machine/memory_blocks.h"

#define MEMORY_DIR "/sys/devices/system/memory"

void memory_blocks_done(MemoryBlocks *m) {
        free(m->blocks);
        *m = (MemoryBlocks){0};
}

bool memory_block_name(const char *name) {
        const char *s = startswith(name, "memory");
        return s && *s && isdigit((unsigned char) *s);
}

bool node_link_name(const char *name) {
        const char *s = startswith(name, "node");
        return s && *s && isdigit((unsigned char) *s);
}

static int cmp_block(const void *a, const void *b) {
        uint64_t x = ((const struct MemoryBlock *) a)->block, y = ((const struct MemoryBlock *) b)->block;
        return (x > y) - (x < y);
}

int memory_blocks_load(const char *root, const KernelMemory *zones, MemoryBlocks *ret) {
        MemoryBlocks m = { .zones = zones };
        _cleanup_free_ char *bs = NULL;
        _cleanup_strv_free_ char **blocks = NULL;
        *ret = m;
        if (read_line_root(root, MEMORY_DIR "/block_size_bytes", &bs) < 0 || safe_atou64(bs, 16, &m.block_size) < 0 ||
            !m.block_size || list_dir_root(root, MEMORY_DIR, memory_block_name, &blocks) < 0) {
                *ret = (MemoryBlocks){ .zones = zones };
                return 0;
        }
        size_t n = strv_length(blocks);
        m.blocks = calloc(MAX(n, (size_t) 1), sizeof(struct MemoryBlock));
        if (!m.blocks) {
                memory_blocks_done(&m);
                return -ENOMEM;
        }
        for (char **b = blocks; *b; b++) {
                _cleanup_free_ char *dir = strdup_printf(MEMORY_DIR "/%s", *b);
                _cleanup_strv_free_ char **links = NULL;
                uint64_t idx;
                int node;
                if (!dir) {
                        memory_blocks_done(&m);
                        return -ENOMEM;
                }
                if (safe_atou64(*b + strlen("memory"), 10, &idx) < 0 || list_dir_root(root, dir, node_link_name, &links) < 0 ||
                    !links || !links[0] || safe_atoi(links[0] + 4, &node) < 0 || node < 0)
                        continue;
                m.blocks[m.n++] = (struct MemoryBlock){ .block = idx, .node = node };
        }
        /* list_dir sorts by name: memory10 before memory2. */
        qsort(m.blocks, m.n, sizeof(struct MemoryBlock), cmp_block);
        *ret = m;
        return 0;
}

/* The zones' spans: the node whose zone holds the page frame. */
static int zone_node(const KernelMemory *z, uint64_t phys) {
        uint64_t ps = z && z->page_size ? z->page_size : 4096, pfn = phys / ps;
        for (size_t i = 0; z && i < z->n_nodes; i++)
                for (MemZone k = 0; k < _MEM_ZONE_MAX; k++) {
                        const ZonePages *zp = &z->nodes[i].zones[k];
                        if (zp->present_pages && zp->has_start && pfn >= zp->start_pfn &&
                            pfn - zp->start_pfn < zp->spanned_pages)
                                return z->nodes[i].node;
                }
        return -1;
}

int memory_blocks_node(const MemoryBlocks *m, uint64_t phys) {
        if (!m->n || !m->block_size)
                return zone_node(m->zones, phys);
        uint64_t b = phys / m->block_size;
        size_t lo = 0, hi = m->n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (m->blocks[mid].block < b)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < m->n && m->blocks[lo].block == b ? m->blocks[lo].node : zone_node(m->zones, phys);
}
