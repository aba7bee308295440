/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The loader models of src/bootcfg (loader_*.c, grub_dropin.c), each rule
 * against what the loader's own code does (cited in the sources): GRUB's
 * blscfg, systemd-boot's entries and default, GRUB's menu choice and
 * script words, 10_linux's lines, numacma's drop-in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "basic/util.h"
#include "bootcfg/grub_cfg_parse.h"
#include "bootcfg/grub_dropin.h"
#include "bootcfg/grub_shell.h"
#include "bootcfg/loader_blscfg.h"
#include "bootcfg/loader_grub_menu.h"
#include "bootcfg/loader_grub_mkconfig.h"
#include "bootcfg/loader_sdboot.h"
#include "test-tree.h"

static void test_blscfg_reads(void **state) {
        static const char e1[] = "title F\r\nversion 6.9\nlinux /vmlinuz-6.9\n# a comment\noptions root=/dev/x ro\noptions quiet\n";
        BlscfgEntry e;
        assert_int_equal(blscfg_parse(e1, strlen(e1), &e), 0);
        /* '\r' dropped, the first options only, every line read */
        assert_string_equal(e.title, "F");
        assert_string_equal(e.options, "root=/dev/x ro");
        assert_int_equal(e.read_end, strlen(e1));
        assert_int_equal(e.stop_line, 0);
        assert_int_equal(e.options_at, strstr(e1, "options root") - e1);
        blscfg_entry_done(&e);

        /* A blank line ends the entry: the options after it are not read. */
        static const char e2[] = "title F\nlinux /v\n\noptions root=/dev/x\n";
        assert_int_equal(blscfg_parse(e2, strlen(e2), &e), 0);
        assert_null(e.options);
        assert_int_equal(e.stop_line, 3);
        assert_int_equal(e.read_end, strlen("title F\nlinux /v\n"));
        blscfg_entry_done(&e);

        /* "options" and a blank only: no value, the end of reading. */
        static const char e3[] = "linux /v\noptions \noptions a\n";
        assert_int_equal(blscfg_parse(e3, strlen(e3), &e), 0);
        assert_null(e.options);
        assert_int_equal(e.stop_line, 2);
        blscfg_entry_done(&e);

        /* The key ends at the first space, else a tab: "options<TAB>a b"
         * has the key "options<TAB>a". */
        static const char e4[] = "linux /v\noptions\ta b\n";
        assert_int_equal(blscfg_parse(e4, strlen(e4), &e), 0);
        assert_null(e.options);
        blscfg_entry_done(&e);
        static const char e5[] = "linux /v\noptions\tab\n";
        assert_int_equal(blscfg_parse(e5, strlen(e5), &e), 0);
        assert_string_equal(e.options, "ab");
        blscfg_entry_done(&e);

        assert_int_equal(blscfg_parse("a b\0c", 5, &e), -EBADMSG);
}

static void test_blscfg_options(void **state) {
        GrubVars v = {0};
        assert_int_equal(grub_vars_set(&v, "kernelopts", "root=/dev/r ro"), 0);
        assert_int_equal(grub_vars_set(&v, "default_kernelopts", "root=/dev/d"), 0);
        BlscfgEntry e = { .options = (char *) "$kernelopts $tuned_params" };
        _cleanup_free_ char *a = blscfg_options(&e, &v);
        /* expand_val(): a set variable and a blank, an unset one nothing */
        assert_string_equal(a, "root=/dev/r ro ");
        e.options = NULL;
        _cleanup_free_ char *b = blscfg_options(&e, &v);
        assert_string_equal(b, "root=/dev/d");
        grub_vars_done(&v);
}

static void test_blscfg_order(void **state) {
        /* bls_cmp(): newest first by NAME-VERSION-RELEASE of the file name */
        assert_true(blscfg_compare("m-6.9.1-100.fc40.x86_64", "m-6.8.5-301.fc40.x86_64") < 0);
        assert_true(blscfg_compare("m-6.8.5-301.fc40.x86_64", "m-6.9.1-100.fc40.x86_64") > 0);
        assert_true(blscfg_compare("m-6.10.0-1.fc40.x86_64", "m-6.9.1-100.fc40.x86_64") < 0);
        assert_int_equal(blscfg_compare("m-6.9-1.x", "m-6.9-1.x"), 0);
        /* '~' sorts before everything (rpm) */
        assert_true(blscfg_compare("m-6.9-1", "m-6.9~rc1-1") < 0);
}

