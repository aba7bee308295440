/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel command line splitting, compared with what lib/cmdline.c next_arg()
 * and kernel/params.c parse_args() make of the same line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/cmdline.h"
#include "basic/util.h"

typedef struct {
        const char *sep, *text, *key, *value; /* value NULL: no '=' */
        bool init;
} Tok;

#define END_TOKS { .text = NULL }

static void check_tokens(const char *line, const Tok *want, const char *trailer) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        size_t n = 0;

        assert_int_equal(cmdline_parse(line, &c), 0);
        assert_non_null(c);
        while (want[n].text)
                n++;
        if (c->n != n)
                fail_msg("line '%s': %zu tokens, expected %zu", line, c->n, n);
        for (size_t i = 0; i < n; i++) {
                const CmdlineToken *t = &c->tokens[i];
                assert_string_equal(t->text, want[i].text);
                if (want[i].sep)
                        assert_string_equal(t->sep, want[i].sep);
                assert_string_equal(t->key, want[i].key);
                if (want[i].value) {
                        assert_non_null(t->value);
                        assert_string_equal(t->value, want[i].value);
                } else if (t->value)
                        fail_msg("line '%s' token %zu: value '%s', expected none", line, i, t->value);
                if (t->init != want[i].init)
                        fail_msg("line '%s' token %zu ('%s'): init=%d", line, i, t->text, t->init);
        }
        if (trailer)
                assert_string_equal(strempty(c->trailer), trailer);
        _cleanup_free_ char *s = cmdline_to_string(c);
        assert_string_equal(s, line);
}

