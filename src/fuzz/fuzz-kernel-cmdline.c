/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the token edit of /etc/kernel/cmdline (and of every
 * line numacma edits as tokens): cmdline_parse(), cmdline_remove_text(),
 * cmdline_append(), cmdline_to_string(), as the boot layer runs them. The
 * input is the file's text, then optionally a NUL and edit lines: "-TEXT"
 * removes the token TEXT, "+TEXT" wants it (anything else is ignored);
 * without a NUL the edit is numacma's usual one. As in the boot layer, no
 * token is both removed and wanted (a token that stays is kept: removed
 * and appended again, it would move to the end at every apply). The
 * trailing newline and
 * blanks of the file stay where they are, as the boot layer keeps them.
 * Checks, abort()ing on any failure:
 *  - the edit succeeds, or fails with -EINVAL only for a wanted text that
 *    is not one kernel token, or -EBADMSG only when the line (after the
 *    removals) leaves a double quote open and something is to be appended;
 *  - after it, every wanted token is in the kernel's part: once when it was
 *    not there before (or was removed), as often as before otherwise;
 *  - no removed token that is not wanted is left in the kernel's part;
 *  - the kernel tokens that were not removed are still there, in order and
 *    byte for byte, followed by the appended ones only; init's part (after
 *    "--") is the same text, and nothing but whitespace moved;
 *  - an edit that changes nothing gives the text back byte for byte, and
 *    the same edit on the result changes nothing (idempotent). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-cmdline.h"
#include "kernel/cmdline.h"
#include "basic/util.h"

/* The edit, as the boot layer does it: remove by exact text, then append
 * what is not there exactly. */
static int edit(const char *line, char *const *remove, char *const *want, char **ret) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        int r = cmdline_parse(line, &c);
        if (r < 0)
                return r;
        for (char *const *t = remove; *t; t++)
                cmdline_remove_text(c, *t);
        for (char *const *t = want; *t; t++) {
                bool present = false;
                for (size_t i = 0; i < c->n && !present; i++)
                        present = !c->tokens[i].init && streq(c->tokens[i].text, *t);
                if (!present && (r = cmdline_append(c, *t)) < 0)
                        return r;
        }
        *ret = cmdline_to_string(c);
        return *ret ? 0 : -ENOMEM;
}

static size_t count_kernel(const Cmdline *c, const char *text) {
        size_t n = 0;
        for (size_t i = 0; i < c->n; i++)
                n += !c->tokens[i].init && streq(c->tokens[i].text, text);
        return n;
}

/* What cmdline_append() takes: exactly one closed kernel token, not "--". */
static bool one_token(const char *text) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        if (cmdline_parse_closed(text, &c, NULL) < 0)
                return false;
        return c->n == 1 && streq(c->tokens[0].text, text) && !*c->tokens[0].sep &&
               !*strempty(c->trailer) && !c->tokens[0].init && !(streq(c->tokens[0].key, "--") && !c->tokens[0].value);
}

static bool in(char *const *l, const char *s) {
        return strv_contains(l, s);
}

