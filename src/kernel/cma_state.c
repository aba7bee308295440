/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <inttypes.h>

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

/* /proc/zoneinfo: "Node N, zone NAME" starts a zone; inside it, lines
 * "        cma      <pages>" and "      nr_free_cma  <pages>" (the
 * latter may also sit in the per-node stats). Unknown lines are skipped. */
int zoneinfo_parse(const char *text, ZoneCma **ret, size_t *ret_n, bool *ret_has_cma) {
        ZoneCma *nodes = NULL, *cur = NULL;
        size_t n = 0;
        bool has_cma = false;

        /* No sscanf() here: glibc's takes the strlen() of the whole rest of
         * the text on every call, which made this quadratic (seconds on a
         * 1024-node zoneinfo of 4 MiB). */
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                const char *s = l, *h;
                if ((h = startswith(s, "Node "))) {
                        bool neg = *h == '-';
                        const char *d = h + neg;
                        unsigned long node = 0;
                        for (; *d >= '0' && *d <= '9'; d++)
                                node = MIN(node * 10 + (unsigned long) (*d - '0'), 1ul << 16);
                        if (d > h + neg && startswith(d, ", zone")) {
                                if (neg || node >= 1 << 16) {
                                        free(nodes);
                                        return -EBADMSG;
                                }
                                cur = zone_for(&nodes, &n, (int) node);
                                if (!cur) {
                                        free(nodes);
                                        return -ENOMEM;
                                }
                                continue;
                        }
                }
                if (!cur)
                        continue;
                while (*s == ' ' || *s == '\t')
                        s++;
                const char *v;
                bool is_free = false;
                if ((v = startswith(s, "nr_free_cma")))
                        is_free = true;
                else if (!(v = startswith(s, "cma")))
                        continue;
                if (*v != ' ' && *v != '\t')
                        continue;
                while (*v == ' ' || *v == '\t')
                        v++;
                if (*v < '0' || *v > '9')
                        continue;
                uint64_t pages = strtoull(v, NULL, 10);
                if (is_free)
                        cur->free_cma_pages += pages;
                else {
                        cur->cma_pages += pages;
                        has_cma = true;
                }
        }
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && nodes[j - 1].node > nodes[j].node; j--) {
                        ZoneCma x = nodes[j];
                        nodes[j] = nodes[j - 1];
                        nodes[j - 1] = x;
                }
        *ret = nodes;
        *ret_n = n;
        if (ret_has_cma)
                *ret_has_cma = has_cma;
        return 0;
}

static int area_node_from_name(const char *name, const char *prefix) {
        const char *s = startswith(name, prefix);
        int node;
        if (!s || !*s || !isdigit((unsigned char) *s) || safe_atoi(s, &node) < 0 || node < 0)
                return -1;
        return node;
}

static int load_areas(const char *root, CmaState *s) {
        _cleanup_strv_free_ char **names = NULL;
        int r = list_dir_root(root, CMA_SYSFS_DIR, NULL, &names);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        s->has_sysfs = true;
        size_t n = strv_length(names);
        if (n == 0)
                return 0;
        s->areas = calloc(n, sizeof(CmaArea));
        if (!s->areas)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                CmaArea *a = &s->areas[s->n_areas];
                *a = (CmaArea){ .node = -1 };
                /* Older kernels list the areas without some of these. */
                const struct { const char *attr; uint64_t *v; bool *has; } attrs[] = {
                        { "total_pages", &a->total_pages, &a->has_total },
                        { "available_pages", &a->available_pages, &a->has_available },
                        { "alloc_pages_success", &a->alloc_success_pages, &a->has_alloc_success },
                        { "alloc_pages_fail", &a->alloc_fail_pages, &a->has_alloc_fail },
                };
                for (size_t k = 0; k < ELEMENTSOF(attrs); k++) {
                        _cleanup_free_ char *p = strdup_printf(CMA_SYSFS_DIR "/%s/%s", names[i], attrs[k].attr);
                        if (!p)
                                return -ENOMEM;
                        *attrs[k].has = read_u64_root(root, p, attrs[k].v) >= 0;
                }
                if (streq(names[i], "reserved"))
                        a->kind = AREA_DEFAULT;
                else if ((a->node = area_node_from_name(names[i], "pernuma")) >= 0)
                        a->kind = AREA_PERNUMA;
                else if ((a->node = area_node_from_name(names[i], "numa")) >= 0)
                        a->kind = AREA_NUMA;
                else
                        a->kind = AREA_OTHER;
                a->name = strdup(names[i]);
                if (!a->name)
                        return -ENOMEM;
                s->n_areas++;
        }
        return 0;
}

static void parse_meminfo(const char *text, CmaState *s) {
        const char *p;
        if ((p = strstr(text, "\nCmaTotal:")) && sscanf(p, "\nCmaTotal: %" SCNu64, &s->cma_total_kb) == 1)
                s->has_meminfo = true;
        if ((p = strstr(text, "\nCmaFree:")))
                (void) sscanf(p, "\nCmaFree: %" SCNu64, &s->cma_free_kb);
}

int cma_state_load(const char *root, CmaState *s) {
        _cleanup_free_ char *zi = NULL, *mi = NULL;
        int r;

        *s = (CmaState){0};
        r = read_full_file_root(root, "/proc/zoneinfo", &zi, NULL);
        if (r >= 0) {
                r = zoneinfo_parse(zi, &s->nodes, &s->n_nodes, &s->zoneinfo_has_cma);
                if (r < 0)
                        return r;
                s->has_zoneinfo = true;
        } else if (r != -ENOENT)
                return r;
        if (read_full_file_root(root, "/proc/meminfo", &mi, NULL) >= 0)
                parse_meminfo(mi, s);
        r = load_areas(root, s);
        if (r < 0) {
                cma_state_done(s);
                return r;
        }
        return 0;
}

const ZoneCma *cma_state_zone(const CmaState *s, int node) {
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].node == node)
                        return &s->nodes[i];
        return NULL;
}

const CmaArea *cma_state_area(const CmaState *s, CmaAreaKind kind, int node) {
        for (size_t i = 0; i < s->n_areas; i++)
                if (s->areas[i].kind == kind && (kind == AREA_DEFAULT || s->areas[i].node == node))
                        return &s->areas[i];
        return NULL;
}
