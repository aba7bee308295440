/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The boot layer's pure parts: token edits, BLS entries, the
 * /etc/default/grub reader, grub.cfg menus, the ownership record, diffs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <sys/stat.h>

#include "bootcfg/bls_parse.h"
#include "kernel/cmdline_tokens.h"
#include "bootcfg/grub_cfg_parse.h"
#include "bootcfg/grubenv.h"
#include "bootcfg/loader_grub_menu.h"
#include "bootcfg/grub_defaults.h"
#include "bootcfg/grub_defaults_edit.h"
#include "bootcfg/owned.h"
#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/udiff.h"
#include "basic/util.h"
#include "test-tree.h"

static char *edit(const char *line, char **remove, char **want) {
        char *out = NULL;
        assert_int_equal(tokens_edit(line, remove, want, &out), 0);
        return out;
}

static void test_tokens_edit(void **state) {
        char *want[] = { (char *) "numa_cma=0:64M", NULL };
        char *old[] = { (char *) "numa_cma=0:32M", NULL };
        _cleanup_free_ char *a = edit("ro  quiet dyndbg=\"file foo.c +p\"", NULL, want);
        assert_string_equal(a, "ro  quiet dyndbg=\"file foo.c +p\" numa_cma=0:64M");
        /* Already there exactly: no duplicate; removal is by exact text. */
        _cleanup_free_ char *b = edit(a, old, want);
        assert_string_equal(a, b);
        _cleanup_free_ char *c = edit("ro numa_cma=0:32M quiet", old, want);
        assert_string_equal(c, "ro quiet numa_cma=0:64M");
        /* Whole tokens only: "cma=0" never touches "numa_cma=0:..." */
        char *cma0[] = { (char *) "cma=0", NULL };
        _cleanup_free_ char *d = edit("numa_cma=0:64M cma=0 x", cma0, NULL);
        assert_string_equal(d, "numa_cma=0:64M x");
        /* Before "--": the rest is init's. */
        _cleanup_free_ char *e = edit("ro -- single", NULL, want);
        assert_string_equal(e, "ro numa_cma=0:64M -- single");
        /* Removal restores the line byte for byte. */
        char *w2[] = { (char *) "numa_cma=0:64M", NULL };
        _cleanup_free_ char *f = edit("a  b\t c", NULL, w2), *g = edit(f, w2, NULL);
        assert_string_equal(g, "a  b\t c");
}

static void test_bls_parse_edit(void **state) {
        static const char entry[] =
                "# Boot Loader Specification type#1 entry\n"
                "title      Debian GNU/Linux 12 (bookworm)\n"
                "version    6.1.0-18-amd64\n"
                "sort-key   debian\n"
                "options    root=UUID=x ro quiet\n"
                "options    dyndbg=\"file foo.c +p\"  \n"
                "linux      /m/6.1.0-18-amd64/linux\n";
        BlsEntry e;
        assert_int_equal(bls_entry_parse(entry, strlen(entry), &e), 0);
        assert_string_equal(e.version, "6.1.0-18-amd64");
        assert_string_equal(e.sort_key, "debian");
        assert_string_equal(e.options, "root=UUID=x ro quiet dyndbg=\"file foo.c +p\"");
        assert_int_equal(e.n_options, 2);
        bls_entry_done(&e);

        char *want[] = { (char *) "numa_cma=1:64M", NULL };
        _cleanup_free_ char *a = NULL, *b = NULL;
        assert_int_equal(bls_entry_edit(entry, NULL, want, &a), 0);
        assert_non_null(strstr(a, "options    dyndbg=\"file foo.c +p\" numa_cma=1:64M  \n"));
        assert_non_null(strstr(a, "options    root=UUID=x ro quiet\n"));
        assert_int_equal(bls_entry_edit(a, want, NULL, &b), 0);
        assert_string_equal(b, entry);

        /* No options line: one is added. A loader variable that is a token
         * of its own stays one ($tuned_params); a '$' inside a token: refused. */
        _cleanup_free_ char *c = NULL, *d = NULL, *g = NULL;
        assert_int_equal(bls_entry_edit("title x\nlinux /v", NULL, want, &c), 0);
        assert_string_equal(c, "title x\nlinux /v\noptions numa_cma=1:64M\n");
        assert_int_equal(bls_entry_edit("options root=x ${tuned_params} $tuned_params\n", NULL, want, &g), 0);
        assert_string_equal(g, "options root=x ${tuned_params} $tuned_params numa_cma=1:64M\n");
        static const char *const refused[] = { "options a=$x\n", "options $x=1\n", "options ${x\n", "options $\n", "options ${}\n" };
        for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                free(d);
                d = NULL;
                assert_int_equal(bls_entry_edit(refused[i], NULL, want, &d), -EOPNOTSUPP);
        }

        assert_int_equal(bls_entry_parse("title a\0b", 9, &e), -EBADMSG);
}

