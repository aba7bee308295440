/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl apply [--dry-run] [--no-commands] [--remove-all] [--json], and
 * numacmactl diff: the plan (or none of numacma's tokens), written. */
#include "basic/fileio.h"
#include "basic/json.h"
#include "basic/log.h"
#include "bootcfg/writer_lock.h"
#include "kernel/cma_args.h"
#include "numacmactl/verb.h"

static bool arg_dry_run = false;
static bool arg_no_commands = false;
static bool arg_remove_all = false;
static bool arg_json = false;

enum { ARG_DRY_RUN = 0x100, ARG_NO_COMMANDS, ARG_REMOVE_ALL, ARG_JSON };

static const VerbOption options[] = {
        { "dry-run", no_argument, ARG_DRY_RUN, NULL, "print the diff and the commands, change nothing" },
        { "no-commands", no_argument, ARG_NO_COMMANDS, NULL, "write the files, run no command (the kernel-install plugin)" },
        { "remove-all", no_argument, ARG_REMOVE_ALL, NULL,
          "take every numacma argument out (package removal); reads no hardware, works in a chroot" },
        { "json", no_argument, ARG_JSON, NULL, "say what was done (or would be) as JSON (numacmactl(8): JSON OUTPUT)" },
        {}
};

static int option(const Verb *v, int id, const char *arg) {
        switch (id) {
        case ARG_DRY_RUN: arg_dry_run = true; break;
        case ARG_NO_COMMANDS: arg_no_commands = true; break;
        case ARG_REMOVE_ALL: arg_remove_all = true; break;
        default: arg_json = true; break;
        }
        return 0;
}

static void print_lines(FILE *f, const char *prefix, char **l) {
        for (; l && *l; l++)
                fprintf(f, "%s%s\n", prefix, *l);
}

static void json_strv(JsonWriter *w, const char *key, char **l) {
        json_begin_array(w, key);
        for (; l && *l; l++)
                json_string(w, NULL, *l);
        json_end_array(w);
}

/* The JSON of an apply: the contract's members, what was written (or
 * would be), and the plan's problems with the apply's failure. after:
 * the snapshot read after writing (NULL: unknown); reboot < 0: unknown. */
static int print_json(const Snapshot *s, const BootApplyResult *res, int reboot, BootApplyFlags flags) {
        JsonWriter w = { .f = stdout, .pretty = true };
        _cleanup_(problems_done) ProblemList problems = {0};
        if (s->plan && !arg_remove_all)
                FOREACH_PROBLEM(p, &s->plan->problems)
                        if (problems_add(&problems, p->code, p->text) < 0)
                                return log_oom();
        if (res->error && problems_addf(&problems, PROBLEM_APPLY_FAILED, "the update of the boot configuration failed: %s", res->error) < 0)
                return log_oom();

        json_begin_object(&w, NULL);
        json_u64(&w, "schema_version", NUMACMA_JSON_SCHEMA_VERSION);
        if (reboot < 0)
                json_null(&w, "reboot_required");
        else
                json_bool(&w, "reboot_required", reboot);
        json_string(&w, "backend", boot_backend_to_string(res->backend));
        json_bool(&w, "dry_run", flags & BOOT_APPLY_DRY_RUN);
        json_bool(&w, "remove_all", arg_remove_all);
        json_strv(&w, "args", arg_remove_all || !s->plan ? NULL : s->plan->args);
        json_strv(&w, "changed", res->changed);
        json_strv(&w, "commands", res->commands);
        json_bool(&w, "commands_run", res->commands && !res->commands_not_run);
        json_string(&w, "diff", strempty(res->diff));
        json_strv(&w, "messages", res->notes);
        json_string(&w, "error", res->error);
        status_json_problems(&w, "problems", &problems, PROBLEM_KIND_PROBLEM);
        status_json_problems(&w, "notes", &problems, PROBLEM_KIND_NOTE);
        json_end_object(&w);
        json_finish(&w);
        return ferror(stdout) ? -EIO : 0;
}

/* What an apply did (or would do), and whether it failed; 0 or -EIO. */
static int report_apply(const BootApplyResult *res, BootApplyFlags flags, int r, const char *what) {
        if (arg_json)
                ;
        else if (flags & BOOT_APPLY_DRY_RUN) {
                fputs(strempty(res->diff), stdout);
                print_lines(stdout, "would run: ", res->commands);
        } else {
                print_lines(stdout, "changed: ", res->changed);
                print_lines(stdout, res->commands_not_run ? "not run (run it yourself): " : "ran: ", res->commands);
        }
        if (!arg_json)
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

/* Will a reboot be needed once this is written? After a write, the boot
 * configuration read again says; a dry run compares the line it would
 * write with the booted one. -1: unknown. */
static int reboot_after(const Snapshot *s, const BootApplyResult *res, BootApplyFlags flags) {
        _cleanup_snapshot_ Snapshot *after = NULL;
        if (!(flags & BOOT_APPLY_DRY_RUN)) {
                if (snapshot_new(arg_root, s->policy, 0, NULL, &after) < 0)
                        return -1;
                return after->status->reboot_required;
        }
        if (isempty(res->diff) || !s->desired)
                return s->status->reboot_required;
        _cleanup_free_ char *line = cmdline_to_string(s->desired);
        int r = line ? cma_args_differ(line, s->booted_cmdline) : -ENOMEM;
        return r < 0 ? -1 : r > 0;
}

static int apply(void) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        _cleanup_(writer_lock_release) int lock = -1;
        BootApplyFlags flags = apply_flags(arg_dry_run);
        if (verb_take_lock(flags & BOOT_APPLY_DRY_RUN, &lock) < 0 || verb_load(0, &s) < 0)
                return 1;
        int r = snapshot_apply(s, false, flags, NULL, &res);
        if (arg_json) {
                int k = print_json(s, &res, reboot_after(s, &res, flags), flags);
                return report_apply(&res, flags, r, "update the boot configuration") < 0 || k < 0 ? 1 : 0;
        }
        _cleanup_free_ char *args = plan_args_string(s->plan);
        FOREACH_PROBLEM(p, &s->plan->problems)
                printf("%s: %s\n", problem_info(p->code)->kind == PROBLEM_KIND_NOTE ? "note" : "problem", p->text);
        if (report_apply(&res, flags, r, "update the boot configuration") < 0)
                return 1;
        if (!(flags & BOOT_APPLY_DRY_RUN))
                printf("%s: %s%s\n", boot_backend_to_string(res.backend), args && *args ? args : "no numacma argument",
                       res.changed || res.commands ? "" : " (already so: nothing changed)");
        return 0;
}

/* After a removal: the boot configuration read again against the booted
 * line, when the root has one (a chroot may not). */
static int reboot_after_removal(void) {
        _cleanup_snapshot_ Snapshot *after = NULL;
        _cleanup_free_ char *booted = NULL;
        if (arg_dry_run || snapshot_new(arg_root, NULL, SNAPSHOT_BOOT_ONLY, NULL, &after) < 0 || !after->next.cmdline ||
            read_line_root(arg_root, "/proc/cmdline", &booted) < 0)
                return -1;
        int r = cma_args_differ(after->next.cmdline, booted);
        return r < 0 ? -1 : r > 0;
}

/* Package removal: exactly numacma's tokens out. The machine is not read
 * (a chroot or image build has no /proc), and a broken policy must not
 * block removal: then the layout is detected. */
static int remove_all(void) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_snapshot_ Snapshot *s = NULL;
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        _cleanup_(writer_lock_release) int lock = -1;
        if (verb_take_lock(arg_dry_run, &lock) < 0)
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
        int k = arg_json ? print_json(s, &res, reboot_after_removal(), flags) : 0;
        return report_apply(&res, flags, r, "remove numacma's arguments") < 0 || k < 0 ? 1 : 0;
}

static int run_apply(char **args, unsigned n_args) {
        return arg_remove_all ? remove_all() : apply();
}

const Verb verb_apply = {
        .name = "apply",
        .summary = "Write the plan's arguments into the boot configuration now, as numacmad does.",
        .options = options,
        .option = option,
        .run = run_apply,
};

/* diff: the unified diff apply would make; exit 1 when there is one. */
static int run_diff(char **args, unsigned n_args) {
        _cleanup_snapshot_ Snapshot *s = NULL;
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        if (verb_load(0, &s) < 0)
                return 2;
        (void) snapshot_apply(s, false, apply_flags(true), NULL, &res);
        fputs(strempty(res.diff), stdout);
        if (res.error)
                log_error("%s", res.error);
        return res.error ? 2 : !isempty(res.diff);
}

const Verb verb_diff = {
        .name = "diff",
        .summary = "The unified diff apply would make; exit 0 none, 1 a diff, 2 an error.",
        .run = run_diff,
};
