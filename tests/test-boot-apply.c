/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl apply on the trees tests/boot/make-trees builds (Debian GRUB,
 * Fedora BLS with and without grubby, systemd-boot): apply, re-apply,
 * policy change, removal, the administrator's arguments, a lost ownership
 * record, failure injection at every write, a failing update-grub. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <sys/stat.h>

#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "bootcfg/grub_defaults.h"
#include "bootcfg/grub_defaults_edit.h"
#include "bootcfg/owned.h"
#include "kernel/cmdline.h"
#include "snapshot/snapshot.h"
#include "test-tree.h"

#define TREES SRCDIR "/tests/boot/trees"
#define ENTRY_BLS "/boot/loader/entries/4e2f5a8c0d9b4a7e8f1c2b3a4d5e6f70-7.2.13+deb14-amd64.conf"
#define ENTRY_RESCUE "/boot/loader/entries/4e2f5a8c0d9b4a7e8f1c2b3a4d5e6f70-0-rescue-4e2f5a8c0d9b4a7e8f1c2b3a4d5e6f70.conf"
#define ENTRY_SDBOOT "/boot/efi/loader/entries/4e2f5a8c0d9b4a7e8f1c2b3a4d5e6f70-7.2.13+deb14-amd64.conf"
#define PLAN "numa_cma=0:64M,1:100M"
#define PLAN32 "cma_pernuma=32M"
#define DROPIN "/etc/default/grub.d/90-numacma.cfg"

static char *base;

static int group_setup(void **state) {
        /* Many small trees, each write fsynced: tmpfs when there is one. */
        base = make_root_below(true);
        return 0;
}

static int group_teardown(void **state) {
        rm_root(base);
        return 0;
}

/* A fresh copy of a tree; returns its root (caller frees). */
static char *tree(const char *name) {
        return copy_tree(base, TREES, name);
}

static char *slurp(const char *root, const char *path) {
        char *s = NULL;
        if (read_full_file_root(root, path, &s, NULL) < 0)
                return NULL;
        return s;
}

static size_t count(const char *hay, const char *needle) {
        size_t n = 0;
        for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
                n++;
        return n;
}

/* The apply's file and command seam: the n-th write (1-based) fails the
 * way write_file_atomic() can fail at a step (1-4: before the rename, the
 * old file stays; 5: the directory fsync after it, the new file is there);
 * commands run below the root too, found through PATH. */
typedef struct {
        unsigned fail_write, n_writes;
        int fail_step;
} Fault;
static Fault fault;

static int faulty_write(void *userdata, const char *full, const char *content, mode_t mode) {
        Fault *f = userdata;
        bool hit = f->fail_write && ++f->n_writes == f->fail_write;
        if (hit && f->fail_step < 5)
                return -EIO;
        int r = boot_io_default.write(NULL, full, content, mode);
        return hit && r >= 0 ? -EIO : r;
}

static BootIO test_io = { .write = faulty_write, .userdata = &fault };

/* The snapshot and its apply, as numacmactl apply does. */
static int apply(const char *root, BootApplyFlags flags, BootApplyResult *res) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_snapshot_ Snapshot *s = NULL;
        int r = snapshot_new(root, NULL, 0, &errs, &s);
        assert_int_equal(r, 0);
        test_io.run = boot_io_default.run;
        fault.n_writes = 0;
        return snapshot_apply(s, false, flags, &test_io, res);
}

static int apply_ok(const char *root) {
        BootApplyResult res = {0};
        int r = apply(root, 0, &res);
        if (r < 0)
                fail_msg("apply failed: %s", strna(res.error));
        int n = (int) strv_length(res.changed);
        boot_apply_result_done(&res);
        return n;
}

static Snapshot *status_of(const char *root) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        Snapshot *s = NULL;
        assert_int_equal(snapshot_new(root, NULL, 0, &errs, &s), 0);
        return s;
}

/* Every regular file below root with content and mtime, for "nothing changed". */
static StrBuf snap_buf;
static const char *snap_root;
static int snap_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
        if (flag != FTW_F || strstr(p, "/sys/") || strstr(p, "/proc/"))
                return 0;
        _cleanup_free_ char *c = slurp(NULL, p);
        strbuf_printf(&snap_buf, "%s %lld.%09ld %o\n%s\n", p + strlen(snap_root), (long long) st->st_mtim.tv_sec,
                      st->st_mtim.tv_nsec, st->st_mode, strempty(c));
        return 0;
}
static char *snapshot(const char *root) {
        snap_buf = (StrBuf){0};
        snap_root = root;
        strbuf_append(&snap_buf, "");
        nftw(root, snap_one, 16, FTW_PHYS);
        return strbuf_steal(&snap_buf);
}

/* The files a layout keeps numacma's tokens in. */
static const char *const *files_of(const char *name) {
        static const char *const grub[] = { DROPIN, NULL };
        static const char *const bls[] = { ENTRY_BLS, ENTRY_RESCUE, "/etc/kernel/cmdline", NULL };
        static const char *const sdb[] = { ENTRY_SDBOOT, "/etc/kernel/cmdline", NULL };
        return streq(name, "debian-grub") ? grub : streq(name, "sdboot") ? sdb : bls;
}

static const char *const layouts[] = { "debian-grub", "fedora-bls", "fedora-grubby", "sdboot" };

static void check_once(const char *root, const char *name, const char *token) {
        for (const char *const *f = files_of(name); *f; f++) {
                _cleanup_free_ char *c = slurp(root, *f);
                assert_non_null(c);
                if (count(c, token) != 1)
                        fail_msg("%s: '%s' %zu times in %s", name, token, count(c, token), *f);
        }
}

static void check_none(const char *root, const char *name, const char *token) {
        for (const char *const *f = files_of(name); *f; f++) {
                _cleanup_free_ char *c = slurp(root, *f);
                if (c && count(c, token))
                        fail_msg("%s: '%s' still in %s", name, token, *f);
        }
}

