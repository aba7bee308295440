/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/log.h"
#include "report/report.h"

void report_policy_errors(const PolicyErrors *e, int r) {
        for (char **m = e->messages; m && *m; m++)
                log_error("%s", *m);
        if (!e->messages)
                (void) log_error_errno(r, "Failed to load the policy: %m");
}

char *report_apply_written(const BootApplyResult *res, const char *args) {
        _cleanup_free_ char *files = strv_join(res->changed, ", ");
        _cleanup_free_ char *cmds = strv_join(res->commands, "; ");
        return strdup_printf("Wrote '%s' to the boot configuration (%s)%s%s.",
                             !isempty(args) ? args : "(numacma's arguments removed)",
                             files && *files ? files : "no file changed",
                             cmds && *cmds ? (res->commands_not_run ? "; not run: " : "; ran: ") : "",
                             cmds ? cmds : "");
}
