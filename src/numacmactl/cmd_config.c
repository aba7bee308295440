/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl config check [FILE]: the policy, or one file, with file:line errors. */
#include "numacmactl/verb.h"
#include "report/report.h"

static int run(char **args, unsigned n_args) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_policy_ Policy *p = NULL;
        const char *file = n_args ? args[0] : NULL;
        int r = file ? policy_check_file(file, &errs) : snapshot_load_policy(arg_root, &p, &errs);
        if (r < 0) {
                report_policy_errors(&errs, r);
                return 1;
        }
        _cleanup_free_ char *files = p ? strv_join(p->sources, ", ") : NULL;
        printf("%s: OK\n", file ? file : files && *files ? files : "built-in defaults (no /etc/numacma.conf)");
        return 0;
}

const Verb verb_config_check = {
        .name = "config check",
        .args = "[FILE]",
        .max_args = 1,
        .summary = "Check the policy (/etc/numacma.conf and its drop-ins) or one FILE; each error names file and line.",
        .run = run,
};