static void test_parse_simple(void **state) {
        check_tokens("BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.1.0-18-amd64 root=UUID=0b5a-11 ro quiet",
                     (const Tok[]) {
                             { "", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.1.0-18-amd64", "BOOT_IMAGE", "(hd0,gpt2)/vmlinuz-6.1.0-18-amd64", false },
                             { " ", "root=UUID=0b5a-11", "root", "UUID=0b5a-11", false },
                             { " ", "ro", "ro", NULL, false },
                             { " ", "quiet", "quiet", NULL, false },
                             END_TOKS,
                     }, "");
}

static void test_parse_whitespace(void **state) {
        /* Every isspace() byte separates, runs of them are one separator
         * kept byte for byte, and leading/trailing whitespace is kept. */
        check_tokens("  a\tb\n c\v\fd\r  ",
                     (const Tok[]) {
                             { "  ", "a", "a", NULL, false },
                             { "\t", "b", "b", NULL, false },
                             { "\n ", "c", "c", NULL, false },
                             { "\v\f", "d", "d", NULL, false },
                             END_TOKS,
                     }, "\r  ");
        /* The kernel's isspace() also counts 0xa0 (lib/ctype.c). */
        check_tokens("a\xa0" "b \xc2\xa0x",
                     (const Tok[]) {
                             { "", "a", "a", NULL, false },
                             { "\xa0", "b", "b", NULL, false },
                             { " ", "\xc2", "\xc2", NULL, false },
                             { "\xa0", "x", "x", NULL, false },
                             END_TOKS,
                     }, "");
}

static void test_parse_empty(void **state) {
        check_tokens("", (const Tok[]) { END_TOKS }, "");
        check_tokens("    ", (const Tok[]) { END_TOKS }, "    ");
        check_tokens(" \t\n", (const Tok[]) { END_TOKS }, " \t\n");
}

static void test_parse_quotes(void **state) {
        check_tokens("quiet dyndbg=\"file foo.c +p\" splash",
                     (const Tok[]) {
                             { "", "quiet", "quiet", NULL, false },
                             { " ", "dyndbg=\"file foo.c +p\"", "dyndbg", "file foo.c +p", false },
                             { " ", "splash", "splash", NULL, false },
                             END_TOKS,
                     }, "");
        /* A leading quote groups the whole token; both quotes go. */
        check_tokens("\"foo=bar baz\" x",
                     (const Tok[]) {
                             { "", "\"foo=bar baz\"", "foo", "bar baz", false },
                             { " ", "x", "x", NULL, false },
                             END_TOKS,
                     }, "");
        check_tokens("\"just a flag\"",
                     (const Tok[]) { { "", "\"just a flag\"", "just a flag", NULL, false }, END_TOKS }, "");
        check_tokens("\"\" x=\"\"",
                     (const Tok[]) {
                             { "", "\"\"", "", NULL, false },
                             { " ", "x=\"\"", "x", "", false },
                             END_TOKS,
                     }, "");
        /* Quotes in the middle group spaces but stay in key and value. */
        check_tokens("a\"b c\"d=e\"f g\" h",
                     (const Tok[]) {
                             { "", "a\"b c\"d=e\"f g\"", "a\"b c\"d", "e\"f g\"", false },
                             { " ", "h", "h", NULL, false },
                             END_TOKS,
                     }, "");
        /* next_arg(): value quote stripped first, then no second strip. */
        check_tokens("\"a=\"b\"\"",
                     (const Tok[]) { { "", "\"a=\"b\"\"", "a", "b\"", false }, END_TOKS }, "");
        check_tokens("\"a\"=b",
                     (const Tok[]) { { "", "\"a\"=b", "a\"", "b", false }, END_TOKS }, "");
        check_tokens("\"a=\"",
                     (const Tok[]) { { "", "\"a=\"", "a", "", false }, END_TOKS }, "");
        check_tokens("\"",
                     (const Tok[]) { { "", "\"", "", NULL, false }, END_TOKS }, "");
}

static void test_parse_unbalanced(void **state) {
        /* An open quote runs to the end of the line, whitespace and all. */
        check_tokens("ro x=\"a b  -- c  ",
                     (const Tok[]) {
                             { "", "ro", "ro", NULL, false },
                             { " ", "x=\"a b  -- c  ", "x", "a b  -- c  ", false },
                             END_TOKS,
                     }, "");
        check_tokens("a \"b c",
                     (const Tok[]) {
                             { "", "a", "a", NULL, false },
                             { " ", "\"b c", "b c", NULL, false },
                             END_TOKS,
                     }, "");
        check_tokens("a b\"c d\" e\"",
                     (const Tok[]) {
                             { "", "a", "a", NULL, false },
                             { " ", "b\"c d\"", "b\"c d\"", NULL, false },
                             { " ", "e\"", "e\"", NULL, false },
                             END_TOKS,
                     }, "");
}

/* For lines numacma edits, an open quote is an error that says where the
 * quote is; cmdline_parse() keeps the kernel's reading. */
static void test_open_quote(void **state) {
        static const struct {
                const char *line;
                ssize_t offset;  /* -1: every quote closed */
        } t[] = {
                { "ro quiet", -1 },
                { "", -1 },
                { "dyndbg=\"file a.c +p\" ro", -1 },
                { "ro x=\"a b  -- c  ", 5 },
                { "a \"b c", 2 },
                { "a b\"c d\" e\"", 10 },
                { "  \"", 2 },
                { "x=\"a\"b\"c", 6 },        /* the third quote opens again */
                { "a\t\"b\"\t\"c d", 6 },
                { "a -- \"b", -1 },            /* init's part */
                { "a \"--\" x=\"y", -1 },     /* a quoted "--" ends the kernel's part too */
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_cmdline_ Cmdline *c = NULL, *d = (Cmdline *) 0x1;
                size_t off = 12345;
                assert_int_equal(cmdline_parse(t[i].line, &c), 0);
                int r = cmdline_parse_closed(t[i].line, &d, &off);
                if (t[i].offset < 0) {
                        if (r != 0)
                                fail_msg("'%s': %d, expected 0", t[i].line, r);
                        assert_int_equal(off, 12345);
                        assert_int_equal(cmdline_open_quote(c, NULL), 0);
                        assert_int_equal(d->n, c->n);
                        continue;
                }
                if (r != -EBADMSG || off != (size_t) t[i].offset)
                        fail_msg("'%s': %d at %zu, expected -EBADMSG at %zd", t[i].line, r, off, t[i].offset);
                assert_ptr_equal(d, (Cmdline *) 0x1);
                d = NULL;
                assert_int_equal(t[i].line[off], '"');
                assert_int_equal(cmdline_parse_closed(t[i].line, &d, NULL), -EBADMSG);
                d = NULL;
                off = 0;
                assert_int_equal(cmdline_open_quote(c, &off), -EBADMSG);
                assert_int_equal(off, t[i].offset);
                /* What would be appended is refused as such. */
                assert_int_equal(cmdline_append(c, "numa_cma=0:64M"), -EBADMSG);
        }
}

static void test_parse_equals(void **state) {
        check_tokens("=foo ==x key= a=b=c",
                     (const Tok[]) {
                             /* next_arg() never records '=' at offset 0. */
                             { "", "=foo", "=foo", NULL, false },
                             { " ", "==x", "=", "x", false },
                             { " ", "key=", "key", "", false },
                             { " ", "a=b=c", "a", "b=c", false },
                             END_TOKS,
                     }, "");
        check_tokens("initrd=\\EFI\\debian\\initrd.img-6.1.0 BOOT_IMAGE=/vmlinuz",
                     (const Tok[]) {
                             { "", "initrd=\\EFI\\debian\\initrd.img-6.1.0", "initrd", "\\EFI\\debian\\initrd.img-6.1.0", false },
                             { " ", "BOOT_IMAGE=/vmlinuz", "BOOT_IMAGE", "/vmlinuz", false },
                             END_TOKS,
                     }, "");
}

static void test_parse_dashdash(void **state) {
        check_tokens("root=/dev/sda1 -- single cma=1 --",
                     (const Tok[]) {
                             { "", "root=/dev/sda1", "root", "/dev/sda1", false },
                             { " ", "--", "--", NULL, true },
                             { " ", "single", "single", NULL, true },
                             { " ", "cma=1", "cma", "1", true },
                             { " ", "--", "--", NULL, true },
                             END_TOKS,
                     }, "");
        /* parse_args() compares the param after next_arg() stripped the
         * quotes: "--" quoted ends the kernel's part too. */
        check_tokens("a \"--\" b",
                     (const Tok[]) {
                             { "", "a", "a", NULL, false },
                             { " ", "\"--\"", "--", NULL, true },
                             { " ", "b", "b", NULL, true },
                             END_TOKS,
                     }, "");
        /* Not "--": with a value, longer, or inside a quoted value. */
        check_tokens("--=x --- x=\" -- \" ---",
                     (const Tok[]) {
                             { "", "--=x", "--", "x", false },
                             { " ", "---", "---", NULL, false },
                             { " ", "x=\" -- \"", "x", " -- ", false },
                             { " ", "---", "---", NULL, false },
                             END_TOKS,
                     }, "");
        check_tokens("--",
                     (const Tok[]) { { "", "--", "--", NULL, true }, END_TOKS }, "");
}

static void test_key_eq(void **state) {
        assert_true(cmdline_key_eq("numa-cma", "numa_cma"));
        assert_true(cmdline_key_eq("numa_cma", "numa-cma"));
        assert_true(cmdline_key_eq("a-b_c", "a_b-c"));
        assert_true(cmdline_key_eq("", ""));
        assert_false(cmdline_key_eq("cma", "numa_cma"));
        assert_false(cmdline_key_eq("cma", "cma_pernuma"));
        assert_false(cmdline_key_eq("cma_pernuma", "cma"));
        assert_false(cmdline_key_eq("cma", "cma_"));
        assert_false(cmdline_key_eq("CMA", "cma"));
        assert_false(cmdline_key_eq("", "cma"));
}

static void test_get_find_count(void **state) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        assert_int_equal(cmdline_parse("cma=64M numa-cma=0:64M quiet numa_cma=1:128M "
                                       "cma_pernuma=16M x=\"cma=9\" \"cma=1 2\" -- cma=7 numa_cma=3",
                                       &c), 0);
        assert_int_equal(c->n, 10);

        assert_int_equal(cmdline_count(c, "cma"), 2);
        assert_int_equal(cmdline_find_last(c, "cma"), 6);
        assert_string_equal(cmdline_get(c, "cma"), "1 2");

        assert_int_equal(cmdline_count(c, "numa_cma"), 2);
        assert_int_equal(cmdline_count(c, "numa-cma"), 2);
        assert_int_equal(cmdline_find_last(c, "numa-cma"), 3);
        assert_string_equal(cmdline_get(c, "numa_cma"), "1:128M");

        assert_int_equal(cmdline_count(c, "cma_pernuma"), 1);
        assert_string_equal(cmdline_get(c, "cma-pernuma"), "16M");

        /* Bare key: found, but no value. */
        assert_int_equal(cmdline_find_last(c, "quiet"), 2);
        assert_null(cmdline_get(c, "quiet"));

        /* Absent, and never from init's part. */
        assert_int_equal(cmdline_find_last(c, "single"), -1);
        assert_null(cmdline_get(c, "nosuch"));
        assert_int_equal(cmdline_count(c, "--"), 0);
        assert_int_equal(cmdline_find_last(c, "--"), -1);
}