static void test_sdboot_entry(void **state) {
        SdbootEntry e;
        assert_int_equal(sdboot_entry_parse("Arch+3-1.CONF", "title  T \r  options \"a b\"\noptions c\nlinux /k\n# x\nversion\n", &e), 0);
        assert_string_equal(e.id, "arch.conf");
        assert_int_equal(e.tries_left, 3);
        assert_int_equal(e.tries_done, 1);
        assert_string_equal(e.title, "T");
        /* a value that is one quoted string is unquoted; lines joined */
        assert_string_equal(e.options, "a b c");
        assert_true(e.bootable);
        sdboot_entry_done(&e);
        assert_int_equal(sdboot_entry_parse("x.conf", "title only\n", &e), 0);
        assert_false(e.bootable);
        assert_string_equal(e.options, "");
        sdboot_entry_done(&e);
        assert_true(sdboot_entry_name("a.CONF"));
        assert_false(sdboot_entry_name("auto-windows.conf"));
        assert_false(sdboot_entry_name(".hidden.conf"));
}

static void test_sdboot_verscmp(void **state) {
        /* The order strverscmp_improved()'s own comment gives. */
        static const char *const v[] = { "122.1", "123~rc1-1", "123", "123-a", "123-a.1", "123-1", "123-1.1",
                                         "123^post1", "123.a-1", "123.1-1", "123a-1", "124-1" };
        for (size_t i = 0; i + 1 < ELEMENTSOF(v); i++) {
                if (sdboot_verscmp(v[i], v[i + 1]) >= 0)
                        fail_msg("'%s' is not older than '%s'", v[i], v[i + 1]);
                assert_true(sdboot_verscmp(v[i + 1], v[i]) > 0);
        }
        assert_int_equal(sdboot_verscmp("00123", "123"), 0);
}

static SdbootEntry sd(const char *file, const char *text) {
        SdbootEntry e;
        assert_int_equal(sdboot_entry_parse(file, text, &e), 0);
        return e;
}

static void test_sdboot_choose(void **state) {
        SdbootEntry e[3] = {
                sd("b-6.9.conf", "sort-key debian\nversion 6.9\nlinux /k\n"),
                sd("a-6.8.conf", "sort-key debian\nversion 6.8\nlinux /k\n"),
                sd("zz-old.conf", "linux /k\n"),
        };
        /* sort-key entries first, newest version first; without one after */
        assert_true(sdboot_compare(&e[0], &e[1]) < 0);
        assert_true(sdboot_compare(&e[1], &e[2]) < 0);
        SdbootDefaults d = {0};
        bool once;
        assert_int_equal(sdboot_choose(e, 3, &d, &once), 0);
        d.conf_default = strdup("a-*");
        assert_int_equal(sdboot_choose(e, 3, &d, &once), 1);
        d.efi_default = strdup("zz-old.conf");
        assert_int_equal(sdboot_choose(e, 3, &d, &once), 2);
        assert_false(once);
        d.oneshot = strdup("b-6.9.conf");
        assert_int_equal(sdboot_choose(e, 3, &d, &once), 0);
        assert_true(once);
        free(d.oneshot);
        d.oneshot = NULL;
        /* @saved: LoaderEntryLastBooted */
        free(d.efi_default);
        d.efi_default = strdup("@saved");
        d.last_booted = strdup("a-6.8.conf");
        assert_int_equal(sdboot_choose(e, 3, &d, &once), 1);
        sdboot_defaults_done(&d);
        for (size_t i = 0; i < 3; i++)
                sdboot_entry_done(&e[i]);
}

static void efivar(const char *root, const char *name, const char *value) {
        _cleanup_free_ char *p = strdup_printf("/sys/firmware/efi/efivars/%s-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", name);
        /* The attributes (4 bytes), then the value in UTF-16LE with its NUL. */
        size_t n = 4 + 2 * (strlen(value) + 1);
        _cleanup_free_ char *b = calloc(1, n);
        assert_non_null(b);
        b[0] = 7;
        for (size_t i = 0; value[i]; i++)
                b[4 + 2 * i] = value[i];
        put_bytes(root, p, b, n);
}

