/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel command lines as tokens, split the way the kernel's next_arg()
 * does: whitespace separates, double quotes group, "--" ends the kernel's
 * part. Untouched tokens and their separators are kept byte for byte. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct {
        char *text;   /* the token exactly as written, quotes included */
        char *sep;    /* the whitespace written before it */
        char *key;    /* unquoted parameter name */
        char *value;  /* unquoted value, NULL when there is no '=' */
        bool init;    /* after "--": an argument for init, not the kernel */
} CmdlineToken;

typedef struct {
        CmdlineToken *tokens;
        size_t n;
        char *trailer;  /* whitespace after the last token */
} Cmdline;

int cmdline_parse(const char *line, Cmdline **ret);
void cmdline_free(Cmdline *c);
static inline void cmdline_freep(Cmdline **c) { cmdline_free(*c); }
#define _cleanup_cmdline_ _cleanup_(cmdline_freep)

/* The kernel treats '-' and '_' in parameter names alike (parameq()). */
bool cmdline_key_eq(const char *a, const char *b);

/* Index of the last kernel token with this key (the one the kernel's
 * parser acts on last), or -1. */
int cmdline_find_last(const Cmdline *c, const char *key);
size_t cmdline_count(const Cmdline *c, const char *key);
/* The value of the last occurrence, or NULL (also NULL for a bare key). */
const char *cmdline_get(const Cmdline *c, const char *key);

/* Remove every kernel token whose text equals text exactly. Returns count. */
int cmdline_remove_text(Cmdline *c, const char *text);
/* Remove every kernel token with this key (whole-key match). Returns count. */
int cmdline_remove_key(Cmdline *c, const char *key);
/* Append a token (already quoted as needed) before "--", or at the end.
 * -EINVAL, line unchanged, when the text is not exactly one kernel token
 * or the last token has an unclosed quote that would swallow it. */
int cmdline_append(Cmdline *c, const char *text);

/* Rebuild the line. */
char *cmdline_to_string(const Cmdline *c);
