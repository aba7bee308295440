/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the loader models of src/bootcfg (loader_blscfg.c,
 * loader_sdboot.c, loader_grub_menu.c, grub_dropin.c): the input is read
 * as a BLS entry, a grubenv block, lines of GRUB script and numacma's
 * drop-in. Checks, abort()ing on any failure:
 *  - blscfg_parse() never reads past the input (not NUL-terminated here);
 *    it stops exactly where it says, and the options line it took is
 *    inside what it read;
 *  - numacma's token written where GRUB reads it (the first options line)
 *    is in what blscfg reads exactly once (or as often as before), and
 *    where systemd-boot reads it (every options line) likewise;
 *  - version comparisons are antisymmetric;
 *  - GRUB's default and script words come out of any grubenv and line;
 *  - a drop-in rewritten with numacma's tokens keeps every line numacma
 *    did not write, and reads back to those tokens. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "basic/util.h"
#include "bootcfg/bls_parse.h"
#include "bootcfg/grub_dropin.h"
#include "bootcfg/loader_blscfg.h"
#include "bootcfg/loader_grub_menu.h"
#include "bootcfg/loader_sdboot.h"
#include "kernel/cmdline_tokens.h"

#define TOKEN "numa_cma=0:64M,1:192M"

static size_t count(const char *line, const char *t) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0;
        if (!line || tokens_of(line, &l) < 0)
                return SIZE_MAX;
        for (char **i = l; *i; i++)
                n += streq(*i, t);
        return n;
}

static void check_blscfg(const uint8_t *data, size_t size, const char *text) {
        char *buf = malloc(size ? size : 1);
        CHECK(buf);
        memcpy(buf, data, size);
        BlscfgEntry g;
        int r = blscfg_parse(buf, size, &g);
        free(buf);
        CHECK(r == 0 || r == -EBADMSG);
        if (r < 0)
                return;
        CHECK(g.read_end <= size && (g.stop_line == 0) == (g.read_end == size));
        CHECK(!g.options || (g.options_at + g.options_len <= g.read_end && !strchr(g.options, '\n')));
        if (!text) {
                blscfg_entry_done(&g);
                return;
        }
        char *want[] = { (char *) TOKEN, NULL };
        _cleanup_free_ char *ed = NULL;
        size_t before = count(g.options, TOKEN);
        /* (numacma does not add to a line GRUB splits at a tab: a space
         * would move the split; see bls_edit.c.) */
        bool spaced = g.options && memchr(text + g.options_at, ' ', g.options_len);
        if (spaced && before != SIZE_MAX && (r = bls_entry_edit_at(text, NULL, want, NULL, g.options_at, &ed)) == 0) {
                BlscfgEntry g2;
                CHECK(blscfg_parse(ed, strlen(ed), &g2) == 0);
                CHECK(count(g2.options, TOKEN) == (before ? before : 1));
                blscfg_entry_done(&g2);
        } else
                CHECK(!spaced || before == SIZE_MAX || r == -EOPNOTSUPP || r == -EINVAL || r == -EBADMSG);
        blscfg_entry_done(&g);
}

static void check_sdboot(const char *text) {
        SdbootEntry s, s2;
        CHECK(sdboot_entry_parse("fuzz.conf", text, &s) == 0);
        CHECK(!strchr(s.options, '\n') && !strchr(s.options, '\r'));
        char *want[] = { (char *) TOKEN, NULL };
        _cleanup_free_ char *ed = NULL;
        size_t before = count(s.options, TOKEN);
        if (before != SIZE_MAX && bls_entry_edit(text, NULL, want, &ed) == 0) {
                CHECK(sdboot_entry_parse("fuzz.conf", ed, &s2) == 0);
                /* Lines systemd-boot splits at '\r' differ from the
                 * edit's: counted only without one. */
                if (!strchr(text, '\r'))
                        CHECK(count(s2.options, TOKEN) == (before ? before : 1));
                sdboot_entry_done(&s2);
        }
        CHECK(sdboot_compare(&s, &s) == 0);
        sdboot_entry_done(&s);
}

static void check_versions(const char *text) {
        size_t half = strlen(text) / 2;
        _cleanup_free_ char *a = strndup(text, half);
        const char *b = text + half;
        CHECK(a);
        int x = sdboot_verscmp(a, b), y = sdboot_verscmp(b, a);
        CHECK((x < 0 && y > 0) || (x > 0 && y < 0) || (x == 0 && y == 0));
        x = blscfg_compare(a, b), y = blscfg_compare(b, a);
        CHECK((x < 0 && y > 0) || (x > 0 && y < 0) || (x == 0 && y == 0));
}

static void check_grub(const char *text) {
        GrubVars v = {0};
        _cleanup_free_ char *def = NULL, *once = NULL;
        CHECK(grub_menu_default(NULL, text, "saved", &v, &def, &once) == 0);
        for (const char *l = text; l && *l;) {
                const char *nl = strchr(l, '\n');
                _cleanup_free_ char *line = strndup(l, nl ? (size_t) (nl - l) : strlen(l));
                _cleanup_strv_free_ char **w = NULL;
                CHECK(line && grub_script_words(line, &v, &w) == 0);
                _cleanup_free_ char *cmd = grub_loader_cmdline(w);
                CHECK(cmd);
                l = nl ? nl + 1 : NULL;
        }
        grub_vars_done(&v);
}

static void check_dropin(const char *text) {
        GrubDropin d, d2;
        int r = grub_dropin_parse(text, &d);
        CHECK(r == 0 || r == -EBADMSG);
        if (r < 0)
                return;
        char *tokens[] = { (char *) TOKEN, NULL };
        _cleanup_free_ char *out = NULL, *f1 = grub_dropin_foreign(&d), *f2 = NULL;
        CHECK(grub_dropin_format(&d, tokens, false, &out) == 0 && out);
        CHECK(grub_dropin_parse(out, &d2) == 0);
        CHECK(d2.tokens[0] && streq(d2.tokens[0], TOKEN) && !d2.tokens[1]);
        /* The same lines of others', in the same order (numbers move). */
        f2 = grub_dropin_foreign(&d2);
        size_t n1 = 0, n2 = 0;
        for (size_t i = 0; d.lines && d.lines[i]; i++)
                n1 += !d.own[i] && *d.lines[i];
        for (size_t i = 0; d2.lines && d2.lines[i]; i++)
                n2 += !d2.own[i] && *d2.lines[i];
        CHECK(n1 == n2 && !f1 == !f2);
        grub_dropin_done(&d2);
        grub_dropin_done(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 16384)
                return 0;
        check_blscfg(data, size, NULL);
        _cleanup_free_ char *text = strndup((const char *) data, size);  /* a NUL ends it, as read */
        CHECK(text);
        if (!memchr(data, 0, size))
                check_blscfg(data, size, text);
        check_sdboot(text);
        check_versions(text);
        check_grub(text);
        check_dropin(text);
        return 0;
}
