/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl: status, monitoring check, plan, and configuration check. */
#include <getopt.h>

#include "bootcfg/bootcfg.h"
#include "build-config.h"
#include "policy/config.h"
#include "status/status.h"
#include "status/status_prometheus.h"
#include "basic/util.h"

static const char *arg_root = "/";
static bool arg_json = false;
static bool arg_prometheus = false;
static bool arg_explain = false;
static bool arg_dry_run = false;
static bool arg_no_commands = false;
static bool arg_remove_all = false;

static void help(void) {
        printf("numacmactl [OPTIONS] COMMAND\n\n"
               "Per-NUMA-node CMA pools for coherent DMA: status and plan.\n\n"
               "Commands:\n"
               "  status [--format=FMT]  the four layers (desired, next boot, booted, active) node by node\n"
               "  check                  one monitoring-plugin line; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
               "  plan [--explain]       the kernel arguments the policy asks for, and why\n"
               "  config check [FILE]    check the policy (or one file) and report errors with file:line\n"
               "  apply [--dry-run]      write the plan's arguments into the boot configuration\n"
               "  diff                   the unified diff apply would make; exit 1 when there is one\n\n"
               "Options:\n"
               "  --root DIR             read the system below DIR (a captured tree) instead of /\n"
               "  --format=FMT           human (default), json (status, plan) or prometheus (status:\n"
               "                         node_exporter textfile text)\n"
               "  --json                 the same as --format=json\n"
               "  --explain              say why each node gets what it gets (plan)\n"
               "  --dry-run              apply: print the diff and the commands, change nothing\n"
               "  --no-commands          apply: write the files, run no command (kernel-install plugin)\n"
               "  --remove-all           apply: take every numacma argument out of the boot configuration\n"
               "                         (package removal); needs no hardware data, works in a chroot\n"
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
        /* Policy, the next boot from the detected boot configuration, status. */
        int r = boot_load_status(arg_root, &errs, ret);
        if (r < 0 && errs.messages)
                return print_policy_errors(&errs, r);
        if (r < 0)
                fprintf(stderr, "Failed to read the system below '%s': %s\n", arg_root, strerror(-r));
        return r;
}

static int cmd_status(void) {
        _cleanup_status_ Status *s = NULL;
        int r = load_status(&s);
        if (r < 0)
                return 1;
        if (arg_prometheus) {
                MetricsExtra x = {0};
                if (metrics_extra_load(arg_root, &x) < 0)
                        fprintf(stderr, "Cannot read %s; the last apply's time is left out.\n", LAST_APPLY_PATH);
                r = status_print_prometheus(stdout, s, &x);
        } else
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
        if (arg_prometheus) {
                fprintf(stderr, "--format=prometheus is for status only.\n");
                return 2;
        }
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

static void print_lines(FILE *f, const char *prefix, char **l) {
        for (; l && *l; l++)
                fprintf(f, "%s%s\n", prefix, *l);
}

/* What an apply did (or would do), and whether it failed; 0 or -EIO. */
static int report_apply(const BootApplyResult *res, BootApplyFlags flags, int r, const char *what) {
        if (flags & BOOT_APPLY_DRY_RUN) {
                fputs(strempty(res->diff), stdout);
                print_lines(stdout, "would run: ", res->commands);
        } else {
                print_lines(stdout, "changed: ", res->changed);
                print_lines(stdout, res->commands_not_run ? "not run (run it yourself): " : "ran: ", res->commands);
        }
        print_lines(stdout, "note: ", res->notes);
        if (r >= 0 && !res->error)
                return 0;
        if (res->output && *res->output)
                fprintf(stderr, "%s", res->output);
        fprintf(stderr, "Failed to %s (%s): %s\n", what, boot_backend_to_string(res->backend),
                res->error ? res->error : strerror(-r));
        return -EIO;
}

/* apply, apply --dry-run, diff: policy, next boot, plan, write. */
static int cmd_apply(bool diff_only) {
        _cleanup_status_ Status *s = NULL;
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        BootApplyFlags flags = (arg_dry_run || diff_only ? BOOT_APPLY_DRY_RUN : 0) |
                               (arg_no_commands ? BOOT_APPLY_NO_COMMANDS : 0);
        if (load_status(&s) < 0)
                return 1;
        int r = boot_apply(arg_root, s->policy, s->plan, &s->next, flags, &res);
        if (diff_only) {
                fputs(strempty(res.diff), stdout);
                if (res.error)
                        fprintf(stderr, "%s\n", res.error);
                return res.error ? 2 : !isempty(res.diff);
        }
        const char *backend = boot_backend_to_string(res.backend);
        _cleanup_free_ char *args = plan_args_string(s->plan);
        for (char **p = s->plan->problems; p && *p; p++)
                printf("problem: %s\n", *p);
        if (report_apply(&res, flags, r, "update the boot configuration") < 0)
                return 1;
        if (!(flags & BOOT_APPLY_DRY_RUN))
                printf("%s: %s%s\n", strna(backend), args && *args ? args : "no numacma argument",
                       res.changed || res.commands ? "" : " (already so: nothing changed)");
        return 0;
}

/* Package removal: an empty plan removes exactly numacma's tokens. The
 * machine is not read (a chroot or image build has no /proc), and a broken
 * policy must not block removal: its [boot] backend is used when it loads,
 * else the layout is detected. */
static int cmd_remove_all(void) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_policy_ Policy *p = NULL;
        _cleanup_(next_boot_done) NextBoot next = {0};
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        Plan empty = {0};
        int r;

        if (policy_load(arg_root, &p, &errs) < 0) {
                for (char **m = errs.messages; m && *m; m++)
                        fprintf(stderr, "warning: %s\n", *m);
                fprintf(stderr, "warning: the policy does not load; removing with the detected boot layout\n");
                r = policy_new_default(&p);
                if (r < 0)
                        return 1;
        }
        r = boot_read_next(arg_root, p, &next);
        if (r < 0) {
                fprintf(stderr, "Failed to read the boot configuration below '%s': %s\n", arg_root, strerror(-r));
                return 1;
        }
        BootApplyFlags flags = (arg_dry_run ? BOOT_APPLY_DRY_RUN : 0) | (arg_no_commands ? BOOT_APPLY_NO_COMMANDS : 0);
        r = boot_apply(arg_root, p, &empty, &next, flags, &res);
        return report_apply(&res, flags, r, "remove numacma's arguments") < 0 ? 1 : 0;
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
        enum { ARG_ROOT = 0x100, ARG_JSON, ARG_EXPLAIN, ARG_VERSION, ARG_DRY_RUN, ARG_NO_COMMANDS, ARG_REMOVE_ALL, ARG_FORMAT };
        static const struct option options[] = {
                { "root", required_argument, NULL, ARG_ROOT },
                { "json", no_argument, NULL, ARG_JSON },
                { "format", required_argument, NULL, ARG_FORMAT },
                { "explain", no_argument, NULL, ARG_EXPLAIN },
                { "dry-run", no_argument, NULL, ARG_DRY_RUN },
                { "no-commands", no_argument, NULL, ARG_NO_COMMANDS },
                { "remove-all", no_argument, NULL, ARG_REMOVE_ALL },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_ROOT: arg_root = optarg; break;
                case ARG_JSON: arg_json = true; arg_prometheus = false; break;
                case ARG_FORMAT:
                        arg_json = streq(optarg, "json");
                        arg_prometheus = streq(optarg, "prometheus");
                        if (!arg_json && !arg_prometheus && !streq(optarg, "human")) {
                                fprintf(stderr, "Unknown format '%s': human, json or prometheus.\n", optarg);
                                return 2;
                        }
                        break;
                case ARG_EXPLAIN: arg_explain = true; break;
                case ARG_DRY_RUN: arg_dry_run = true; break;
                case ARG_NO_COMMANDS: arg_no_commands = true; break;
                case ARG_REMOVE_ALL: arg_remove_all = true; break;
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
        if (streq(cmd, "apply") && nargs == 0)
                return arg_remove_all ? cmd_remove_all() : cmd_apply(false);
        if (streq(cmd, "diff") && nargs == 0)
                return cmd_apply(true);
        if (streq(cmd, "config") && nargs >= 1 && nargs <= 2 && streq(argv[optind + 1], "check"))
                return cmd_config_check(nargs == 2 ? argv[optind + 2] : NULL);
        fprintf(stderr, "Unknown command or wrong arguments: '%s'. See 'numacmactl --help'.\n", cmd);
        return 2;
}
