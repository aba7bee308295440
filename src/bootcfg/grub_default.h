/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The variables /etc/default/grub and /etc/default/grub.d/ *.cfg set, merged
 * in the order grub-mkconfig sources them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define GRUB_DEFAULT_PATH "/etc/default/grub"
#define GRUB_DEFAULT_DIR "/etc/default/grub.d"

typedef struct {
        char *name;
        char *value;   /* NULL: set by something not evaluated here (`cmd`, $(cmd), $1) */
        /* Where the reader saw it set last (file NULL: not known, e.g. read
         * by sh or set with shell_vars_set()), and for the GRUB_CMDLINE_*
         * variables where the assignment was that left a double quote open
         * in the kernel's part of the value (quote_line 0: none open). */
        char *file, *quote_file;
        unsigned line, quote_line;
} ShellVar;

typedef struct {
        ShellVar *vars;
        size_t n;
} ShellVars;

void shell_vars_done(ShellVars *v);
/* NULL when the variable is not set. */
const ShellVar *shell_vars_find(const ShellVars *v, const char *name);
int shell_vars_set(ShellVars *v, const char *name, const char *value);

/* Evaluate one file's assignments on top of v without running anything.
 * The reader knows what these files hold: assignments (quoting, $VAR and
 * ${VAR} expansion, "export"), comments and blank lines. A command
 * substitution makes that one variable unknown; any other command is
 * -EBADMSG with *ret_error = "line N: ...". size bounds text (which may hold
 * NUL bytes: an error). */
int grub_default_eval(ShellVars *v, const char *text, size_t size, char **ret_error);
/* The same for one file: the variables it sets remember file and line.
 * Errors inside a double quote opened on an earlier line name that line
 * and the variable too; an unterminated quote is reported at the line
 * where it opens. */
int grub_default_eval_file(ShellVars *v, const char *file, const char *text, size_t size, char **ret_error);

/* A GRUB_CMDLINE_* variable holds a kernel command line: -EBADMSG when it
 * leaves a double quote open (the kernel would take every argument after
 * it into that one, numacma's too), with *ret_error naming the file and
 * line of the assignment where it was opened, when known: "'/etc/default/
 * grub' line 15: GRUB_CMDLINE_LINUX leaves a double quote open at
 * 'dyndbg="file': ...". 0 when all its quotes are closed, and when it is
 * not set or not known. */
int grub_cmdline_var_check(const ShellVars *v, const char *name, char **ret_error);

/* The merge: root/etc/default/grub, then root/etc/default/grub.d/ *.cfg in
 * C-locale order. Without use_shell every error names the file and line. When override_path is set, override_text is read in its
 * place (NULL: as if that file did not exist), to check a file before it is
 * written. With use_shell, the files are sourced by /bin/sh in a child
 * with an empty environment, as grub-mkconfig does (only for the live
 * system: it runs what those files run); without, grub_default_eval().
 * On failure *ret_error says why. */
int grub_defaults_merge(const char *root, bool use_shell, const char *override_path,
                        const char *override_text, ShellVars *ret, char **ret_error);

/* Quote s for the inside of a shell double-quoted string. */
char *shell_dquote_escape(const char *s);

/* text (a whole /etc/default/grub) with the last assignment of name edited
 * as kernel command-line tokens: the tokens of remove (exact text) taken
 * out of it with one blank beside each, those of want that it lacks
 * appended before its closing quote; everything else byte for byte, so
 * taking out what was appended gives the text back. The assignment must be
 * one quoted string ("..." or '...'); the new text is evaluated again and
 * must give exactly the tokens tokens_edit() gives. -ENOENT: name is not
 * set or empty (nothing to do); -EOPNOTSUPP or -EBADMSG: not edited,
 * *ret_why says why. */
int grub_default_edit_tokens(const char *text, const char *name, char *const *remove, char *const *want,
                             char **ret, char **ret_why);
