/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CMA areas the running kernel really made, from /proc/zoneinfo,
 * /proc/meminfo and (when the kernel has CMA_SYSFS) /sys/kernel/mm/cma. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/memory.h"

typedef enum {
        AREA_DEFAULT,   /* "reserved" */
        AREA_NUMA,      /* "numa<N>" */
        AREA_PERNUMA,   /* "pernuma<N>" */
        AREA_OTHER,     /* device tree or another user (hugetlb, ...) */
} CmaAreaKind;

typedef struct {
        char *name;
        CmaAreaKind kind;
        int node;                 /* from the name; -1 for other kinds */
        uint64_t total_pages;     /* valid when has_total (6.15+) */
        bool has_total;
        uint64_t available_pages; /* valid when has_available */
        bool has_available;
        uint64_t alloc_success_pages, alloc_fail_pages;  /* counters since boot (about 6.9+) */
        bool has_alloc_success, has_alloc_fail;
} CmaArea;

typedef struct {
        bool has_zoneinfo;
        bool zoneinfo_has_cma;    /* the kernel is built with CMA */
        ZoneCma *nodes;           /* sorted by node */
        size_t n_nodes;

        bool has_sysfs;           /* sys/kernel/mm/cma exists */
        CmaArea *areas;           /* sorted by kind, then node */
        size_t n_areas;

        bool has_meminfo;         /* /proc/meminfo has CmaTotal */
        uint64_t cma_total_kb, cma_free_kb;
} CmaState;

/* The zone counts come from mem, read before (the topology's: so each
 * file is read once); NULL reads them here. */
int cma_state_load(const char *root, const KernelMemory *mem, CmaState *ret);
void cma_state_done(CmaState *s);

const ZoneCma *cma_state_zone(const CmaState *s, int node);
/* The sysfs area of that kind on that node, or NULL. */
const CmaArea *cma_state_area(const CmaState *s, CmaAreaKind kind, int node);
/* The node that holds the default area ("reserved"), -1 when it cannot be
 * told (s may be NULL). */
int cma_state_default_node(const CmaState *s);