static void test_apply_reapply_change_remove(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(layouts); i++) {
                _cleanup_free_ char *root = tree(layouts[i]);
                assert_true(apply_ok(root) > 0);
                check_once(root, layouts[i], PLAN);
                /* The administrator's quoted token and cma= are untouched. */
                for (const char *const *f = files_of(layouts[i]); *f && !streq(layouts[i], "debian-grub"); f++) {
                        _cleanup_free_ char *c = slurp(root, *f);
                        assert_int_equal(count(c, "cma=64M dyndbg=\"file foo.c +p\""), 1);
                }

                /* Idempotent: nothing written, not even mtime. */
                _cleanup_free_ char *once = snapshot(root);
                assert_int_equal(apply_ok(root), 0);
                _cleanup_free_ char *twice = snapshot(root);
                assert_string_equal(once, twice);

                /* Policy change: the old token goes, the new one comes once. */
                put(root, "/etc/numacma.conf", "[pools]\nsize = 32M\nper_accelerator = 0\n");
                assert_true(apply_ok(root) > 0);
                check_once(root, layouts[i], PLAN32);
                check_none(root, layouts[i], PLAN);

                /* nodes = none: numacma's tokens go, and the files are as
                 * they were byte for byte. */
                put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
                assert_true(apply_ok(root) > 0);
                check_none(root, layouts[i], "numa_cma");
                for (const char *const *f = files_of(layouts[i]); *f; f++) {
                        _cleanup_free_ char *was = NULL, *now = slurp(root, *f);
                        _cleanup_free_ char *src = strdup_printf("%s/%s", TREES, layouts[i]);
                        was = slurp(src, *f);
                        assert_true(streq_ptr(was, now));
                }
                _cleanup_snapshot_ Snapshot *s = status_of(root);
                assert_null(s->next.owned ? s->next.owned[0] : NULL);
                assert_null(s->next.last_error);
        }
}

static void test_dry_run_changes_nothing(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(layouts); i++) {
                _cleanup_free_ char *root = tree(layouts[i]);
                _cleanup_free_ char *before = snapshot(root);
                BootApplyResult res = {0};
                assert_int_equal(apply(root, BOOT_APPLY_DRY_RUN, &res), 0);
                /* Every file numacma keeps tokens in shows up with the token added. */
                for (const char *const *f = files_of(layouts[i]); *f; f++) {
                        _cleanup_free_ char *hdr = strdup_printf("+++ b/%s\n", *f + 1);
                        assert_non_null(strstr(res.diff, hdr));
                }
                assert_true(count(res.diff, "+" ) > 0 && count(res.diff, PLAN) >= 1);
                if (streq(layouts[i], "debian-grub"))
                        assert_string_equal(res.commands[0], "update-grub");
                boot_apply_result_done(&res);
                _cleanup_free_ char *after = snapshot(root);
                assert_string_equal(before, after);
        }
}

/* The administrator's numa_cma= wins (respect_admin_args = yes). */
static void test_admin_args(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(layouts); i++) {
                _cleanup_free_ char *root = tree(layouts[i]);
                const char *const *files = files_of(layouts[i]);
                if (streq(layouts[i], "debian-grub")) {
                        sh("sed -i 's/cma=64M/cma=64M numa_cma=1:32M/' '%s/boot/grub/grub.cfg' '%s/etc/default/grub'", root, root);
                } else
                        for (const char *const *f = files; *f; f++)
                                sh("sed -i 's/cma=64M/cma=64M numa_cma=1:32M/' '%s%s'", root, *f);
                apply_ok(root);
                _cleanup_free_ char *c = slurp(root, streq(layouts[i], "debian-grub") ? "/etc/default/grub" : files[0]);
                assert_int_equal(count(c, "numa_cma="), 1);
                assert_int_equal(count(c, "numa_cma=1:32M"), 1);
                if (streq(layouts[i], "debian-grub"))
                        assert_false(exists_root(root, DROPIN));
                _cleanup_snapshot_ Snapshot *s = status_of(root);
                assert_true(s->plan->admin_conflict);
                assert_null(s->plan->args ? s->plan->args[0] : NULL);
        }
}

/* The record lost: a re-apply converges without a duplicate, and a token
 * numacma cannot prove it wrote is never removed (it may be the
 * administrator's), and status says so. */
static void test_lost_record(void **state) {
        for (size_t i = 1; i < ELEMENTSOF(layouts); i++) {
                _cleanup_free_ char *root = tree(layouts[i]);
                apply_ok(root);
                _cleanup_free_ char *rec = root_join(root, OWNED_PATH);
                assert_int_equal(unlink(rec), 0);
                apply_ok(root);
                check_once(root, layouts[i], PLAN);
                /* Nothing written, so no record either. */
                _cleanup_free_ char *r = slurp(root, OWNED_PATH);
                assert_null(r);
                _cleanup_snapshot_ Snapshot *s = status_of(root);
                assert_true(s->plan->admin_conflict);
                put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
                apply_ok(root);
                check_once(root, layouts[i], PLAN);
                _cleanup_free_ char *kc = slurp(root, "/etc/kernel/cmdline");
                assert_int_equal(count(kc, "dyndbg"), 1);
        }
}

/* With no record at all, status explains why numacma leaves the tokens. */
static void test_lost_record_explained(void **state) {
        _cleanup_free_ char *root = tree("fedora-bls");
        apply_ok(root);
        _cleanup_free_ char *rec = root_join(root, OWNED_PATH);
        assert_int_equal(unlink(rec), 0);
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        bool said = false;
        FOREACH_PROBLEM(p, &s->status->problems)
                said = said || (p->code == PROBLEM_NO_OWNERSHIP_RECORD && strstr(p->text, "no ownership record"));
        assert_true(said);
}

/* A record that lies: tokens numacma never writes are ignored, reported,
 * and stay in every file. */
static void test_record_that_lies(void **state) {
        for (size_t i = 1; i < ELEMENTSOF(layouts); i++) {
                _cleanup_free_ char *root = tree(layouts[i]);
                apply_ok(root);
                put(root, OWNED_PATH, "backend bls\ntoken " PLAN "\ntoken cma=64M\ntoken quiet\ntoken root=UUID=0f6d1bd5-7c3e-4a2b-9d1e-5b6a7c8d9e0f\n");
                put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
                apply_ok(root);
                check_none(root, layouts[i], "numa_cma");
                for (const char *const *f = files_of(layouts[i]); *f; f++) {
                        _cleanup_free_ char *c = slurp(root, *f);
                        assert_int_equal(count(c, "cma=64M"), 1);
                }
                _cleanup_snapshot_ Snapshot *s = status_of(root);
                assert_null(s->next.owned[0]);
        }
}

