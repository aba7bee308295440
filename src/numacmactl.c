/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl: status, monitoring check, plan, and configuration check. */
#include <getopt.h>

#include "build-config.h"
#include "config.h"
#include "status.h"
#include "util.h"

static const char *arg_root = "/";
static bool arg_json = false;
static bool arg_explain = false;

static void help(void) {
        printf("numacmactl [OPTIONS] COMMAND\n\n"
               "Per-NUMA-node CMA pools for coherent DMA: status and plan.\n\n"
               "Commands:\n"
               "  status [--json]        the four layers (desired, next boot, booted, active) node by node\n"
               "  check                  one monitoring-plugin line; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
               "  plan [--explain]       the kernel arguments the policy asks for, and why\n"
               "  config check [FILE]    check the policy (or one file) and report errors with file:line\n\n"
               "Options:\n"
               "  --root DIR             read the system below DIR (a captured tree) instead of /\n"
               "  --json                 JSON output (status, plan)\n"
               "  --explain              say why each node gets what it gets (plan)\n"
               "  -h --help              this help\n"
               "  --version              the version\n");
}

static int print_policy_errors(const PolicyErrors *e, int r) {
        for (char **m = e->messages; m && *m; m++)
                fprintf(stderr, "%s\n", *m);
        if (!e->messages)
                fprintf(stderr, "Failed to load the policy: %s\n", strerror(-r));
        return r;
}

static int load_status(Status **ret) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        Policy *p = NULL;
        int r = policy_load(arg_root, &p, &errs);
        if (r < 0)
                return print_policy_errors(&errs, r);
        r = status_compute(arg_root, p, NULL, ret);
        if (r < 0)
                fprintf(stderr, "Failed to read the system below '%s': %s\n", arg_root, strerror(-r));
        return r;
}

static int cmd_status(void) {
        _cleanup_status_ Status *s = NULL;
        int r = load_status(&s);
        if (r < 0)
                return 1;
        r = arg_json ? status_print_json(stdout, s) : status_print_human(stdout, s);
        return r < 0 ? 1 : 0;
}

static int cmd_check(void) {
        _cleanup_status_ Status *s = NULL;
        if (load_status(&s) < 0) {
                printf("NUMACMA UNKNOWN - cannot read the policy or the system (see stderr)\n");
                return 3;
        }
        return status_print_check(stdout, s);
}

static int cmd_plan(void) {
        _cleanup_status_ Status *s = NULL;
        if (load_status(&s) < 0)
                return 1;
        const Plan *p = s->plan;
        _cleanup_free_ char *args = plan_args_string(p);
        if (!args)
                return 1;
        if (arg_json)
                return plan_print_json(stdout, p) < 0 ? 1 : p->refused ? 1 : 0;
        printf("%s\n", *args ? args : p->implicit ? "(no argument: the kernel's implicit per-node areas suffice)" :
                                      p->admin_conflict ? "(no argument: the administrator's per-node arguments are kept)" :
                                      p->refused ? "(no argument: the plan is refused, see below)" : "(no argument)");
        if (arg_explain)
                for (char **e = p->explain; e && *e; e++)
                        printf("  %s\n", *e);
        for (char **e = p->problems; e && *e; e++)
                printf("  problem: %s\n", *e);
        return p->refused ? 1 : 0;
}

static int cmd_config_check(const char *file) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        int r;
        if (file)
                r = policy_check_file(file, &errs);
        else {
                Policy *p = NULL;
                r = policy_load(arg_root, &p, &errs);
                if (r >= 0) {
                        _cleanup_free_ char *files = strv_join(p->sources, ", ");
                        printf("%s: OK\n", files && *files ? files : "built-in defaults (no /etc/numacma.conf)");
                        policy_free(p);
                        return 0;
                }
        }
        if (r < 0) {
                print_policy_errors(&errs, r);
                return 1;
        }
        printf("%s: OK\n", file);
        return 0;
}

int main(int argc, char *argv[]) {
        enum { ARG_ROOT = 0x100, ARG_JSON, ARG_EXPLAIN, ARG_VERSION };
        static const struct option options[] = {
                { "root", required_argument, NULL, ARG_ROOT },
                { "json", no_argument, NULL, ARG_JSON },
                { "explain", no_argument, NULL, ARG_EXPLAIN },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_ROOT: arg_root = optarg; break;
                case ARG_JSON: arg_json = true; break;
                case ARG_EXPLAIN: arg_explain = true; break;
                case 'h': help(); return 0;
                case ARG_VERSION: printf("numacmactl %s\n", PACKAGE_VERSION); return 0;
                default: return 2;
                }
        if (optind >= argc) {
                help();
                return 2;
        }
        const char *cmd = argv[optind];
        int nargs = argc - optind - 1;
        if (streq(cmd, "status") && nargs == 0)
                return cmd_status();
        if (streq(cmd, "check") && nargs == 0)
                return cmd_check();
        if (streq(cmd, "plan") && nargs == 0)
                return cmd_plan();
        if (streq(cmd, "config") && nargs >= 1 && nargs <= 2 && streq(argv[optind + 1], "check"))
                return cmd_config_check(nargs == 2 ? argv[optind + 2] : NULL);
        fprintf(stderr, "Unknown command or wrong arguments: '%s'. See 'numacmactl --help'.\n", cmd);
        return 2;
}
