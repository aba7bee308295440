/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test driver: write ROOT's status as DIR/numacma.prom with
 * metrics_write_textfile(), from the same snapshot numacmad uses
 * (tests/scripts.d/80-node-exporter.sh compares it with numacmad's own).
 * usage: numacma-write-textfile ROOT DIR */
#include "basic/util.h"
#include "report/metrics_file.h"
#include "snapshot/snapshot.h"
#include "status/status_prometheus.h"

int main(int argc, char *argv[]) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_snapshot_ Snapshot *s = NULL;
        if (argc != 3) {
                fprintf(stderr, "usage: %s ROOT DIR\n", argv[0]);
                return 2;
        }
        int r = snapshot_new(argv[1], NULL, 0, &errs, &s);
        if (r < 0) {
                fprintf(stderr, "cannot read the system below %s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        MetricsExtra x = { .last_apply_known = s->next.last_apply_known, .last_apply_seconds = s->next.last_apply };
        _cleanup_free_ char *text = status_format_prometheus(s->status, &x);
        if (!text)
                return 1;
        r = metrics_write_textfile(argv[2], text);
        if (r < 0) {
                fprintf(stderr, "cannot write %s/%s: %s\n", argv[2], METRICS_TEXTFILE_NAME, strerror(-r));
                return 1;
        }
        printf("%s/%s %s\n", argv[2], METRICS_TEXTFILE_NAME, r ? "written" : "unchanged");
        return 0;
}
