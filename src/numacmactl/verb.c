/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A command's options, parsed exactly: no abbreviation ("--remove" is not
 * "--remove-all"), no option of another command, nothing done on an
 * error. */
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>

#include "basic/log.h"
#include "basic/util.h"
#include "bootcfg/writer_lock.h"
#include "numacmactl/verb.h"
#include "report/report.h"

const char *arg_root = "/";

enum { OPT_ROOT = 1, OPT_HELP };

static const VerbOption common_options[] = {
        { "root", required_argument, OPT_ROOT, "DIR", "read (and for apply, write) the system below DIR instead of /" },
        { "help", no_argument, OPT_HELP, NULL, "this help (-h)" },
        {}
};

int verb_usage_error(const Verb *v, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        int r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return log_oom();
        if (v->usage_stdout_prefix)
                printf("%s numacmactl %s: %s (see 'numacmactl %s --help')\n", v->usage_stdout_prefix, v->name, msg, v->name);
        else
                log_error("numacmactl %s: %s (see 'numacmactl %s --help')", v->name, msg, v->name);
        return -EINVAL;
}

static const VerbOption *find_option(const VerbOption *l, const char *name, size_t len) {
        for (; l && l->name; l++)
                if (strlen(l->name) == len && strncmp(l->name, name, len) == 0)
                        return l;
        return NULL;
}

static const VerbOption *find_short(const VerbOption *l, char c) {
        for (; l && l->name; l++)
                if (l->short_name && l->short_name == c)
                        return l;
        return NULL;
}

static void help_options(const VerbOption *l, int width) {
        for (; l && l->name; l++) {
                char sh[8] = "";
                if (l->short_name)
                        snprintf(sh, sizeof sh, "-%c ", l->short_name);
                _cleanup_free_ char *left = strdup_printf("%s--%s%s%s", sh, l->name, l->metavar ? (l->has_arg ? "=" : " ") : "",
                                                          strempty(l->metavar));
                printf("  %-*s  %s\n", width, strempty(left), l->help);
        }
}

static int options_width(const VerbOption *l) {
        int w = 0;
        for (; l && l->name; l++)
                w = MAX(w, (int) (2 + strlen(l->name) + (l->metavar ? 1 + strlen(l->metavar) : 0) + (l->short_name ? 3 : 0)));
        return w;
}

void verb_help(const Verb *v) {
        int w = MAX(options_width(v->options), options_width(common_options));
        printf("numacmactl %s [OPTIONS]%s%s\n\n%s\n\nOptions:\n", v->name, v->args ? " " : "", strempty(v->args), v->summary);
        help_options(v->options, w);
        help_options(common_options, w);
        printf("\nExit status: %s.\n\nSee numacmactl(8).\n",
               v->exit_help ? v->exit_help : "0 success, 1 failure, 2 usage error");
}

/* One "--name[=value]" at argv[*i]: the option and its value (from after
 * '=' or the next word). */
static int take_long(const Verb *v, int argc, char *argv[], int *i, const VerbOption **ret, const char **ret_value) {
        const char *a = argv[*i] + 2, *eq = strchr(a, '=');
        size_t len = eq ? (size_t) (eq - a) : strlen(a);
        const VerbOption *o = find_option(v->options, a, len);
        if (!o)
                o = find_option(common_options, a, len);
        if (!o)
                return verb_usage_error(v, "unknown option '--%.*s'", (int) len, a);
        if (o->has_arg == no_argument && eq)
                return verb_usage_error(v, "option '--%s' takes no value", o->name);
        const char *value = eq ? eq + 1 : NULL;
        if (o->has_arg != no_argument && !eq) {
                if (*i + 1 >= argc)
                        return verb_usage_error(v, "option '--%s' needs a value", o->name);
                value = argv[++*i];
        }
        *ret = o;
        *ret_value = value;
        return 0;
}

