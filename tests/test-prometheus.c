/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl status --format=prometheus: the series on captured trees
 * (tests/fixtures/trees), a reboot pending and a failed apply on a boot
 * tree (tests/boot/trees), label escaping, the last apply's time, and the
 * atomic textfile write numacmad uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>

#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "bootcfg/bootcfg.h"
#include "bootcfg/owned.h"
#include "build-config.h"
#include "report/metrics_file.h"
#include "snapshot/snapshot.h"
#include "status/status_prometheus.h"
#include "test-tree.h"

#define FIXTURES SRCDIR "/tests/fixtures/trees"
#define BOOT_TREES SRCDIR "/tests/boot/trees"

static char *base;

static int group_setup(void **state) {
        base = make_root();
        return 0;
}

static int group_teardown(void **state) {
        rm_root(base);
        return 0;
}

static Snapshot *status_of(const char *root) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        Snapshot *s = NULL;
        assert_int_equal(snapshot_new(root, NULL, 0, &errs, &s), 0);
        return s;
}

static char *metrics(const char *root, const MetricsExtra *x) {
        _cleanup_snapshot_ Snapshot *s = status_of(root);
        char *t = status_format_prometheus(s->status, x);
        assert_non_null(t);
        return t;
}

/* The line must be in the text, whole. */
static void has_line(const char *text, const char *line) {
        size_t l = strlen(line);
        for (const char *p = text; (p = strstr(p, line)); p += l)
                if ((p == text || p[-1] == '\n') && p[l] == '\n')
                        return;
        fail_msg("no line '%s' in:\n%s", line, text);
}

static void no_series(const char *text, const char *name) {
        _cleanup_free_ char *a = strdup_printf("\n%s ", name), *b = strdup_printf("\n%s{", name);
        if (strstr(text, a) || strstr(text, b))
                fail_msg("unexpected series %s in:\n%s", name, text);
}

/* Every sample line: a numacma_ name, a label set without free text, a
 * number; every family has HELP and TYPE before its samples. */
static void well_formed(const char *text) {
        _cleanup_free_ char *copy = strdup(text);
        char *save = NULL, *typed = NULL;
        for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (startswith(l, "# HELP ")) {
                        assert_non_null(startswith(l, "# HELP numacma_"));
                        continue;
                }
                if (startswith(l, "# TYPE ")) {
                        free(typed);
                        typed = strndup(l + 7, strcspn(l + 7, " "));
                        continue;
                }
                assert_non_null(startswith(l, "numacma_"));
                assert_non_null(typed);
                size_t nl = strcspn(l, "{ ");
                assert_int_equal(nl, strlen(typed));
                assert_memory_equal(l, typed, nl);
                const char *v = strrchr(l, ' ');
                assert_non_null(v);
                uint64_t u;
                assert_int_equal(safe_atou64(v + 1, 10, &u), 0);
        }
        free(typed);
}

static void test_two_nodes_accelerator(void **state) {
        _cleanup_free_ char *t = metrics(FIXTURES "/7.2-amd64-numa_cma-accel", NULL);
        well_formed(t);
        has_line(t, "# TYPE numacma_state gauge");
        has_line(t, "numacma_state{state=\"ok\"} 1");
        has_line(t, "numacma_state{state=\"pending-reboot\"} 0");
        has_line(t, "numacma_state{state=\"degraded\"} 0");
        has_line(t, "numacma_state{state=\"unsupported\"} 0");
        has_line(t, "numacma_info{version=\"" PACKAGE_VERSION "\",kernel_release=\"7.2.13+deb14-amd64\",backend=\"none\"} 1");
        has_line(t, "numacma_reboot_required 0");
        has_line(t, "numacma_last_apply_failed 0");
        has_line(t, "numacma_default_area_bytes 67108864");
        has_line(t, "numacma_node_pool_size_bytes{node=\"0\"} 67108864");
        has_line(t, "numacma_node_pool_size_bytes{node=\"1\"} 201326592");
        has_line(t, "numacma_node_pool_free_bytes{node=\"1\"} 201326592");
        has_line(t, "numacma_node_pool_used_bytes{node=\"1\"} 0");
        has_line(t, "# TYPE numacma_node_pool_allocation_failed_bytes_total counter");
        has_line(t, "numacma_node_pool_allocation_failed_bytes_total{node=\"1\"} 0");
        has_line(t, "numacma_device_local_pool{address=\"0000:81:00.0\",node=\"1\"} 1");
        has_line(t, "numacma_device_local_pool{address=\"0000:a1:00.0\",node=\"0\"} 1");
        /* Never applied: no timestamp rather than a zero. */
        no_series(t, "numacma_last_apply_success_timestamp_seconds");
}

