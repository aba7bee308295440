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

/* The kernel's reading: a double quote left open takes the rest of the
 * line into its token (the kernel boots with that), so it parses. */
int cmdline_parse(const char *line, Cmdline **ret);
/* The same for a line numacma edits, where an open quote would swallow
 * what is appended: -EBADMSG (and *ret untouched) when the kernel's part
 * leaves a double quote open, with *ret_offset (may be NULL) the byte
 * offset in line of the quote that opens it, so that the caller can name
 * the file and the place. */
int cmdline_parse_closed(const char *line, Cmdline **ret, size_t *ret_offset);
/* Byte offset in the rebuilt line of the double quote the kernel's part
 * leaves open: -EBADMSG with *ret_offset, or 0 when every quote is closed
 * (after "--" quotes are init's business). */
int cmdline_open_quote(const Cmdline *c, size_t *ret_offset);
/* The same on the text, in one pass and without allocating (for checks
 * repeated on long values). */
int cmdline_text_open_quote(const char *line, size_t *ret_offset);
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
 * Line unchanged on failure: -EINVAL when the text is not exactly one
 * kernel token, -EBADMSG when the line's last token leaves a double quote
 * open that would swallow it (cmdline_open_quote() says where). */
int cmdline_append(Cmdline *c, const char *text);

/* Rebuild the line. */
char *cmdline_to_string(const Cmdline *c);
