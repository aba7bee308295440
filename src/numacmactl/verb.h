/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl's commands: each is a Verb (its name, its own options, its
 * help, its handler) in the table in numacmactl.c, and lives in a file of
 * its own (cmd_NAME.c). verb.c parses a command's options: --root and
 * -h/--help are every command's; anything else a command does not declare
 * is a usage error that does nothing. */
#pragma once

#include <getopt.h>
#include <stdbool.h>

#include "basic/util.h"
#include "snapshot/snapshot.h"

/* One option of a command. id is what the command's option() gets. */
typedef struct {
        const char *name;        /* long name, without "--" */
        int has_arg;             /* no_argument or required_argument */
        int id;                  /* passed to Verb.option(); >= 0x100 */
        const char *metavar;     /* "FMT" for --format=FMT; NULL for a switch */
        const char *help;        /* one line for the command's --help */
} VerbOption;

typedef struct Verb {
        const char *name;        /* "status"; two words for a subcommand: "config check" */
        const char *args;        /* the positional arguments in the synopsis ("[FILE]"), or NULL */
        unsigned min_args, max_args;
        const char *summary;     /* one line for 'numacmactl --help' and the command's --help */
        const VerbOption *options;  /* its own options, ending with {0} (NULL: none) */
        /* Take one of its options (0, or a usage error: -EINVAL after
         * verb_usage_error()). NULL when it has none. */
        int (*option)(const struct Verb *v, int id, const char *arg);
        /* Run with the positional arguments; returns the exit code. */
        int (*run)(char **args, unsigned n_args);
        /* A usage error's exit code (0: 2) and, for monitoring plugins, the
         * one stdout line that says it (NULL: the message goes to stderr). */
        int usage_exit;
        const char *usage_stdout_prefix;
} Verb;

/* The root every command reads (--root, before or after the command). */
extern const char *arg_root;

/* Report a usage error of v: one line naming the command, as v wants it.
 * Returns -EINVAL. */
int verb_usage_error(const Verb *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse argv (argv[0] is the command's last word) with v's options and
 * run it. Returns the exit code. */
int verb_dispatch(const Verb *v, int argc, char *argv[]);
/* The command's --help. */
void verb_help(const Verb *v);

/* The snapshot every command works from (errors are logged). */
int verb_load(SnapshotFlags flags, Snapshot **ret);
/* Writers take the lock around reading and writing; a dry run or a diff
 * writes nothing and needs none. */
int verb_take_lock(bool dry_run, int *ret_fd);
