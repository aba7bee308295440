/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status as Prometheus text for node_exporter's textfile collector:
 * one numacma_ prefix, base units, bounded labels (node, address, state,
 * plus numacma_info's version, kernel_release and backend), no timestamps.
 * README.md ("Fleet") lists every series. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "basic/util.h"
#include "status/status.h"

/* What Status does not carry (the snapshot fills it: NextBoot's record of
 * the last successful apply). */
typedef struct {
        const char *version;           /* numacma's version; NULL: PACKAGE_VERSION */
        bool last_apply_known;
        int64_t last_apply_seconds;    /* last successful apply, seconds since the epoch */
        bool last_apply_failed;        /* or'ed with Status' next.last_error */
} MetricsExtra;

/* The whole exposition; x may be NULL. 0 or -EIO (or -ENOMEM). */
int status_print_prometheus(FILE *f, const Status *s, const MetricsExtra *x);
/* The same into a string (caller frees); NULL on ENOMEM. */
char *status_format_prometheus(const Status *s, const MetricsExtra *x);
