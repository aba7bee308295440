/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "kernel/memory.h"
#include "basic/fileio.h"
#include "basic/util.h"

void kernel_memory_done(KernelMemory *m) {
        free(m->nodes);
        *m = (KernelMemory){0};
}

/* The parse so far: the nodes seen, the zone being read. */
typedef struct {
        ZoneCma *nodes;
        size_t n, cap;
        ssize_t cur;          /* index in nodes of the current zone's node, -1 before any */
        MemZone zone;         /* the current zone */
        int max_node;         /* the largest node seen, -1 before any */
        bool in_pagesets;     /* past the zone's "  pagesets" line */
        bool has_cma;
} ZoneParser;

static int zone_for(ZoneParser *p, int node) {
        /* Zones come node by node, in order: the current node, or a new one
         * above all before it. Searching only otherwise keeps 1024 nodes
         * from being quadratic. */
        if (p->cur >= 0 && p->nodes[p->cur].node == node)
                return 0;
        for (size_t i = 0; node <= p->max_node && i < p->n; i++)
                if (p->nodes[i].node == node) {
                        p->cur = (ssize_t) i;
                        return 0;
                }
        if (p->n == p->cap) {
                size_t cap = MAX(p->cap * 2, (size_t) 8);
                ZoneCma *nn = realloc(p->nodes, cap * sizeof(ZoneCma));
                if (!nn)
                        return -ENOMEM;
                p->nodes = nn;
                p->cap = cap;
        }
        p->nodes[p->n] = (ZoneCma){ .node = node };
        p->cur = (ssize_t) p->n++;
        p->max_node = MAX(p->max_node, node);
        return 0;
}

/* Does l start with key? By hand: zoneinfo has some 150 lines per zone, and
 * the first characters rule out almost all of them. */
static bool has_prefix(const char *l, const char *key) {
        for (; *key; l++, key++)
                if (*l != *key)
                        return false;
        return true;
}

const char *mem_zone_to_string(MemZone z) {
        static const char *const names[_MEM_ZONE_MAX] = {
                [MEM_ZONE_DMA] = "DMA", [MEM_ZONE_DMA32] = "DMA32", [MEM_ZONE_NORMAL] = "Normal",
                [MEM_ZONE_MOVABLE] = "Movable", [MEM_ZONE_OTHER] = "other",
        };
        return (unsigned) z < _MEM_ZONE_MAX ? names[z] : "other";
}

/* The zone's name after ", zone" (zone_names[] in mm/page_alloc.c,
 * right-aligned in 8 columns). */