static void test_sdboot_efivars(void **state) {
        char *root = make_root();
        efivar(root, "LoaderEntryOneShot", "Fedora-6.9.CONF");
        efivar(root, "LoaderEntryDefault", "@saved");
        SdbootDefaults d;
        assert_int_equal(sdboot_defaults_load(root, "timeout 3\ndefault @other\n", &d), 0);
        assert_string_equal(d.oneshot, "fedora-6.9.conf");
        assert_string_equal(d.efi_default, "@saved");
        assert_null(d.last_booted);
        assert_null(d.conf_default);  /* '@' names only @saved */
        sdboot_defaults_done(&d);
        assert_int_equal(sdboot_defaults_load(root, "default \"Debian-*\"\n", &d), 0);
        assert_string_equal(d.conf_default, "debian-*");
        sdboot_defaults_done(&d);
        rm_root(root);
}

static void test_grub_words(void **state) {
        GrubVars v = {0};
        _cleanup_strv_free_ char **w = NULL;
        assert_int_equal(grub_vars_set(&v, "two", "a  b"), 0);
        assert_int_equal(grub_script_words("x dyndbg=\"file foo.c +p\" $empty 'q $two' \"$two\" $two \\$two z\\ y", &v, &w), 0);
        static const char *const want[] = { "x", "dyndbg=file foo.c +p", "q $two", "a  b", "a", "b", "$two", "z y", NULL };
        for (size_t i = 0; want[i] || w[i]; i++)
                assert_string_equal(strempty(w[i]), strempty(want[i]));
        _cleanup_free_ char *line = grub_loader_cmdline(w + 1);
        assert_string_equal(line, "\"dyndbg=file foo.c +p\" \"q $two\" \"a  b\" a b $two \"z y\"");
        grub_vars_done(&v);
}

static const char menu[] =
        "if [ -s $prefix/grubenv ]; then\n  set have_grubenv=true\n  load_env\nfi\n"
        "if [ \"${next_entry}\" ] ; then\n   set default=\"${next_entry}\"\n   set next_entry=\n   save_env next_entry\n"
        "   set boot_once=true\nelse\n   set default=\"${saved_entry}\"\nfi\n"
        "set kopts=\"from cfg\"\n"
        "menuentry 'D' $menuentry_id_option 'gnulinux-simple-u' {\n\tlinux\t/boot/vmlinuz-1 root=u ro $kopts\n}\n"
        "submenu 'Advanced options for D' $menuentry_id_option 'gnulinux-advanced-u' {\n"
        "\tmenuentry 'D, with Linux 1' $menuentry_id_option 'gnulinux-1-advanced-u' {\n\t\tlinux\t/boot/vmlinuz-1 root=u ro\n\t}\n"
        "\tmenuentry 'D, with Linux 1 (recovery mode)' $menuentry_id_option 'gnulinux-1-recovery-u' {\n\t\tlinux\t/boot/vmlinuz-1 root=u ro single\n\t}\n"
        "}\n"
        "if [ \"x$default\" = 'D, with Linux 1 (recovery mode)' ]; then default='Advanced options for D>D, with Linux 1 (recovery mode)'; fi;\n";

static const GrubEntry *choose(const GrubCfg *c, const char *env, char **ret_once) {
        GrubVars v = {0};
        GrubChoice ch;
        assert_int_equal(grub_menu_choose(c, env, NULL, &v, &ch), 0);
        const GrubEntry *e = ch.entry;
        *ret_once = TAKE_PTR(ch.once);
        grub_choice_done(&ch);
        grub_vars_done(&v);
        return e;
}

static void test_grub_menu(void **state) {
        GrubCfg c;
        _cleanup_free_ char *once = NULL;
        assert_int_equal(grub_cfg_parse(menu, &c), 0);
        assert_int_equal(c.n, 3);
        /* saved_entry by id, through the submenu */
        assert_ptr_equal(choose(&c, "# GRUB Environment Block\nsaved_entry=gnulinux-advanced-u>gnulinux-1-recovery-u\n#", &once), &c.entries[2]);
        assert_null(once);
        /* grub-reboot's next_entry wins, once */
        assert_ptr_equal(choose(&c, "# GRUB Environment Block\nnext_entry=1>0\nsaved_entry=0\n#", &once), &c.entries[1]);
        assert_string_equal(once, "1>0");
        free(TAKE_PTR(once));
        /* the title correction: an old title becomes its path */
        assert_ptr_equal(choose(&c, "# GRUB Environment Block\nsaved_entry=D, with Linux 1 (recovery mode)\n#", &once), &c.entries[2]);
        /* no grubenv: default is "" -> the first */
        assert_ptr_equal(choose(&c, NULL, &once), &c.entries[0]);
        /* grub.cfg's own variables reach the linux line */
        GrubVars v = {0};
        GrubChoice ch;
        assert_int_equal(grub_menu_choose(&c, NULL, NULL, &v, &ch), 0);
        _cleanup_strv_free_ char **w = NULL;
        assert_int_equal(grub_script_words(ch.entry->args, &v, &w), 0);
        assert_string_equal(w[2], "from");
        grub_choice_done(&ch);
        grub_vars_done(&v);
        grub_cfg_done(&c);
}