static void test_get_init_only(void **state) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        assert_int_equal(cmdline_parse("-- numa_cma=0:1G", &c), 0);
        assert_int_equal(cmdline_count(c, "numa_cma"), 0);
        assert_null(cmdline_get(c, "numa_cma"));
}

static char *edit(const char *line, const char *op, const char *arg, int expect_r) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        int r;
        assert_int_equal(cmdline_parse(line, &c), 0);
        if (streq(op, "key"))
                r = cmdline_remove_key(c, arg);
        else if (streq(op, "text"))
                r = cmdline_remove_text(c, arg);
        else
                r = cmdline_append(c, arg);
        if (r != expect_r)
                fail_msg("%s('%s', '%s') = %d, expected %d", op, line, arg, r, expect_r);
        char *s = cmdline_to_string(c);
        assert_non_null(s);
        /* What is in memory is what the line says. */
        _cleanup_cmdline_ Cmdline *d = NULL;
        assert_int_equal(cmdline_parse(s, &d), 0);
        assert_int_equal(d->n, c->n);
        for (size_t i = 0; i < c->n; i++) {
                assert_string_equal(d->tokens[i].text, c->tokens[i].text);
                assert_string_equal(d->tokens[i].sep, c->tokens[i].sep);
                assert_string_equal(d->tokens[i].key, c->tokens[i].key);
                assert_true(streq_ptr(d->tokens[i].value, c->tokens[i].value));
                assert_int_equal(d->tokens[i].init, c->tokens[i].init);
        }
        return s;
}

