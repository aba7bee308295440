/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "kernel/memory.h"
#include "basic/fileio.h"
#include "basic/util.h"

void kernel_memory_done(KernelMemory *m) {
        free(m->nodes);
        *m = (KernelMemory){0};
}

static ZoneCma *zone_for(ZoneCma **nodes, size_t *n, int node) {
        /* Zones come node by node: the last one is almost always it. */
        if (*n > 0 && (*nodes)[*n - 1].node == node)
                return &(*nodes)[*n - 1];
        for (size_t i = 0; i < *n; i++)
                if ((*nodes)[i].node == node)
                        return &(*nodes)[i];
        ZoneCma *nn = realloc(*nodes, (*n + 1) * sizeof(ZoneCma));
        if (!nn)
                return NULL;
        *nodes = nn;
        nn[*n] = (ZoneCma){ .node = node };
        return &nn[(*n)++];
}

/* "Node N, zone NAME": the node number, -1 for another line, -2 for a
 * number out of range. */
static int zone_header(const char *l) {
        if (l[0] != 'N' || strncmp(l, "Node ", 5) != 0)
                return -1;
        const char *h = l + 5;
        bool neg = *h == '-';
        const char *d = h + neg;
        unsigned long node = 0;
        for (; *d >= '0' && *d <= '9'; d++)
                node = MIN(node * 10 + (unsigned long) (*d - '0'), 1ul << 16);
        if (d == h + neg || strncmp(d, ", zone", 6) != 0)
                return -1;
        return neg || node >= 1 << 16 ? -2 : (int) node;
}

typedef enum { FIELD_NONE, FIELD_CMA, FIELD_FREE_CMA, FIELD_MANAGED } ZoneField;

/* "        <key>   <number>" for the three keys we want. The first letter
 * decides before any comparison: zoneinfo has some 150 lines per zone. */
static ZoneField zone_field(const char *l, uint64_t *ret) {
        static const struct {
                const char *key;
                size_t len;
                ZoneField field;
        } keys[] = {
                { "cma", 3, FIELD_CMA },
                { "nr_free_cma", 11, FIELD_FREE_CMA },
                { "managed", 7, FIELD_MANAGED },
        };
        while (*l == ' ' || *l == '\t')
                l++;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                if (l[0] != keys[i].key[0] || strncmp(l, keys[i].key, keys[i].len) != 0)
                        continue;
                const char *v = l + keys[i].len;
                if (*v != ' ' && *v != '\t')
                        return FIELD_NONE;
                while (*v == ' ' || *v == '\t')
                        v++;
                if (*v < '0' || *v > '9')
                        return FIELD_NONE;
                *ret = strtoull(v, NULL, 10);
                return keys[i].field;
        }
        return FIELD_NONE;
}

static void sort_nodes(ZoneCma *nodes, size_t n) {
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && nodes[j - 1].node > nodes[j].node; j--) {
                        ZoneCma x = nodes[j];
                        nodes[j] = nodes[j - 1];
                        nodes[j - 1] = x;
                }
}

/* /proc/zoneinfo (zoneinfo_show_print() in mm/vmstat.c): "Node N, zone
 * NAME" starts a zone; inside it "        managed  <pages>",
 * "        cma      <pages>" and "      nr_free_cma  <pages>" (the latter
 * may also sit in the per-node stats). Unknown lines are skipped. */