static void test_grub_pick_flavors(void **state) {
        char *titles[] = { (char *) "Fedora (0-rescue)", (char *) "Fedora (6.9)" };
        char *ids[] = { (char *) "4e2f-0-rescue", (char *) "4e2f-6.9" };
        /* upstream: "4e2f-6.9" is the number 4 (out of range: none) */
        assert_int_equal(grub_menu_pick("4e2f-6.9", titles, ids, 2, GRUB_UPSTREAM), -1);
        /* rhboot: ids first */
        assert_int_equal(grub_menu_pick("4e2f-6.9", titles, ids, 2, GRUB_RHBOOT), 1);
        assert_int_equal(grub_menu_pick("Fedora (6.9)", titles, ids, 2, GRUB_RHBOOT), 1);
        assert_int_equal(grub_menu_pick("1", titles, ids, 2, GRUB_RHBOOT), 1);
        assert_int_equal(grub_menu_pick("1x", titles, ids, 2, GRUB_RHBOOT), -1);
        assert_int_equal(grub_menu_pick("1x", titles, ids, 2, GRUB_UPSTREAM), 1);
        assert_int_equal(grub_menu_pick("010", titles, ids, 2, GRUB_UPSTREAM), -1);  /* octal 8 */
        assert_int_equal(grub_menu_pick("01", titles, ids, 2, GRUB_UPSTREAM), 1);
}