static void check_edit(const char *line, char *const *remove, char *const *want) {
        _cleanup_cmdline_ Cmdline *before = NULL, *after_removal = NULL;
        CHECK(cmdline_parse(line, &before) == 0);
        CHECK(cmdline_parse(line, &after_removal) == 0);
        for (char *const *t = remove; *t; t++)
                cmdline_remove_text(after_removal, *t);

        bool all_valid = true, any_absent = false;
        for (char *const *t = want; *t; t++) {
                all_valid = all_valid && one_token(*t);
                any_absent = any_absent || count_kernel(after_removal, *t) == 0;
        }
        bool open = cmdline_open_quote(after_removal, NULL) < 0;

        _cleanup_free_ char *out = NULL;
        int r = edit(line, remove, want, &out);
        if (r == -ENOMEM)
                return;
        if (r == -EINVAL) {
                CHECK(!all_valid);
                return;
        }
        if (r == -EBADMSG) {
                CHECK(open && any_absent);
                return;
        }
        CHECK(r == 0);
        CHECK(!open || !any_absent);

        _cleanup_cmdline_ Cmdline *after = NULL;
        CHECK(cmdline_parse(out, &after) == 0);
        for (char *const *t = want; *t; t++) {
                size_t had = count_kernel(after_removal, *t);
                CHECK(count_kernel(after, *t) == (had ? had : 1));
        }
        for (char *const *t = remove; *t; t++)
                if (!in(want, *t))
                        CHECK(count_kernel(after, *t) == 0);

        /* Kept tokens in order, then the appended ones (in want order, each
         * once, only those that were absent). */
        size_t k = 0;
        for (size_t i = 0; i < after_removal->n; i++) {
                if (after_removal->tokens[i].init)
                        continue;
                while (k < after->n && after->tokens[k].init)
                        k++;
                CHECK(k < after->n && streq(after->tokens[k].text, after_removal->tokens[i].text));
                k++;
        }
        _cleanup_strv_free_ char **appended = NULL;
        for (char *const *t = want; *t; t++)
                if (!count_kernel(after_removal, *t) && !in(appended, *t))
                        CHECK(strv_extend(&appended, *t) == 0);
        for (char **t = appended; t && *t; t++) {
                while (k < after->n && after->tokens[k].init)
                        k++;
                CHECK(k < after->n && streq(after->tokens[k].text, *t));
                k++;
        }
        for (; k < after->n; k++)
                CHECK(after->tokens[k].init);

        _cleanup_free_ char *init_before = init_part(before), *init_after = init_part(after);
        CHECK(init_before && init_after && streq(init_before, init_after));

        /* Nothing to do: the same text. */
        bool nothing = !appended;
        for (char *const *t = remove; *t && nothing; t++)
                nothing = count_kernel(before, *t) == 0 || in(want, *t);
        if (nothing && after_removal->n == before->n)
                CHECK(streq(out, line));

        /* Idempotent. */
        _cleanup_free_ char *again = NULL;
        CHECK(edit(out, remove, want, &again) == 0);
        CHECK(streq(again, out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char *const default_remove[] = { (char *) "numa_cma=0:64M", (char *) "cma_pernuma=64M", NULL };
        static char *const default_want[] = { (char *) "numa_cma=0:64M,1:192M", NULL };
        _cleanup_strv_free_ char **remove = NULL, **want = NULL;

        if (size > 16384)  /* /etc/kernel/cmdline holds one line of at most 2 KiB */
                return 0;
        const uint8_t *nul = memchr(data, 0, size);
        size_t text_len = nul ? (size_t) (nul - data) : size;
        _cleanup_free_ char *text = strndup((const char *) data, text_len);
        CHECK(text);

        if (nul) {
                const char *p = (const char *) nul + 1, *end = (const char *) data + size;
                while (p < end) {
                        const char *nl = memchr(p, '\n', (size_t) (end - p));
                        size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
                        if (len > 1 && (*p == '-' || *p == '+') && !memchr(p, 0, len)) {
                                char *t = strndup(p + 1, len - 1);
                                CHECK(t);
                                CHECK(strv_push(*p == '-' ? &remove : &want, t) == 0);
                        }
                        p += len + (nl ? 1 : 0);
                }
        }
        if (!remove && !want) {
                CHECK(strv_copy(default_remove, &remove) == 0);
                CHECK(strv_copy(default_want, &want) == 0);
        }
        if (!want)
                CHECK((want = calloc(1, sizeof(char *))));
        _cleanup_strv_free_ char **removed = calloc(1, sizeof(char *));
        CHECK(removed);
        for (char **t = remove; t && *t; t++)
                if (!strv_contains(want, *t))
                        CHECK(strv_extend(&removed, *t) == 0);

        /* The file's trailing newline and blanks stay after the tokens. */
        size_t body = strlen(text);
        while (body > 0 && (text[body - 1] == '\n' || text[body - 1] == ' ' || text[body - 1] == '\t'))
                body--;
        _cleanup_free_ char *head = strndup(text, body);
        CHECK(head);
        check_edit(head, removed, want);
        /* And the whole text as one line. */
        check_edit(text, removed, want);
        return 0;
}
