/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test driver: write ROOT's status as DIR/numacma.prom with
 * metrics_write_textfile(), as numacmad does (tests/scripts.d/80-node-exporter.sh).
 * usage: numacma-write-textfile ROOT DIR */
#include "bootcfg/bootcfg.h"
#include "status/status_prometheus.h"
#include "basic/util.h"

int main(int argc, char *argv[]) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_status_ Status *s = NULL;
        MetricsExtra x = {0};
        if (argc != 3) {
                fprintf(stderr, "usage: %s ROOT DIR\n", argv[0]);
                return 2;
        }
        int r = boot_load_status(argv[1], &errs, &s);
        if (r < 0) {
                fprintf(stderr, "cannot read the system below %s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        if ((r = metrics_extra_load(argv[1], &x)) < 0)
                fprintf(stderr, "warning: %s: %s\n", LAST_APPLY_PATH, strerror(-r));
        _cleanup_free_ char *text = status_format_prometheus(s, &x);
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