static void test_bls_order(void **state) {
        BlsEntry a = { .id = (char *) "m-6.1.0-10", .version = (char *) "6.1.0-10", .sort_key = (char *) "debian" };
        BlsEntry b = { .id = (char *) "m-6.1.0-9", .version = (char *) "6.1.0-9", .sort_key = (char *) "debian" };
        BlsEntry c = { .id = (char *) "z", .version = (char *) "9" };
        assert_true(bls_entry_compare(&a, &b) < 0);  /* newer first */
        assert_true(bls_entry_compare(&a, &c) < 0);  /* sort-key first */
}

static const char *eval1(ShellVars *v, const char *text, int expect) {
        _cleanup_free_ char *err = NULL;
        int r = shell_eval(v, text, strlen(text), &err);
        if (r != expect)
                fail_msg("'%s': %d (%s)", text, r, strna(err));
        return NULL;
}

static const char *get(const ShellVars *v, const char *n) {
        const ShellVar *s = shell_vars_find(v, n);
        return s ? (s->value ? s->value : "<unknown>") : "<unset>";
}

static void test_grub_default_reader(void **state) {
        ShellVars v = {0};
        eval1(&v, "# comment\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n"
                  "GRUB_DISTRIBUTOR=`( . /etc/os-release; echo ${NAME:-Debian} ) 2>/dev/null || echo Debian`\n"
                  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
                  "GRUB_CMDLINE_LINUX='dyndbg=\"file foo.c +p\"'\n"
                  "export GRUB_X=1 GRUB_Y\n"
                  "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX console=ttyS0\" # trailing\n"
                  "GRUB_A=a\\ b GRUB_B=\"x\\\"y\\$z\"\n"
                  "GRUB_C=\"${GRUB_DEFAULT}1\"; GRUB_D=$(uname)\n", 0);
        assert_string_equal(get(&v, "GRUB_DEFAULT"), "0");
        assert_string_equal(get(&v, "GRUB_DISTRIBUTOR"), "<unknown>");
        assert_string_equal(get(&v, "GRUB_CMDLINE_LINUX"), "dyndbg=\"file foo.c +p\" console=ttyS0");
        assert_string_equal(get(&v, "GRUB_A"), "a b");
        assert_string_equal(get(&v, "GRUB_B"), "x\"y$z");
        assert_string_equal(get(&v, "GRUB_C"), "01");
        assert_string_equal(get(&v, "GRUB_D"), "<unknown>");
        assert_string_equal(get(&v, "GRUB_X"), "1");
        /* Commands are not evaluated: the result is unknown, said so. */
        eval1(&v, "if true; then GRUB_X=2; fi\n", -EBADMSG);
        eval1(&v, "GRUB_X=1 cmd\n", -EBADMSG);
        eval1(&v, "GRUB_X=\"open\n", -EBADMSG);
        eval1(&v, ". /etc/other\n", -EBADMSG);
        _cleanup_free_ char *err = NULL;
        assert_int_equal(shell_eval(&v, "A=1\n\nB=`x\n", 10, &err), -EBADMSG);
        assert_non_null(strstr(err, "line 3"));
        shell_vars_done(&v);
        /* Doubling is bounded. */
        StrBuf b = {0};
        strbuf_append(&b, "A=xxxxxxxxxxxxxxxx\n");
        for (int i = 0; i < 40; i++)
                strbuf_append(&b, "A=$A$A\n");
        _cleanup_free_ char *big = strbuf_steal(&b);
        eval1(&v, big, -EBADMSG);
        shell_vars_done(&v);
}

/* Every error names its line, and a quote's error the line where it
 * opens: an unterminated quote is reported where it starts, not at the end
 * of the file, and an error inside a value that began lines above says
 * which variable's value is still open. */
