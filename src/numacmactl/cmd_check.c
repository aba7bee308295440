/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl check: one monitoring-plugin line (Nagios, Icinga, Checkmk),
 * after the Monitoring Plugins Development Guidelines: -w/-c thresholds,
 * -t timeout, UNKNOWN with its reason on the one stdout line. */
#include <math.h>
#include <signal.h>

#include "basic/log.h"
#include "numacmactl/verb.h"

#define CHECK_TIMEOUT_DEFAULT 10u  /* seconds: the plugins' DEFAULT_SOCKET_TIMEOUT */

static CheckThresholds arg_thresholds = { .warning = -1, .critical = -1 };
static unsigned arg_timeout = CHECK_TIMEOUT_DEFAULT;

enum { ARG_WARNING = 0x100, ARG_CRITICAL, ARG_TIMEOUT };

static const VerbOption options[] = {
        { "warning", required_argument, ARG_WARNING, "PCT", "WARNING when a CMA pool is PCT% in use or more", 'w' },
        { "critical", required_argument, ARG_CRITICAL, "PCT", "CRITICAL when a CMA pool is PCT% in use or more", 'c' },
        { "timeout", required_argument, ARG_TIMEOUT, "SECONDS", "UNKNOWN after SECONDS (default 10, 0: none)", 't' },
        {}
};

/* "80", "80%" or "92.5": a share in percent, 0 to 100. */
static int parse_percent(const char *s, double *ret) {
        char *end = NULL;
        errno = 0;
        double d = strtod(s, &end);
        if (errno || end == s || (*end && !streq(end, "%")) || !isfinite(d) || d < 0 || d > 100)
                return -EINVAL;
        *ret = d;
        return 0;
}

static int option(const Verb *v, int id, const char *arg) {
        uint64_t u;
        switch (id) {
        case ARG_WARNING:
        case ARG_CRITICAL:
                if (parse_percent(arg, id == ARG_WARNING ? &arg_thresholds.warning : &arg_thresholds.critical) < 0)
                        return verb_usage_error(v, "--%s takes a percentage from 0 to 100, not '%s'",
                                                id == ARG_WARNING ? "warning" : "critical", arg);
                return 0;
        default:
                if (safe_atou64(arg, 10, &u) < 0 || u > 86400)
                        return verb_usage_error(v, "--timeout takes seconds from 0 to 86400, not '%s'", arg);
                arg_timeout = (unsigned) u;
                return 0;
        }
}

static char timeout_line[128];

static _Noreturn void on_alarm(int sig) {
        /* Only what is async-signal-safe: the line made before. */
        ssize_t k = write(STDOUT_FILENO, timeout_line, strlen(timeout_line));
        (void) k;
        _exit(3);
}

/* UNKNOWN, with why on the same line (NRPE and most agents read stdout
 * only, its first line). */
static int unknown(const char *why) {
        printf("NUMACMA UNKNOWN - %s\n", why);
        return 3;
}

static int run(char **args, unsigned n_args) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        _cleanup_free_ char *why = NULL;
        if (arg_thresholds.warning >= 0 && arg_thresholds.critical >= 0 && arg_thresholds.warning > arg_thresholds.critical)
                return unknown("the warning threshold is above the critical one");
        if (arg_timeout) {
                snprintf(timeout_line, sizeof timeout_line,
                         "NUMACMA UNKNOWN - no answer within %u s (reading the system below '%.40s')\n", arg_timeout, arg_root);
                struct sigaction sa = { .sa_handler = on_alarm };
                if (sigaction(SIGALRM, &sa, NULL) < 0)
                        return unknown("cannot set the timeout");
                alarm(arg_timeout);
        }
        if (verb_load_why(0, &s, &why) < 0)
                return unknown(why ? why : "cannot read the policy or the system");
        int r = status_print_check(stdout, s->status, &arg_thresholds);
        alarm(0);
        if (r < 0)
                return unknown("out of memory");
        return r;
}

const Verb verb_check = {
        .name = "check",
        .summary = "One monitoring-plugin line with perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        .exit_help = "0 OK, 1 WARNING (a reboot pending, no per-node pools possible, failed allocations, a pool\n"
                     "over the warning threshold), 2 CRITICAL (degraded, a pool over the critical threshold),\n"
                     "3 UNKNOWN (the policy or the system cannot be read, a timeout, a usage error)",
        .options = options,
        .option = option,
        .run = run,
        /* The monitoring-plugins guidelines: a usage error is UNKNOWN, said on stdout. */
        .usage_exit = 3,
        .usage_stdout_prefix = "NUMACMA UNKNOWN -",
};
