/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a kernel will reserve for a given command line: the default area and
 * the per-node areas, following that release's rules (kernel/kernel_rules.h)
 * played in its order within its CMA slots (kernel/cma_slots.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cma_slots.h"
#include "kernel/cma_state.h"
#include "kernel/cmdline.h"
#include "kernel/kernel_caps.h"
#include "machine/boot_memory.h"
#include "machine/topology.h"

/* What a prediction loses to the kernel's limits at boot, node by node. */
typedef struct {
        NodeSet *not_boot;        /* asked for, on a node not online or without memory at early boot */
        NodeSet *no_slot;         /* asked for, after the slots ran out */
        NodeSet *default_failed;  /* asked for, but the default area failed first (7.2) */
        CmaSlots slots;           /* the count the plan works with (cma_slots_count()) */
} PredictionLimits;

/* What the prediction knows of the machine beyond the topology. */
typedef struct {
        const BootMemory *boot_memory;  /* NULL: every node with memory had it at early boot */
        const CmaState *running;        /* the running kernel's areas (device-tree ones take slots); may be NULL */
        int default_node;               /* where the default area lands (the running kernel's), -1: unknown */
        bool default_fails;             /* the running kernel shows this default area does not fit */
} PredictEnv;

typedef struct {
        uint64_t default_area;   /* bytes asked, 0 = none */
        bool default_made;       /* it gets a slot */
        int n_nodes;             /* size of pool[]: highest node id + 1 */
        uint64_t *pool;          /* per-node area bytes the kernel makes (both arrays summed on 6.6-7.1) */
        uint64_t *asked;         /* per-node area bytes the line asks for, made or not */
        uint64_t *hugetlb;       /* hugetlb_cma= area bytes made on each node */
        bool implicit;           /* the pools come from CMA_SIZE_PERNUMA */
        bool explicit_args;      /* numa_cma=/cma_pernuma= given and honored */
        int skipped_default_node;  /* patch 0003 left this node without its implicit area; -1 none */
        unsigned early_online;   /* nodes online when the areas are reserved */
        unsigned hugetlb_asked, hugetlb_made;
        char **ignored;          /* tokens the kernel does not know ("numa_cma=1:32M") */
        char **notes;            /* e.g. "node 2 has no memory: no area there" */
        char **oops;             /* bare parameters that stop the kernel at early boot */
        PredictionLimits limits;
} Prediction;

/* env may be NULL (nothing known beyond the topology). */
int predict_pools(const KernelCaps *k, const Cmdline *c, const Topology *t, const PredictEnv *env, Prediction *ret);
void prediction_done(Prediction *p);
void prediction_limits_done(PredictionLimits *l);
static inline uint64_t prediction_pool(const Prediction *p, int node) {
        return node >= 0 && node < p->n_nodes ? p->pool[node] : 0;
}
static inline uint64_t prediction_hugetlb(const Prediction *p, int node) {
        return node >= 0 && node < p->n_nodes && p->hugetlb ? p->hugetlb[node] : 0;
}
static inline uint64_t prediction_asked(const Prediction *p, int node) {
        return node >= 0 && node < p->n_nodes && p->asked ? p->asked[node] : 0;
}

/* Does the running kernel carry numacma's patch 0003? What it did at this
 * boot (booted with line booted): in implicit mode, an area on every node
 * but the default area's one says yes, one there says no (needs CMA sysfs
 * and env->default_node). TRI_UNKNOWN otherwise; *ret_why a static string. */
Tristate prediction_running_0003(const KernelCaps *running, const Cmdline *booted, const Topology *t,
                                 const PredictEnv *env, const char **ret_why);
