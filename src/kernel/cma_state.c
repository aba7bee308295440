/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <limits.h>

#include "kernel/cma_state.h"
#include "basic/fileio.h"
#include "basic/util.h"

#define CMA_SYSFS_DIR "/sys/kernel/mm/cma"

void cma_state_done(CmaState *s) {
        free(s->nodes);
        for (size_t i = 0; i < s->n_areas; i++)
                free(s->areas[i].name);
        free(s->areas);
        *s = (CmaState){0};
}

static int area_node_from_name(const char *name, const char *prefix) {
        const char *s = startswith(name, prefix);
        int node;
        if (!s || !*s || !isdigit((unsigned char) *s) || safe_atoi(s, &node) < 0 || node < 0)
                return -1;
        return node;
}

static void area_kind(CmaArea *a) {
        a->node = -1;
        if (streq(a->name, "reserved"))
                a->kind = AREA_DEFAULT;
        else if ((a->node = area_node_from_name(a->name, "pernuma")) >= 0)
                a->kind = AREA_PERNUMA;
        else if ((a->node = area_node_from_name(a->name, "numa")) >= 0)
                a->kind = AREA_NUMA;
        else
                a->kind = AREA_OTHER;
}

/* One size file of an area, relative to the open CMA directory. Older
 * kernels list the areas without their sizes. */
static int read_size(int dfd, const CmaArea *a, const char *file, uint64_t *ret, bool *ret_has) {
        char buf[NAME_MAX + sizeof("/available_pages")];
        const char *p = path_join_buf(buf, sizeof(buf), a->name, file);
        if (!p)
                return -ENAMETOOLONG;
        *ret_has = read_u64_at(dfd, p, ret) >= 0;
        return 0;
}

static int read_total(int dfd, CmaArea *a) {
        return read_size(dfd, a, "total_pages", &a->total_pages, &a->has_total);
}

static int cmp_area_key(CmaAreaKind ka, int na, const CmaArea *b) {
        if (ka != b->kind)
                return ka < b->kind ? -1 : 1;
        return (na > b->node) - (na < b->node);
}

static int cmp_area(const void *x, const void *y) {
        const CmaArea *a = x, *b = y;
        int c = cmp_area_key(a->kind, a->node, b);
        return c ? c : strcmp(a->name, b->name);
}

/* The first area at (kind, node) by binary search, or n_areas; the
 * default area's node is -1. */
