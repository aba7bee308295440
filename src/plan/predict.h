/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a kernel will reserve for a given command line: the default area and
 * the per-node areas, following that release's dma-contiguous rules. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cmdline.h"
#include "kernel/kernel_caps.h"
#include "machine/topology.h"

typedef struct {
        uint64_t default_area;   /* bytes, 0 = none */
        int n_nodes;             /* size of pool[]: highest node id + 1 */
        uint64_t *pool;          /* per-node area bytes (both arrays summed on 6.6-7.1) */
        bool implicit;           /* the pools come from CMA_SIZE_PERNUMA */
        bool explicit_args;      /* numa_cma=/cma_pernuma= given and honored */
        char **ignored;          /* tokens the kernel does not know ("numa_cma=1:32M") */
        char **notes;            /* e.g. "node 2 has no memory: no area there" */
} Prediction;

int predict_pools(const KernelCaps *k, const Cmdline *c, const Topology *t, Prediction *ret);
void prediction_done(Prediction *p);
static inline uint64_t prediction_pool(const Prediction *p, int node) {
        return node >= 0 && node < p->n_nodes ? p->pool[node] : 0;
}
