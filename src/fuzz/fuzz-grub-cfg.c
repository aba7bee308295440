/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the grub.cfg reader (src/bootcfg/grub_cfg_parse.c): the input
 * is a grub.cfg, and also read as a grubenv block. Checks, abort()ing on
 * any failure:
 *  - grub_cfg_parse() reads any text (it fails only without memory);
 *    errors are "line N: ..." with N inside the input, at most
 *    GRUB_CFG_ERRORS_MAX, then "... and K more errors not shown" exactly
 *    when more were counted;
 *  - every entry has a kernel, arguments that are one line of the input, a
 *    release that is the image's, and a path ("0", "1>2") no other entry
 *    has; grub_menu_resolve() (GRUB's choice of the default) finds each
 *    entry by its path, and a name nothing has leads where "0" does;
 *  - a well-formed entry before the input stays the first entry, whole, at
 *    path "0", and one after the input (past enough '}' to close whatever
 *    it opened) is the last entry, at the top level: what is broken in
 *    between loses no other entry;
 *  - grubenv_get() returns a value from a "saved_entry=" line of the text,
 *    or NULL when there is none. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "bootcfg/grub_cfg_parse.h"
#include "bootcfg/grubenv.h"
#include "bootcfg/loader_grub_menu.h"
#include "basic/util.h"

#define FIRST "menuentry 'fuzz first' $menuentry_id_option 'fuzz-first' {\n\tlinux\t/boot/vmlinuz-fuzz-1 root=first ro\n}\n"
#define LAST "menuentry 'fuzz last' $menuentry_id_option 'fuzz-last' {\n\tlinux\t/boot/vmlinuz-fuzz-2 root=last\n}\n"

static unsigned count_lines(const char *s) {
        unsigned n = 1;
        for (; *s; s++)
                n += *s == '\n';
        return n;
}

static bool is_path(const char *p) {
        /* digits, '>'-separated, no empty part */
        if (!*p)
                return false;
        for (bool digit = false; ; p++) {
                if (*p >= '0' && *p <= '9')
                        digit = true;
                else if ((*p == '>' || !*p) && digit) {
                        if (!*p)
                                return true;
                        digit = false;
                } else
                        return false;
        }
}

static void check_cfg(const char *text, const GrubCfg *c) {
        unsigned lines = count_lines(text);
        size_t kept = strv_length(c->errors);
        CHECK(kept <= GRUB_CFG_ERRORS_MAX + 1);
        CHECK(c->n_errors >= (kept > GRUB_CFG_ERRORS_MAX ? (unsigned) GRUB_CFG_ERRORS_MAX : (unsigned) kept));
        CHECK((c->n_errors > GRUB_CFG_ERRORS_MAX) == (kept == GRUB_CFG_ERRORS_MAX + 1));
        for (size_t i = 0; i < kept; i++) {
                if (i == GRUB_CFG_ERRORS_MAX) {
                        char *want = strdup_printf("... and %u more errors not shown", c->n_errors - GRUB_CFG_ERRORS_MAX);
                        CHECK(want && streq(c->errors[i], want));
                        free(want);
                        continue;
                }
                const char *rest = startswith(c->errors[i], "line ");
                CHECK(rest);
                char *end;
                unsigned long l = strtoul(rest, &end, 10);
                CHECK(end > rest && *end == ':' && l >= 1 && l <= lines);
        }
        for (size_t i = 0; i < c->n; i++) {
                const GrubEntry *e = &c->entries[i];
                CHECK(e->path && is_path(e->path));
                CHECK(e->kernel && *e->kernel);
                CHECK(e->args && !strchr(e->args, '\n') && strstr(text, e->args));
                _cleanup_free_ char *rel = kernel_release_of_image(e->kernel);
                CHECK(streq_ptr(rel, e->release));
                for (size_t j = 0; j < i; j++)
                        CHECK(!streq(c->entries[j].path, e->path));
                /* By its path, level by level: this entry. */
                CHECK(grub_menu_resolve(c, e->path) == e);
        }
        /* No title, id or number is "none\n": where "0" leads. */
        const GrubEntry *d = grub_menu_resolve(c, "none\n");
        CHECK(d == grub_menu_resolve(c, "0"));
        CHECK(grub_menu_resolve(c, NULL) == grub_menu_resolve(c, "0"));
        CHECK(c->n || !d);
}

static void check_grubenv(const char *text) {
        _cleanup_free_ char *v = grubenv_get(text, "saved_entry");
        /* An escaped byte ("\x" is "x" to GRUB's envblk, "\" and a newline
         * join two lines) is not the text as it stands. */
        if (strchr(text, '\\'))
                return;
        if (!v) {
                CHECK(!startswith(text, "saved_entry=") && !strstr(text, "\nsaved_entry="));
                return;
        }
        CHECK(!strchr(v, '\n'));
        _cleanup_free_ char *line = strdup_printf("saved_entry=%s", v);
        CHECK(line);
        const char *at = startswith(text, line) ? text : NULL;
        for (const char *p = text; !at && (p = strstr(p, line)); p++)
                if (p > text && p[-1] == '\n')
                        at = p;
        CHECK(at && (at[strlen(line)] == '\n' || !at[strlen(line)]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 65536)
                return 0;
        _cleanup_free_ char *text = strndup((const char *) data, size);  /* a NUL ends it, as read */
        CHECK(text);

        GrubCfg c;
        int r = grub_cfg_parse(text, &c);
        if (r == -ENOMEM)
                return 0;
        CHECK(r == 0);
        check_cfg(text, &c);
        grub_cfg_done(&c);
        check_grubenv(text);

        /* Known entries around the input. */
        unsigned lines = count_lines(text);
        StrBuf b = {0};
        strbuf_append(&b, FIRST);
        strbuf_append(&b, text);
        strbuf_append(&b, "\n");
        for (unsigned i = 0; i < lines + 64; i++)
                strbuf_append(&b, "}\n");
        strbuf_append(&b, LAST);
        _cleanup_free_ char *wrapped = strbuf_steal(&b);
        CHECK(wrapped);
        r = grub_cfg_parse(wrapped, &c);
        if (r == -ENOMEM)
                return 0;
        CHECK(r == 0 && c.n >= 2);
        check_cfg(wrapped, &c);
        const GrubEntry *f = &c.entries[0], *l = &c.entries[c.n - 1];
        CHECK(streq(f->path, "0") && streq_ptr(f->title, "fuzz first") && streq_ptr(f->id, "fuzz-first"));
        CHECK(streq(f->kernel, "/boot/vmlinuz-fuzz-1") && streq(f->args, "root=first ro"));
        CHECK(streq_ptr(f->release, "fuzz-1"));
        CHECK(streq_ptr(l->title, "fuzz last") && streq_ptr(l->id, "fuzz-last") && !strchr(l->path, '>'));
        CHECK(streq(l->args, "root=last"));
        /* By its id: an entry (this one, or one an earlier item of that
         * title or id leads to). */
        bool earlier = false;
        for (size_t i = 0; i < c.n_items && i < (size_t) l->item; i++)
                earlier = earlier || streq_ptr(c.items[i].title, "fuzz-last") || streq_ptr(c.items[i].id, "fuzz-last");
        CHECK(grub_menu_resolve(&c, "fuzz-last") == l || earlier);
        grub_cfg_done(&c);
        return 0;
}