static size_t area_index(const CmaState *s, CmaAreaKind kind, int node) {
        size_t lo = 0, hi = s->n_areas;
        if (kind == AREA_DEFAULT)
                node = -1;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (cmp_area_key(kind, node, &s->areas[mid]) > 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < s->n_areas && cmp_area_key(kind, node, &s->areas[lo]) == 0 ? lo : s->n_areas;
}

/* The default area's node, from zoneinfo: the one node with more CMA than
 * its own area could hold alone (or with CMA and no area of its own).
 * -1 for none (no default area, or an empty one), -2 when zoneinfo does
 * not tell: CMA on a node without an area, or no such node, or more. */
static int default_area_node(const CmaState *s, uint64_t def) {
        int found = -1;
        for (size_t i = 0; i < s->n_nodes; i++) {
                const ZoneCma *z = &s->nodes[i];
                bool own = cma_state_area(s, AREA_NUMA, z->node) || cma_state_area(s, AREA_PERNUMA, z->node);
                if (own ? def == 0 || z->cma_pages <= def : z->cma_pages == 0)
                        continue;
                if (def == 0 || found >= 0 || (!own && z->cma_pages != def))
                        return -2;
                found = z->node;
        }
        return def == 0 || found >= 0 ? found : -2;
}

/* Can zoneinfo give the per-node areas' sizes? Only with no areas but the
 * default one and per-node ones, at most one per node, each on a node
 * zoneinfo lists. */
static bool zoneinfo_can_tell(const CmaState *s) {
        if (!s->has_zoneinfo)
                return false;
        for (size_t i = 0; i < s->n_areas; i++) {
                const CmaArea *a = &s->areas[i];
                if (a->kind == AREA_DEFAULT)
                        continue;
                if (a->kind == AREA_OTHER || !cma_state_zone(s, a->node))
                        return false;
                if (a->kind == AREA_PERNUMA && cma_state_area(s, AREA_NUMA, a->node))
                        return false;
        }
        return true;
}

/* The per-node areas' total_pages from zoneinfo where it gives them
 * exactly; 1 when every total is known, 0 when the rest must be read.
 *
 * cma_activate_area() (mm/cma.c) counts an area's pages in the zone that
 * holds them (zone->cma_pages: zoneinfo's "cma"), and only when the whole
 * area lies in one zone, so on one node; a per-node area is reserved on its
 * node (cma_declare_contiguous_nid()). With no other areas, a node's "cma"
 * is its own area's size, plus the default area's on the node that holds
 * that. One total_pages read confirms it, and that this kernel has the file
 * at all: where it has not, nothing is made up. */
static int derive_totals(int dfd, CmaState *s, CmaArea **ret_read) {
        CmaArea *def = s->n_areas && s->areas[0].kind == AREA_DEFAULT ? &s->areas[0] : NULL;
        CmaArea *check = NULL;
        int r, x;

        if (!zoneinfo_can_tell(s))
                return 0;
        if (def) {
                if ((r = read_total(dfd, def)) < 0)
                        return r;
                ret_read[0] = def;
                if (!def->has_total)
                        return 0;
        }
        x = default_area_node(s, def ? def->total_pages : 0);
        if (x == -2)
                return 0;
        /* The area on the default area's node, or any per-node one. */
        size_t c = s->n_areas;
        if (x >= 0 && (c = area_index(s, AREA_NUMA, x)) == s->n_areas)
                c = area_index(s, AREA_PERNUMA, x);
        if (c == s->n_areas && s->n_areas > (def ? 1u : 0u))
                c = def ? 1 : 0;
        check = c < s->n_areas ? &s->areas[c] : NULL;
        for (size_t i = 0; i < s->n_areas; i++) {
                CmaArea *a = &s->areas[i];
                if (a == def)
                        continue;
                a->total_pages = cma_state_zone(s, a->node)->cma_pages - (a->node == x ? def->total_pages : 0);
                a->has_total = true;
        }
        if (!check)
                return 1;
        uint64_t want = check->total_pages;
        if ((r = read_total(dfd, check)) < 0)
                return r;
        ret_read[1] = check;
        return check->has_total && check->total_pages == want;
}

static int load_areas(const char *root, CmaState *s) {
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_close_ int dfd = open_dir_root(root, CMA_SYSFS_DIR);
        if (dfd == -ENOENT)
                return 0;
        if (dfd < 0)
                return dfd;
        int r = list_dir_at(dfd, NULL, &names);
        if (r < 0)
                return r;
        s->has_sysfs = true;
        size_t n = strv_length(names);
        if (n == 0)
                return 0;
        s->areas = calloc(n, sizeof(CmaArea));
        if (!s->areas)
                return -ENOMEM;
        for (; s->n_areas < n; s->n_areas++) {
                CmaArea *a = &s->areas[s->n_areas];
                if (!(a->name = strdup(names[s->n_areas])))
                        return -ENOMEM;
                area_kind(a);
                /* How much is free is in sysfs only (zoneinfo's nr_free_cma
                 * leaves out the pages movable allocations borrowed). */
                if ((r = read_size(dfd, a, "available_pages", &a->available_pages, &a->has_available)) < 0)
                        return r;
                /* The counters: is the pool used, and is it too small. */
                if ((r = read_size(dfd, a, "alloc_pages_success", &a->alloc_success_pages, &a->has_alloc_success)) < 0 ||
                    (r = read_size(dfd, a, "alloc_pages_fail", &a->alloc_fail_pages, &a->has_alloc_fail)) < 0)
                        return r;
        }
        /* Sorted for cma_state_area(): status asks once per node. */
        qsort(s->areas, s->n_areas, sizeof(CmaArea), cmp_area);

        CmaArea *done[2] = { NULL, NULL };
        if ((r = derive_totals(dfd, s, done)) != 0)
                return r < 0 ? r : 0;
        for (size_t i = 0; i < s->n_areas; i++)
                if (&s->areas[i] != done[0] && &s->areas[i] != done[1] && (r = read_total(dfd, &s->areas[i])) < 0)
                        return r;
        return 0;
}

static int take_memory(const KernelMemory *m, CmaState *s) {
        s->has_zoneinfo = m->has_zoneinfo;
        s->zoneinfo_has_cma = m->zoneinfo_has_cma;
        s->has_meminfo = m->has_cma_total;
        s->cma_total_kb = m->cma_total_kb;
        s->cma_free_kb = m->cma_free_kb;
        if (m->n_nodes == 0)
                return 0;
        s->nodes = malloc(m->n_nodes * sizeof(ZoneCma));
        if (!s->nodes)
                return -ENOMEM;
        memcpy(s->nodes, m->nodes, m->n_nodes * sizeof(ZoneCma));
        s->n_nodes = m->n_nodes;
        return 0;
}

int cma_state_load(const char *root, const KernelMemory *mem, CmaState *s) {
        _cleanup_(kernel_memory_done) KernelMemory own = {0};
        int r;

        *s = (CmaState){0};
        if (!mem) {
                if ((r = kernel_memory_load(root, &own)) < 0)
                        return r;
                mem = &own;
        }
        if ((r = take_memory(mem, s)) < 0 || (r = load_areas(root, s)) < 0) {
                cma_state_done(s);
                return r;
        }
        return 0;
}

const ZoneCma *cma_state_zone(const CmaState *s, int node) {
        return zone_cma_find(s->nodes, s->n_nodes, node);
}

const CmaArea *cma_state_area(const CmaState *s, CmaAreaKind kind, int node) {
        size_t i = area_index(s, kind, node);
        return i < s->n_areas ? &s->areas[i] : NULL;
}

/* The pages of the areas sysfs names for a node (numaN, pernumaN,
 * hugetlbN), and how many there are; false when one has no size (before
 * 6.15 sysfs has no total_pages). */
static bool node_area_pages(const CmaState *s, int node, uint64_t *ret, unsigned *ret_n) {
        uint64_t pages = 0;
        bool sized = true;
        *ret_n = 0;
        for (size_t i = 0; i < s->n_areas; i++) {
                const CmaArea *a = &s->areas[i];
                int n = a->node;
                const char *h = a->kind == AREA_OTHER ? startswith(a->name, "hugetlb") : NULL;
                if (h && (!*h || safe_atoi(h, &n) < 0))
                        continue;
                if (n != node || a->kind == AREA_DEFAULT || (a->kind == AREA_OTHER && !h))
                        continue;
                (*ret_n)++;
                sized &= a->has_total;
                pages += a->total_pages;
        }
        *ret = pages;
        return sized;
}

/* zoneinfo counts every CMA page of a node; sysfs gives each area's size
 * (6.15+): the default area lies where a node's pages exceed its named
 * areas by exactly the default area's. Without sizes: the one node with CMA
 * pages and no named area. */
int cma_state_default_node(const CmaState *s) {
        const CmaArea *def = s ? cma_state_area(s, AREA_DEFAULT, -1) : NULL;
        bool sized = def && def->has_total && def->total_pages;
        int exact = -1, bare = -1, n_bare = 0;
        for (size_t i = 0; s && i < s->n_nodes; i++) {
                const ZoneCma *z = &s->nodes[i];
                uint64_t pages;
                unsigned named;
                bool known = node_area_pages(s, z->node, &pages, &named);
                if (!z->cma_pages)
                        continue;
                if (!named && n_bare++ == 0)
                        bare = z->node;
                if (sized && known && z->cma_pages == pages + def->total_pages)
                        exact = exact == -1 ? z->node : -2;
        }
        if (exact >= 0)
                return exact;
        return exact == -1 && n_bare == 1 && (def || !s->has_sysfs) ? bare : -1;
}
