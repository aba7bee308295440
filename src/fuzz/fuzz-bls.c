/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the BLS entry parser and its options edit
 * (src/bootcfg/bls_parse.c): the input is an entry file. Checks,
 * abort()ing on any failure:
 *  - parsing never reads past the input (it is not NUL-terminated here);
 *  - for entries without NUL bytes and without GRUB variables in options,
 *    adding a token and removing it again gives the file back byte for
 *    byte (an options line numacma made goes whole), the token is in the edited options exactly once, and adding it
 *    a second time changes nothing. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "bootcfg/bls_parse.h"
#include "kernel/cmdline_tokens.h"
#include "basic/util.h"



static size_t count_tokens(const char *options, const char *t) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;
        if (tokens_of(options, &l) < 0)
                return SIZE_MAX;
        for (char **i = l; *i; i++)
                n += streq(*i, t);
        return n;
}

/* Whether every options line has a value: an empty one gets a separator
 * with the first token, which stays when the token goes. */
static bool options_all_valued(const char *text) {
        for (const char *l = text; l && *l;) {
                const char *nl = strchr(l, '\n');
                size_t len = nl ? (size_t) (nl - l) : strlen(l);
                size_t i = 0;
                while (i < len && (l[i] == ' ' || l[i] == '\t'))
                        i++;
                if (len - i >= 7 && strncmp(l + i, "options", 7) == 0 &&
                    (len - i == 7 || l[i + 7] == ' ' || l[i + 7] == '\t')) {
                        size_t j = i + 7;
                        while (j < len && (l[j] == ' ' || l[j] == '\t' || l[j] == '\r'))
                                j++;
                        if (j == len)
                                return false;
                }
                l = nl ? nl + 1 : NULL;
        }
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 65536)
                return 0;
        /* An exact-size copy: ASan catches a read past the end. */
        char *buf = malloc(size ? size : 1);
        CHECK(buf);
        memcpy(buf, data, size);
        BlsEntry e;
        int r = bls_entry_parse(buf, size, &e);
        CHECK(r == 0 || r == -EBADMSG);
        free(buf);
        if (r < 0)
                return 0;

        _cleanup_free_ char *text = strndup((const char *) data, size);
        CHECK(text);
        char *want[] = { (char *) "numa_cma=0:64M,1:192M", NULL };
        _cleanup_free_ char *added = NULL, *again = NULL, *removed = NULL;
        r = bls_entry_edit(text, NULL, want, &added);
        if (r == -EOPNOTSUPP || r == -EINVAL) {
                /* $kernelopts, or an options line ending in an open quote:
                 * nothing can be appended safely. */
                bls_entry_done(&e);
                return 0;
        }
        CHECK(r == 0);
        BlsEntry e2;
        CHECK(bls_entry_parse(added, strlen(added), &e2) == 0);
        /* Present once unless the administrator already had it. */
        size_t before = count_tokens(e.options, want[0]);
        CHECK(count_tokens(e2.options, want[0]) == (before ? before : 1));
        CHECK(streq_ptr(e.title, e2.title) && streq_ptr(e.version, e2.version) && streq_ptr(e.linux_path, e2.linux_path));
        CHECK(bls_entry_edit(added, NULL, want, &again) == 0);
        CHECK(streq(added, again));
        if (before == 0) {
                CHECK(bls_entry_edit(added, want, NULL, &removed) == 0);
                /* Byte for byte, except one that had no value, and the
                 * newline numacma put at the end of a last line without one
                 * before an options line of its own (after an options value
                 * that is one quoted string: systemd-boot unquotes it). */
                bool created = e2.n_options > e.n_options;
                size_t tl = strlen(text);
                if (e.n_options && options_all_valued(text) && (!created || (tl && text[tl - 1] == '\n')))
                        CHECK(streq(removed, text));
                BlsEntry e3;
                CHECK(bls_entry_parse(removed, strlen(removed), &e3) == 0);
                CHECK(count_tokens(e3.options, want[0]) == 0);
                bls_entry_done(&e3);
        }
        bls_entry_done(&e2);
        bls_entry_done(&e);
        return 0;
}