int zoneinfo_parse(const char *text, ZoneCma **ret, size_t *ret_n, bool *ret_has_cma) {
        _cleanup_free_ ZoneCma *nodes = NULL;
        ZoneCma *cur = NULL;
        size_t n = 0;
        bool has_cma = false;

        /* No sscanf() here: glibc's takes the strlen() of the whole rest of
         * the text on every call, which made this quadratic (seconds on a
         * 1024-node zoneinfo of 4 MiB). */
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                int node = zone_header(l);
                uint64_t v;
                if (node == -2)
                        return -EBADMSG;
                if (node >= 0) {
                        if (!(cur = zone_for(&nodes, &n, node)))
                                return -ENOMEM;
                        continue;
                }
                if (!cur)
                        continue;
                switch (zone_field(l, &v)) {
                case FIELD_CMA:
                        cur->cma_pages += v;
                        has_cma = true;
                        break;
                case FIELD_FREE_CMA:
                        cur->free_cma_pages += v;
                        break;
                case FIELD_MANAGED:
                        cur->managed_pages += v;
                        break;
                case FIELD_NONE:
                        break;
                }
        }
        sort_nodes(nodes, n);
        *ret = TAKE_PTR(nodes);
        *ret_n = n;
        if (ret_has_cma)
                *ret_has_cma = has_cma;
        return 0;
}

/* "\nKey: <number> kB" of /proc/meminfo. */
static bool meminfo_field(const char *text, const char *key, uint64_t *ret) {
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                const char *v = startswith(l, key);
                if (!v || *v != ':')
                        continue;
                v++;
                while (*v == ' ' || *v == '\t')
                        v++;
                return sscanf(v, "%" SCNu64, ret) == 1;
        }
        return false;
}

/* meminfo's MemTotal is totalram_pages(), which adjust_managed_page_count()
 * moves together with the zones' managed pages: MemTotal over their sum is
 * the page size. A power of two within 1/32 of the ratio: memory
 * ballooned between the two reads does not lose it, and anything further
 * off is no page size (the nodes' meminfo is read instead). */
static uint64_t derive_page_size(const KernelMemory *m) {
        uint64_t pages = 0;
        for (size_t i = 0; i < m->n_nodes; i++)
                pages += m->nodes[i].managed_pages;
        if (!pages || !m->mem_total_kb)
                return 0;
        uint64_t ratio = m->mem_total_kb * KIB / pages;
        for (uint64_t p = 4096; p <= 256 * KIB; p <<= 1)
                if (ratio >= p - p / 32 && ratio <= p + p / 32)
                        return p;
        return 0;
}

int kernel_memory_load(const char *root, KernelMemory *ret) {
        _cleanup_free_ char *zi = NULL, *mi = NULL;
        KernelMemory m = {0};
        int r;

        r = read_full_file_root(root, "/proc/zoneinfo", &zi, NULL);
        if (r >= 0) {
                r = zoneinfo_parse(zi, &m.nodes, &m.n_nodes, &m.zoneinfo_has_cma);
                if (r < 0)
                        return r;
                m.has_zoneinfo = true;
        } else if (r != -ENOENT)
                return r;
        if (read_full_file_root(root, "/proc/meminfo", &mi, NULL) >= 0) {
                if (!meminfo_field(mi, "MemTotal", &m.mem_total_kb))
                        m.mem_total_kb = 0;
                m.has_cma_total = meminfo_field(mi, "CmaTotal", &m.cma_total_kb);
                if (!meminfo_field(mi, "CmaFree", &m.cma_free_kb))
                        m.cma_free_kb = 0;
        }
        m.page_size = derive_page_size(&m);
        *ret = m;
        return 0;
}

static int cmp_node(const void *key, const void *elem) {
        int a = *(const int *) key, b = ((const ZoneCma *) elem)->node;
        return (a > b) - (a < b);
}

const ZoneCma *zone_cma_find(const ZoneCma *nodes, size_t n, int node) {
        return n ? bsearch(&node, nodes, n, sizeof(ZoneCma), cmp_node) : NULL;
}

const ZoneCma *kernel_memory_node(const KernelMemory *m, int node) {
        return zone_cma_find(m->nodes, m->n_nodes, node);
}

bool kernel_memory_node_total(const KernelMemory *m, int node, uint64_t *ret) {
        const ZoneCma *z = kernel_memory_node(m, node);
        if (!z || !m->page_size)
                return false;
        *ret = z->managed_pages * m->page_size;
        return true;
}
