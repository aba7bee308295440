/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/cma_usage.h"

#define CMA_SYSFS_DIR "/sys/kernel/mm/cma"

void cma_usage_done(CmaUsage *u) {
        free(u->areas);
        *u = (CmaUsage){0};
}

static bool counter(const char *root, const char *area, const char *file, uint64_t *ret) {
        _cleanup_free_ char *p = strdup_printf(CMA_SYSFS_DIR "/%s/%s", area, file);
        return p && read_u64_root(root, p, ret) >= 0;
}

int cma_usage_load(const char *root, const CmaState *s, CmaUsage *ret) {
        CmaUsage u = { .known = s->has_sysfs };
        if (s->n_areas && !(u.areas = calloc(s->n_areas, sizeof(CmaAreaUsage))))
                return -ENOMEM;
        for (size_t i = 0; i < s->n_areas; i++) {
                const CmaArea *a = &s->areas[i];
                CmaAreaUsage *c = &u.areas[u.n_areas++];
                c->name = a->name;
                /* The state read the allocation counters already (each file once). */
                c->has_success = a->has_alloc_success;
                c->alloc_success = a->alloc_success_pages;
                c->has_fail = a->has_alloc_fail;
                c->alloc_fail = a->alloc_fail_pages;
                c->has_release = counter(root, a->name, "release_pages_success", &c->release_success);
                /* cma_alloc() sets the area's bitmap, available_pages counts
                 * its clear bits: total - available is what is allocated
                 * now. Before available_pages (6.15), success - release. */
                if (a->has_total && a->has_available && a->available_pages <= a->total_pages) {
                        c->used_pages = a->total_pages - a->available_pages;
                        c->has_used = true;
                } else if (c->has_success && c->has_release && c->release_success <= c->alloc_success) {
                        c->used_pages = c->alloc_success - c->release_success;
                        c->has_used = true;
                }
        }
        *ret = u;
        return 0;
}

const CmaAreaUsage *cma_usage_area(const CmaUsage *u, const CmaState *s, CmaAreaKind kind, int node) {
        for (size_t i = 0; i < u->n_areas && i < s->n_areas; i++)
                if (s->areas[i].kind == kind && (kind == AREA_DEFAULT || s->areas[i].node == node))
                        return &u->areas[i];
        return NULL;
}
