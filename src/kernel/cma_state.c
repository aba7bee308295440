/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

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

/* One area's sizes, relative to the open CMA directory. Older kernels
 * list the areas without their size. */
static int load_area(int dfd, const char *name, CmaArea *a) {
        _cleanup_free_ char *p = strdup_printf("%s/total_pages", name);
        _cleanup_free_ char *q = strdup_printf("%s/available_pages", name);
        if (!p || !q || !(a->name = strdup(name)))
                return -ENOMEM;
        a->has_total = read_u64_at(dfd, p, &a->total_pages) >= 0;
        a->has_available = read_u64_at(dfd, q, &a->available_pages) >= 0;
        area_kind(a);
        return 0;
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
        for (; s->n_areas < n; s->n_areas++)
                if ((r = load_area(dfd, names[s->n_areas], &s->areas[s->n_areas])) < 0)
                        return r;
        /* Sorted for cma_state_area(): status asks once per node. */
        qsort(s->areas, s->n_areas, sizeof(CmaArea), cmp_area);
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
        /* The first at or after (kind, node): the default area's node is -1. */
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
        if (lo == s->n_areas || cmp_area_key(kind, node, &s->areas[lo]) != 0)
                return NULL;
        return &s->areas[lo];
}
