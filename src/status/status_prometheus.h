/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status as Prometheus text for node_exporter's textfile collector:
 * one numacma_ prefix, base units, bounded labels (node, address, state,
 * plus numacma_info's version, kernel_release and backend), no timestamps.
 * README.md ("Fleet") lists every series. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "status/status.h"

/* Written on every successful apply (the content is the time in seconds
 * since the epoch; when it does not parse, the file's mtime is used). */
#define LAST_APPLY_PATH "/var/lib/numacma/last-apply"
/* The file numacmad writes into the textfile directory. */
#define METRICS_TEXTFILE_NAME "numacma.prom"
/* Debian's prometheus-node-exporter reads this directory. */
#define METRICS_TEXTFILE_DIR_DEFAULT "/var/lib/prometheus/node-exporter"

/* What Status does not carry. */
typedef struct {
        const char *version;           /* numacma's version; NULL: PACKAGE_VERSION */
        bool last_apply_known;
        int64_t last_apply_seconds;    /* last successful apply, seconds since the epoch */
        bool last_apply_failed;        /* or'ed with Status' next.last_error */
} MetricsExtra;

/* Read LAST_APPLY_PATH below root into x (version stays as it is). A
 * missing file is not an error: x->last_apply_known stays false. */
int metrics_extra_load(const char *root, MetricsExtra *x);

/* The whole exposition; x may be NULL. 0 or -EIO (or -ENOMEM). */
int status_print_prometheus(FILE *f, const Status *s, const MetricsExtra *x);
/* The same into a string (caller frees); NULL on ENOMEM. */
char *status_format_prometheus(const Status *s, const MetricsExtra *x);

/* Replace dir/numacma.prom atomically with text: temp file in dir (its name
 * does not end in .prom, so the collector never reads it half written),
 * fsync, rename, mode 0644. Returns 1 when the file changed, 0 when it
 * already had this content, negative errno on failure. */
int metrics_write_textfile(const char *dir, const char *text);