/* A record that exists but does not name a token: the token is the
 * administrator's, even when numacma would write the same. */
static void test_record_without_token_is_admin(void **state) {
        _cleanup_free_ char *root = tree("fedora-bls");
        apply_ok(root);
        put(root, OWNED_PATH, "backend bls\n");
        apply_ok(root);
        check_once(root, "fedora-bls", PLAN);
        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(root);
        check_once(root, "fedora-bls", PLAN);
}

/* Every write of an apply fails at every step: each file is old or new,
 * the failure is recorded, and the next apply converges and clears it. */
static void test_fail_every_write(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(layouts); i++) {
                _cleanup_free_ char *ref = tree(layouts[i]);
                unsigned writes = (unsigned) apply_ok(ref);
                assert_true(writes > 0);
                for (unsigned w = 1; w <= writes; w++)
                        for (int step = 1; step <= 5; step++) {
                                _cleanup_free_ char *root = tree(layouts[i]);
                                BootApplyResult res = {0};
                                fault.fail_write = w;
                                fault.fail_step = step;
                                int r = apply(root, 0, &res);
                                fault.fail_write = 0;
                                fault.fail_step = 0;
                                assert_true(r < 0);
                                assert_non_null(res.error);
                                boot_apply_result_done(&res);
                                _cleanup_free_ char *src = strdup_printf("%s/%s", TREES, layouts[i]);
                                for (const char *const *f = files_of(layouts[i]); *f; f++) {
                                        _cleanup_free_ char *now = slurp(root, *f), *old = slurp(src, *f), *new = slurp(ref, *f);
                                        if (!streq_ptr(now, old) && !streq_ptr(now, new))
                                                fail_msg("%s write %u step %d: '%s' is neither old nor new", layouts[i], w, step, *f);
                                }
                                _cleanup_snapshot_ Snapshot *s = status_of(root);
                                assert_non_null(s->next.last_error);
                                assert_int_equal(s->status->state, STATE_DEGRADED);
                                apply_ok(root);
                                check_once(root, layouts[i], PLAN);
                                _cleanup_snapshot_ Snapshot *s2 = status_of(root);
                                assert_null(s2->next.last_error);
                        }
        }
}

/* A directory with fake programs first in PATH. */
static char *fake_path(const char *name, const char *script) {
        static unsigned n;
        char *dir = strdup_printf("%s/bin-%u", base, n++);
        assert_int_equal(mkdir_parents(dir, 0755), 0);
        _cleanup_free_ char *p = strdup_printf("%s/%s", dir, name);
        assert_true(write_file_atomic(p, script, strlen(script), 0755) >= 0);
        return dir;
}

static void with_path(const char *dir, char **saved) {
        const char *old = getenv("PATH");
        *saved = strdup(old ? old : "/usr/bin:/bin");
        _cleanup_free_ char *np = strdup_printf("%s:%s", dir, *saved);
        setenv("PATH", np, 1);
}

/* The fake grubby in PATH and commands run below the root; undone by
 * grubby_off(). */
static char *grubby_on(const char *name) {
        _cleanup_free_ char *bin = strdup_printf("%s/grubby-bin-%s", base, name);
        assert_int_equal(mkdir_parents(bin, 0755), 0);
        sh("ln -sf '%s/tests/boot/fake-grubby' '%s/grubby'", SRCDIR, bin);
        char *saved = NULL;
        with_path(bin, &saved);
        test_io.run_below_root = true;
        return saved;
}

static void grubby_off(char *saved) {
        test_io.run_below_root = false;
        setenv("PATH", saved, 1);
        free(saved);
}

static void test_update_grub_fails(void **state) {
        _cleanup_free_ char *root = tree("debian-grub");
        _cleanup_free_ char *bin = fake_path("update-grub", "#!/bin/sh\necho \"update-grub: $NUMACMA_ROOT\" >> \"$NUMACMA_ROOT/update-grub.log\"\nexit ${FAKE_EXIT:-0}\n");
        _cleanup_free_ char *saved = NULL, *cfg_before = slurp(root, "/boot/grub/grub.cfg");
        with_path(bin, &saved);
        test_io.run_below_root = true;

        setenv("FAKE_EXIT", "1", 1);
        BootApplyResult res = {0};
        assert_true(apply(root, 0, &res) < 0);
        assert_non_null(strstr(res.error, "'update-grub' failed with exit status 1"));
        boot_apply_result_done(&res);
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        assert_non_null(s->next.last_error);
        assert_int_equal(s->status->state, STATE_DEGRADED);
        _cleanup_free_ char *cfg_after = slurp(root, "/boot/grub/grub.cfg");
        assert_string_equal(cfg_before, cfg_after);

        /* Nothing else changed, but the failure makes the next apply run it again. */
        setenv("FAKE_EXIT", "0", 1);
        assert_int_equal(apply(root, 0, &res), 0);
        assert_string_equal(res.commands[0], "update-grub");
        boot_apply_result_done(&res);
        _cleanup_free_ char *log = slurp(root, "/update-grub.log");
        assert_int_equal(count(log, "update-grub:"), 2);
        _cleanup_snapshot_ Snapshot *s2 = status_of(root);
        assert_null(s2->next.last_error);

        test_io.run_below_root = false;
        unsetenv("FAKE_EXIT");
        setenv("PATH", saved, 1);
}

/* A later drop-in assigns GRUB_CMDLINE_LINUX outright: say so, write nothing. */
static void test_grub_override_detected(void **state) {
        _cleanup_free_ char *root = tree("debian-grub");
        put(root, "/etc/default/grub.d/95-image.cfg", "GRUB_CMDLINE_LINUX=\"console=tty0\"\n");
        BootApplyResult res = {0};
        assert_true(apply(root, 0, &res) < 0);
        assert_non_null(strstr(res.error, "95-image.cfg"));
        assert_null(res.changed);
        boot_apply_result_done(&res);
        assert_false(exists_root(root, DROPIN));
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        assert_non_null(s->next.last_error);
}

