/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A kernel has MAX_CMA_AREAS slots for CMA areas (mm/cma.c cma_areas[]:
 * CONFIG_CMA_AREAS, one more before 6.9); every area takes one: the
 * default area, each per-node area, each hugetlb_cma= area, each
 * crashkernel=,cma range, each device-tree area. When they run out,
 * cma_declare_contiguous_nid() says "Not enough slots for CMA reserved
 * regions!" and fails with -ENOSPC; a reservation that fails for another
 * reason (no memory on the node) takes no slot. Which areas get the slots
 * depends on the release's order (kernel/kernel_rules.h): here the early
 * boot's reservations are played in that order. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/nodeset.h"
#include "kernel/cma_state.h"
#include "kernel/cmdline.h"
#include "kernel/kernel_caps.h"

typedef struct {
        unsigned areas;          /* MAX_CMA_AREAS; 0: unknown */
        unsigned config_areas;   /* CONFIG_CMA_AREAS, for messages */
        unsigned default_area;   /* 1 when the kernel makes a default area */
        unsigned hugetlb;        /* hugetlb_cma= areas */
        unsigned crash;          /* crashkernel=,cma areas */
        unsigned other;          /* device-tree and other areas the running kernel has */
        unsigned per_node;       /* left for per-node areas; UINT_MAX when areas is unknown */
} CmaSlots;

/* The number of hugetlb_cma= areas kernel k makes (mm/hugetlb.c, 7.2
 * mm/hugetlb_cma.c hugetlb_cma_reserve()): "<node>:<size>,..." one per
 * node named with a valid size, on the nodes with boot memory; a plain
 * size shared by the online nodes (7.2: those with boot memory) in gigantic
 * pages, one area per node until the size is reached. boot: nodes with
 * memory in memblock; online: nodes online when it runs (kernel_rules.h
 * EarlyOnline). NULL sets are empty. */
unsigned hugetlb_cma_areas(const KernelCaps *k, const char *value, const NodeSet *online, const NodeSet *boot);
/* The same, and each area's size into sizes[node] (n_sizes entries). */
unsigned hugetlb_cma_sizes(const KernelCaps *k, const char *value, const NodeSet *online, const NodeSet *boot,
                           uint64_t *sizes, int n_sizes);

/* crashkernel=SIZE,cma (x86, 6.16+): its size, 0 when absent. */
uint64_t crashkernel_cma_size(const Cmdline *line);

/* The running kernel's areas that are neither default, per-node,
 * hugetlb_cma= nor crashkernel=,cma ones: device-tree areas. */
unsigned cma_other_areas(const CmaState *running);

/* What is left for per-node areas under kernel k booted with line, when
 * default_area says whether it makes a default area; running (may be NULL)
 * names the areas that are neither default, per-node nor hugetlb. Counts
 * every area, whatever the order: what the plan may take without taking
 * anyone else's. */
void cma_slots_count(const KernelCaps *k, const Cmdline *line, bool default_area,
                     const NodeSet *online, const NodeSet *boot, const CmaState *running, CmaSlots *ret);

/* ---- The early boot's reservations, played in the release's order ---- */

typedef struct {
        int node;
        bool early_online;      /* online when the areas are reserved */
        bool boot_memory;       /* memblock has memory there */
        uint64_t pernuma;       /* cma_pernuma= (pernuma%d; numa%d on one array) */
        uint64_t numa;          /* numa_cma= for this node */
} ReserveNode;

typedef struct {
        uint64_t default_size;  /* cma= or the configuration's size; 0: none */
        bool implicit;          /* neither numa_cma= nor cma_pernuma= (not even =0):
                                 * CONFIG_CMA_SIZE_PERNUMA may make the areas */
        int default_node;       /* where the default area lands, -1: unknown */
        bool default_fails;     /* it does not fit (seen on the running kernel): no slot taken */
        unsigned dt_areas;      /* device-tree areas, reserved before everything */
        const char *hugetlb;    /* hugetlb_cma= value, NULL: none */
        uint64_t crash_cma;     /* crashkernel=SIZE,cma */
        const ReserveNode *nodes;  /* every node, in node order (for_each_node()) */
        size_t n_nodes;
} ReserveAsk;

typedef enum {
        FATE_NONE,              /* nothing asked */
        FATE_MADE,
        FATE_NOT_ONLINE,        /* "cma: invalid node N specified" */
        FATE_NO_MEMORY,         /* online without memblock memory: the reservation fails */
        FATE_NO_SLOT,           /* "Not enough slots for CMA reserved regions!" */
        FATE_NO_ROOM,           /* "Failed to reserve N MiB": it did not fit */
        FATE_DEFAULT_FAILED,    /* the default area failed: 7.2 returns before the per-node areas */
        FATE_DEFAULT_NODE,      /* patch 0003: no implicit area on the default area's node */
} AreaFate;

typedef struct {
        AreaFate pernuma, numa; /* two arrays: both; one array: numa only (the size that won) */
        uint64_t pernuma_size, numa_size;  /* what was asked, the implicit size filled in */
        uint64_t hugetlb_size;  /* its hugetlb_cma= area, when made */
} ReserveNodeFate;

typedef struct {
        unsigned slots;         /* MAX_CMA_AREAS; 0: unknown, never runs out */
        unsigned used;          /* areas made, every kind */
        AreaFate default_fate;  /* FATE_NONE when none was asked */
        bool implicit;          /* the implicit per-node areas were asked */
        unsigned early_online;  /* nodes online at reservation */
        unsigned hugetlb_asked, hugetlb_made;
        unsigned crash_made;
        unsigned dt_areas;
        ReserveNodeFate *nodes; /* parallel to ask->nodes */
} ReserveOutcome;

/* skip_default_node: the kernel carries patch 0003 (kernel_caps.h). */
int cma_reserve_simulate(const KernelCaps *k, const ReserveAsk *ask, bool skip_default_node, ReserveOutcome *ret);
void reserve_outcome_done(ReserveOutcome *o);
const char *area_fate_to_string(AreaFate f);
