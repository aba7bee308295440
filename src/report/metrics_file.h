/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file numacmad keeps in node_exporter's textfile directory (and
 * tests/fleet/write-textfile writes the same way). */
#pragma once

/* The file numacmad writes into the textfile directory. */
#define METRICS_TEXTFILE_NAME "numacma.prom"
/* Debian's prometheus-node-exporter reads this directory. */
#define METRICS_TEXTFILE_DIR_DEFAULT "/var/lib/prometheus/node-exporter"

/* Replace dir/numacma.prom atomically with text: temp file in dir (its name
 * does not end in .prom, so the collector never reads it half written),
 * fsync, rename, mode 0644. Returns 1 when the file changed, 0 when it
 * already had this content, negative errno on failure. */
int metrics_write_textfile(const char *dir, const char *text);