static void test_grubby(void **state) {
        _cleanup_free_ char *root = tree("fedora-grubby");
        char *saved = grubby_on("grubby");

        apply_ok(root);
        check_once(root, "fedora-grubby", PLAN);
        apply_ok(root);  /* nothing to do: grubby not run again */
        _cleanup_free_ char *log = slurp(root, "/grubby.log");
        /* One call per kernel, never ALL (see grubby.c). */
        assert_int_equal(count(log, "grubby "), 2);
        assert_int_equal(count(log, "--update-kernel=ALL"), 0);
        assert_non_null(strstr(log, "grubby --update-kernel=/vmlinuz-7.2.13+deb14-amd64 --args=" PLAN "\n"));

        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(root);
        check_none(root, "fedora-grubby", "numa_cma");
        free(log);
        log = slurp(root, "/grubby.log");
        /* Removal by the exact token, never by key. */
        assert_non_null(strstr(log, "--remove-args=" PLAN "\n"));

        /* grubby fails: a failure, recorded. */
        put(root, "/etc/numacma.conf", "");
        setenv("FAKE_GRUBBY_FAIL", "1", 1);
        BootApplyResult res = {0};
        assert_true(apply(root, 0, &res) < 0);
        boot_apply_result_done(&res);
        unsetenv("FAKE_GRUBBY_FAIL");
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        assert_non_null(s->next.last_error);

        grubby_off(saved);
}

static void test_next_boot_and_reboot_required(void **state) {
        _cleanup_free_ char *root = tree("sdboot");
        _cleanup_snapshot_ Snapshot *s0 = status_of(root);
        assert_string_equal(s0->next.backend, "systemd-boot");
        assert_string_equal(s0->next.release, "7.2.13+deb14-amd64");
        assert_int_equal(s0->status->state == STATE_PENDING_REBOOT, false);
        apply_ok(root);
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        assert_int_equal(s->status->state, STATE_PENDING_REBOOT);
        assert_non_null(strstr(s->next.cmdline, PLAN));
        _cleanup_free_ char *pkgs = slurp(root, "/run/reboot-required.pkgs");
        assert_string_equal(pkgs, "numacma\n");
        put(root, "/etc/numacma.conf", "[pools]\nsize = 32M\n");
        apply_ok(root);
        free(pkgs);
        pkgs = slurp(root, "/run/reboot-required.pkgs");
        assert_string_equal(pkgs, "numacma\n");
        _cleanup_free_ char *flag = slurp(root, "/run/reboot-required");
        assert_non_null(flag);

        /* GRUB: the default entry of grub.cfg, and every kernel it boots. */
        _cleanup_free_ char *g = tree("debian-grub");
        _cleanup_snapshot_ Snapshot *sg = status_of(g);
        assert_string_equal(sg->next.backend, "grub");
        assert_string_equal(sg->next.releases[0], "7.2.13+deb14-amd64");
        /* As the kernel gets it: GRUB's lexer takes the quotes off the word
         * and its linux command quotes the argument whole again
         * (grub_create_loader_cmdline()). */
        assert_non_null(strstr(sg->next.cmdline, "\"dyndbg=file foo.c +p\" console=ttyS0,115200 quiet cma=64M"));
}

/* The reader and sh agree on the trees' real files. */
static void test_grub_reader_matches_sh(void **state) {
        _cleanup_free_ char *root = tree("debian-grub");
        apply_ok(root);
        ShellVars a = {0}, b = {0};
        _cleanup_free_ char *ea = NULL, *eb = NULL;
        assert_int_equal(grub_defaults_merge(root, false, NULL, NULL, &a, &ea), 0);
        assert_int_equal(grub_defaults_merge(root, true, NULL, NULL, &b, &eb), 0);
        static const char *const vars[] = { "GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT", "GRUB_DEFAULT" };
        for (size_t i = 0; i < ELEMENTSOF(vars); i++) {
                const ShellVar *x = shell_vars_find(&a, vars[i]), *y = shell_vars_find(&b, vars[i]);
                assert_non_null(x);
                assert_non_null(y);
                assert_string_equal(x->value, y->value);
        }
        assert_string_equal(shell_vars_find(&a, "GRUB_CMDLINE_LINUX")->value,
                            "dyndbg=\"file foo.c +p\" console=ttyS0,115200 " PLAN);
        shell_vars_done(&a);
        shell_vars_done(&b);
}


static bool any_problem(const Snapshot *s, const char *needle) {
        FOREACH_PROBLEM(p, &s->status->problems)
                if (strstr(p->text, needle))
                        return true;
        return false;
}

/* GRUB: the administrator edited /etc/default/grub and has not run
 * update-grub. The plan is made against what numacma's own regeneration
 * will boot, status says grub.cfg is stale and how, and a second apply
 * answers as the first. */
static void test_grub_stale_cfg(void **state) {
        static const char *const edits[] = { "cma_pernuma=64M", "numa_cma=1:32M" };
        for (size_t i = 0; i < ELEMENTSOF(edits); i++) {
                _cleanup_free_ char *root = tree("debian-grub");
                sh("sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX=\"%s\"/' '%s/etc/default/grub'", edits[i], root);
                sh("touch -d '2020-01-01' '%s/boot/grub/grub.cfg'", root);
                _cleanup_snapshot_ Snapshot *s = status_of(root);
                assert_true(s->plan->admin_conflict);
                assert_null(s->plan->args ? s->plan->args[0] : NULL);
                assert_non_null(s->next.stale);
                _cleanup_free_ char *want = strdup_printf("adds '%s'", edits[i]);
                assert_non_null(strstr(s->next.stale, want));
                assert_non_null(strstr(s->next.stale, "is older than its sources"));
                assert_true(any_problem(s, want));
                apply_ok(root);
                _cleanup_free_ char *once = snapshot(root);
                assert_false(exists_root(root, DROPIN));
                apply_ok(root);
                _cleanup_free_ char *twice = snapshot(root);
                assert_string_equal(once, twice);
        }
}

