/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the ownership record (src/bootcfg/owned.c): the input is
 * a record file as found in /var/lib/numacma/owned. Checks, abort()ing on
 * any failure:
 *  - owned_parse() reads any text (it is the state numacma trusts to know
 *    what it owns): every token and the backend are non-empty and hold no
 *    newline, and the tokens are exactly the "token " lines, in order;
 *  - owned_format() of what was read reads back to exactly that (and
 *    formatting again gives the same text);
 *  - the input's lines taken as a backend and tokens round-trip through
 *    format and parse byte for byte, and format refuses exactly when one of
 *    them is empty. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "bootcfg/owned.h"
#include "basic/util.h"

static void check_same(const OwnedRecord *a, const char *backend, char *const *tokens) {
        CHECK(streq_ptr(a->backend, backend));
        CHECK(a->tokens && strv_equal(a->tokens, tokens));
}

/* format -> parse is exact, and format is stable. */
static void check_round_trip(const char *backend, char *const *tokens) {
        _cleanup_free_ char *text = owned_format(backend, tokens);
        if (!text)
                return;
        OwnedRecord o;
        CHECK(owned_parse(text, &o) == 0);
        check_same(&o, backend, tokens);
        _cleanup_free_ char *again = owned_format(o.backend, o.tokens);
        CHECK(again && streq(again, text));
        owned_record_done(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 65536)
                return 0;
        _cleanup_free_ char *text = strndup((const char *) data, size);  /* a NUL ends the text, as read */
        CHECK(text);

        OwnedRecord o;
        int r = owned_parse(text, &o);
        if (r == -ENOMEM)
                return 0;
        CHECK(r == 0 && o.tokens);
        CHECK(!o.backend || (*o.backend && !strchr(o.backend, '\n')));
        size_t n = 0;
        for (const char *l = text; *l;) {
                const char *nl = strchr(l, '\n');
                size_t len = nl ? (size_t) (nl - l) : strlen(l);
                if (len > 6 && memcmp(l, "token ", 6) == 0) {
                        CHECK(o.tokens[n] && strlen(o.tokens[n]) == len - 6 && memcmp(o.tokens[n], l + 6, len - 6) == 0);
                        n++;
                }
                l += len + (nl ? 1 : 0);
        }
        CHECK(strv_length(o.tokens) == n);
        check_round_trip(o.backend, o.tokens);
        _cleanup_free_ char *f = owned_format(o.backend, o.tokens);
        CHECK(f);
        owned_record_done(&o);

        /* The lines as values: the first the backend, the rest tokens. */
        _cleanup_strv_free_ char **tokens = calloc(1, sizeof(char *));
        _cleanup_free_ char *backend = NULL;
        CHECK(tokens);
        bool first = true, empty = false;
        for (const char *l = text; *l || first;) {
                const char *nl = strchr(l, '\n');
                size_t len = nl ? (size_t) (nl - l) : strlen(l);
                char *v = strndup(l, len);
                CHECK(v);
                empty = empty || len == 0;
                if (first)
                        backend = v;
                else
                        CHECK(strv_push(&tokens, v) == 0);
                first = false;
                l += len + (nl ? 1 : 0);
                if (!nl)
                        break;
        }
        _cleanup_free_ char *g = owned_format(backend, tokens);
        CHECK(!g == empty);
        check_round_trip(backend, tokens);
        /* Without a backend line too. */
        _cleanup_free_ char *h = owned_format(NULL, tokens);
        bool empty_token = false;
        for (char **t = tokens; *t; t++)
                empty_token = empty_token || !**t;
        CHECK(!h == empty_token);
        check_round_trip(NULL, tokens);
        return 0;
}