/* One "-x", "-x VALUE" or "-xVALUE" at argv[*i]. */
static int take_short(const Verb *v, int argc, char *argv[], int *i, const VerbOption **ret, const char **ret_value) {
        const char *a = argv[*i];
        const VerbOption *o = find_short(v->options, a[1]);
        if (!o || (o->has_arg == no_argument && a[2]))
                return verb_usage_error(v, "unknown option '%s'", a);
        const char *value = NULL;
        if (o->has_arg != no_argument) {
                if (a[2])
                        value = a + 2;
                else if (*i + 1 < argc)
                        value = argv[++*i];
                else
                        return verb_usage_error(v, "option '-%c' needs a value", a[1]);
        }
        *ret = o;
        *ret_value = value;
        return 0;
}

/* Every word after argv[0], in order: options, then positional
 * arguments (all of them after "--"). On success *ret_help says --help was
 * given; the positional arguments are moved to the front of args. */
static int parse(const Verb *v, int argc, char *argv[], char **args, unsigned *ret_n, bool *ret_help) {
        unsigned n = 0;
        bool dashdash = false;
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (dashdash || a[0] != '-' || streq(a, "-")) {
                        args[n++] = argv[i];
                        continue;
                }
                if (streq(a, "--")) {
                        dashdash = true;
                        continue;
                }
                if (streq(a, "-h")) {
                        *ret_help = true;
                        continue;
                }
                const VerbOption *o = NULL;
                const char *value = NULL;
                int r = a[1] == '-' ? take_long(v, argc, argv, &i, &o, &value) : take_short(v, argc, argv, &i, &o, &value);
                if (r < 0)
                        return r;
                if (o->id == OPT_ROOT) {
                        if (isempty(value))
                                return verb_usage_error(v, "--root needs a directory");
                        arg_root = value;
                } else if (o->id == OPT_HELP)
                        *ret_help = true;
                else if ((r = v->option(v, o->id, value)) < 0)
                        return r;
        }
        *ret_n = n;
        return 0;
}

int verb_dispatch(const Verb *v, int argc, char *argv[]) {
        _cleanup_free_ char **args = calloc(MAX(argc, 1), sizeof(char *));
        unsigned n = 0;
        bool help = false;
        if (!args)
                return log_oom(), 1;
        if (parse(v, argc, argv, args, &n, &help) < 0)
                return v->usage_exit ? v->usage_exit : 2;
        if (help) {
                verb_help(v);
                return 0;
        }
        if (n < v->min_args || n > v->max_args) {
                if (n > v->max_args)
                        (void) verb_usage_error(v, "unexpected argument '%s'%s%s", args[v->max_args],
                                                v->args ? ": it takes " : "", strempty(v->args));
                else
                        (void) verb_usage_error(v, "missing argument %s", strempty(v->args));
                return v->usage_exit ? v->usage_exit : 2;
        }
        return v->run(args, n);
}

/* The character set of the environment's locale, asked only here: loading
 * the locale at start cost every command (status --json too) a tenth of
 * its time. Nothing else reads the locale: numbers and ctype stay "C". */
bool verb_utf8(void) {
        locale_t l = newlocale(LC_CTYPE_MASK, "", (locale_t) 0);
        if (!l)
                return false;
        bool utf8 = streq(nl_langinfo_l(CODESET, l), "UTF-8");
        freelocale(l);
        return utf8;
}

int verb_load_why(SnapshotFlags flags, Snapshot **ret, char **ret_why) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        int r = snapshot_new(arg_root, NULL, flags, &errs, ret);
        if (r >= 0)
                return r;
        if (errs.messages)
                report_policy_errors(&errs, r);
        else
                (void) log_error_errno(r, "Failed to read the system below '%s': %m", arg_root);
        if (ret_why) {
                size_t n = strv_length(errs.messages);
                *ret_why = n ? strdup_printf("the policy does not check: %s%s", errs.messages[0],
                                             n > 1 ? " (and more: numacmactl config check)" : "")
                             : strdup_printf("cannot read the system below '%s': %s", arg_root, strerror(-r));
        }
        return r;
}

int verb_load(SnapshotFlags flags, Snapshot **ret) {
        return verb_load_why(flags, ret, NULL);
}

int verb_take_lock(bool dry_run, int *ret_fd) {
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
