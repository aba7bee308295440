/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CMA arguments of a command line (cma=, numa_cma=, cma_pernuma=), the
 * ones that decide the pools, and which of them numacma can ever write.
 * One definition for "reboot pending", /run/reboot-required and ownership. */
#pragma once

#include <stdbool.h>

#include "kernel/cmdline.h"

/* A per-node key: numa_cma or cma_pernuma ('-' and '_' alike). */
bool cma_key_is_pernode(const char *key);
/* Any key that changes what CMA areas the kernel makes. */
bool cma_key_is_cma(const char *key);
/* A token numacma may have written: numa_cma=..., cma_pernuma=..., cma=0,
 * and the boot-time trace_event= of kernel/trace_events.h. */
bool cma_token_is_numacmas(const char *text);

/* The kernel tokens of c with a CMA key, in order, joined by one space
 * ("" when none). NULL on ENOMEM. */
char *cma_args_of(const Cmdline *c);
/* The same from a line; a line that does not parse gives NULL. */
char *cma_args_of_line(const char *line);
/* Whether two lines ask the kernel for the same CMA areas. -errno if one
 * does not parse. */
int cma_args_differ(const char *a, const char *b);