static void test_linux10(void **state) {
        _cleanup_free_ char *init = NULL;
        assert_int_equal(linux10_kind("gnulinux-simple-u-1", &init), LINUX10_SIMPLE);
        assert_int_equal(linux10_kind("gnulinux-6.1.0-18-amd64-advanced-0f6d-1", &init), LINUX10_ADVANCED);
        assert_int_equal(linux10_kind("gnulinux-6.1.0-18-amd64-recovery-/dev/vda", &init), LINUX10_RECOVERY);
        assert_int_equal(linux10_kind("gnulinux-6.1-init-systemd-u", &init), LINUX10_INIT);
        assert_string_equal(init, "systemd");
        free(init);  /* each call sets it anew */
        init = NULL;
        assert_int_equal(linux10_kind("osprober-chain-1", &init), LINUX10_OTHER);

        ShellVars v = {0};
        assert_int_equal(shell_vars_set(&v, "GRUB_CMDLINE_LINUX", "console=ttyS0"), 0);
        assert_int_equal(shell_vars_set(&v, "GRUB_CMDLINE_LINUX_DEFAULT", "quiet splash"), 0);
        Linux10 deb = {0}, ubu = { .ubuntu_recovery = true, .vt_handoff = true, .recovery_menu = true };
        char *inits[] = { (char *) "systemd:/lib/systemd/systemd", NULL };
        deb.inits = inits;
        const struct { Linux10 *l; Linux10Kind k; const char *want; } t[] = {
                { &deb, LINUX10_SIMPLE, "console=ttyS0 quiet splash" },
                { &deb, LINUX10_RECOVERY, "single console=ttyS0" },
                { &deb, LINUX10_INIT, "console=ttyS0 quiet splash init=/lib/systemd/systemd" },
                { &ubu, LINUX10_ADVANCED, "console=ttyS0 quiet splash $vt_handoff" },
                { &ubu, LINUX10_RECOVERY, "recovery nomodeset console=ttyS0" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *a = NULL;
                assert_int_equal(linux10_args(t[i].l, &v, t[i].k, "systemd", &a), 0);
                assert_string_equal(a, t[i].want);
        }
        /* The default in the menu update-grub will write: 2 kernels, one
         * init entry, recovery: the submenu holds 3 entries per kernel. */
        static const struct { const char *def; Linux10Kind k; } d[] = {
                { "0", LINUX10_SIMPLE }, { "1", LINUX10_ADVANCED }, { "1>1", LINUX10_INIT }, { "1>2", LINUX10_RECOVERY },
                { "1>3", LINUX10_ADVANCED }, { "1>6", LINUX10_OTHER }, { "2", LINUX10_OTHER }, { "x>gnulinux-1-recovery-u", LINUX10_RECOVERY },
                { "Debian GNU/Linux", LINUX10_OTHER },
        };
        for (size_t i = 0; i < ELEMENTSOF(d); i++) {
                _cleanup_free_ char *in = NULL;
                if (linux10_kind_of_default(&deb, &v, 2, d[i].def, &in) != d[i].k)
                        fail_msg("'%s' is not kind %d", d[i].def, d[i].k);
        }
        assert_int_equal(shell_vars_set(&v, "GRUB_DISABLE_SUBMENU", "y"), 0);
        _cleanup_free_ char *in2 = NULL;
        assert_int_equal(linux10_kind_of_default(&deb, &v, 2, "2", &in2), LINUX10_RECOVERY);
        _cleanup_strv_free_ char **s = NULL;
        assert_int_equal(linux10_strip_generated("root=UUID=x ro rootflags=subvol=@ quiet", &s), 0);
        assert_string_equal(s[0], "quiet");
        assert_null(s[1]);
        shell_vars_done(&v);
}

static void test_dropin(void **state) {
        static const char old[] =
                "# Written by numacma (numacmactl apply): per-NUMA-node CMA pools for\n"
                "# coherent DMA. numacma rewrites or removes this file; put your own\n"
                "# arguments elsewhere. The policy is /etc/numacma.conf; see\n"
                "# 'numacmactl status'.\n"
                "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} numa_cma=0:64M foreign\"\n"
                "# mine\nGRUB_TIMEOUT=7\n";
        GrubDropin d;
        assert_int_equal(grub_dropin_parse(old, &d), 0);
        assert_int_equal(d.assign, 4);
        assert_string_equal(d.tokens[0], "numa_cma=0:64M");
        assert_string_equal(d.tokens[1], "foreign");
        _cleanup_free_ char *f = grub_dropin_foreign(&d);
        assert_string_equal(f, "line 6: '# mine', line 7: 'GRUB_TIMEOUT=7'");
        char *tokens[] = { (char *) "numa_cma=1:32M", NULL };
        _cleanup_free_ char *a = NULL, *b = NULL;
        assert_int_equal(grub_dropin_format(&d, tokens, false, &a), 0);
        assert_non_null(strstr(a, "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} numa_cma=1:32M\"\n# mine\nGRUB_TIMEOUT=7\n"));
        assert_null(strstr(a, "rewrites or removes this file"));
        /* numacma's lines go, the others stay */
        assert_int_equal(grub_dropin_format(&d, NULL, false, &b), 0);
        assert_string_equal(b, "# mine\nGRUB_TIMEOUT=7\n");
        grub_dropin_done(&d);
        /* nothing but numacma's: the file goes */
        assert_int_equal(grub_dropin_parse(a, &d), 0);
        _cleanup_free_ char *c = NULL;
        GrubDropin only = { .assign = -1 };
        assert_int_equal(grub_dropin_parse("GRUB_CMDLINE_LINUX=\"x ${GRUB_CMDLINE_LINUX}\"\n", &only), 0);
        assert_true(only.prepend);
        assert_int_equal(grub_dropin_format(&only, NULL, false, &c), 0);
        assert_null(c);
        grub_dropin_done(&only);
        grub_dropin_done(&d);
}

static void test_shell_unset(void **state) {
        ShellVars v = {0};
        static const char text[] = "A=1\nB=2\nunset A GRUB_HIDDEN_TIMEOUT\nC=$A$B\n";
        assert_int_equal(shell_eval(&v, text, strlen(text), NULL), 0);
        assert_null(shell_vars_find(&v, "A"));
        assert_string_equal(shell_vars_find(&v, "C")->value, "2");
        shell_vars_done(&v);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_blscfg_reads),
                cmocka_unit_test(test_blscfg_options),
                cmocka_unit_test(test_blscfg_order),
                cmocka_unit_test(test_sdboot_entry),
                cmocka_unit_test(test_sdboot_verscmp),
                cmocka_unit_test(test_sdboot_choose),
                cmocka_unit_test(test_sdboot_efivars),
                cmocka_unit_test(test_grub_words),
                cmocka_unit_test(test_grub_menu),
                cmocka_unit_test(test_grub_pick_flavors),
                cmocka_unit_test(test_linux10),
                cmocka_unit_test(test_dropin),
                cmocka_unit_test(test_shell_unset),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
