/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl: status, monitoring check, plan, apply, diff, configuration
 * check and trace. This file is the command table and the global options; each
 * command is in cmd_*.c (verb.h says what a command is). */

#include "basic/log.h"
#include "basic/util.h"
#include "build-config.h"
#include "numacmactl/verb.h"

extern const Verb verb_status, verb_check, verb_plan, verb_config_check, verb_apply, verb_diff, verb_trace;

/* The commands, in the order the global help lists them. A new command is
 * one line here and one file of its own: cmd_NAME.c defines
 * 'const Verb verb_NAME' (its name, summary, options and their help, its
 * option() and run()), added to the extern line above, to src/numacmactl/
 * meson.build, to numacmactl(8), and to the completions under completions/. */
static const Verb *const verbs[] = {
        &verb_status,
        &verb_check,
        &verb_plan,
        &verb_config_check,
        &verb_apply,
        &verb_diff,
        &verb_trace,
};

static void help(FILE *f) {
        fprintf(f, "numacmactl [--root DIR] COMMAND [OPTIONS]\n\n"
                   "Per-NUMA-node CMA pools for coherent DMA: status, plan and the boot configuration.\n\n"
                   "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                _cleanup_free_ char *left = strdup_printf("%s%s%s", verbs[i]->name, verbs[i]->args ? " " : "",
                                                          strempty(verbs[i]->args));
                fprintf(f, "  %-20s %s\n", strempty(left), verbs[i]->summary);
        }
        fprintf(f, "\nOptions:\n"
                   "  --root DIR           read the system below DIR (a captured tree) instead of /\n"
                   "  -h --help            this help ('numacmactl COMMAND --help': the command's options)\n"
                   "  --version            the version\n\n"
                   "See numacmactl(8).\n");
}

/* The command named by the words at argv[0..]: *ret_words is how many
 * words its name has. */
static const Verb *find_verb(int argc, char *argv[], int *ret_words) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                const char *name = verbs[i]->name, *space = strchr(name, ' ');
                if (!space && streq(argv[0], name)) {
                        *ret_words = 1;
                        return verbs[i];
                }
                if (space && strncmp(argv[0], name, (size_t) (space - name)) == 0 && !argv[0][space - name] &&
                    argc > 1 && streq(argv[1], space + 1)) {
                        *ret_words = 2;
                        return verbs[i];
                }
        }
        return NULL;
}

/* A first word that starts a two-word command ("config"), or NULL. */
static bool is_group(const char *word) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                const char *space = strchr(verbs[i]->name, ' ');
                if (space && strlen(word) == (size_t) (space - verbs[i]->name) &&
                    strncmp(word, verbs[i]->name, (size_t) (space - verbs[i]->name)) == 0)
                        return true;
        }
        return false;
}

/* The options before the command: --root, --help, --version. Returns the
 * index of the command word, or -1 with *ret_exit set. */
static int parse_global(int argc, char *argv[], int *ret_exit) {
        int i = 1;
        for (; i < argc && argv[i][0] == '-'; i++) {
                const char *a = argv[i], *v;
                if (streq(a, "-h") || streq(a, "--help")) {
                        help(stdout);
                        *ret_exit = 0;
                        return -1;
                }
                if (streq(a, "--version")) {
                        printf("numacmactl %s\n", PACKAGE_VERSION);
                        *ret_exit = 0;
                        return -1;
                }
                if (streq(a, "--root") && i + 1 < argc)
                        arg_root = argv[++i];
                else if ((v = startswith(a, "--root=")))
                        arg_root = v;
                else {
                        log_error("numacmactl: %s '%s' before the command: only --root, --help and --version go there "
                                  "(see 'numacmactl --help')", streq(a, "--root") ? "no directory after" : "unknown option", a);
                        *ret_exit = 2;
                        return -1;
                }
                if (isempty(arg_root)) {
                        log_error("numacmactl: --root needs a directory");
                        *ret_exit = 2;
                        return -1;
                }
        }
        if (i >= argc) {
                help(stderr);
                *ret_exit = 2;
                return -1;
        }
        return i;
}

int main(int argc, char *argv[]) {
        int rc, words;
        log_setup(LOG_TARGET_CONSOLE, LOG_INFO);
        int i = parse_global(argc, argv, &rc);
        if (i < 0)
                return rc;
        const Verb *v = find_verb(argc - i, argv + i, &words);
        if (!v) {
                if (is_group(argv[i]))
                        log_error("numacmactl %s: a subcommand is missing or unknown%s%s%s (see 'numacmactl --help')", argv[i],
                                  i + 1 < argc ? ": '" : "", i + 1 < argc ? argv[i + 1] : "", i + 1 < argc ? "'" : "");
                else
                        log_error("numacmactl: unknown command '%s' (see 'numacmactl --help')", argv[i]);
                return 2;
        }
        return verb_dispatch(v, argc - i - words + 1, argv + i + words - 1);
}