static void test_grub_default_error_lines(void **state) {
        static const struct {
                const char *text, *error;
        } t[] = {
                { "A=1\nGRUB_CMDLINE_LINUX=\"quiet\nB=2\n\n",
                  "line 2: unterminated \" (in the value of GRUB_CMDLINE_LINUX)" },
                { "A=1\n\nGRUB_CMDLINE_LINUX='quiet\nB=2\n",
                  "line 3: unterminated ' (in the value of GRUB_CMDLINE_LINUX)" },
                /* Debian's /etc/default/grub with the quote of line 1 left
                 * open: the shell stops at the backquote in a comment. */
                { "GRUB_CMDLINE_LINUX=\"quiet\n\n# you can see them in real GRUB with the command `vbeinfo'\n"
                  "#GRUB_GFXMODE=640x480\n",
                  "line 3: unterminated command substitution (in the value of GRUB_CMDLINE_LINUX, which began on line 1 "
                  "and is still open here)" },
                { "GRUB_X=\"a\nb\" GRUB_Y=\"c\nd\ne\n",
                  "line 2: unterminated \" (in the value of GRUB_Y)" },
                { "GRUB_X=\"a\nb\nc ${Y:-z\n\n",
                  "line 3: unterminated ${ (in the value of GRUB_X, which began on line 1 and is still open here)" },
                { "A=1\nGRUB_X=$(echo\n\n",
                  "line 2: unterminated command substitution (in the value of GRUB_X)" },
                { "A=1\nGRUB_X=ok cmd\n", "line 2: not an assignment: 'cmd'" },
                { "A=\"x\ny\" B=1\nC=2 D=\"a\" E=|\n", "line 3: shell operator '|' (in the value of E)" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                ShellVars v = {0};
                _cleanup_free_ char *err = NULL;
                assert_int_equal(shell_eval(&v, t[i].text, strlen(t[i].text), &err), -EBADMSG);
                if (!streq_ptr(err, t[i].error))
                        fail_msg("case %zu:\n got  %s\n want %s", i, strna(err), t[i].error);
                shell_vars_done(&v);
        }
}

/* An open quote in GRUB_CMDLINE_LINUX (issue 11): the merged variable says
 * which file and line opened it, and a file that cannot be read names its
 * path and line. */
static void test_grub_default_open_quote(void **state) {
        _cleanup_free_ char *root = make_root();
        put(root, "/etc/default/grub", "GRUB_DEFAULT=0\n# the arguments\nGRUB_CMDLINE_LINUX='quiet dyndbg=\"file'\n");
        put(root, "/etc/default/grub.d/50-console.cfg", "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX console=ttyS0\"\n");
        ShellVars v = {0};
        _cleanup_free_ char *err = NULL;
        assert_int_equal(grub_defaults_merge(root, false, NULL, NULL, &v, &err), 0);
        const ShellVar *sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
        assert_non_null(sv);
        assert_string_equal(sv->value, "quiet dyndbg=\"file console=ttyS0");
        assert_string_equal(sv->file, "/etc/default/grub.d/50-console.cfg");
        assert_int_equal(sv->line, 1);
        assert_string_equal(sv->quote_file, "/etc/default/grub");
        assert_int_equal(sv->quote_line, 3);
        assert_int_equal(grub_cmdline_var_check(&v, "GRUB_CMDLINE_LINUX", &err), -EBADMSG);
        assert_string_equal(err, "'/etc/default/grub' line 3: GRUB_CMDLINE_LINUX leaves a double quote open at "
                                 "'dyndbg=\"file console=ttyS0': the kernel would take every argument after it into that one");
        free(TAKE_PTR(err));
        assert_int_equal(grub_cmdline_var_check(&v, "GRUB_DEFAULT", &err), 0);
        assert_int_equal(grub_cmdline_var_check(&v, "GRUB_NOT_SET", &err), 0);
        assert_null(err);
        shell_vars_done(&v);

        /* A later file that closes it: no longer open. */
        put(root, "/etc/default/grub.d/60-close.cfg", "# closes it\nGRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX\\\"\"\n");
        assert_int_equal(grub_defaults_merge(root, false, NULL, NULL, &v, &err), 0);
        assert_int_equal(grub_cmdline_var_check(&v, "GRUB_CMDLINE_LINUX", &err), 0);
        sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
        assert_int_equal(sv->quote_line, 0);
        assert_null(sv->quote_file);
        assert_int_equal(sv->line, 2);
        shell_vars_done(&v);

        /* After "--" a quote is init's. */
        put(root, "/etc/default/grub.d/60-close.cfg", "GRUB_CMDLINE_LINUX_DEFAULT='-- \"x'\n");
        assert_int_equal(grub_defaults_merge(root, false, NULL, NULL, &v, &err), 0);
        assert_int_equal(grub_cmdline_var_check(&v, "GRUB_CMDLINE_LINUX_DEFAULT", &err), 0);
        shell_vars_done(&v);

        /* A value too long to follow at each assignment (the kernel takes
         * 2 KiB): still found, at the assignment that set it last. */
        _cleanup_free_ char *pad = malloc(5001);
        assert_non_null(pad);
        memset(pad, 'p', 5000);
        pad[5000] = 0;
        _cleanup_free_ char *longv = strdup_printf("GRUB_CMDLINE_LINUX='x=%s'\n\nGRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX y=\\\"z\"\n", pad);
        put(root, "/etc/default/grub.d/60-close.cfg", longv);
        assert_int_equal(grub_defaults_merge(root, false, NULL, NULL, &v, &err), 0);
        sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
        assert_int_equal(sv->quote_line, 0);
        assert_int_equal(grub_cmdline_var_check(&v, "GRUB_CMDLINE_LINUX", &err), -EBADMSG);
        assert_string_equal(err, "'/etc/default/grub.d/60-close.cfg' line 3: GRUB_CMDLINE_LINUX leaves a double quote open "
                                 "at 'y=\"z': the kernel would take every argument after it into that one");
        free(TAKE_PTR(err));
        shell_vars_done(&v);

        /* A shell quote left open in a drop-in: its path and the line. */
        put(root, "/etc/default/grub.d/60-close.cfg", "\n\nGRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX x\n\n");
        assert_int_equal(grub_defaults_merge(root, false, NULL, NULL, &v, &err), -EBADMSG);
        assert_string_equal(err, "'/etc/default/grub.d/60-close.cfg' line 3: unterminated \" (in the value of "
                                 "GRUB_CMDLINE_LINUX): the merged value is not known without running it");
        free(TAKE_PTR(err));
        /* Sourced by sh: what sh said, with the file and line. */
        put(root, "/etc/default/grub.d/60-close.cfg", "\n\nGRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX `x\"\n\n");
        assert_int_equal(grub_defaults_merge(root, true, NULL, NULL, &v, &err), -EBADMSG);
        _cleanup_free_ char *dropin = root_join(root, "/etc/default/grub.d/60-close.cfg");
        /* dash: "sh: 5: FILE: Syntax error: ...", bash: "FILE: line 3: ..." */
        if (!startswith(err, "sourcing the /etc/default/grub files with sh failed: ") || !strstr(err, dropin))
                fail_msg("got '%s'", err);
        rm_tree(root);
}

static void test_grub_cfg(void **state) {
        static const char cfg[] =
                "function load_video {\n  insmod all_video\n}\n"
                "menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-u' {\n"
                "\tlinux\t/boot/vmlinuz-6.1.0-18-amd64 root=UUID=u ro  quiet\n}\n"
                "submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-u' {\n"
                "\tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-18-amd64' $menuentry_id_option 'gnulinux-6.1.0-18-amd64-advanced-u' {\n"
                "\t\tlinux\t/boot/vmlinuz-6.1.0-18-amd64 root=UUID=u ro  quiet\n\t}\n"
                "\tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-17-amd64' $menuentry_id_option 'gnulinux-6.1.0-17-amd64-advanced-u' {\n"
                "\t\tlinux\t/boot/vmlinuz-6.1.0-17-amd64 root=UUID=u ro  quiet numa_cma=1:64M \n\t}\n"
                "}\n";
        GrubCfg c;
        assert_int_equal(grub_cfg_parse(cfg, &c), 0);
        assert_int_equal(c.n, 3);
        assert_string_equal(c.entries[2].path, "1>1");
        assert_string_equal(c.entries[2].args, "root=UUID=u ro  quiet numa_cma=1:64M");
        assert_string_equal(c.entries[2].release, "6.1.0-17-amd64");
        /* GRUB's choice, level by level (grub-core/normal/menu.c). */
        assert_ptr_equal(grub_menu_resolve(&c, "0"), &c.entries[0]);
        assert_ptr_equal(grub_menu_resolve(&c, "1>1"), &c.entries[2]);
        assert_ptr_equal(grub_menu_resolve(&c, "gnulinux-advanced-u>gnulinux-6.1.0-17-amd64-advanced-u"), &c.entries[2]);
        assert_ptr_equal(grub_menu_resolve(&c, "Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 6.1.0-17-amd64"),
                         &c.entries[2]);
        /* A submenu's entry named alone is not at the top level: the
         * first entry (10_linux's title correction exists for that). */
        assert_ptr_equal(grub_menu_resolve(&c, "Debian GNU/Linux, with Linux 6.1.0-17-amd64"), &c.entries[0]);
        /* The submenu alone: its first entry. */
        assert_ptr_equal(grub_menu_resolve(&c, "1"), &c.entries[1]);
        assert_ptr_equal(grub_menu_resolve(&c, "7"), &c.entries[0]);
        assert_ptr_equal(grub_menu_resolve(&c, NULL), &c.entries[0]);
        grub_cfg_done(&c);
        _cleanup_free_ char *s = grubenv_get("# GRUB Environment Block\nsaved_entry=x-1\n####", "saved_entry");
        assert_string_equal(s, "x-1");
}

static void assert_errors(const GrubCfg *c, const char *const *want) {
        size_t n = 0;
        while (want[n])
                n++;
        size_t got = strv_length(c->errors);
        for (size_t i = 0; i < MAX(n, got); i++) {
                const char *g = i < got ? c->errors[i] : "(none)", *w = i < n ? want[i] : "(none)";
                if (!streq(g, w))
                        fail_msg("error %zu:\n got  %s\n want %s", i, g, w);
        }
}
#define ASSERT_ERRORS(c, ...) assert_errors((c), (const char *const[]) { __VA_ARGS__ })

static const char entry_a[] = "menuentry 'A' $menuentry_id_option 'a' {\n\tlinux\t/boot/vmlinuz-1 root=a\n}\n";
static const char entry_b[] = "menuentry 'B' $menuentry_id_option 'b' {\n\tlinux\t/boot/vmlinuz-2 root=b\n}\n";

/* A broken menuentry is reported with its line and does not take the
 * others with it: they keep their paths, so GRUB_DEFAULT still finds them. */
static void test_grub_cfg_broken_entries(void **state) {
        GrubCfg c;

        /* An entry in a submenu without its '}': the submenu's '}' closed
         * the entry before, the submenu stayed open and B became "0>2". */
        _cleanup_free_ char *t1 = strdup_printf(
                "submenu 'S' {\n\tmenuentry 'S0' {\n\t\tlinux /boot/vmlinuz-s0 root=s0\n"
                "\tmenuentry 'S1' {\n\t\tlinux /boot/vmlinuz-s1 root=s1\n\t}\n}\n%s", entry_b);
        assert_int_equal(grub_cfg_parse(t1, &c), 0);
        assert_int_equal(c.n, 3);
        assert_string_equal(c.entries[0].path, "0>0");
        assert_string_equal(c.entries[1].path, "0>1");
        assert_string_equal(c.entries[2].path, "1");
        assert_ptr_equal(grub_menu_resolve(&c, "1"), &c.entries[2]);
        ASSERT_ERRORS(&c, "line 2: menuentry 'S0' is not closed before the menuentry on line 4", NULL);
        assert_int_equal(c.n_errors, 1);
        grub_cfg_done(&c);

        /* A linux line whose arguments end in '{' opened a block: the
         * entry lost its kernel and the next ones their places. */
        _cleanup_free_ char *t2 = strdup_printf("menuentry 'X' {\n\tlinux /boot/vmlinuz-x root=x opt={\n}\n%s%s",
                                                entry_a, entry_b);
        assert_int_equal(grub_cfg_parse(t2, &c), 0);
        assert_int_equal(c.n, 3);
        assert_string_equal(c.entries[0].args, "root=x opt={");
        assert_string_equal(c.entries[1].path, "1");
        assert_string_equal(c.entries[2].path, "2");
        assert_null(c.errors);
        grub_cfg_done(&c);

        /* Nesting past 64 made the whole file unreadable (-E2BIG). */
        StrBuf b = {0};
        strbuf_append(&b, entry_a);
        for (int i = 0; i < 70; i++)
                strbuf_printf(&b, "function f%d {\n", i);
        strbuf_append(&b, entry_b);
        for (int i = 0; i < 70; i++)
                strbuf_append(&b, "}\n");
        strbuf_append(&b, entry_b);
        _cleanup_free_ char *t3 = strbuf_steal(&b);
        assert_int_equal(grub_cfg_parse(t3, &c), 0);
        assert_int_equal(c.n, 2);
        assert_string_equal(c.entries[0].title, "A");
        assert_string_equal(c.entries[1].title, "B");
        assert_string_equal(c.entries[1].path, "1");
        ASSERT_ERRORS(&c, "line 68: blocks nested deeper than 64: skipped up to its '}'", NULL);
        grub_cfg_done(&c);

        /* A stray '}', an entry without '{', open quotes, a second linux
         * line, an entry open at the end: each said, the rest read. */
        _cleanup_free_ char *t4 = strdup_printf(
                "}\n%smenuentry 'N' --class x\n{\n\tlinux /boot/vmlinuz-n\n}\n"
                "menuentry 'Q {\n\tlinux /boot/vmlinuz-q root=\"q\n\tlinux /boot/vmlinuz-q2 root=q2\n}\n"
                "%smenuentry 'E' {\n\tlinux /boot/vmlinuz-e root=e\n",
                entry_a, entry_b);
        assert_int_equal(grub_cfg_parse(t4, &c), 0);
        assert_int_equal(c.n, 4);
        assert_string_equal(c.entries[0].path, "0");
        assert_string_equal(c.entries[1].title, "Q {");
        assert_string_equal(c.entries[1].args, "root=q2");
        assert_string_equal(c.entries[1].release, "q2");
        assert_string_equal(c.entries[2].path, "2");
        assert_string_equal(c.entries[3].path, "3");
        assert_string_equal(c.entries[3].args, "root=e");
        ASSERT_ERRORS(&c,
                      "line 1: '}' without a block to close",
                      "line 5: menuentry without '{' at the end of its line: not read",
                      "line 9: the menuentry line leaves a quote open",
                      "line 10: the linux line leaves a quote open",
                      "line 11: another linux line in menuentry 'Q {' (line 9): this one is used",
                      "line 16: menuentry 'E' is not closed at the end of the file",
                      NULL);
        grub_cfg_done(&c);

        /* A linux line without an image (fuzz-grub-cfg found "linux ''"):
         * no entry is made of it. */
        assert_int_equal(grub_cfg_parse("menuentry 'L' {\n\tlinux ''\n\tlinux\n}\nmenuentry 'M' {\n\tlinux /m x\n}\n", &c), 0);
        assert_int_equal(c.n, 1);
        assert_string_equal(c.entries[0].path, "1");
        ASSERT_ERRORS(&c, "line 2: linux line without a kernel image in menuentry 'L'",
                      "line 3: linux line without a kernel image in menuentry 'L'", NULL);
        grub_cfg_done(&c);

        /* Reported errors are capped; all are counted. */
        b = (StrBuf) {0};
        for (int i = 0; i < 30; i++)
                strbuf_append(&b, "}\n");
        strbuf_append(&b, entry_a);
        _cleanup_free_ char *t5 = strbuf_steal(&b);
        assert_int_equal(grub_cfg_parse(t5, &c), 0);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.n_errors, 30);
        assert_int_equal(strv_length(c.errors), GRUB_CFG_ERRORS_MAX + 1);
        assert_string_equal(c.errors[GRUB_CFG_ERRORS_MAX], "... and 10 more errors not shown");
        grub_cfg_done(&c);

        /* grub.cfg as the real grub-mkconfig writes it: nothing to say. */
        _cleanup_free_ char *real = NULL;
        assert_int_equal(read_full_file_root(SRCDIR "/tests/boot/trees/debian-grub", "/boot/grub/grub.cfg", &real, NULL), 0);
        assert_int_equal(grub_cfg_parse(real, &c), 0);
        assert_true(c.n >= 2);
        assert_null(c.errors);
        assert_int_equal(c.n_errors, 0);
        grub_cfg_done(&c);
}
/* grubenv: values unescaped on reading, escaped on writing as GRUB's envblk
 * does, the block's size kept by its '#' padding. */