#define CHECK_EDIT(line, op, arg, r, want) do {                         \
                _cleanup_free_ char *_s = edit(line, op, arg, r);        \
                assert_string_equal(_s, want);                           \
        } while (0)

static void test_remove_key(void **state) {
        CHECK_EDIT("a cma=1 b", "key", "cma", 1, "a b");
        /* Whole keys only. */
        CHECK_EDIT("numa_cma=0:64M cma=128M cma_pernuma=16M", "key", "cma", 1,
                   "numa_cma=0:64M cma_pernuma=16M");
        CHECK_EDIT("numa_cma=0:64M cma=128M cma_pernuma=16M", "key", "numa_cma", 1,
                   "cma=128M cma_pernuma=16M");
        /* '-' and '_' alike, quoted and bare forms, every occurrence. */
        CHECK_EDIT("numa-cma=1 x numa_cma \"numa_cma=2 3\" y", "key", "numa_cma", 3, "x y");
        /* The separator before a removed token goes; all others stay. */
        CHECK_EDIT("a\tcma=1  b\t\tc", "key", "cma", 1, "a  b\t\tc");
        CHECK_EDIT("a \tcma=1", "key", "cma", 1, "a");
        CHECK_EDIT("a cma=1\t\n", "key", "cma", 1, "a\t\n");
        /* The line's leading whitespace stays in front. */
        CHECK_EDIT("  cma=1\tb  ", "key", "cma", 1, "  b  ");
        CHECK_EDIT("cma=1 b", "key", "cma", 1, "b");
        CHECK_EDIT("cma=1", "key", "cma", 1, "");
        CHECK_EDIT(" cma=1 cma=2 ", "key", "cma", 2, " ");
        /* Never after "--". */
        CHECK_EDIT("cma=1 -- cma=2", "key", "cma", 1, "-- cma=2");
        CHECK_EDIT("x -- cma=2", "key", "cma", 0, "x -- cma=2");
        CHECK_EDIT("x -- y", "key", "--", 0, "x -- y");
        CHECK_EDIT("", "key", "cma", 0, "");
        CHECK_EDIT("   ", "key", "cma", 0, "   ");
        CHECK_EDIT("a b", "key", "cma", 0, "a b");
}

