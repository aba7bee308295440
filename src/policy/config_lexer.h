/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The INI syntax of the policy files (config_lexer.c says why it is ours):
 * lines in, sections, keys and errors out, each with its line number. It
 * knows no section or key names: config_keys.c gives them their meaning. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The longest line, without its line end ("\n" or "\r\n"): inih's 200-byte
 * buffer less "\r\n\0", kept so that a file means what it meant with inih. */
#define CONFIG_LINE_MAX 197u

/* Each returns 0, or a negative errno that stops the lexer. */
typedef struct {
        /* "[name]": name as written between the brackets (not trimmed). */
        int (*section)(void *userdata, unsigned line, const char *name);
        /* "name = value" or "name: value", trimmed, without an inline
         * comment; continuation: an indented line after it, which continues
         * the last key's value (name is that key's). */
        int (*key)(void *userdata, unsigned line, const char *name, const char *value, bool continuation);
        /* A line that is not INI and is skipped: what is wrong, the line's
         * text (NULL: not shown), a hint (NULL: none). */
        int (*error)(void *userdata, unsigned line, const char *value, const char *hint, const char *what);
} ConfigLexerOps;

/* Lexes text of size bytes (NUL bytes are errors; it need not be
 * NUL-terminated) in one pass. Returns 0, or the first negative value a
 * callback returned. */
int config_lex(const char *text, size_t size, const ConfigLexerOps *ops, void *userdata);
