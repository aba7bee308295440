/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl status: the four layers, node by node (human, JSON, Prometheus). */
#include "basic/log.h"
#include "numacmactl/verb.h"
#include "status/status_prometheus.h"

typedef enum { FORMAT_HUMAN, FORMAT_JSON, FORMAT_PROMETHEUS } Format;
static Format arg_format = FORMAT_HUMAN;

enum { ARG_FORMAT = 0x100, ARG_JSON };

static const VerbOption options[] = {
        { "format", required_argument, ARG_FORMAT, "FMT", "human (default), json or prometheus (node_exporter textfile text)" },
        { "json", no_argument, ARG_JSON, NULL, "the same as --format=json" },
        {}
};

static int option(const Verb *v, int id, const char *arg) {
        if (id == ARG_JSON)
                arg_format = FORMAT_JSON;
        else if (streq(arg, "human"))
                arg_format = FORMAT_HUMAN;
        else if (streq(arg, "json"))
                arg_format = FORMAT_JSON;
        else if (streq(arg, "prometheus"))
                arg_format = FORMAT_PROMETHEUS;
        else
                return verb_usage_error(v, "unknown format '%s': human, json or prometheus", arg);
        return 0;
}

/* The exit status says the state, as systemctl status and kdumpctl status
 * do with the LSB's codes for "status" actions: 0 the service is OK, 3 not
 * running (kdumpctl: "not operational"), 4 unknown; the codes the LSB
 * leaves to applications (150-199) for the states it has no word for.
 * numacmactl(8), EXIT STATUS. */
enum {
        STATUS_EXIT_OK = 0,
        STATUS_EXIT_PENDING_REBOOT = 1,   /* as 'dnf needs-restarting -r' */
        STATUS_EXIT_DEGRADED = 3,
        STATUS_EXIT_UNKNOWN = 4,
        STATUS_EXIT_UNSUPPORTED = 150,
};

static int exit_status(State st) {
        switch (st) {
        case STATE_OK: return STATUS_EXIT_OK;
        case STATE_PENDING_REBOOT: return STATUS_EXIT_PENDING_REBOOT;
        case STATE_DEGRADED: return STATUS_EXIT_DEGRADED;
        default: return STATUS_EXIT_UNSUPPORTED;
        }
}

static int run(char **args, unsigned n_args) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        if (verb_load(0, &s) < 0)
                return STATUS_EXIT_UNKNOWN;
        int r;
        if (arg_format == FORMAT_PROMETHEUS) {
                MetricsExtra x = { .last_apply_known = s->next.last_apply_known, .last_apply_seconds = s->next.last_apply };
                r = status_print_prometheus(stdout, s->status, &x);
        } else if (arg_format == FORMAT_JSON)
                r = status_print_json(stdout, s->status);
        else
                r = status_print_human(stdout, s->status, verb_utf8() ? 0 : STATUS_PRINT_ASCII);
        if (r < 0)
                return STATUS_EXIT_UNKNOWN;
        /* The metrics say the state themselves, for a textfile writer that
         * must not fail on a degraded host. */
        return arg_format == FORMAT_PROMETHEUS ? 0 : exit_status(s->status->state);
}

const Verb verb_status = {
        .name = "status",
        .summary = "The four layers (desired, next boot, booted, active), node by node, and every DMA device.",
        .exit_help = "0 ok, 1 pending-reboot, 3 degraded, 150 unsupported, 4 unknown (cannot read the policy or\n"
                     "the system), 2 usage error; --format=prometheus: 0 once the metrics are printed",
        .options = options,
        .option = option,
        .run = run,
};