static void test_grubenv(void **state) {
        char block[1025];
        const char *head = "# GRUB Environment Block\nsaved_entry=x-1\nkernelopts=root=/dev/sda1 ro\nboot_success=0\n";
        memset(block, '#', 1024);
        memcpy(block, head, strlen(head));
        block[1024] = 0;
        _cleanup_free_ char *k = grubenv_get(block, "kernelopts");
        assert_string_equal(k, "root=/dev/sda1 ro");
        _cleanup_free_ char *n = NULL, *back = NULL, *odd = NULL;
        assert_int_equal(grubenv_set(block, 1024, "kernelopts", "root=/dev/sda1 ro numa_cma=0:64M a\\b", &n), 0);
        assert_int_equal(strlen(n), 1024);
        assert_non_null(strstr(n, "\nkernelopts=root=/dev/sda1 ro numa_cma=0:64M a\\\\b\nboot_success=0\n###"));
        _cleanup_free_ char *k2 = grubenv_get(n, "kernelopts");
        assert_string_equal(k2, "root=/dev/sda1 ro numa_cma=0:64M a\\b");
        /* Back to the old value: the old block, byte for byte. */
        assert_int_equal(grubenv_set(n, 1024, "kernelopts", "root=/dev/sda1 ro", &back), 0);
        assert_string_equal(back, block);
        /* No room, no such key, not a block. */
        char big[1100];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        assert_int_equal(grubenv_set(block, 1024, "kernelopts", big, &odd), -ENOSPC);
        assert_int_equal(grubenv_set(block, 1024, "tuned_params", "x", &odd), -ENOENT);
        assert_int_equal(grubenv_set("saved_entry=x\n###", 17, "saved_entry", "y", &odd), -EBADMSG);
}

