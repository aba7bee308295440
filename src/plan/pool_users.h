/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which devices a node's pool would serve: pools are sized and ranked for
 * those only. A device without a node, with a coherent mask within 4 GiB
 * (or arm64's zone_dma_limit), or behind a translating IOMMU never reaches
 * a per-node area (kernel/dma_path.h). */
#pragma once

#include "plan/plan.h"

typedef struct {
        int max_node;             /* arrays below hold max_node + 1 entries */
        unsigned *accelerators;   /* accelerators on the node that would use its pool */
        unsigned *devices;        /* every DMA device on the node that would (accelerators too) */
        unsigned *bypassing;      /* devices on the node that never would */
        unsigned no_node;         /* bound devices without a node */
        bool all_bypass;          /* arm64 DMA zone over all memory: no device would */
} PoolUsers;

/* Counted in one walk over the devices. Without in->dma or in->zones, the
 * topology's accelerators count (the caller's old view). */
int pool_users_count(const PlanInput *in, PoolUsers *ret);
void pool_users_done(PoolUsers *u);
unsigned pool_users_accelerators(const PoolUsers *u, const PlanInput *in, int node);
unsigned pool_users_devices(const PoolUsers *u, int node);

/* Explanation lines: each device on a node that its pool would not serve,
 * and why. */
int plan_explain_bypass(Plan *p, const PlanInput *in);
