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

/* The merge: root/etc/default/grub, then root/etc/default/grub.d/ *.cfg in
 * C-locale order. When override_path is set, override_text is read in its
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
