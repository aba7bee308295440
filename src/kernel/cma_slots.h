/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A kernel has CONFIG_CMA_AREAS slots for CMA areas (mm/cma.c: cma_areas[]
 * of MAX_CMA_AREAS); every area takes one: the default area, each per-node
 * area, each hugetlb_cma= area, each device-tree area. When they run out,
 * __cma_declare_contiguous_nid() says "Not enough slots for CMA reserved
 * regions!" and fails with -ENOSPC. */
#pragma once

#include <stdbool.h>

#include "kernel/cma_state.h"
#include "kernel/cmdline.h"
#include "kernel/kernel_caps.h"

typedef struct {
        unsigned areas;          /* CONFIG_CMA_AREAS; 0: unknown */
        unsigned default_area;   /* 1 when the kernel makes a default area */
        unsigned hugetlb;        /* hugetlb_cma= areas (at most one per node) */
        unsigned other;          /* device-tree and other areas the running kernel has */
        unsigned per_node;       /* left for numa%d areas; UINT_MAX when areas is unknown */
} CmaSlots;

/* The number of hugetlb_cma= areas (mm/hugetlb_cma.c): "<node>:<size>,..."
 * one per node named with a size; a plain size one per node with boot
 * memory (n_boot_nodes). */
unsigned hugetlb_cma_areas(const char *value, unsigned n_boot_nodes);

/* What is left for per-node areas under kernel k booted with line, when
 * default_area says whether it makes a default area; running (may be NULL)
 * names the areas that are neither default, per-node nor hugetlb. */
void cma_slots_count(const KernelCaps *k, const Cmdline *line, bool default_area,
                     unsigned n_boot_nodes, const CmaState *running, CmaSlots *ret);