static MemZone zone_kind(const char *z) {
        while (*z == ' ')
                z++;
        static const struct { const char *name; MemZone zone; } names[] = {
                { "DMA32", MEM_ZONE_DMA32 }, { "DMA", MEM_ZONE_DMA },
                { "Normal", MEM_ZONE_NORMAL }, { "Movable", MEM_ZONE_MOVABLE },
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (has_prefix(z, names[i].name)) {
                        char c = z[strlen(names[i].name)];
                        if (c == '\0' || c == '\n' || c == ' ')
                                return names[i].zone;
                }
        return MEM_ZONE_OTHER;
}

/* "Node N, zone NAME": the node number (and the zone), -1 for another
 * line, -2 for a number out of range. */
static int zone_header(const char *l, MemZone *ret_zone) {
        if (!has_prefix(l, "Node "))
                return -1;
        const char *h = l + 5;
        bool neg = *h == '-';
        const char *d = h + neg;
        unsigned long node = 0;
        for (; *d >= '0' && *d <= '9'; d++)
                node = MIN(node * 10 + (unsigned long) (*d - '0'), 1ul << 16);
        if (d == h + neg || !has_prefix(d, ", zone"))
                return -1;
        *ret_zone = zone_kind(d + strlen(", zone"));
        return neg || node >= 1 << 16 ? -2 : (int) node;
}

typedef enum { FIELD_NONE, FIELD_CMA, FIELD_FREE_CMA, FIELD_MANAGED, FIELD_PRESENT, FIELD_SPANNED } ZoneField;

/* "        <key>   <number>" for the keys we want. */
static ZoneField zone_field(const char *l, uint64_t *ret) {
        static const struct {
                const char *key;
                size_t len;
                ZoneField field;
        } keys[] = {
                { "cma", sizeof("cma") - 1, FIELD_CMA },
                { "nr_free_cma", sizeof("nr_free_cma") - 1, FIELD_FREE_CMA },
                { "managed", sizeof("managed") - 1, FIELD_MANAGED },
                { "present", sizeof("present") - 1, FIELD_PRESENT },
                { "spanned", sizeof("spanned") - 1, FIELD_SPANNED },
        };
        while (*l == ' ' || *l == '\t')
                l++;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                if (!has_prefix(l, keys[i].key))
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

static int cmp_zone(const void *a, const void *b) {
        int x = ((const ZoneCma *) a)->node, y = ((const ZoneCma *) b)->node;
        return (x > y) - (x < y);
}

/* One line of /proc/zoneinfo (zoneinfo_show_print() in mm/vmstat.c):
 * "Node N, zone NAME" starts a zone; inside it "        managed  <pages>",
 * "        cma      <pages>" and "      nr_free_cma  <pages>" (the latter
 * may also sit in the per-node stats). Unknown lines are skipped. The line
 * ends at a newline or a NUL: nothing here reads past either. */
/* "  start_pfn:           <pfn>", after a populated zone's pagesets
 * (zoneinfo_show_print(): the zone's first page frame). */
static void zone_start(ZoneParser *p, const char *l) {
        if (l[0] != ' ' || l[1] != ' ' || l[2] != 's' || !has_prefix(l, "  start_pfn:"))
                return;
        const char *v = l + strlen("  start_pfn:");
        while (*v == ' ' || *v == '\t')
                v++;
        if (*v < '0' || *v > '9')
                return;
        ZonePages *zp = &p->nodes[p->cur].zones[p->zone];
        zp->start_pfn = strtoull(v, NULL, 10);
        zp->has_start = true;
}

static int zone_parser_line(ZoneParser *p, const char *l) {
        MemZone zone = MEM_ZONE_OTHER;
        int node = zone_header(l, &zone);
        uint64_t v;
        if (node == -2)
                return -EBADMSG;
        if (node >= 0) {
                p->in_pagesets = false;
                p->zone = zone;
                return zone_for(p, node);
        }
        /* The per-CPU pagesets come last in a zone, one block per online
         * CPU: most of a large machine's zoneinfo; only the zone's
         * start_pfn follows them. */
        if (p->cur < 0)
                return 0;
        if (p->in_pagesets) {
                zone_start(p, l);
                return 0;
        }
        if (has_prefix(l, "  pagesets")) {
                p->in_pagesets = true;
                return 0;
        }
        ZoneCma *z = &p->nodes[p->cur];
        ZonePages *zp = &z->zones[p->zone];
        switch (zone_field(l, &v)) {
        case FIELD_CMA:
                z->cma_pages += v;
                zp->cma_pages += v;
                p->has_cma = true;
                break;
        case FIELD_FREE_CMA:
                z->free_cma_pages += v;
                break;
        case FIELD_MANAGED:
                z->managed_pages += v;
                break;
        case FIELD_PRESENT:
                zp->present_pages += v;
                break;
        case FIELD_SPANNED:
                zp->spanned_pages += v;
                break;
        case FIELD_NONE:
                break;
        }
        return 0;
}

static int zone_parser_cb(char *l, void *userdata) {
        return zone_parser_line(userdata, l);
}

static int zone_parser_finish(ZoneParser *p, int r, ZoneCma **ret, size_t *ret_n, bool *ret_has_cma) {
        if (r < 0) {
                free(p->nodes);
                return r;
        }
        /* Already in order from a kernel; any order from a broken tree. */
        if (p->n > 1)
                qsort(p->nodes, p->n, sizeof(ZoneCma), cmp_zone);
        *ret = p->nodes;
        *ret_n = p->n;
        if (ret_has_cma)
                *ret_has_cma = p->has_cma;
        return 0;
}

int zoneinfo_parse(const char *text, ZoneCma **ret, size_t *ret_n, bool *ret_has_cma) {
        ZoneParser p = { .cur = -1, .max_node = -1 };
        int r = 0;
        /* No sscanf(): glibc's takes the strlen() of the whole rest of the
         * text on every call, which made this quadratic. */
        for (const char *l = text; l && *l && r >= 0; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
                r = zone_parser_line(&p, l);
        return zone_parser_finish(&p, r, ret, ret_n, ret_has_cma);
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
        _cleanup_free_ char *mi = NULL;
        KernelMemory m = {0};
        int r;

        /* Line by line: on a large machine zoneinfo is megabytes (every CPU
         * of every zone), parsed while each chunk is in the cache. */
        ZoneParser p = { .cur = -1, .max_node = -1 };
        r = read_lines_root(root, "/proc/zoneinfo", zone_parser_cb, &p);
        if (r == -ENOENT)
                free(p.nodes);
        else if ((r = zone_parser_finish(&p, r, &m.nodes, &m.n_nodes, &m.zoneinfo_has_cma)) < 0)
                return r;
        else
                m.has_zoneinfo = true;
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
