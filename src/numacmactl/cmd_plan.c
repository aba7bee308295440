/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl plan: the kernel arguments the policy asks for, and why. */
#include "numacmactl/verb.h"

static bool arg_json = false;
static bool arg_explain = false;

enum { ARG_FORMAT = 0x100, ARG_JSON, ARG_EXPLAIN };

static const VerbOption options[] = {
        { "explain", no_argument, ARG_EXPLAIN, NULL, "say why each node gets what it gets" },
        { "format", required_argument, ARG_FORMAT, "FMT", "human (default) or json" },
        { "json", no_argument, ARG_JSON, NULL, "the same as --format=json" },
        {}
};

static int option(const Verb *v, int id, const char *arg) {
        if (id == ARG_EXPLAIN)
                arg_explain = true;
        else if (id == ARG_JSON || streq(arg, "json"))
                arg_json = true;
        else if (streq(arg, "human"))
                arg_json = false;
        else
                return verb_usage_error(v, "unknown format '%s': human or json", arg);
        return 0;
}

static int run(char **args, unsigned n_args) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        if (verb_load(0, &s) < 0)
                return 1;
        const Plan *p = s->plan;
        if (arg_json)
                return plan_print_json(stdout, s->status) < 0 ? 1 : p->refused ? 1 : 0;
        _cleanup_free_ char *a = plan_args_string(p);
        if (!a)
                return 1;
        printf("%s\n", *a ? a : p->implicit ? "(no argument: the kernel's implicit per-node areas suffice)" :
                                p->admin_conflict ? "(no argument: the administrator's per-node arguments are kept)" :
                                p->refused ? "(no argument: the plan is refused, see below)" : "(no argument)");
        if (arg_explain)
                for (char **e = p->explain; e && *e; e++)
                        printf("  %s\n", *e);
        FOREACH_PROBLEM(e, &p->problems)
                printf("  %s: %s [%s]\n", problem_info(e->code)->kind == PROBLEM_KIND_NOTE ? "note" : "problem",
                       e->text, problem_code_to_string(e->code));
        return p->refused ? 1 : 0;
}

const Verb verb_plan = {
        .name = "plan",
        .summary = "The kernel arguments the policy asks for on this machine; exit 1 when the plan is refused.",
        .options = options,
        .option = option,
        .run = run,
};