/* GRUB_CMDLINE_LINUX edited inside its quotes: the administrator's quoting
 * stays, and taking out what was added gives the file back byte for byte. */
static void check_roundtrip(const char *text, const char *want_after) {
        char *t[] = { (char *) "numa_cma=0:64M", NULL };
        _cleanup_free_ char *added = NULL, *why = NULL, *removed = NULL, *why2 = NULL;
        assert_int_equal(grub_default_edit_tokens(text, "GRUB_CMDLINE_LINUX", NULL, t, &added, &why), 0);
        assert_string_equal(added, want_after);
        assert_int_equal(grub_default_edit_tokens(added, "GRUB_CMDLINE_LINUX", t, NULL, &removed, &why2), 0);
        assert_string_equal(removed, text);
}

static void test_grub_default_edit(void **state) {
        check_roundtrip("A=1\nGRUB_CMDLINE_LINUX=\"rhgb quiet\"\nB=2\n",
                        "A=1\nGRUB_CMDLINE_LINUX=\"rhgb quiet numa_cma=0:64M\"\nB=2\n");
        /* The administrator's \" (a quoted kernel argument) stays as written. */
        check_roundtrip("GRUB_CMDLINE_LINUX=\"quiet dyndbg=\\\"module mlx5_core +p\\\"\" # mine\n",
                        "GRUB_CMDLINE_LINUX=\"quiet dyndbg=\\\"module mlx5_core +p\\\" numa_cma=0:64M\" # mine\n");
        check_roundtrip("GRUB_CMDLINE_LINUX='quiet dyndbg=\"file a.c +p\"'\n",
                        "GRUB_CMDLINE_LINUX='quiet dyndbg=\"file a.c +p\" numa_cma=0:64M'\n");
        /* The last assignment; "export"; a value that ends in a blank. */
        check_roundtrip("GRUB_CMDLINE_LINUX=\"a\"\nexport GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX b \"\n",
                        "GRUB_CMDLINE_LINUX=\"a\"\nexport GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX b  numa_cma=0:64M\"\n");
        /* Removal of a token numacma added first, then the administrator's after it. */
        char *t[] = { (char *) "numa_cma=0:64M", NULL };
        char *u[] = { (char *) "numa_cma=0:32M", NULL };
        _cleanup_free_ char *a = NULL, *why = NULL;
        assert_int_equal(grub_default_edit_tokens("GRUB_CMDLINE_LINUX=\"numa_cma=0:64M quiet\"\n", "GRUB_CMDLINE_LINUX", t, u, &a, &why), 0);
        assert_string_equal(a, "GRUB_CMDLINE_LINUX=\"quiet numa_cma=0:32M\"\n");
        free(a);
        a = NULL;
        /* A token inside the kernel's quotes is not a token. */
        assert_int_equal(grub_default_edit_tokens("GRUB_CMDLINE_LINUX=\"x=\\\"a numa_cma=0:64M\\\" y\"\n", "GRUB_CMDLINE_LINUX", t, NULL, &a, &why), 0);
        assert_string_equal(a, "GRUB_CMDLINE_LINUX=\"x=\\\"a numa_cma=0:64M\\\" y\"\n");
        free(a);
        a = NULL;
        /* Not set, or empty: nothing to do (as grubby). */
        assert_int_equal(grub_default_edit_tokens("A=1\n", "GRUB_CMDLINE_LINUX", NULL, t, &a, &why), -ENOENT);
        assert_int_equal(grub_default_edit_tokens("GRUB_CMDLINE_LINUX=\"\"\n", "GRUB_CMDLINE_LINUX", NULL, t, &a, &why), -ENOENT);
        /* Not one quoted string, a command substitution, a command: left, with a reason. */
        static const char *const bad[] = {
                "GRUB_CMDLINE_LINUX=quiet\n",
                "GRUB_CMDLINE_LINUX=\"a\"'b'\n",
                "GRUB_CMDLINE_LINUX=\"$(cat /x)\"\n",
                "GRUB_CMDLINE_LINUX=\"a dyndbg=\"module x +p\" b\"\n",
                "GRUB_CMDLINE_LINUX=\"a \\\"open\"\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *o = NULL, *w = NULL;
                int r = grub_default_edit_tokens(bad[i], "GRUB_CMDLINE_LINUX", NULL, t, &o, &w);
                if (r != -EOPNOTSUPP && r != -EBADMSG)
                        fail_msg("'%s': %d", bad[i], r);
                assert_non_null(w);
                assert_null(o);
        }
}

