/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The errors of one policy load, as PolicyErrors keeps them (config.h):
 * "FILE:LINE: WHAT: 'VALUE' (HINT)", the first POLICY_ERRORS_SHOWN of them,
 * then how many more. */
#pragma once

#include "basic/util.h"
#include "policy/config.h"

typedef struct {
        PolicyErrors *errs; /* NULL: errors are only counted */
        unsigned n_errors;  /* in this load, kept or not */
        unsigned n_kept;    /* messages in errs->messages */
        unsigned n_dropped; /* counted but not kept */
        /* -ENOMEM once an allocation of the load failed (here or in its
         * keys): the load fails, nothing more is kept. */
        int r;
} PolicyErrorLog;

void policy_error_log_init(PolicyErrorLog *log, PolicyErrors *errs);
/* LINE 0 leaves out the line, a NULL value or hint leaves out that part;
 * control bytes in the value are escaped. */
_printf_(6, 7)
void policy_error_add(PolicyErrorLog *log, const char *file, unsigned line, const char *value, const char *hint,
                      const char *fmt, ...);
/* After the last error of a load: "... and N more errors not shown". */
void policy_error_log_finish(PolicyErrorLog *log);
