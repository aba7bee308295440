/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl: status, monitoring check, plan, apply, and configuration check. */
#include <getopt.h>

#include "basic/log.h"
#include "status/status_prometheus.h"
#include "basic/util.h"
#include "bootcfg/writer_lock.h"
#include "build-config.h"
#include "shared/report.h"
#include "snapshot/snapshot.h"
#include "numacmactl/trace.h"

static const char *arg_root = "/";
static bool arg_json = false;
static bool arg_prometheus = false;
static bool arg_explain = false;
static bool arg_dry_run = false;
static bool arg_no_commands = false;
static bool arg_remove_all = false;
static TraceOptions arg_trace = {0};

static void help(void) {
        printf("numacmactl [OPTIONS] COMMAND\n\n"
               "Per-NUMA-node CMA pools for coherent DMA: status and plan.\n\n"
               "Commands:\n"
               "  status [--format=FMT]  the four layers (desired, next boot, booted, active) node by node\n"
               "  check                  one monitoring-plugin line; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
               "  plan [--explain]       the kernel arguments the policy asks for, and why\n"
               "  config check [FILE]    check the policy (or one file) and report errors with file:line\n"
               "  apply [--dry-run]      write the plan's arguments into the boot configuration\n"
               "  diff                   the unified diff apply would make; exit 1 when there is one\n"
               "  trace [--seconds N | --boot | -- COMMAND...]\n"
               "                         each device's coherent DMA memory as the kernel's tracepoints\n"
               "                         show it: bytes, area, node, local or remote\n\n"
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

/* The snapshot every command works from; errors are logged. */
static int load(SnapshotFlags flags, Snapshot **ret) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        int r = snapshot_new(arg_root, NULL, flags, &errs, ret);
        if (r < 0 && errs.messages)
                report_policy_errors(&errs, r);
        else if (r < 0)
                (void) log_error_errno(r, "Failed to read the system below '%s': %m", arg_root);
        return r;
}

static int cmd_status(void) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        if (load(0, &s) < 0)
                return 1;
        int r;
        if (arg_prometheus) {
                MetricsExtra x = { .last_apply_known = s->next.last_apply_known, .last_apply_seconds = s->next.last_apply };
                r = status_print_prometheus(stdout, s->status, &x);
        } else
                r = arg_json ? status_print_json(stdout, s->status) : status_print_human(stdout, s->status);
        return r < 0 ? 1 : 0;
}

static int cmd_check(void) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        if (load(0, &s) < 0) {
                printf("NUMACMA UNKNOWN - cannot read the policy or the system (see stderr)\n");
                return 3;
        }
        return status_print_check(stdout, s->status);
}

static int cmd_plan(void) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        if (arg_prometheus) {
                log_error("--format=prometheus is for status only.");
                return 2;
        }
        if (load(0, &s) < 0)
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
        (void) log_error_errno(r < 0 ? r : -EIO, "Failed to %s (%s): %s", what, boot_backend_to_string(res->backend),
                               res->error ? res->error : strerror(r < 0 ? -r : EIO));
        return -EIO;
}

static BootApplyFlags apply_flags(bool dry_run) {
        return (dry_run ? BOOT_APPLY_DRY_RUN : 0) | (arg_no_commands ? BOOT_APPLY_NO_COMMANDS : 0);
}

/* Writers take the lock around reading and writing; a dry run or a diff
 * writes nothing and needs none. */
static int take_lock(bool dry_run, int *ret_fd) {
        _cleanup_free_ char *holder = NULL;
        *ret_fd = -1;
        if (dry_run)
                return 0;
        int r = writer_lock_take(arg_root, "numacmactl", WRITER_LOCK_TIMEOUT_USEC, ret_fd, &holder);
        if (r == -EBUSY)
                return log_error_errno(r, "Another numacma writer holds '%s' for too long: %s. Try again later.",
                                       WRITER_LOCK_PATH, strna(holder));
        if (r < 0)
                return log_error_errno(r, "Failed to take the lock '%s' below '%s': %m", WRITER_LOCK_PATH, arg_root);
        return 0;
}

/* apply, apply --dry-run, diff: the snapshot's plan, written. */
static int cmd_apply(bool diff_only) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        _cleanup_(writer_lock_release) int lock = -1;
        BootApplyFlags flags = apply_flags(arg_dry_run || diff_only);
        if (take_lock(flags & BOOT_APPLY_DRY_RUN, &lock) < 0 || load(0, &s) < 0)
                return 1;
        int r = snapshot_apply(s, false, flags, NULL, &res);
        if (diff_only) {
                fputs(strempty(res.diff), stdout);
                if (res.error)
                        log_error("%s", res.error);
                return res.error ? 2 : !isempty(res.diff);
        }
        _cleanup_free_ char *args = plan_args_string(s->plan);
        for (char **p = s->plan->problems; p && *p; p++)
                printf("problem: %s\n", *p);
        if (report_apply(&res, flags, r, "update the boot configuration") < 0)
                return 1;
        if (!(flags & BOOT_APPLY_DRY_RUN))
                printf("%s: %s%s\n", boot_backend_to_string(res.backend), args && *args ? args : "no numacma argument",
                       res.changed || res.commands ? "" : " (already so: nothing changed)");
        return 0;
}