static void test_degraded_remote(void **state) {
        _cleanup_free_ char *t = metrics(FIXTURES "/7.2-amd64-accel-remote", NULL);
        well_formed(t);
        has_line(t, "numacma_state{state=\"degraded\"} 1");
        has_line(t, "numacma_state{state=\"ok\"} 0");
        has_line(t, "numacma_node_pool_size_bytes{node=\"0\"} 0");
        has_line(t, "numacma_device_local_pool{address=\"0000:81:00.0\",node=\"0\"} 0");
        has_line(t, "numacma_device_remote_default_area{address=\"0000:81:00.0\",node=\"0\"} 1");
        /* The node without a pool has no free/used/failure series. */
        no_series(strstr(t, "# HELP numacma_node_pool_free_bytes"), "numacma_node_pool_free_bytes{node=\"0\"}");
}

static void test_no_pools_no_empty_families(void **state) {
        /* x86 without cma=: no pool anywhere; families without a sample are left out. */
        _cleanup_free_ char *t = metrics(FIXTURES "/7.2-amd64-no-cma", NULL);
        well_formed(t);
        has_line(t, "numacma_state{state=\"ok\"} 1");
        assert_null(strstr(t, "numacma_node_pool_free_bytes"));
        assert_null(strstr(t, "numacma_node_pool_allocation_failed_bytes_total"));
}

static void test_every_fixture_well_formed(void **state) {
        _cleanup_strv_free_ char **trees = NULL;
        assert_int_equal(list_dir_root(NULL, FIXTURES, NULL, &trees), 0);
        size_t n = 0;
        for (char **t = trees; *t; t++) {
                _cleanup_free_ char *root = strdup_printf("%s/%s", FIXTURES, *t), *exp = NULL;
                exp = strdup_printf("%s/expected.json", root);
                if (access(exp, F_OK) < 0)
                        continue;
                _cleanup_free_ char *text = metrics(root, NULL);
                well_formed(text);
                n++;
        }
        assert_true(n >= 10);
}

static void test_allocation_failures(void **state) {
        _cleanup_free_ char *root = copy_tree(base, FIXTURES, "7.2-amd64-numa_cma-accel");
        _cleanup_free_ char *p = strdup_printf("%s/sys/kernel/mm/cma/numa1/alloc_pages_fail", root);
        sh("echo 5 > '%s'", p);
        _cleanup_free_ char *t = metrics(root, NULL);
        has_line(t, "numacma_node_pool_allocation_failed_bytes_total{node=\"1\"} 20480");
        has_line(t, "numacma_node_pool_allocation_failed_bytes_total{node=\"0\"} 0");
}

static void test_extra_and_escaping(void **state) {
        MetricsExtra x = { .version = "1.0\"x\\y\nz", .last_apply_known = true,
                           .last_apply_seconds = 1764090000, .last_apply_failed = true };
        _cleanup_free_ char *t = metrics(FIXTURES "/7.2-arm64-numa_cma-accel", &x);
        has_line(t, "numacma_info{version=\"1.0\\\"x\\\\y\\nz\",kernel_release=\"7.2.13+deb14-arm64\",backend=\"none\"} 1");
        has_line(t, "numacma_last_apply_success_timestamp_seconds 1764090000");
        has_line(t, "numacma_last_apply_failed 1");
}