/* /etc/default/grub and no grub.cfg: the next boot is unknown, and why. */
static void test_grub_without_cfg(void **state) {
        _cleanup_free_ char *root = tree("debian-grub");
        _cleanup_free_ char *cfg = root_join(root, "/boot/grub/grub.cfg");
        assert_int_equal(unlink(cfg), 0);
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        assert_null(s->next.cmdline);
        assert_non_null(strstr(s->next.unknown_reason, "no grub.cfg"));
        assert_true(any_problem(s, "no grub.cfg"));
        /* The plan still comes from the defaults. */
        assert_non_null(s->plan->args);
        assert_string_equal(s->plan->args[0], PLAN);
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        assert_non_null(f);
        assert_int_equal(status_print_human(f, s->status, 0), 0);
        fclose(f);
        assert_non_null(strstr(text, "Next boot: unknown (grub: there is no grub.cfg"));
        free(text);
}

/* The drop-in removed by hand before update-grub ran: grub.cfg still has
 * numacma's token and no source makes it. Removal regenerates grub.cfg. */
static void test_grub_dropin_gone_cfg_not(void **state) {
        _cleanup_free_ char *root = tree("debian-grub");
        apply_ok(root);
        /* What update-grub would have made of the drop-in. */
        sh("sed -i 's/cma=64M$/cma=64M " PLAN "/; s/\\(linux.*console=ttyS0,115200\\)/\\1 " PLAN "/' '%s/boot/grub/grub.cfg'", root);
        _cleanup_free_ char *dropin = root_join(root, DROPIN);
        assert_int_equal(unlink(dropin), 0);
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        assert_non_null(s->next.cmdline);
        assert_non_null(strstr(s->next.cmdline, PLAN));
        assert_non_null(s->next.stale);
        assert_non_null(strstr(s->next.stale, "drops '" PLAN "'"));
        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        BootApplyResult res = {0};
        assert_int_equal(apply(root, 0, &res), 0);
        assert_non_null(res.commands);
        assert_string_equal(res.commands[0], "update-grub");
        boot_apply_result_done(&res);
}

/* The drop-in with a token numacma never writes: kept, never removed. */
static void test_grub_record_that_lies(void **state) {
        _cleanup_free_ char *root = tree("debian-grub");
        apply_ok(root);
        sh("sed -i 's/\" *$/ quiet splash\"/' '%s" DROPIN "'", root);
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        assert_true(strv_contains(s->next.record_ignored, "quiet"));
        assert_true(any_problem(s, "names 'splash'"));
        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(root);
        _cleanup_free_ char *d = slurp(root, DROPIN);
        assert_non_null(d);
        assert_int_equal(count(d, "quiet"), 1);
        assert_int_equal(count(d, "splash"), 1);
        assert_int_equal(count(d, "numa_cma"), 0);
}

/* Links out of the root: an absolute one is the root's own (resolved
 * inside it, as the system there sees it); one that climbs above the root
 * is refused, naming it. Nothing outside the root is read or written. */
static void test_links_stay_in_root(void **state) {
        static const char *const layouts_l[] = { "fedora-bls", "sdboot" };
        for (size_t i = 0; i < ELEMENTSOF(layouts_l); i++) {
                _cleanup_free_ char *root = tree(layouts_l[i]);
                _cleanup_free_ char *outside = strdup_printf("%s/outside-%zu", base, i);
                sh("mkdir -p '%s' && cp '%s/etc/kernel/cmdline' '%s/cmdline'", outside, root, outside);
                sh("rm -rf '%s/etc/kernel' && ln -s '%s' '%s/etc/kernel'", root, outside, root);
                _cleanup_free_ char *before = slurp(outside, "/cmdline");
                apply_ok(root);
                _cleanup_free_ char *after = slurp(outside, "/cmdline");
                assert_string_equal(before, after);

                /* var climbing out of the root: refused by name, nothing outside written. */
                _cleanup_free_ char *r2 = tree(layouts_l[i]);
                _cleanup_free_ char *out2 = strdup_printf("%s/outside-var-%zu", base, i);
                sh("mkdir -p '%s' && rm -rf '%s/var' && ln -s ../../../../../../../../..'%s' '%s/var'", out2, r2, out2, r2);
                BootApplyResult res = {0};
                assert_true(apply(r2, 0, &res) < 0);
                assert_non_null(strstr(res.error, "leads out of the root"));
                assert_non_null(strstr(res.error, "'/var'"));
                boot_apply_result_done(&res);
                sh("test -z \"$(ls -A '%s')\"", out2);
        }
}

/* The administrator's per-node argument on one entry only (the rescue
 * entry), or on /etc/kernel/cmdline: that line keeps it alone; the others
 * get numacma's; removal never takes the administrator's. */
static void test_admin_arg_on_one_entry(void **state) {
        static const char *const args[] = { "numa_cma=1:32M", "cma_pernuma=16M", "numa-cma=0:8M" };
        for (size_t i = 0; i < ELEMENTSOF(args); i++) {
                _cleanup_free_ char *root = tree("fedora-bls");
                sh("sed -i 's/cma=64M/cma=64M %s/' '%s" ENTRY_RESCUE "'", args[i], root);
                apply_ok(root);
                _cleanup_free_ char *rescue = slurp(root, ENTRY_RESCUE), *def = slurp(root, ENTRY_BLS);
                assert_int_equal(count(rescue, args[i]), 1);
                assert_int_equal(count(rescue, PLAN), 0);
                assert_int_equal(count(def, PLAN), 1);
                put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
                apply_ok(root);
                free(rescue);
                rescue = slurp(root, ENTRY_RESCUE);
                assert_int_equal(count(rescue, args[i]), 1);
                check_none(root, "fedora-bls", PLAN);
        }
        /* /etc/kernel/cmdline with its own: kernels installed later keep the administrator's. */
        _cleanup_free_ char *root = tree("sdboot");
        sh("sed -i 's/cma=64M/cma=64M numa_cma=1:32M/' '%s/etc/kernel/cmdline'", root);
        apply_ok(root);
        _cleanup_free_ char *kc = slurp(root, "/etc/kernel/cmdline"), *e = slurp(root, ENTRY_SDBOOT);
        assert_int_equal(count(kc, "numa_cma="), 1);
        assert_int_equal(count(e, PLAN), 1);
}

