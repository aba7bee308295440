/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand-built CMA states for the unit tests of status and plan: what
 * cma_state_load() would have read from zoneinfo and sysfs, built from
 * values (include after cmocka.h). */
#pragma once

#include "basic/util.h"
#include "kernel/cma_state.h"

#define PAGES(bytes) ((bytes) / 4096)

/* zoneinfo with the CMA counters and no zone yet; sysfs: the kernel's
 * per-area directories too (/sys/kernel/mm/cma). */
static inline CmaState cma_state_zoneinfo(bool sysfs) {
        return (CmaState){ .has_zoneinfo = true, .zoneinfo_has_cma = true, .has_sysfs = sysfs };
}

/* A node's zones, with no CMA pages yet. */
static inline void cma_add_zone(CmaState *c, int node) {
        ZoneCma *z = realloc(c->nodes, (c->n_nodes + 1) * sizeof(ZoneCma));
        assert_non_null(z);
        c->nodes = z;
        c->nodes[c->n_nodes++] = (ZoneCma){ .node = node };
}

/* An area as sysfs names it, all of it free, with node its node in the
 * area (-1: the default area) and zone_node the node whose zones hold its
 * pages (added with cma_add_zone() before). Add them in cma_state_area()'s
 * order: kind, then node. */
static inline void cma_add_area(CmaState *c, const char *name, CmaAreaKind kind, int node, int zone_node,
                                uint64_t bytes) {
        CmaArea *a = realloc(c->areas, (c->n_areas + 1) * sizeof(CmaArea));
        assert_non_null(a);
        c->areas = a;
        c->areas[c->n_areas++] = (CmaArea){ .name = strdup(name), .kind = kind, .node = node,
                                            .total_pages = PAGES(bytes), .has_total = true,
                                            .available_pages = PAGES(bytes), .has_available = true };
        ZoneCma *z = NULL;
        for (size_t i = 0; i < c->n_nodes; i++)
                if (c->nodes[i].node == zone_node)
                        z = &c->nodes[i];
        assert_non_null(z);
        z->cma_pages += PAGES(bytes);
        z->free_cma_pages += PAGES(bytes);
}
