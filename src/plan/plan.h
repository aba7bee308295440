/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From (policy, machine, target kernels, the administrator's command line)
 * to per-node pool sizes and the shortest arguments every target honors. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "basic/problem.h"
#include "kernel/cmdline.h"
#include "policy/config.h"
#include "kernel/kernel_caps.h"
#include "kernel/cma_state.h"
#include "kernel/cma_usage.h"
#include "machine/boot_memory.h"
#include "machine/dma_devices.h"
#include "machine/topology.h"
#include "plan/predict.h"

#define COMMAND_LINE_SIZE 2048  /* x86 and arm64; includes the NUL */

typedef struct {
        int node;
        uint64_t memory;
        unsigned n_accelerators;
        bool wanted;
        bool boot_memory;        /* the kernel has the node's memory at early boot */
        bool left_out;           /* wanted, but the CMA slots went to other nodes */
        unsigned n_dma_devices;
        uint64_t size;           /* bytes, aligned as the kernel aligns; 0 = no pool */
        char *why;               /* one sentence for --explain */
} PlanNode;

typedef struct {
        const Policy *policy;
        const Topology *topology;
        const KernelCaps *targets;  /* the kernels the configuration will boot */
        size_t n_targets;
        const Cmdline *admin;       /* the next boot's line without numacma's own tokens */
        /* Optional (NULL: not known): which nodes have boot memory, the DMA
         * devices, the running kernel's areas and their counters. */
        const BootMemory *boot_memory;
        const DmaDevices *dma;
        const DmaZones *zones;      /* with dma: which devices would use a pool */
        const CmaState *cma;
        const CmaUsage *usage;
} PlanInput;

typedef struct {
        PlanNode *nodes;
        size_t n_nodes;
        uint64_t default_area;      /* bytes, as the first capable target makes it */
        char **args;                /* tokens numacma writes, e.g. "numa_cma=0:64M,1:192M" */
        const char *param;          /* "numa_cma", "cma_pernuma", "cma", or NULL */
        bool implicit;              /* the kernels' own per-node areas give the result */
        bool refused;               /* the plan cannot be written */
        char *refusal;              /* why (also in problems) */
        bool admin_conflict;        /* the administrator's per-node arguments win */
        unsigned slot_budget;       /* per-node areas the targets' slots allow (UINT_MAX: unknown) */
        ProblemList problems;       /* sentences an administrator can act on, with their codes */
        char **explain;             /* why, line by line */
} Plan;

int plan_compute(const PlanInput *in, Plan **ret);
/* What a prediction for the plan's input knows beyond the topology. */
PredictEnv plan_predict_env(const PlanInput *in);
void plan_free(Plan *p);
static inline void plan_freep(Plan **p) { plan_free(*p); }
#define _cleanup_plan_ _cleanup_(plan_freep)

const PlanNode *plan_node(const Plan *p, int node);
/* The plan's tokens joined by spaces ("" when none). */
char *plan_args_string(const Plan *p);
