/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Planning within what the kernel can do at boot: only nodes whose memory
 * it has at early boot (machine/boot_memory.h), never more per-node areas
 * than its CMA slots leave (kernel/cma_slots.h), chosen by need. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cma_slots.h"
#include "kernel/cma_usage.h"
#include "machine/boot_memory.h"
#include "plan/plan.h"
#include "plan/predict.h"

/* Does the policy's nodes = (and [node.N] enabled =) cover the node? */
bool plan_policy_covers(const Policy *p, int node, unsigned n_accelerators);

/* How many per-node areas the plan may ask for: the smallest number any
 * capable target leaves (slots less default area, hugetlb_cma= and other
 * areas), UINT_MAX when no target says. */
unsigned plan_slot_budget(const PlanInput *in, CmaSlots *ret_first);

/* Keep the pools within the budget: accelerator nodes first (more
 * accelerators first), then nodes with DMA devices, then the rest, each by
 * node number; the others lose their pool, said in their why and the
 * explanation. */
int plan_fit_slots(Plan *p, const PlanInput *in);
/* plan_fit_slots(), and a problem when the running kernel shows that the
 * default area these arguments ask for fails (7.2 then makes no pool). */
int plan_boot_limits(Plan *p, const PlanInput *in);

/* A pool whose allocations failed this boot is too small: suggested size,
 * twice what was in use plus what failed, at least the size plus what
 * failed, rounded up to align. */
uint64_t pool_suggested_size(uint64_t size, uint64_t used, uint64_t failed, uint64_t align);
/* Explanation lines for pools with failed allocations (in->usage). */
int plan_explain_usage(Plan *p, const PlanInput *in);
