/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the running kernel said at boot about memory and CMA, from its log
 * (/dev/kmsg below the root), where the log is readable and still holds
 * the early messages. Every fact is optional: numacma works without it. */
#pragma once

#include <stdbool.h>

#include "basic/nodeset.h"

typedef struct {
        bool readable;            /* the log could be read */
        /* mm/mm_init.c free_area_init(): "Early memory node ranges" then
         * "  node   N: [mem ...]": the nodes memblock had at early boot. */
        bool has_early_ranges;
        NodeSet *early_nodes;
        /* kernel/dma/contiguous.c dma_numa_cma_reserve(): "cma: invalid node
         * N specified" for a node that was not online then. */
        NodeSet *invalid_nodes;
        /* mm/cma.c: "cma: Not enough slots for CMA reserved regions!" */
        bool slots_exhausted;
        /* "cma: dma_numa_cma_reserve: reservation failed: err E, node N" */
        NodeSet *failed_nodes;
        NodeSet *failed_enospc;   /* the same with err -28 (no slot left) */
        /* numacma's patch 0003: "cma: node N holds the default area, no
         * numaN area" (patches/kernel/6.12/0003). */
        bool has_skipped_default;
        int skipped_default_node;
} KernelLog;

/* Text of /dev/kmsg ("PRIO,SEQ,USEC,FLAGS;message" records, continuation
 * lines start with a space) or of dmesg ("[    0.000000] message"). */
int kernel_log_parse(const char *text, KernelLog *ret);
/* Reads root/dev/kmsg without blocking (a character device on a live
 * system, a plain file in a captured tree). Unreadable is not an error:
 * ret->readable is false. */
int kernel_log_load(const char *root, KernelLog *ret);
void kernel_log_done(KernelLog *l);