static void test_remove_text(void **state) {
        CHECK_EDIT("quiet quiet=1 \"quiet\" quiet splash", "text", "quiet", 2,
                   "quiet=1 \"quiet\" splash");
        CHECK_EDIT("numa_cma=0:64M numa_cma=0:128M", "text", "numa_cma=0:64M", 1, "numa_cma=0:128M");
        /* Text is compared exactly: no '-'/'_' folding, no unquoting. */
        CHECK_EDIT("numa-cma=0:64M", "text", "numa_cma=0:64M", 0, "numa-cma=0:64M");
        CHECK_EDIT("dyndbg=\"a b\"", "text", "dyndbg=a b", 0, "dyndbg=\"a b\"");
        CHECK_EDIT("dyndbg=\"a b\" x", "text", "dyndbg=\"a b\"", 1, "x");
        CHECK_EDIT("a -- a", "text", "a", 1, "-- a");
        CHECK_EDIT("\ta\tb\t", "text", "b", 1, "\ta\t");
}

static void test_append(void **state) {
        CHECK_EDIT("a b", "append", "numa_cma=0:64M", 0, "a b numa_cma=0:64M");
        CHECK_EDIT("", "append", "x", 0, "x");
        CHECK_EDIT("a b  ", "append", "x", 0, "a b x  ");
        CHECK_EDIT("a\t", "append", "x", 0, "a x\t");
        /* Before "--", never after. */
        CHECK_EDIT("a -- b", "append", "x", 0, "a x -- b");
        CHECK_EDIT("a\t--\tb", "append", "x", 0, "a x\t--\tb");
        CHECK_EDIT("-- b", "append", "x", 0, "x -- b");
        CHECK_EDIT("  -- b", "append", "x", 0, "  x -- b");
        CHECK_EDIT("a \"--\" b", "append", "x", 0, "a x \"--\" b");
        CHECK_EDIT("a", "append", "dyndbg=\"file a.c +p\"", 0, "a dyndbg=\"file a.c +p\"");
        CHECK_EDIT("a", "append", "\"x=y z\"", 0, "a \"x=y z\"");
        /* Refused, line unchanged: text that is not one closed token, a
         * bare "--", or a last token whose open quote would take it in. */
        CHECK_EDIT("a -- b", "append", "x\"y", -EINVAL, "a -- b");
        CHECK_EDIT("a", "append", "x y", -EINVAL, "a");
        CHECK_EDIT("a", "append", "x\ty", -EINVAL, "a");
        CHECK_EDIT("a", "append", "", -EINVAL, "a");
        CHECK_EDIT("a", "append", "--", -EINVAL, "a");
        CHECK_EDIT("a", "append", "\"--\"", -EINVAL, "a");
        CHECK_EDIT("a x=\"b c", "append", "y", -EBADMSG, "a x=\"b c");
        CHECK_EDIT("a \"", "append", "y", -EBADMSG, "a \"");
        /* After "--" an open quote is init's business. */
        CHECK_EDIT("a -- \"b", "append", "y", 0, "a y -- \"b");
}

