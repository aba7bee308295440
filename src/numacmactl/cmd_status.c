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

static int run(char **args, unsigned n_args) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        if (verb_load(0, &s) < 0)
                return 1;
        int r;
        if (arg_format == FORMAT_PROMETHEUS) {
                MetricsExtra x = { .last_apply_known = s->next.last_apply_known, .last_apply_seconds = s->next.last_apply };
                r = status_print_prometheus(stdout, s->status, &x);
        } else if (arg_format == FORMAT_JSON)
                r = status_print_json(stdout, s->status);
        else
                r = status_print_human(stdout, s->status);
        return r < 0 ? 1 : 0;
}

const Verb verb_status = {
        .name = "status",
        .summary = "The four layers (desired, next boot, booted, active), node by node, and every DMA device.",
        .options = options,
        .option = option,
        .run = run,
};