/* grubby would replace the administrator's numa_cma= (--args deletes
 * every numa_cma= first): the entry that carries one is left alone, and
 * grubby edits only the other kernel's entry. */
static void test_grubby_spares_admin(void **state) {
        _cleanup_free_ char *root = tree("fedora-grubby");
        char *saved = grubby_on("spares-admin");
        sh("sed -i 's/cma=64M/cma=64M numa_cma=1:32M/' '%s" ENTRY_RESCUE "'", root);
        apply_ok(root);
        _cleanup_free_ char *rescue = slurp(root, ENTRY_RESCUE), *def = slurp(root, ENTRY_BLS);
        assert_int_equal(count(rescue, "numa_cma=1:32M"), 1);
        assert_int_equal(count(rescue, PLAN), 0);
        assert_int_equal(count(def, PLAN), 1);
        _cleanup_free_ char *log = slurp(root, "/grubby.log");
        assert_int_equal(count(log, "grubby "), 1);
        assert_non_null(strstr(log, "grubby --update-kernel=/vmlinuz-7.2.13+deb14-amd64 --args=" PLAN "\n"));
        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(root);
        free(rescue);
        rescue = slurp(root, ENTRY_RESCUE);
        assert_int_equal(count(rescue, "numa_cma=1:32M"), 1);
        grubby_off(saved);
}

/* grubby's layouts: GRUB_CMDLINE_LINUX in /etc/default/grub gets numacma's
 * token inside its quotes, the administrator's \" kept, and loses it again
 * byte for byte. */
static void test_grubby_etc_default_grub(void **state) {
        _cleanup_free_ char *root = tree("fedora-grubby");
        char *saved = grubby_on("default-grub");
        sh("sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX=\"rhgb quiet dyndbg=\\\\\"module mlx5_core +p\\\\\"\"/' '%s/etc/default/grub'", root);
        _cleanup_free_ char *orig = slurp(root, "/etc/default/grub");
        assert_non_null(strstr(orig, "GRUB_CMDLINE_LINUX=\"rhgb quiet dyndbg=\\\"module mlx5_core +p\\\"\"\n"));
        apply_ok(root);
        _cleanup_free_ char *now = slurp(root, "/etc/default/grub");
        assert_non_null(strstr(now, "GRUB_CMDLINE_LINUX=\"rhgb quiet dyndbg=\\\"module mlx5_core +p\\\" " PLAN "\"\n"));
        ShellVars v = {0};
        assert_int_equal(shell_eval(&v, now, strlen(now), NULL), 0);
        assert_string_equal(shell_vars_find(&v, "GRUB_CMDLINE_LINUX")->value, "rhgb quiet dyndbg=\"module mlx5_core +p\" " PLAN);
        shell_vars_done(&v);
        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(root);
        free(now);
        now = slurp(root, "/etc/default/grub");
        assert_string_equal(now, orig);
        grubby_off(saved);
}

/* RHEL 8: the entries say "options $kernelopts $tuned_params": numacma's
 * tokens go into grubenv's kernelopts (the entries and the block's size
 * stay), the next boot is read through it, and removal gives grubenv back
 * byte for byte; grubby is not run (no entry changes), no
 * /etc/kernel/cmdline is made. */
static void test_rhel8_kernelopts(void **state) {
        _cleanup_free_ char *root = tree("rhel8-grubby");
        char *saved = grubby_on("rhel8");
        _cleanup_free_ char *env0 = slurp(root, "/boot/grub2/grubenv"), *e0 = slurp(root, ENTRY_BLS);
        _cleanup_free_ char *src = strdup_printf("%s/rhel8-grubby", TREES);
        apply_ok(root);
        _cleanup_free_ char *env = slurp(root, "/boot/grub2/grubenv"), *e = slurp(root, ENTRY_BLS);
        assert_int_equal(strlen(env), 1024);
        assert_non_null(strstr(env, "\nkernelopts=root=/dev/mapper/rhel-root ro crashkernel=auto resume=/dev/mapper/rhel-swap "
                                    "rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap rhgb quiet cma=64M " PLAN "\n"));
        assert_string_equal(e, e0);
        assert_false(exists_root(root, "/etc/kernel/cmdline"));
        assert_null(slurp(root, "/grubby.log"));
        _cleanup_free_ char *dg = slurp(root, "/etc/default/grub");
        assert_int_equal(count(dg, "rhgb quiet " PLAN "\"\n"), 1);
        {
                _cleanup_snapshot_ Snapshot *s = status_of(root);
                assert_non_null(strstr(s->next.cmdline, "cma=64M " PLAN));
                assert_false(s->next.cmdline[strlen(s->next.cmdline) - 1] == ' ');
        }
        /* A new kernel's entry is $kernelopts too: nothing to do. */
        sh("sed 's/%s/7.2.14/g' '%s%s' > '%s/boot/loader/entries/x-7.2.14.conf'", "7.2.13+deb14-amd64", root, ENTRY_BLS, root);
        assert_int_equal(apply_ok(root), 0);
        _cleanup_free_ char *extra = strdup_printf("%s/boot/loader/entries/x-7.2.14.conf", root);
        assert_int_equal(unlink(extra), 0);
        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(root);
        free(env);
        env = slurp(root, "/boot/grub2/grubenv");
        assert_string_equal(env, env0);
        free(dg);
        dg = slurp(root, "/etc/default/grub");
        _cleanup_free_ char *dg0 = slurp(src, "/etc/default/grub");
        assert_string_equal(dg, dg0);
        /* The administrator's own per-node argument in kernelopts: left alone. */
        put(root, "/etc/numacma.conf", "");
        sh("sed -i -e 's/ cma=64M/ cma=64M numa_cma=1:32M/' -e 's/#\\{15\\}$//' '%s/boot/grub2/grubenv'", root);
        free(env0);
        env0 = slurp(root, "/boot/grub2/grubenv");
        assert_int_equal(strlen(env0), 1024);
        apply_ok(root);
        free(env);
        env = slurp(root, "/boot/grub2/grubenv");
        assert_string_equal(env, env0);
        grubby_off(saved);
}