/* Package removal: exactly numacma's tokens out. The machine is not read
 * (a chroot or image build has no /proc), and a broken policy must not
 * block removal: then the layout is detected. */
static int cmd_remove_all(void) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_snapshot_ Snapshot *s = NULL;
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        _cleanup_(writer_lock_release) int lock = -1;
        if (take_lock(arg_dry_run, &lock) < 0)
                return 1;
        int r = snapshot_new(arg_root, NULL, SNAPSHOT_BOOT_ONLY, &errs, &s);
        if (r < 0 && errs.messages) {
                _cleanup_policy_ Policy *def = NULL;
                for (char **m = errs.messages; m && *m; m++)
                        log_warning("warning: %s", *m);
                log_warning("warning: the policy does not load; removing with the detected boot layout");
                r = policy_new_default(&def);
                if (r >= 0)
                        r = snapshot_new(arg_root, def, SNAPSHOT_BOOT_ONLY, NULL, &s);
        }
        if (r < 0) {
                (void) log_error_errno(r, "Failed to read the boot configuration below '%s': %m", arg_root);
                return 1;
        }
        BootApplyFlags flags = apply_flags(arg_dry_run);
        r = snapshot_apply(s, true, flags, NULL, &res);
        return report_apply(&res, flags, r, "remove numacma's arguments") < 0 ? 1 : 0;
}

static int cmd_config_check(const char *file) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_policy_ Policy *p = NULL;
        int r = file ? policy_check_file(file, &errs) : snapshot_load_policy(arg_root, &p, &errs);
        if (r < 0) {
                report_policy_errors(&errs, r);
                return 1;
        }
        _cleanup_free_ char *files = p ? strv_join(p->sources, ", ") : NULL;
        printf("%s: OK\n", file ? file : files && *files ? files : "built-in defaults (no /etc/numacma.conf)");
        return 0;
}

int main(int argc, char *argv[]) {
        enum { ARG_ROOT = 0x100, ARG_JSON, ARG_EXPLAIN, ARG_VERSION, ARG_DRY_RUN, ARG_NO_COMMANDS, ARG_REMOVE_ALL, ARG_FORMAT,
               ARG_BOOT, ARG_SECONDS };
        static const struct option options[] = {
                { "root", required_argument, NULL, ARG_ROOT },
                { "json", no_argument, NULL, ARG_JSON },
                { "format", required_argument, NULL, ARG_FORMAT },
                { "explain", no_argument, NULL, ARG_EXPLAIN },
                { "dry-run", no_argument, NULL, ARG_DRY_RUN },
                { "no-commands", no_argument, NULL, ARG_NO_COMMANDS },
                { "remove-all", no_argument, NULL, ARG_REMOVE_ALL },
                { "boot", no_argument, NULL, ARG_BOOT },
                { "seconds", required_argument, NULL, ARG_SECONDS },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        int c;

        log_setup(LOG_TARGET_CONSOLE, LOG_INFO);
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
                case ARG_BOOT: arg_trace.boot = true; break;
                case ARG_SECONDS:
                        if (safe_atou64(optarg, 10, &arg_trace.seconds) < 0 || !arg_trace.seconds || arg_trace.seconds > 86400) {
                                fprintf(stderr, "--seconds takes 1 to 86400: '%s'\n", optarg);
                                return 2;
                        }
                        break;
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
        if (streq(cmd, "trace")) {
                arg_trace.json = arg_json;
                arg_trace.command = nargs > 0 ? argv + optind + 1 : NULL;
                if ((arg_trace.boot && (arg_trace.command || arg_trace.seconds)) || (arg_trace.command && arg_trace.seconds)) {
                        log_error("trace takes one of --boot, --seconds N and -- COMMAND.");
                        return 2;
                }
                return trace_command(arg_root, &arg_trace);
        }
        if (streq(cmd, "config") && nargs >= 1 && nargs <= 2 && streq(argv[optind + 1], "check"))
                return cmd_config_check(nargs == 2 ? argv[optind + 2] : NULL);
        log_error("Unknown command or wrong arguments: '%s'. See 'numacmactl --help'.", cmd);
        return 2;
}