static void test_owned_record(void **state) {
        char *t[] = { (char *) "numa_cma=0:64M", NULL };
        _cleanup_free_ char *text = owned_format("bls", t);
        OwnedRecord o;
        assert_int_equal(owned_parse(text, &o), 0);
        assert_string_equal(o.backend, "bls");
        assert_string_equal(o.tokens[0], "numa_cma=0:64M");
        assert_null(o.tokens[1]);
        owned_record_done(&o);
        assert_int_equal(owned_parse("# nothing\n", &o), 0);
        assert_non_null(o.tokens);
        assert_null(o.tokens[0]);
        owned_record_done(&o);

        /* Whatever a line can hold comes back byte for byte. */
        char *odd[] = { (char *) "dyndbg=\"file a.c +p\"", (char *) " lead", (char *) "trail ", (char *) "cr\r",
                        (char *) "#hash", (char *) "token x", (char *) "backend y", (char *) "\t", NULL };
        _cleanup_free_ char *t2 = owned_format("systemd-boot", odd);
        assert_non_null(t2);
        assert_int_equal(owned_parse(t2, &o), 0);
        assert_string_equal(o.backend, "systemd-boot");
        assert_true(strv_equal(o.tokens, odd));
        owned_record_done(&o);
        _cleanup_free_ char *t3 = owned_format(NULL, NULL);
        assert_int_equal(owned_parse(t3, &o), 0);
        assert_null(o.backend);
        assert_null(o.tokens[0]);
        owned_record_done(&o);

        /* What a line cannot hold is refused: "a\nb" recorded would read
         * back as a token "a" numacma never wrote. */
        char *nl[] = { (char *) "numa_cma=0:64M", (char *) "a\nb", NULL };
        char *empty[] = { (char *) "", NULL };
        assert_null(owned_format("grub", nl));
        assert_null(owned_format("grub", empty));
        assert_null(owned_format("gr\nub", t));
        assert_null(owned_format("", t));

        /* Many tokens: read in one pass. */
        StrBuf b = {0};
        for (int i = 0; i < 200000; i++)
                strbuf_printf(&b, "token t%d\n", i);
        _cleanup_free_ char *many = strbuf_steal(&b);
        assert_int_equal(owned_parse(many, &o), 0);
        assert_int_equal(strv_length(o.tokens), 200000);
        assert_string_equal(o.tokens[199999], "t199999");
        owned_record_done(&o);
}

static void test_udiff(void **state) {
        _cleanup_free_ char *a = udiff("/etc/x", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n");
        assert_string_equal(a, "--- a/etc/x\n+++ b/etc/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
        _cleanup_free_ char *b = udiff("/n", NULL, "x\n");
        assert_string_equal(b, "--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+x\n");
        _cleanup_free_ char *c = udiff("/n", "x", NULL);
        assert_string_equal(c, "--- a/n\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n\\ No newline at end of file\n");
        _cleanup_free_ char *d = udiff("/n", "same\n", "same\n");
        assert_string_equal(d, "");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tokens_edit),
                cmocka_unit_test(test_bls_parse_edit),
                cmocka_unit_test(test_bls_order),
                cmocka_unit_test(test_grub_default_reader),
                cmocka_unit_test(test_grub_default_error_lines),
                cmocka_unit_test(test_grub_default_open_quote),
                cmocka_unit_test(test_grub_cfg),
                cmocka_unit_test(test_grub_cfg_broken_entries),
                cmocka_unit_test(test_grubenv),
                cmocka_unit_test(test_grub_default_edit),
                cmocka_unit_test(test_owned_record),
                cmocka_unit_test(test_udiff),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