/* An entry whose options grubby's shell would change (an '&' is the whole
 * matched line in sed's replacement) is edited directly; the other kernel's
 * entry through grubby. */
static void test_grubby_unsafe_entry(void **state) {
        _cleanup_free_ char *root = tree("fedora-grubby");
        char *saved = grubby_on("unsafe");
        sh("sed -i 's/ quiet / quiet foo=a\\&b /' '%s" ENTRY_RESCUE "'", root);
        _cleanup_free_ char *r0 = slurp(root, ENTRY_RESCUE);
        assert_non_null(strstr(r0, " quiet foo=a&b cma=64M"));
        BootApplyResult res = {0};
        assert_int_equal(apply(root, 0, &res), 0);
        bool said = false;
        for (char **n = res.notes; n && *n; n++)
                said = said || (strstr(*n, ENTRY_RESCUE) && strstr(*n, "edited directly") && strstr(*n, "&"));
        assert_true(said);
        boot_apply_result_done(&res);
        _cleanup_free_ char *log = slurp(root, "/grubby.log"), *r = slurp(root, ENTRY_RESCUE);
        assert_int_equal(count(log, "grubby "), 1);
        assert_non_null(strstr(log, "--update-kernel=/vmlinuz-7.2.13+deb14-amd64 "));
        assert_non_null(strstr(r, " quiet foo=a&b cma=64M dyndbg=\"file foo.c +p\" " PLAN "\n"));
        check_once(root, "fedora-grubby", PLAN);
        grubby_off(saved);
}

/* "--" in GRUB_CMDLINE_LINUX: numacma's tokens go before it (what
 * follows is init's; here GRUB_CMDLINE_LINUX_DEFAULT's cma=64M too, so
 * the image's drop-in asks for it before "--"). */
static void test_grub_double_dash(void **state) {
        _cleanup_free_ char *root = tree("debian-grub");
        put(root, "/etc/default/grub.d/60-init.cfg", "GRUB_CMDLINE_LINUX=\"cma=64M $GRUB_CMDLINE_LINUX -- single\"\n");
        apply_ok(root);
        ShellVars v = {0};
        _cleanup_free_ char *err = NULL;
        assert_int_equal(grub_defaults_merge(root, false, NULL, NULL, &v, &err), 0);
        const char *l = shell_vars_find(&v, "GRUB_CMDLINE_LINUX")->value;
        const char *tok = strstr(l, PLAN), *dd = strstr(l, " -- ");
        assert_non_null(tok);
        assert_non_null(dd);
        assert_true(tok < dd);
        shell_vars_done(&v);
}

/* Every entry's length, with what the loader adds: an entry that would
 * pass the kernel's 2048 bytes refuses the apply, nothing written. */
static void test_every_entry_length(void **state) {
        for (size_t i = 1; i < ELEMENTSOF(layouts); i++) {
                _cleanup_free_ char *root = tree(layouts[i]);
                const char *entry = streq(layouts[i], "sdboot") ? ENTRY_SDBOOT : ENTRY_RESCUE;
                _cleanup_free_ char *pad = malloc(2030);
                memset(pad, 'x', 2029);
                pad[2029] = 0;
                sh("sed -i 's/cma=64M/cma=64M pad=%.*s/' '%s%s'", streq(layouts[i], "sdboot") ? 1900 : 1960, pad, root, entry);
                BootApplyResult res = {0};
                int r = apply(root, 0, &res);
                if (r >= 0)
                        fail_msg("%s: an over-long entry was accepted", layouts[i]);
                if (!res.error || !strstr(res.error, "limit"))
                        fail_msg("%s: %s", layouts[i], strna(res.error));
                boot_apply_result_done(&res);
                for (const char *const *f = files_of(layouts[i]); *f; f++) {
                        _cleanup_free_ char *src = strdup_printf("%s/%s", TREES, layouts[i]);
                        _cleanup_free_ char *was = slurp(src, *f), *now = slurp(root, *f);
                        if (!streq(*f, entry))
                                assert_true(streq_ptr(was, now));
                }
        }
}

/* A write that fails is not reported as changed: only the writes before
 * it are. */
static void test_failed_write_not_changed(void **state) {
        for (unsigned w = 1; w <= 3; w++) {
                _cleanup_free_ char *root = tree("fedora-bls");
                BootApplyResult res = {0};
                fault.fail_write = w;
                fault.fail_step = 4;
                assert_true(apply(root, 0, &res) < 0);
                fault.fail_write = 0;
                fault.fail_step = 0;
                assert_int_equal(strv_length(res.changed), w - 1);
                boot_apply_result_done(&res);
        }
}

/* Temp files an interrupted write left are removed by the next apply. */
static void test_stale_temps_swept(void **state) {
        static const char *const dirs[] = { "/boot/loader/entries", "/etc/kernel", "/var/lib/numacma" };
        _cleanup_free_ char *root = tree("fedora-bls");
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                sh("mkdir -p '%s%s' && echo partial > '%s%s/x.conf.numacma-Ab12Cd'", root, dirs[i], root, dirs[i]);
        sh("echo keep > '%s/etc/kernel/mine.numacma-notours'", root);
        BootApplyResult res = {0};
        assert_int_equal(apply(root, 0, &res), 0);
        assert_true(strv_length(res.notes) >= ELEMENTSOF(dirs));
        boot_apply_result_done(&res);
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *p = strdup_printf("%s/x.conf.numacma-Ab12Cd", dirs[i]);
                assert_false(exists_root(root, p));
        }
        assert_true(exists_root(root, "/etc/kernel/mine.numacma-notours"));
}

/* The reboot flags: set while the next boot's CMA arguments differ from the
 * booted ones, cleared when they no longer do; another package's claim on
 * /run/reboot-required stays; openSUSE's /run/reboot-needed likewise. */
