/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy's one INI lexer. numacma used to lex each line here to say
 * what was wrong with it, then hand it to inih, and kept the two in step by
 * hand. inih is dropped: it cannot tell an administrator which line and
 * why, the same way on every distribution numacma builds on:
 *  - inih calls its handler for keys only and reports a line it rejects
 *    as the number of the first such line, never why; the handler's line
 *    number is a build-time option of the library (INI_HANDLER_LINENO), off
 *    in the header of Debian 12's inih 55, which has no
 *    ini_parse_string_length() either (a file may hold NUL bytes);
 *  - inih 55 leaves " ; comment" on a continuation line where later
 *    releases cut it, splits a line longer than its buffer into several
 *    without a word, and Debian 12's build turns its options into
 *    process-wide variables.
 * The rules are inih's with its default options, which numacma's files
 * were written for:
 *  - a UTF-8 BOM before the first line is skipped; a line ends at "\n" (a
 *    "\r" is whitespace), holds no NUL and at most CONFIG_LINE_MAX bytes;
 *  - blank lines and lines starting with ';' or '#' are comments, and ';'
 *    after whitespace starts an inline comment;
 *  - "[name]" starts a section (text after it other than a comment is an
 *    error; the section starts all the same);
 *  - "name = value" or "name: value", name and value trimmed;
 *  - an indented line after a key continues that key's value (as in
 *    Python's configparser); a section header ends that, comments and lines
 *    in error do not.
 * One pass over bounded lines: linear in the file's size. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "policy/config_lexer.h"

typedef struct {
        const ConfigLexerOps *ops;
        void *userdata;
        unsigned line;
        char prev_name[CONFIG_LINE_MAX + 1]; /* "": no key to continue */
} Lexer;

static bool is_space(char c) {
        return isspace((unsigned char) c);
}

/* The first of chars in s[0..n), or a ';' after whitespace (an inline
 * comment); n when there is neither. */
static size_t find_chars_or_comment(const char *s, size_t n, const char *chars) {
        bool was_space = false;
        size_t i;
        for (i = 0; i < n; i++) {
                if (strchr(chars, s[i]) || (was_space && s[i] == ';'))
                        break;
                was_space = is_space(s[i]);
        }
        return i;
}

static size_t rstrip(const char *s, size_t n) {
        while (n > 0 && is_space(s[n - 1]))
                n--;
        return n;
}

/* The line's text as the value of an error: s[0..n) is cut out of it. */
static int line_error(Lexer *l, char *s, size_t n, const char *hint, const char *what) {
        s[n] = 0;
        return l->ops->error(l->userdata, l->line, s, hint, what);
}

/* "[name]" in s[0..n). */
static int lex_section(Lexer *l, char *s, size_t n) {
        size_t e = 1 + find_chars_or_comment(s + 1, n - 1, "]");
        if (e >= n || s[e] != ']')
                return line_error(l, s, n, NULL, "missing ']' in section header");
        l->prev_name[0] = 0;

        size_t t = e + 1;
        while (t < n && is_space(s[t]))
                t++;
        if (t < n && s[t] != ';' && s[t] != '#') {
                int r = line_error(l, s, n, NULL, "text after section header");
                if (r < 0)
                        return r;
        }
        s[e] = 0;
        return l->ops->section(l->userdata, l->line, s + 1);
}

/* "name = value" in s[0..n). */
static int lex_key(Lexer *l, char *s, size_t n) {
        size_t e = find_chars_or_comment(s, n, "=:");
        if (e >= n || (s[e] != '=' && s[e] != ':'))
                return line_error(l, s, n, "expected key = value", "not a key, section or comment");
        size_t k = rstrip(s, e);
        if (k == 0)
                return line_error(l, s, n, NULL, "missing key name");

        char *value = s + e + 1;
        size_t v = find_chars_or_comment(value, n - e - 1, "");
        value[rstrip(value, v)] = 0;
        while (is_space(*value))
                value++;
        s[k] = 0;
        memcpy(l->prev_name, s, k + 1);
        return l->ops->key(l->userdata, l->line, s, value, false);
}

/* One line without its "\n", NUL-terminated, at most CONFIG_LINE_MAX + 1
 * bytes (with a "\r"). */
static int lex_line(Lexer *l, char *line) {
        char *s = line;
        while (is_space(*s))
                s++;
        size_t n = rstrip(s, strlen(s));

        if (n == 0 || *s == ';' || *s == '#')
                return 0;
        if (l->prev_name[0] && s > line) {
                s[rstrip(s, find_chars_or_comment(s, n, ""))] = 0;
                return l->ops->key(l->userdata, l->line, l->prev_name, s, true);
        }
        if (*s == '[')
                return lex_section(l, s, n);
        return lex_key(l, s, n);
}

int config_lex(const char *text, size_t size, const ConfigLexerOps *ops, void *userdata) {
        Lexer l = { .ops = ops, .userdata = userdata };
        const char *pos = text, *end = text + size;
        char buf[CONFIG_LINE_MAX + 2];

        while (pos < end) {
                const char *line = pos;
                const char *nl = memchr(line, '\n', (size_t) (end - line));
                size_t len = nl ? (size_t) (nl - line) : (size_t) (end - line);
                pos = nl ? nl + 1 : end;
                l.line++;

                if (l.line == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
                        line += 3;
                        len -= 3;
                }
                size_t content = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
                int r;
                if (memchr(line, 0, len))
                        r = ops->error(userdata, l.line, NULL, NULL, "NUL byte in line");
                else if (content > CONFIG_LINE_MAX) {
                        char what[80];
                        snprintf(what, sizeof(what), "line too long (%zu bytes, at most %u)", content,
                                 CONFIG_LINE_MAX);
                        r = ops->error(userdata, l.line, NULL, NULL, what);
                } else {
                        memcpy(buf, line, len);
                        buf[len] = 0;
                        r = lex_line(&l, buf);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}