static void test_edit_sequence(void **state) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        assert_int_equal(cmdline_parse("BOOT_IMAGE=/vmlinuz-6.8 root=/dev/vda2 ro numa_cma=0:64M "
                                       "cma=32M\tquiet -- numa_cma=9", &c), 0);
        assert_int_equal(cmdline_remove_key(c, "numa_cma"), 1);
        assert_int_equal(cmdline_remove_key(c, "cma_pernuma"), 0);
        assert_int_equal(cmdline_append(c, "numa_cma=0:128M,1:128M"), 0);
        assert_int_equal(cmdline_append(c, "cma_pernuma=0"), 0);
        assert_string_equal(cmdline_get(c, "numa_cma"), "0:128M,1:128M");
        assert_string_equal(cmdline_get(c, "cma"), "32M");
        _cleanup_free_ char *s = cmdline_to_string(c);
        assert_string_equal(s, "BOOT_IMAGE=/vmlinuz-6.8 root=/dev/vda2 ro cma=32M\tquiet "
                               "numa_cma=0:128M,1:128M cma_pernuma=0 -- numa_cma=9");
}

static void test_round_trip(void **state) {
        static const char *const lines[] = {
                "",
                " ",
                "\t\t",
                "\n",
                "quiet",
                "  quiet  ",
                "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.5.6-300.fc39.x86_64 root=UUID=6d3a rhgb quiet",
                "initrd=\\EFI\\fedora\\initrd.img numa_cma=0:64M,1:64M",
                "a\tb  c\t \td",
                "dyndbg=\"file drivers/usb/* +p\" \"foo=bar baz\" x",
                "x=\"unterminated  quote   ",
                "\"",
                "\"\"",
                "\"\"\"",
                "= == =a a= a==",
                "key= key=\"\" \"key=\"",
                "-- ",
                " -- --",
                "a -- b \"c -- d",
                "console=ttyS0,115200n8 console=tty0 earlyprintk=serial,ttyS0,115200",
                "root=ZFS=rpool/ROOT/debian cma=0 numa-cma=0:0,1:1G cma_pernuma=64M",
                "\xff\xfe garbage \x01\x02 \xa0\xa0 x",
                "a\v\fb\r\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                _cleanup_cmdline_ Cmdline *c = NULL;
                assert_int_equal(cmdline_parse(lines[i], &c), 0);
                _cleanup_free_ char *s = cmdline_to_string(c);
                assert_non_null(s);
                if (!streq(s, lines[i]))
                        fail_msg("round trip of '%s' gave '%s'", lines[i], s);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_simple),
                cmocka_unit_test(test_parse_whitespace),
                cmocka_unit_test(test_parse_empty),
                cmocka_unit_test(test_parse_quotes),
                cmocka_unit_test(test_open_quote),
                cmocka_unit_test(test_parse_unbalanced),
                cmocka_unit_test(test_parse_equals),
                cmocka_unit_test(test_parse_dashdash),
                cmocka_unit_test(test_key_eq),
                cmocka_unit_test(test_get_find_count),
                cmocka_unit_test(test_get_init_only),
                cmocka_unit_test(test_remove_key),
                cmocka_unit_test(test_remove_text),
                cmocka_unit_test(test_append),
                cmocka_unit_test(test_edit_sequence),
                cmocka_unit_test(test_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