static void test_last_apply_file(void **state) {
        _cleanup_free_ char *root = strdup_printf("%s/lastapply", base);
        int64_t t = 0;
        assert_int_equal(mkdir_parents(root, 0755), 0);
        assert_int_equal(last_apply_read(root, &t), -ENOENT);

        put(root, LAST_APPLY_PATH, "1764090000\n");
        assert_int_equal(last_apply_read(root, &t), 0);
        assert_int_equal(t, 1764090000);

        /* Not a number: the mtime. */
        put(root, LAST_APPLY_PATH, "yesterday\n");
        _cleanup_free_ char *p = root_join(root, LAST_APPLY_PATH);
        sh("touch -d @1700000000 '%s'", p);
        assert_int_equal(last_apply_read(root, &t), 0);
        assert_int_equal(t, 1700000000);

        /* A successful apply writes it, and the snapshot carries it. */
        _cleanup_free_ char *r2 = copy_tree(base, BOOT_TREES, "fedora-bls");
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        {
                _cleanup_snapshot_ Snapshot *s = status_of(r2);
                assert_false(s->next.last_apply_known);
                assert_int_equal(snapshot_apply(s, false, 0, NULL, &res), 0);
        }
        _cleanup_snapshot_ Snapshot *s2 = status_of(r2);
        assert_true(s2->next.last_apply_known);
        assert_true(s2->next.last_apply > 1700000000);
}

static void test_reboot_pending_and_failed_apply(void **state) {
        _cleanup_free_ char *root = copy_tree(base, BOOT_TREES, "sdboot");
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        {
                _cleanup_snapshot_ Snapshot *s = status_of(root);
                assert_int_equal(snapshot_apply(s, false, 0, NULL, &res), 0);
        }
        _cleanup_free_ char *t = metrics(root, NULL);
        well_formed(t);
        has_line(t, "numacma_state{state=\"pending-reboot\"} 1");
        has_line(t, "numacma_reboot_required 1");
        has_line(t, "numacma_info{version=\"" PACKAGE_VERSION "\",kernel_release=\"7.2.13+deb14-amd64\",backend=\"systemd-boot\"} 1");

        /* A failed apply: degraded, and the reboot is still pending. */
        put(root, APPLY_FAILED_PATH, "update-grub failed\n");
        _cleanup_free_ char *f = metrics(root, NULL);
        has_line(f, "numacma_last_apply_failed 1");
        has_line(f, "numacma_state{state=\"degraded\"} 1");
        has_line(f, "numacma_reboot_required 1");
}

static void test_write_textfile(void **state) {
        _cleanup_free_ char *dir = strdup_printf("%s/textfile", base);
        _cleanup_free_ char *path = strdup_printf("%s/" METRICS_TEXTFILE_NAME, dir);
        struct stat st;
        assert_int_equal(mkdir(dir, 0755), 0);

        assert_int_equal(metrics_write_textfile(dir, "numacma_reboot_required 0\n"), 1);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644);
        /* Same text: nothing written. */
        assert_int_equal(metrics_write_textfile(dir, "numacma_reboot_required 0\n"), 0);

        /* A file someone left 0600 becomes readable for the collector. */
        assert_int_equal(chmod(path, 0600), 0);
        assert_int_equal(metrics_write_textfile(dir, "numacma_reboot_required 1\n"), 1);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0644);
        _cleanup_free_ char *c = NULL;
        assert_int_equal(read_full_file_root(NULL, path, &c, NULL), 0);
        assert_string_equal(c, "numacma_reboot_required 1\n");

        /* (A failed write leaving the old file whole is write_file_atomic's,
         * tested step by step in test-fileio.) */
        assert_true(metrics_write_textfile(SRCDIR "/does-not-exist", "x 1\n") < 0);
        assert_int_equal(metrics_write_textfile("", "x 1\n"), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_two_nodes_accelerator),
                cmocka_unit_test(test_degraded_remote),
                cmocka_unit_test(test_no_pools_no_empty_families),
                cmocka_unit_test(test_every_fixture_well_formed),
                cmocka_unit_test(test_allocation_failures),
                cmocka_unit_test(test_extra_and_escaping),
                cmocka_unit_test(test_last_apply_file),
                cmocka_unit_test(test_reboot_pending_and_failed_apply),
                cmocka_unit_test(test_write_textfile),
        };
        return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
