/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Is a pool used? The CMA sysfs counters of each area (mm/cma_sysfs.c,
 * CONFIG_CMA_SYSFS): alloc_pages_success, alloc_pages_fail,
 * release_pages_success, and total_pages/available_pages. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cma_state.h"

typedef struct {
        const char *name;          /* borrowed from the CmaState */
        bool has_success, has_fail, has_release;
        uint64_t alloc_success, alloc_fail, release_success;  /* pages */
        bool has_used;
        uint64_t used_pages;       /* in use now: total - available, or success - release */
} CmaAreaUsage;

typedef struct {
        bool known;                /* CMA sysfs exists */
        CmaAreaUsage *areas;       /* one per CmaState area, same order */
        size_t n_areas;
} CmaUsage;

int cma_usage_load(const char *root, const CmaState *s, CmaUsage *ret);
void cma_usage_done(CmaUsage *u);
/* The counters of that kind of area on that node (AREA_DEFAULT: any node),
 * or NULL. */
const CmaAreaUsage *cma_usage_area(const CmaUsage *u, const CmaState *s, CmaAreaKind kind, int node);