static void test_reboot_flags_cleared(void **state) {
        _cleanup_free_ char *root = tree("sdboot");
        apply_ok(root);
        _cleanup_free_ char *p1 = slurp(root, "/run/reboot-required.pkgs");
        assert_string_equal(p1, "numacma\n");
        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(root);
        assert_false(exists_root(root, "/run/reboot-required"));
        assert_false(exists_root(root, "/run/reboot-required.pkgs"));

        /* Another package asked for a reboot too: only numacma's line goes. */
        put(root, "/etc/numacma.conf", "");
        apply_ok(root);
        put(root, "/run/reboot-required.pkgs", "linux-image-amd64\nnumacma\n");
        put(root, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(root);
        assert_true(exists_root(root, "/run/reboot-required"));
        _cleanup_free_ char *p2 = slurp(root, "/run/reboot-required.pkgs");
        assert_string_equal(p2, "linux-image-amd64\n");

        /* openSUSE. */
        _cleanup_free_ char *r2 = tree("fedora-bls");
        put(r2, "/etc/SUSE-brand", "openSUSE\nVERSION = 15.6\n");
        apply_ok(r2);
        assert_true(exists_root(r2, "/run/reboot-needed"));
        assert_false(exists_root(r2, "/run/reboot-required"));
        put(r2, "/etc/numacma.conf", "[pools]\nnodes = none\n");
        apply_ok(r2);
        assert_false(exists_root(r2, "/run/reboot-needed"));
}

/* An entry whose options end inside a double quote: status, plan and apply
 * still work, name the file, and leave that entry alone; the rest is
 * edited. Also for the default entry, and for a non-default one. */
static void test_open_quote_entry(void **state) {
        static const char *const entries[] = { ENTRY_BLS, ENTRY_RESCUE };
        for (size_t i = 0; i < ELEMENTSOF(entries); i++) {
                _cleanup_free_ char *root = tree("fedora-bls");
                sh("sed -i 's/cma=64M/cma=64M foo=\"bar baz/' '%s%s'", root, entries[i]);
                _cleanup_free_ char *before = slurp(root, entries[i]);
                _cleanup_snapshot_ Snapshot *s = status_of(root);
                _cleanup_free_ char *name = strdup_printf("'%s' leaves a double quote open", entries[i]);
                assert_true(any_problem(s, name));
                apply_ok(root);
                _cleanup_free_ char *after = slurp(root, entries[i]);
                assert_string_equal(before, after);
                const char *other = i == 0 ? ENTRY_RESCUE : ENTRY_BLS;
                _cleanup_free_ char *o = slurp(root, other), *kc = slurp(root, "/etc/kernel/cmdline");
                assert_int_equal(count(o, PLAN), 1);
                assert_int_equal(count(kc, PLAN), 1);
        }
}

/* An open quote in GRUB_CMDLINE_LINUX: the reason names the file and line,
 * nothing is written; in /etc/kernel/cmdline it is left alone and named,
 * and the entries are still edited. */
static void test_open_quote_grub_and_kernel_cmdline(void **state) {
        _cleanup_free_ char *root = tree("debian-grub");
        sh("sed -i \"s/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX='cma=64M dyndbg=\\\"file foo.c +p'/\" '%s/etc/default/grub'", root);
        BootApplyResult res = {0};
        assert_true(apply(root, 0, &res) < 0);
        if (!strstr(res.error, "/etc/default/grub") || !strstr(res.error, "line") || !strstr(res.error, "double quote open"))
                fail_msg("wrong reason: %s", res.error);
        boot_apply_result_done(&res);
        assert_false(exists_root(root, DROPIN));

        _cleanup_free_ char *r2 = tree("fedora-bls");
        sh("sed -i 's/cma=64M/cma=64M foo=\"bar/' '%s/etc/kernel/cmdline'", r2);
        _cleanup_free_ char *before = slurp(r2, "/etc/kernel/cmdline");
        assert_int_equal(apply(r2, 0, &res), 0);
        bool said = false;
        for (char **n = res.notes; n && *n; n++)
                said = said || strstr(*n, "/etc/kernel/cmdline' leaves a double quote open at byte");
        assert_true(said);
        boot_apply_result_done(&res);
        _cleanup_free_ char *after = slurp(r2, "/etc/kernel/cmdline"), *e = slurp(r2, ENTRY_BLS);
        assert_string_equal(before, after);
        assert_int_equal(count(e, PLAN), 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_apply_reapply_change_remove),
                cmocka_unit_test(test_dry_run_changes_nothing),
                cmocka_unit_test(test_admin_args),
                cmocka_unit_test(test_lost_record),
                cmocka_unit_test(test_lost_record_explained),
                cmocka_unit_test(test_record_that_lies),
                cmocka_unit_test(test_record_without_token_is_admin),
                cmocka_unit_test(test_fail_every_write),
                cmocka_unit_test(test_update_grub_fails),
                cmocka_unit_test(test_grub_override_detected),
                cmocka_unit_test(test_grubby),
                cmocka_unit_test(test_next_boot_and_reboot_required),
                cmocka_unit_test(test_grub_reader_matches_sh),
                cmocka_unit_test(test_grub_stale_cfg),
                cmocka_unit_test(test_grub_without_cfg),
                cmocka_unit_test(test_grub_dropin_gone_cfg_not),
                cmocka_unit_test(test_grub_record_that_lies),
                cmocka_unit_test(test_links_stay_in_root),
                cmocka_unit_test(test_admin_arg_on_one_entry),
                cmocka_unit_test(test_grubby_spares_admin),
                cmocka_unit_test(test_grubby_etc_default_grub),
                cmocka_unit_test(test_rhel8_kernelopts),
                cmocka_unit_test(test_grubby_unsafe_entry),
                cmocka_unit_test(test_grub_double_dash),
                cmocka_unit_test(test_every_entry_length),
                cmocka_unit_test(test_failed_write_not_changed),
                cmocka_unit_test(test_stale_temps_swept),
                cmocka_unit_test(test_reboot_flags_cleared),
                cmocka_unit_test(test_open_quote_entry),
                cmocka_unit_test(test_open_quote_grub_and_kernel_cmdline),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
