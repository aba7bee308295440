/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl check: one monitoring-plugin line (Nagios, Icinga, Checkmk). */
#include "numacmactl/verb.h"

static int run(char **args, unsigned n_args) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        if (verb_load(0, &s) < 0) {
                printf("NUMACMA UNKNOWN - cannot read the policy or the system (see stderr)\n");
                return 3;
        }
        return status_print_check(stdout, s->status);
}

const Verb verb_check = {
        .name = "check",
        .summary = "One monitoring-plugin line with perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        .run = run,
        /* The monitoring-plugins guidelines: a usage error is UNKNOWN, said on stdout. */
        .usage_exit = 3,
        .usage_stdout_prefix = "NUMACMA UNKNOWN -",
};
