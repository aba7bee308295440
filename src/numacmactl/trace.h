/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl trace: the kernel's own record of each device's coherent DMA
 * memory (dma:dma_alloc/dma_free from 6.12, cma:cma_alloc_finish and
 * cma_release), attributed to device, CMA area and node
 * (machine/dma_trace.h), next to the CMA areas' counters. Live: a private
 * tracefs instance while a command runs, for some seconds, or until
 * Ctrl-C. --boot: what trace_event= recorded since early boot (probe-time
 * allocations; the policy's trace_at_boot = yes writes it). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct {
        bool boot;                /* the top-level buffer, from boot */
        uint64_t seconds;         /* live: stop after this long (0: the command, or Ctrl-C) */
        char **command;           /* live: run this while tracing (NULL: none) */
        bool json;
} TraceOptions;

/* The exit code: 0, 1 when tracing could not be done (said why). */
int trace_command(const char *root, const TraceOptions *o);
