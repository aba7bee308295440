/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shell of /etc/default/grub and its drop-ins, evaluated without running
 * anything: the variables they set. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

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
int shell_eval(ShellVars *v, const char *text, size_t size, char **ret_error);
/* The same for one file: the variables it sets remember file and line.
 * Errors inside a double quote opened on an earlier line name that line
 * and the variable too; an unterminated quote is reported at the line
 * where it opens. */
int shell_eval_file(ShellVars *v, const char *file, const char *text, size_t size, char **ret_error);

/* A GRUB_CMDLINE_* variable holds a kernel command line: -EBADMSG when it
 * leaves a double quote open (the kernel would take every argument after
 * it into that one, numacma's too), with *ret_error naming the file and
 * line of the assignment where it was opened, when known: "'/etc/default/
 * grub' line 15: GRUB_CMDLINE_LINUX leaves a double quote open at
 * 'dyndbg="file': ...". 0 when all its quotes are closed, and when it is
 * not set or not known. */
int grub_cmdline_var_check(const ShellVars *v, const char *name, char **ret_error);

/* Quote s for the inside of a shell double-quoted string. */
char *shell_dquote_escape(const char *s);

/* shell_eval() that also says where the last assignment of name has its
 * value written: [*ret_start, *ret_end) of text (NULL when never assigned). */
int shell_eval_tracked(const char *text, const char *name, ShellVars *v, const char **ret_start,
                       const char **ret_end, char **ret_error);
