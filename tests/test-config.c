/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy: value syntax, every key, every error message with its
 * file:line, drop-in order, and the shipped conf/numacma.conf against the
 * built-in defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "policy/config.h"
#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "test-tree.h"

#define SHIPPED SRCDIR "/conf/numacma.conf"
#define F "/etc/numacma.conf"

/* ---- helpers ---- */

static Policy *parse_ok(const char *text) {
        Policy *p = NULL;
        PolicyErrors e = {0};

        assert_int_equal(policy_new_default(&p), 0);
        int r = policy_parse_string(p, F, text, &e);
        if (r != 0 || e.messages) {
                _cleanup_free_ char *m = strv_join(e.messages, "\n");
                fail_msg("parse of\n%s\nfailed (%d):\n%s", text, r, strna(m));
        }
        policy_errors_done(&e);
        return p;
}

/* Parse text on defaults; expect exactly these messages (NULL-terminated). */
static void check_errors_buf(const char *text, size_t size, const char *const *want) {
        _cleanup_policy_ Policy *p = NULL;
        PolicyErrors e = {0};
        size_t n = 0;

        assert_int_equal(policy_new_default(&p), 0);
        assert_int_equal(policy_parse_buffer(p, F, text, size, &e), -EINVAL);
        while (want[n])
                n++;
        size_t got = strv_length(e.messages);
        for (size_t i = 0; i < MAX(n, got); i++) {
                const char *g = i < got ? e.messages[i] : "(none)";
                const char *w = i < n ? want[i] : "(none)";
                if (!streq(g, w))
                        fail_msg("input:\n%.*s\nmessage %zu:\n got  %s\n want %s", (int) size, text, i, g, w);
        }
        policy_errors_done(&e);
}

#define check_errors(text, ...) \
        check_errors_buf((text), strlen(text), (const char *const[]) { __VA_ARGS__, NULL })

static char *read_shipped(void) {
        char *s;
        assert_int_equal(read_full_file_root(NULL, SHIPPED, &s, NULL), 0);
        return s;
}

static void assert_strv(char **l, const char *const *want) {
        size_t n = 0;
        assert_non_null(l);
        while (want[n])
                n++;
        assert_int_equal(strv_length(l), n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(l[i], want[i]);
}
#define ASSERT_STRV(l, ...) assert_strv((l), (const char *const[]) { __VA_ARGS__ })

/* Every setting except sources. */
static void assert_policy_equal(const Policy *a, const Policy *b) {
        assert_int_equal(a->nodes_mode, b->nodes_mode);
        assert_int_equal(nodeset_count(a->nodes_list), nodeset_count(b->nodes_list));
        assert_int_equal(a->size.kind, b->size.kind);
        assert_int_equal(a->size.bytes, b->size.bytes);
        assert_int_equal(a->size.share, b->size.share);
        assert_int_equal(a->per_accelerator, b->per_accelerator);
        assert_int_equal(a->min_size, b->min_size);
        assert_int_equal(a->max_size, b->max_size);
        assert_int_equal(a->max_node_share, b->max_node_share);
        assert_int_equal(a->only_with_default_area, b->only_with_default_area);
        assert_int_equal(a->n_overrides, b->n_overrides);
        assert_int_equal(a->n_pci_classes, b->n_pci_classes);
        for (size_t i = 0; i < a->n_pci_classes; i++) {
                assert_int_equal(a->pci_classes[i].value, b->pci_classes[i].value);
                assert_int_equal(a->pci_classes[i].mask, b->pci_classes[i].mask);
        }
        assert_true(strv_equal(a->drivers, b->drivers));
        assert_true(strv_equal(a->include, b->include));
        assert_true(strv_equal(a->exclude, b->exclude));
        assert_int_equal(a->unsupported, b->unsupported);
        assert_int_equal(a->respect_admin_args, b->respect_admin_args);
        assert_int_equal(a->trace_at_boot, b->trace_at_boot);
        assert_int_equal(a->backend, b->backend);
        assert_int_equal(a->settle_usec, b->settle_usec);
        assert_int_equal(a->apply, b->apply);
        assert_int_equal(a->manage, b->manage);
        assert_int_equal(a->metrics_interval_usec, b->metrics_interval_usec);
}

/* ---- value syntax ---- */

static void test_parse_size(void **state) {
        static const struct {
                const char *s;
                int r;
                uint64_t v;
        } t[] = {
                { "0", 0, 0 },
                { "4096", 0, 4096 },
                { "512K", 0, 512 * KIB },
                { "512k", 0, 512 * KIB },
                { "128M", 0, 128 * MIB },
                { "4G", 0, 4 * GIB },
                { "2T", 0, 2048 * GIB },
                { "1KiB", 0, KIB },
                { "1gib", 0, GIB },
                { "1MB", 0, MIB },
                { "100B", 0, 100 },
                { "007M", 0, 7 * MIB },
                { "18446744073709551615", 0, UINT64_MAX },
                { "16777215T", 0, UINT64_C(16777215) << 40 },
                { "18446744073709551616", -ERANGE, 0 },
                { "16777216T", -ERANGE, 0 },
                { "99999999999999999999999G", -ERANGE, 0 },
                { "17179869184G", -ERANGE, 0 },          /* 2^34 G = 2^64 */
                { "17179869183G", 0, UINT64_C(17179869183) << 30 },
                { "18446744073709551615K", -ERANGE, 0 },
                { "18014398509481984K", -ERANGE, 0 },    /* 2^54 K = 2^64 */
                { "18014398509481983KiB", 0, UINT64_C(18014398509481983) << 10 },
                { "9223372036854775808", 0, UINT64_C(1) << 63 },
                { "9223372036854775808B", 0, UINT64_C(1) << 63 },
                { "8589934592G", 0, UINT64_C(1) << 63 },
                { "8388608T", 0, UINT64_C(1) << 63 },
                { "0x8000000000000000", -EINVAL, 0 },
                { "0xffffffffffffffff", -EINVAL, 0 },
                { "-9223372036854775808", -EINVAL, 0 },
                { "-0", -EINVAL, 0 },
                { "1G ", -EINVAL, 0 },
                { "\t1G", -EINVAL, 0 },
                { "1\nG", -EINVAL, 0 },
                { "", -EINVAL, 0 },
                { "G", -EINVAL, 0 },
                { "-1", -EINVAL, 0 },
                { "+1", -EINVAL, 0 },
                { " 1G", -EINVAL, 0 },
                { "1 G", -EINVAL, 0 },
                { "1.5G", -EINVAL, 0 },
                { "4Q", -EINVAL, 0 },
                { "1P", -EINVAL, 0 },
                { "1Gi", -EINVAL, 0 },
                { "1iB", -EINVAL, 0 },
                { "1GBB", -EINVAL, 0 },
                { "0x10", -EINVAL, 0 },
                { "99999999999999999999999Q", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                uint64_t v = 12345;
                int r = parse_size(t[i].s, &v);
                if (r != t[i].r)
                        fail_msg("parse_size('%s') = %d, expected %d", t[i].s, r, t[i].r);
                assert_int_equal(v, t[i].r == 0 ? t[i].v : 12345);
        }
}

static void test_parse_share(void **state) {
        static const struct {
                const char *s;
                int r;
                uint32_t v;
        } t[] = {
                { "10%", 0, 100000 },
                { "2.5%", 0, 25000 },
                { "0.0001%", 0, 1 },
                { "100%", 0, SHARE_ONE },
                { "100.0000%", 0, SHARE_ONE },
                { "0%", 0, 0 },
                { "2.50000%", 0, 25000 },
                { "100.0001%", -ERANGE, 0 },
                { "101%", -ERANGE, 0 },
                { "99999999999999999999999%", -ERANGE, 0 },
                { "10", -EINVAL, 0 },
                { "%", -EINVAL, 0 },
                { ".5%", -EINVAL, 0 },
                { "5.%", -EINVAL, 0 },
                { "0.00001%", -EINVAL, 0 },
                { "10 %", -EINVAL, 0 },
                { "10%%", -EINVAL, 0 },
                { "-1%", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                uint32_t v = 7;
                int r = parse_share(t[i].s, &v);
                if (r != t[i].r)
                        fail_msg("parse_share('%s') = %d, expected %d", t[i].s, r, t[i].r);
                assert_int_equal(v, t[i].r == 0 ? t[i].v : 7);
        }
}

static void test_parse_timespan(void **state) {
        static const struct {
                const char *s;
                int r;
                uint64_t v;
        } t[] = {
                { "0", 0, 0 },
                { "2s", 0, 2000000 },
                { "2", 0, 2000000 },
                { "500ms", 0, 500000 },
                { "1.5s", 0, 1500000 },
                { "0.25", 0, 250000 },
                { "250us", 0, 250 },
                { "3sec", 0, 3000000 },
                { "2min", 0, 120000000 },
                { "2m", 0, 120000000 },
                { "1h", 0, UINT64_C(3600000000) },
                { "1.0000001ms", 0, 1000 },
                { "99999999999999999999h", -ERANGE, 0 },
                { "9999999999999999h", -ERANGE, 0 },
                { "", -EINVAL, 0 },
                { "s", -EINVAL, 0 },
                { "2 s", -EINVAL, 0 },
                { "2x", -EINVAL, 0 },
                { "1.s", -EINVAL, 0 },
                { "-1s", -EINVAL, 0 },
                { "1.0000000001s", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                uint64_t v = 7;
                int r = parse_timespan(t[i].s, &v);
                if (r != t[i].r)
                        fail_msg("parse_timespan('%s') = %d, expected %d", t[i].s, r, t[i].r);
                assert_int_equal(v, t[i].r == 0 ? t[i].v : 7);
        }
}

static void test_parse_pci_address(void **state) {
        static const struct {
                const char *s, *want; /* want NULL: -EINVAL */
        } t[] = {
                { "0000:81:00.0", "0000:81:00.0" },
                { "81:00.0", "0000:81:00.0" },
                { "0000:C1:1F.7", "0000:c1:1f.7" },
                { "ABCD:ef:01.3", "abcd:ef:01.3" },
                { "10000:e1:00.0", "10000:e1:00.0" },
                { "000:81:00.0", NULL },
                { "123456789:81:00.0", NULL },
                { "81:00", NULL },
                { "81:0.0", NULL },
                { "1:00.0", NULL },
                { "0000:81:20.0", NULL },
                { "0000:81:00.8", NULL },
                { "0000:81:00.0 ", NULL },
                { "0000:81:00.00", NULL },
                { "0000:81:00:0", NULL },
                { "0000:81:00.0.1", NULL },
                { "g000:81:00.0", NULL },
                { "", NULL },
                { "0000:81", NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *a = NULL;
                int r = parse_pci_address(t[i].s, &a);
                if (!t[i].want) {
                        if (r != -EINVAL)
                                fail_msg("parse_pci_address('%s') = %d, expected -EINVAL", t[i].s, r);
                        assert_null(a);
                } else {
                        if (r != 0)
                                fail_msg("parse_pci_address('%s') = %d", t[i].s, r);
                        assert_string_equal(a, t[i].want);
                }
        }
}

static void test_backend_names(void **state) {
        assert_string_equal(boot_backend_to_string(BACKEND_AUTO), "auto");
        assert_string_equal(boot_backend_to_string(BACKEND_GRUB), "grub");
        assert_string_equal(boot_backend_to_string(BACKEND_GRUBBY), "grubby");
        assert_string_equal(boot_backend_to_string(BACKEND_BLS), "bls");
        assert_string_equal(boot_backend_to_string(BACKEND_SYSTEMD_BOOT), "systemd-boot");
        assert_string_equal(boot_backend_to_string(BACKEND_NONE), "none");
        assert_null(boot_backend_to_string((BootBackendKind) 99));
}

/* ---- defaults and the shipped file ---- */

static void test_defaults(void **state) {
        _cleanup_policy_ Policy *p = NULL;

        assert_int_equal(policy_new_default(&p), 0);
        assert_int_equal(p->nodes_mode, NODES_ALL);
        assert_null(p->nodes_list);
        assert_int_equal(p->size.kind, SIZE_DEFAULT);
        assert_int_equal(p->per_accelerator, 128 * MIB);
        assert_int_equal(p->min_size, 0);
        assert_int_equal(p->max_size, 4 * GIB);
        assert_int_equal(p->max_node_share, 100000);
        assert_true(p->only_with_default_area);
        assert_int_equal(p->n_overrides, 0);
        assert_int_equal(p->n_pci_classes, 3);
        assert_int_equal(p->pci_classes[0].value, 0x030200);
        assert_int_equal(p->pci_classes[0].mask, 0xffff00);
        assert_int_equal(p->pci_classes[1].value, 0x038000);
        assert_int_equal(p->pci_classes[2].value, 0x120000);
        ASSERT_STRV(p->drivers, NULL);
        ASSERT_STRV(p->include, NULL);
        ASSERT_STRV(p->exclude, NULL);
        ASSERT_STRV(p->sources, NULL);
        assert_int_equal(p->unsupported, UNSUPPORTED_REPORT);
        assert_true(p->respect_admin_args);
        assert_int_equal(p->backend, BACKEND_AUTO);
        assert_int_equal(p->settle_usec, 2000000);
        assert_true(p->apply);
        assert_true(p->manage);
        assert_int_equal(p->metrics_interval_usec, 60 * UINT64_C(1000000));
}

/* The shipped file must set every key to its default: parse it on top of a
 * policy where every setting differs, and compare with the defaults. */
static void test_shipped_equals_defaults(void **state) {
        _cleanup_policy_ Policy *def = NULL, *p = NULL;
        _cleanup_free_ char *text = read_shipped();
        PolicyErrors e = {0};

        assert_int_equal(policy_new_default(&def), 0);
        p = parse_ok("[pools]\n"
                     "nodes = 1\n"
                     "size = 3%\n"
                     "per_accelerator = 1M\n"
                     "min_size = 1M\n"
                     "max_size = 1T\n"
                     "max_node_share = 50%\n"
                     "only_with_default_area = no\n"
                     "[accelerators]\n"
                     "pci_classes = 0x0300\n"
                     "drivers = x\n"
                     "include = 01:00.0\n"
                     "exclude = 02:00.0\n"
                     "[kernel]\n"
                     "unsupported = disable-cma\n"
                     "respect_admin_args = no\n"
                     "[boot]\n"
                     "backend = grub\n"
                     "manage = no\n"
                     "[daemon]\n"
                     "settle = 1min\n"
                     "apply = no\n"
                     "metrics_interval = 5s\n");
        assert_int_equal(policy_parse_string(p, SHIPPED, text, &e), 0);
        assert_null(e.messages);
        assert_policy_equal(p, def);
        assert_null(p->nodes_list);

        /* Every line fits inih's limit. */
        for (const char *l = text; *l;) {
                size_t n = strcspn(l, "\n");
                assert_true(n <= 197);
                l += n + (l[n] ? 1 : 0);
        }
}

/* The commented [node.3] example is valid as written. */
static void test_shipped_example(void **state) {
        _cleanup_free_ char *text = read_shipped();
        StrBuf b = {0};

        for (const char *l = text; *l;) {
                size_t n = strcspn(l, "\n");
                const char *u = l;
                if (n > 1 && l[0] == '#' && (l[1] == '[' || (l[1] >= 'a' && l[1] <= 'z' && memchr(l, '=', n))))
                        u++;
                strbuf_appendn(&b, u, n - (size_t) (u - l));
                strbuf_append(&b, "\n");
                l += n + (l[n] ? 1 : 0);
        }
        _cleanup_free_ char *uncommented = strbuf_steal(&b);
        assert_non_null(strstr(uncommented, "\n[node.3]\nsize = 1G\n"));

        _cleanup_policy_ Policy *p = parse_ok(uncommented);
        assert_int_equal(p->n_overrides, 1);
        assert_int_equal(p->overrides[0].node, 3);
        assert_true(p->overrides[0].has_size);
        assert_int_equal(p->overrides[0].size.kind, SIZE_BYTES);
        assert_int_equal(p->overrides[0].size.bytes, GIB);
        assert_true(p->overrides[0].has_per_accelerator);
        assert_int_equal(p->overrides[0].per_accelerator, 256 * MIB);
        assert_true(p->overrides[0].has_enabled);
        assert_true(p->overrides[0].enabled);
        /* The [node.3] example ends the [pools] section: the rest is read
         * in the sections that follow it, as before. */
        assert_int_equal(p->n_pci_classes, 3);
}

/* ---- keys ---- */

static void test_every_key(void **state) {
        _cleanup_policy_ Policy *p = parse_ok(
                "[pools]\n"
                "nodes = 0,2-3\n"
                "size = 2.5%\n"
                "per_accelerator = 256M\n"
                "min_size = 64M\n"
                "max_size = 8G\n"
                "max_node_share = 20%\n"
                "only_with_default_area = off\n"
                "[node.3]\n"
                "size = 1G\n"
                "[node.1]\n"
                "enabled = no\n"
                "per_accelerator = 0\n"
                "[node.4095]\n"
                "size = default\n"
                "[accelerators]\n"
                "pci_classes = 0x0302, 0x0302 0x0C0330\n"
                "drivers = nvidia,habanalabs amdgpu\n"
                "include = 81:00.0 0000:C1:00.1\n"
                "exclude = 0001:02:03.4\n"
                "[kernel]\n"
                "unsupported = disable-cma\n"
                "respect_admin_args = false\n"
                "[boot]\n"
                "backend = systemd-boot\n"
                "[daemon]\n"
                "settle = 500ms\n"
                "apply = 0\n");

        assert_int_equal(p->nodes_mode, NODES_LIST);
        _cleanup_free_ char *nodes = nodeset_format(p->nodes_list);
        assert_string_equal(nodes, "0,2-3");
        assert_int_equal(p->size.kind, SIZE_SHARE);
        assert_int_equal(p->size.share, 25000);
        assert_int_equal(p->per_accelerator, 256 * MIB);
        assert_int_equal(p->min_size, 64 * MIB);
        assert_int_equal(p->max_size, 8 * GIB);
        assert_int_equal(p->max_node_share, 200000);
        assert_false(p->only_with_default_area);

        assert_int_equal(p->n_overrides, 3);
        assert_int_equal(p->overrides[0].node, 3);
        assert_true(p->overrides[0].has_size);
        assert_false(p->overrides[0].has_enabled);
        assert_false(p->overrides[0].has_per_accelerator);
        assert_int_equal(p->overrides[1].node, 1);
        assert_true(p->overrides[1].has_enabled);
        assert_false(p->overrides[1].enabled);
        assert_true(p->overrides[1].has_per_accelerator);
        assert_int_equal(p->overrides[1].per_accelerator, 0);
        assert_int_equal(p->overrides[2].node, 4095);
        assert_int_equal(p->overrides[2].size.kind, SIZE_DEFAULT);

        assert_int_equal(p->n_pci_classes, 2);
        assert_int_equal(p->pci_classes[0].value, 0x030200);
        assert_int_equal(p->pci_classes[0].mask, 0xffff00);
        assert_int_equal(p->pci_classes[1].value, 0x0c0330);
        assert_int_equal(p->pci_classes[1].mask, 0xffffff);
        ASSERT_STRV(p->drivers, "nvidia", "habanalabs", "amdgpu", NULL);
        ASSERT_STRV(p->include, "0000:81:00.0", "0000:c1:00.1", NULL);
        ASSERT_STRV(p->exclude, "0001:02:03.4", NULL);
        assert_int_equal(p->unsupported, UNSUPPORTED_DISABLE_CMA);
        assert_false(p->respect_admin_args);
        assert_int_equal(p->backend, BACKEND_SYSTEMD_BOOT);
        assert_int_equal(p->settle_usec, 500000);
        assert_false(p->apply);
        ASSERT_STRV(p->sources, F, NULL);
}

static void test_values_case_and_forms(void **state) {
        static const struct {
                const char *text;
                NodesMode mode;
        } modes[] = {
                { "[pools]\nnodes = accelerators\n", NODES_ACCELERATORS },
                { "[pools]\nnodes = None\n", NODES_NONE },
                { "[pools]\nnodes = 1\nnodes = ALL\n", NODES_ALL },
        };
        for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
                _cleanup_policy_ Policy *p = parse_ok(modes[i].text);
                assert_int_equal(p->nodes_mode, modes[i].mode);
                assert_null(p->nodes_list);
        }

        static const char *const yes[] = { "yes", "YES", "true", "on", "1" };
        static const char *const no[] = { "no", "False", "OFF", "0" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                _cleanup_free_ char *t = strdup_printf("[daemon]\napply = no\napply = %s\n", yes[i]);
                _cleanup_policy_ Policy *p = parse_ok(t);
                assert_true(p->apply);
        }
        for (size_t i = 0; i < ELEMENTSOF(no); i++) {
                _cleanup_free_ char *t = strdup_printf("[daemon]\napply = %s\n", no[i]);
                _cleanup_policy_ Policy *p = parse_ok(t);
                assert_false(p->apply);
        }

        static const BootBackendKind backends[] = { BACKEND_GRUB, BACKEND_GRUBBY, BACKEND_BLS, BACKEND_NONE, BACKEND_AUTO };
        for (size_t i = 0; i < ELEMENTSOF(backends); i++) {
                _cleanup_free_ char *t = strdup_printf("[boot]\nbackend = grub\nbackend = %s\n",
                                                       boot_backend_to_string(backends[i]));
                _cleanup_policy_ Policy *p = parse_ok(t);
                assert_int_equal(p->backend, backends[i]);
        }

        /* Size forms, inline comments, "name: value", CRLF, a BOM. */
        _cleanup_policy_ Policy *p = parse_ok("\xef\xbb\xbf[pools]\r\n"
                                              "size = 512M ; half a gig\r\n"
                                              "max_size: 16GiB\n"
                                              "min_size=1K\n"
                                              "[daemon]\n"
                                              "settle = 0\n");
        assert_int_equal(p->size.kind, SIZE_BYTES);
        assert_int_equal(p->size.bytes, 512 * MIB);
        assert_int_equal(p->max_size, 16 * GIB);
        assert_int_equal(p->min_size, KIB);
        assert_int_equal(p->settle_usec, 0);

        _cleanup_policy_ Policy *q = parse_ok("[pools]\nsize = 1G\nsize = 100%\nmax_node_share = 100%\n"
                                              "[daemon]\nsettle = 1h\n");
        assert_int_equal(q->size.kind, SIZE_SHARE);
        assert_int_equal(q->size.share, SHARE_ONE);
        assert_int_equal(q->max_node_share, SHARE_ONE);
        assert_int_equal(q->settle_usec, UINT64_C(3600000000));

        /* manage: a boolean; metrics_interval: 0 (events only), 1s to 1h. */
        static const struct { const char *text; bool manage; uint64_t interval; } daemon[] = {
                { "[boot]\nmanage = no\n[daemon]\nmetrics_interval = 0\n", false, 0 },
                { "[boot]\nmanage = off\nmanage = yes\n[daemon]\nmetrics_interval = 1s\n", true, UINT64_C(1000000) },
                { "[daemon]\nmetrics_interval = 2min\n", true, UINT64_C(120000000) },
                { "[daemon]\nmetrics_interval = 1h\n", true, UINT64_C(3600000000) },
        };
        for (size_t i = 0; i < ELEMENTSOF(daemon); i++) {
                _cleanup_policy_ Policy *r = parse_ok(daemon[i].text);
                assert_int_equal(r->manage, daemon[i].manage);
                assert_int_equal(r->metrics_interval_usec, daemon[i].interval);
        }
}

static void test_node_sections_merge(void **state) {
        _cleanup_policy_ Policy *p = parse_ok("[pools]\n"
                                              "nodes = none\n"
                                              "per_accelerator = 64M\n"
                                              "size = 1%\n"
                                              "[node.2]\n"
                                              "size = 1G\n"
                                              "enabled = yes\n"
                                              "[node.5]\n"
                                              "per_accelerator = 1G\n"
                                              "[node.2]\n"
                                              "size = 2G\n"
                                              "per_accelerator = 0\n"
                                              "[node.7]\n");
        assert_int_equal(p->n_overrides, 2);
        assert_int_equal(p->overrides[0].node, 2);
        assert_int_equal(p->overrides[0].size.bytes, 2 * GIB);

        assert_true(policy_node_enabled(p, 2));
        assert_false(policy_node_enabled(p, 5));
        assert_false(policy_node_enabled(p, 0));
        assert_int_equal(policy_node_size(p, 2)->kind, SIZE_BYTES);
        assert_int_equal(policy_node_size(p, 2)->bytes, 2 * GIB);
        assert_int_equal(policy_node_size(p, 5)->kind, SIZE_SHARE);
        assert_int_equal(policy_node_size(p, 5)->share, 10000);
        assert_ptr_equal(policy_node_size(p, 0), &p->size);
        assert_int_equal(policy_node_per_accelerator(p, 2), 0);
        assert_int_equal(policy_node_per_accelerator(p, 5), GIB);
        assert_int_equal(policy_node_per_accelerator(p, 6), 64 * MIB);
}

static void test_node_enabled_modes(void **state) {
        _cleanup_policy_ Policy *all = parse_ok("[pools]\nnodes = all\n[node.1]\nenabled = no\n");
        assert_true(policy_node_enabled(all, 0));
        assert_false(policy_node_enabled(all, 1));
        assert_true(policy_node_enabled(all, 4095));

        _cleanup_policy_ Policy *acc = parse_ok("[pools]\nnodes = accelerators\n");
        assert_true(policy_node_enabled(acc, 3));

        _cleanup_policy_ Policy *list = parse_ok("[pools]\nnodes = 0,2-3\n[node.3]\nenabled = no\n");
        assert_true(policy_node_enabled(list, 0));
        assert_false(policy_node_enabled(list, 1));
        assert_true(policy_node_enabled(list, 2));
        assert_false(policy_node_enabled(list, 3));
        assert_false(policy_node_enabled(list, 4));
}

static void test_section_comments(void **state) {
        _cleanup_policy_ Policy *p = parse_ok("[pools] ; the pools\n"
                                              "size = 1G\n"
                                              "[daemon]\t# the daemon\n"
                                              "apply = no\n"
                                              "[pools]\n"
                                              "size = 2G\n");
        assert_int_equal(p->size.bytes, 2 * GIB);
        assert_false(p->apply);

        /* As in inih (and Python's configparser), an indented line after a
         * key continues its value, even one that looks like a header. */
        check_errors("[daemon]\napply = no\n  [pools]\nsize = 2G\n",
                     F ":3: unexpected continuation line for 'apply': '[pools]' (only lists continue on indented lines)",
                     F ":4: unknown key in [daemon]: 'size'");
}

static void test_lists(void **state) {
        /* Later keys replace the whole list; an empty value empties it;
         * indented lines continue it; duplicates are dropped. */
        _cleanup_policy_ Policy *p = parse_ok("[accelerators]\n"
                                              "drivers = a b\n"
                                              "drivers = c,,d ,\n"
                                              "  e\n"
                                              "\n"
                                              "\tf, c\n"
                                              "pci_classes =\n"
                                              "include = 01:00.0\n"
                                              "include =\n"
                                              "exclude =\n"
                                              "  01:00.0, 0000:01:00.0\n"
                                              "  ; an indented comment is a comment\n"
                                              "  02:00.0 ; and so is this\n");
        ASSERT_STRV(p->drivers, "c", "d", "e", "f", NULL);
        assert_int_equal(p->n_pci_classes, 0);
        ASSERT_STRV(p->include, NULL);
        ASSERT_STRV(p->exclude, "0000:01:00.0", "0000:02:00.0", NULL);

        _cleanup_policy_ Policy *q = parse_ok("[accelerators]\n"
                                              "pci_classes = 0x0300\n"
                                              "pci_classes = 0x1200\n"
                                              "    0x0302 0x0302\n");
        assert_int_equal(q->n_pci_classes, 2);
        assert_int_equal(q->pci_classes[0].value, 0x120000);
        assert_int_equal(q->pci_classes[1].value, 0x030200);
}

/* ---- errors ---- */

static void test_error_values(void **state) {
        check_errors("[pools]\n"
                     "max_size = 4Q\n"
                     "min_size = 99999999999T\n"
                     "size = big\n"
                     "size = 150%\n"
                     "size = 0%\n"
                     "max_node_share = 10\n"
                     "max_node_share = 0%\n"
                     "max_node_share = 100.5%\n"
                     "only_with_default_area = maybe\n"
                     "nodes = 0,,2\n"
                     "nodes = 4096\n"
                     "nodes =\n"
                     "per_accelerator = -1\n",
                     F ":2: invalid size for 'max_size': '4Q' (expected a number with K, M, G or T, e.g. 4G)",
                     F ":3: size too large for 'min_size': '99999999999T'",
                     F ":4: invalid size for 'size': 'big' (expected default, a number with K, M, G or T, e.g. 1G, or a share such as 2%)",
                     F ":5: share above 100% for 'size': '150%'",
                     F ":6: share must be above 0% for 'size': '0%'",
                     F ":7: invalid share for 'max_node_share': '10' (expected a percentage such as 10% or 2.5%)",
                     F ":8: share must be above 0% for 'max_node_share': '0%'",
                     F ":9: share above 100% for 'max_node_share': '100.5%'",
                     F ":10: invalid boolean for 'only_with_default_area': 'maybe' (expected yes or no)",
                     F ":11: invalid node list for 'nodes': '0,,2' (expected all, accelerators, none or a list such as 0,2-3)",
                     F ":12: node number too large for 'nodes': '4096' (nodes are numbered below 4096)",
                     F ":13: invalid node list for 'nodes': '' (expected all, accelerators, none or a list such as 0,2-3)",
                     F ":14: invalid size for 'per_accelerator': '-1' (expected a number with K, M, G or T, e.g. 4G)");

        check_errors("[node.1]\n"
                     "size = 1X\n"
                     "per_accelerator = 1.5G\n"
                     "enabled = nope\n"
                     "[accelerators]\n"
                     "pci_classes = 0x0302 0x03 0x0302000 0302 0xgggg\n"
                     "drivers = nvidia a/b\n"
                     "include = 81:00 0000:81:00.0\n"
                     "exclude = 0000:81:20.0\n"
                     "[kernel]\n"
                     "unsupported = panic\n"
                     "respect_admin_args = 2\n"
                     "[boot]\n"
                     "backend = lilo\n"
                     "[daemon]\n"
                     "settle = soon\n"
                     "settle = 2h\n"
                     "settle = 99999999999999999999s\n"
                     "apply = \n",
                     F ":2: invalid size for 'size': '1X' (expected default, a number with K, M, G or T, e.g. 1G, or a share such as 2%)",
                     F ":3: invalid size for 'per_accelerator': '1.5G' (expected a number with K, M, G or T, e.g. 4G)",
                     F ":4: invalid boolean for 'enabled': 'nope' (expected yes or no)",
                     F ":6: invalid PCI class for 'pci_classes': '0x03' (expected 0x and 4 or 6 hex digits, e.g. 0x0302)",
                     F ":6: invalid PCI class for 'pci_classes': '0x0302000' (expected 0x and 4 or 6 hex digits, e.g. 0x0302)",
                     F ":6: invalid PCI class for 'pci_classes': '0302' (expected 0x and 4 or 6 hex digits, e.g. 0x0302)",
                     F ":6: invalid PCI class for 'pci_classes': '0xgggg' (expected 0x and 4 or 6 hex digits, e.g. 0x0302)",
                     F ":7: invalid driver name for 'drivers': 'a/b' (letters, digits, '_', '-', '.' and '+', at most 64)",
                     F ":8: invalid PCI address for 'include': '81:00' (expected DDDD:BB:DD.F or BB:DD.F, e.g. 0000:81:00.0)",
                     F ":9: invalid PCI address for 'exclude': '0000:81:20.0' (expected DDDD:BB:DD.F or BB:DD.F, e.g. 0000:81:00.0)",
                     F ":11: invalid value for 'unsupported': 'panic' (expected report or disable-cma)",
                     F ":12: invalid boolean for 'respect_admin_args': '2' (expected yes or no)",
                     F ":14: invalid value for 'backend': 'lilo' (expected auto, grub, grubby, bls, systemd-boot or none)",
                     F ":16: invalid time span for 'settle': 'soon' (expected a number with ms, s, min or h, e.g. 2s)",
                     F ":17: time span too long for 'settle': '2h' (at most 1h)",
                     F ":18: time span too long for 'settle': '99999999999999999999s' (at most 1h)",
                     F ":19: invalid boolean for 'apply': '' (expected yes or no)");
        check_errors("[daemon]\n"
                     "metrics_interval = 500ms\n"
                     "metrics_interval = 2h\n"
                     "metrics_interval = often\n"
                     "[boot]\n"
                     "manage = maybe\n",
                     F ":2: time span too short for 'metrics_interval': '500ms' (0 (only on events) or at least 1s)",
                     F ":3: time span too long for 'metrics_interval': '2h' (at most 1h)",
                     F ":4: invalid time span for 'metrics_interval': 'often' (expected a number with ms, s, min or h, e.g. 60s)",
                     F ":6: invalid boolean for 'manage': 'maybe' (expected yes or no)");
}

static void test_error_structure(void **state) {
        check_errors("size = 1G\n"
                     "[pool]\n"
                     "size = 1G\n"
                     "nodes = all\n"
                     "[pools]\n"
                     "sise = 1G\n"
                     "  continued\n"
                     "size = 1G\n"
                     "  2G\n"
                     "[pools\n"
                     "hello\n"
                     "= 4G\n"
                     "[node.4096]\n"
                     "size = 1G\n"
                     "[node.x]\n"
                     "[node.-1]\n"
                     "[node.]\n"
                     "[Pools]\n"
                     "[ pools ]\n"
                     "[daemon] x\n"
                     "settle = 2s\n"
                     "apply = yes # not a comment\n"
                     "\x01weird = 1\n",
                     F ":1: key outside of any section: 'size' (put it under a [section])",
                     F ":2: unknown section: 'pool' (expected pools, node.N, accelerators, kernel, boot or daemon)",
                     F ":6: unknown key in [pools]: 'sise'",
                     F ":9: unexpected continuation line for 'size': '2G' (only lists continue on indented lines)",
                     F ":10: missing ']' in section header: '[pools'",
                     F ":11: not a key, section or comment: 'hello' (expected key = value)",
                     F ":12: missing key name: '= 4G'",
                     F ":13: invalid node section: 'node.4096' (expected node.N with N a node number below 4096)",
                     F ":15: invalid node section: 'node.x' (expected node.N with N a node number below 4096)",
                     F ":16: invalid node section: 'node.-1' (expected node.N with N a node number below 4096)",
                     F ":17: invalid node section: 'node.' (expected node.N with N a node number below 4096)",
                     F ":18: unknown section: 'Pools' (expected pools, node.N, accelerators, kernel, boot or daemon)",
                     F ":19: unknown section: ' pools ' (expected pools, node.N, accelerators, kernel, boot or daemon)",
                     F ":20: text after section header: '[daemon] x'",
                     F ":22: invalid boolean for 'apply': 'yes # not a comment' (expected yes or no)",
                     F ":23: unknown key in [daemon]: '\\x01weird'");
}

static void test_error_long_lines_and_nul(void **state) {
        char text[1024];
        char pad[300];

        /* 197 bytes is the longest line inih takes; 198 is one too many. */
        memset(pad, 'x', sizeof(pad));
        int n = snprintf(text, sizeof(text), "[pools]\nsize = 1G ;%.*s\n", 197 - 11, pad);
        assert_int_equal(n, 8 + 197 + 1);
        _cleanup_policy_ Policy *p = parse_ok(text);
        assert_int_equal(p->size.bytes, GIB);

        /* CRLF does not count. */
        snprintf(text, sizeof(text), "[pools]\nsize = 2G ;%.*s\r\n", 197 - 11, pad);
        _cleanup_policy_ Policy *q = parse_ok(text);
        assert_int_equal(q->size.bytes, 2 * GIB);

        snprintf(text, sizeof(text), "[accelerators]\n# %.*s\ndrivers = %.*s\n; %.*s",
                 195, pad, 197 - 10 + 1, pad, 250, pad);
        check_errors(text,
                     F ":3: line too long (198 bytes, at most 197)",
                     F ":4: line too long (252 bytes, at most 197)");

        /* A too-long line is not passed on, in parts or whole. */
        snprintf(text, sizeof(text), "[pools]\nsize = 1G ; %.*s\nsize = 4Q\n", 200, pad);
        check_errors(text,
                     F ":2: line too long (212 bytes, at most 197)",
                     F ":3: invalid size for 'size': '4Q' (expected default, a number with K, M, G or T, e.g. 1G, or a share such as 2%)");

        static const char nul[] = "[pools]\nsize = 1G\0 ; hidden\nsize = 2Q\n";
        check_errors_buf(nul, sizeof(nul) - 1,
                         (const char *const[]) {
                                 F ":2: NUL byte in line",
                                 F ":3: invalid size for 'size': '2Q' (expected default, a number with K, M, G or T, e.g. 1G, or a share such as 2%)",
                                 NULL });
}

static void test_error_min_max(void **state) {
        check_errors("[pools]\nmax_size = 1G\nmin_size = 2G\n",
                     F ":3: min_size above max_size (1G): '2G'");
        check_errors("[pools]\nmin_size = 8G\n",
                     F ":2: min_size above max_size (4G): '8G'");
        check_errors("[pools]\nmin_size = 512M\n\nmax_size = 256M\n",
                     F ":4: max_size below min_size (512M): '256M'");
        /* Equal is fine, and so is min above a per-node size. */
        _cleanup_policy_ Policy *p = parse_ok("[pools]\nmin_size = 4G\n[node.0]\nsize = 1M\n");
        assert_int_equal(p->min_size, 4 * GIB);
}

static void test_error_include_exclude(void **state) {
        check_errors("[accelerators]\ninclude = 81:00.0 82:00.0\nexclude = 0000:81:00.0\n",
                     F ":3: PCI address both in 'include' and in 'exclude': '0000:81:00.0'");
}

/* Nothing comes back from a load with errors; the errors of all files are
 * collected, in order. */
static void test_load_errors(void **state) {
        _cleanup_free_ char *root = make_root();
        put(root, "/etc/numacma.conf", "[pools]\nmax_size = 4Q\nsize = 1G\n");
        put(root, "/etc/numacma.conf.d/10-a.conf", "[daemon]\napply = maybe\n");
        put(root, "/etc/numacma.conf.d/20-b.conf", "[pools]\nmin_size = 5G\n");

        Policy *p = (Policy *) 0x1;
        PolicyErrors e = {0};
        assert_int_equal(policy_load(root, &p, &e), -EINVAL);
        assert_ptr_equal(p, (Policy *) 0x1);
        ASSERT_STRV(e.messages,
                    "/etc/numacma.conf:2: invalid size for 'max_size': '4Q' (expected a number with K, M, G or T, e.g. 4G)",
                    "/etc/numacma.conf.d/10-a.conf:2: invalid boolean for 'apply': 'maybe' (expected yes or no)",
                    "/etc/numacma.conf.d/20-b.conf:2: min_size above max_size (4G): '5G'",
                    NULL);
        policy_errors_done(&e);
        assert_null(e.messages);

        /* Without an errors list, the result is the same. */
        assert_int_equal(policy_load(root, &p, NULL), -EINVAL);
        assert_ptr_equal(p, (Policy *) 0x1);
        rm_tree(root);
}

static void test_load_io_errors(void **state) {
        _cleanup_free_ char *root = make_root();
        put(root, "/etc/numacma.conf/x", "");
        put(root, "/etc/numacma.conf.d", "[pools]\n");

        Policy *p = NULL;
        PolicyErrors e = {0};
        assert_int_equal(policy_load(root, &p, &e), -ENOTDIR);
        assert_null(p);
        ASSERT_STRV(e.messages,
                    "/etc/numacma.conf: not a regular file",
                    "/etc/numacma.conf.d: cannot read directory: Not a directory",
                    NULL);
        policy_errors_done(&e);

        assert_int_equal(policy_check_file("/nonexistent/numacma.conf", &e), -ENOENT);
        ASSERT_STRV(e.messages, "/nonexistent/numacma.conf: cannot read file: No such file or directory", NULL);
        policy_errors_done(&e);
        rm_tree(root);
}

/* ---- many errors, large files ---- */

/* 200,000 bad lines (the daemon's 400 KB reload of issue 11): all are
 * counted, the first POLICY_ERRORS_SHOWN are kept, then one line says how
 * many more there were. */
static void test_error_cap(void **state) {
        const size_t lines = 200000;
        _cleanup_free_ char *text = malloc(lines * 2 + 1);
        assert_non_null(text);
        for (size_t i = 0; i < lines; i++)
                memcpy(text + 2 * i, "x\n", 2);
        text[lines * 2] = 0;

        _cleanup_policy_ Policy *p = NULL;
        PolicyErrors e = {0};
        assert_int_equal(policy_new_default(&p), 0);
        assert_int_equal(policy_parse_buffer(p, F, text, lines * 2, &e), -EINVAL);
        assert_int_equal(e.n_errors, lines);
        assert_int_equal(strv_length(e.messages), POLICY_ERRORS_SHOWN + 1);
        for (size_t i = 0; i < POLICY_ERRORS_SHOWN; i++) {
                _cleanup_free_ char *want = strdup_printf(F ":%zu: not a key, section or comment: 'x' (expected key = value)", i + 1);
                assert_string_equal(e.messages[i], want);
        }
        assert_string_equal(e.messages[POLICY_ERRORS_SHOWN], "... and 199980 more errors not shown");
        policy_errors_done(&e);

        /* Exactly as many as are shown: no summary line. */
        text[2 * POLICY_ERRORS_SHOWN] = 0;
        assert_int_equal(policy_parse_string(p, F, text, &e), -EINVAL);
        assert_int_equal(e.n_errors, POLICY_ERRORS_SHOWN);
        assert_int_equal(strv_length(e.messages), POLICY_ERRORS_SHOWN);
        policy_errors_done(&e);
        text[2 * POLICY_ERRORS_SHOWN] = 'x';
        text[2 * POLICY_ERRORS_SHOWN + 2] = 0;
        assert_int_equal(policy_parse_string(p, F, text, &e), -EINVAL);
        assert_string_equal(e.messages[POLICY_ERRORS_SHOWN], "... and 1 more error not shown");
        policy_errors_done(&e);
}

/* The cap is per load, across files; the cross-checks after the last file
 * count too. */
static void test_error_cap_files(void **state) {
        _cleanup_free_ char *root = make_root();
        StrBuf b = {0};
        strbuf_append(&b, "[pools]\n");
        for (int i = 0; i < 15; i++)
                strbuf_append(&b, "size = big\n");
        _cleanup_free_ char *text = strbuf_steal(&b);
        assert_non_null(text);
        put(root, "/etc/numacma.conf", text);
        put(root, "/etc/numacma.conf.d/10-a.conf", text);
        put(root, "/etc/numacma.conf.d/20-b.conf", "[pools]\nmin_size = 8G\n");

        Policy *p = NULL;
        PolicyErrors e = {0};
        assert_int_equal(policy_load(root, &p, &e), -EINVAL);
        assert_null(p);
        assert_int_equal(e.n_errors, 31);
        assert_int_equal(strv_length(e.messages), POLICY_ERRORS_SHOWN + 1);
        assert_non_null(startswith(e.messages[14], F ":16: invalid size for 'size'"));
        assert_non_null(startswith(e.messages[15], "/etc/numacma.conf.d/10-a.conf:2: invalid size for 'size'"));
        assert_non_null(startswith(e.messages[19], "/etc/numacma.conf.d/10-a.conf:6: invalid size for 'size'"));
        assert_string_equal(e.messages[20], "... and 11 more errors not shown");
        policy_errors_done(&e);
        rm_tree(root);
}

/* head, then line repeated, then '#' padding to exactly total bytes. */
static char *repeat_line(const char *head, const char *line, size_t total) {
        size_t n = strlen(head), ll = strlen(line);
        char *t = malloc(total + 1);
        assert_non_null(t);
        memcpy(t, head, n);
        for (; n + ll <= total; n += ll)
                memcpy(t + n, line, ll);
        memset(t + n, '#', total - n);
        t[total] = 0;
        return t;
}

/* A policy file above POLICY_FILE_MAX is not read: one error names the
 * file, its size and the limit. At the limit it is read. */
static void test_file_too_large(void **state) {
        _cleanup_free_ char *root = make_root();
        _cleanup_free_ char *ok = repeat_line("[pools]\n", "# padding padding padding padding\n", POLICY_FILE_MAX);
        _cleanup_free_ char *big = repeat_line("[pools]\n", "x\n", POLICY_FILE_MAX + 1);
        assert_int_equal(strlen(ok), POLICY_FILE_MAX);
        assert_int_equal(strlen(big), POLICY_FILE_MAX + 1);

        put(root, "/etc/numacma.conf", ok);
        put(root, "/etc/numacma.conf.d/50-big.conf", big);
        Policy *p = NULL;
        PolicyErrors e = {0};
        assert_int_equal(policy_load(root, &p, &e), -EINVAL);
        ASSERT_STRV(e.messages,
                    "/etc/numacma.conf.d/50-big.conf: file too large: 1048577 bytes, a policy file is at most 1024 KiB",
                    NULL);
        assert_int_equal(e.n_errors, 1);
        policy_errors_done(&e);

        put(root, "/etc/numacma.conf.d/50-big.conf", "[pools]\nsize = 1G\n");
        assert_int_equal(policy_load(root, &p, &e), 0);
        assert_null(e.messages);
        assert_int_equal(p->size.bytes, GIB);
        policy_free(p);

        /* config check FILE: the same. */
        _cleanup_free_ char *path = root_join(root, "/big.conf");
        put(root, "/big.conf", big);
        assert_int_equal(policy_check_file(path, &e), -EINVAL);
        _cleanup_free_ char *want = strdup_printf("%s: file too large: 1048577 bytes, a policy file is at most 1024 KiB", path);
        ASSERT_STRV(e.messages, want, NULL);
        policy_errors_done(&e);
        put(root, "/big.conf", ok);
        assert_int_equal(policy_check_file(path, &e), 0);
        assert_null(e.messages);
        rm_tree(root);
}

/* Lists hold at most POLICY_LIST_MAX entries (pci_classes
 * POLICY_CLASSES_MAX): the line that overflows one is reported once, and
 * an entry already there is no error. */
static unsigned lines_of(const StrBuf *b) {
        unsigned n = 1;
        for (size_t i = 0; i < b->len; i++)
                n += b->buf[i] == '\n';
        return n;
}

static void test_list_limits(void **state) {
        StrBuf b = {0};
        unsigned want_line[3] = {0};
        strbuf_append(&b, "[accelerators]\ninclude =");
        for (unsigned i = 0; i < POLICY_LIST_MAX; i++)
                strbuf_printf(&b, "%s%04x:%02x:00.0", i % 8 ? " " : "\n  ", i >> 8, i & 0xff);
        strbuf_append(&b, "\n  0000:00:00.0 0000:81:00.0\n  0000:00:00.0 0010:81:00.0 0010:82:00.0\n  0010:83:00.0\ndrivers =");
        want_line[0] = lines_of(&b) - 2;
        for (unsigned i = 0; i < POLICY_LIST_MAX + 8; i++) {
                strbuf_printf(&b, "%s d%u", i % 8 ? "" : "\n ", i);
                if (i == POLICY_LIST_MAX)
                        want_line[1] = lines_of(&b);
        }
        strbuf_append(&b, "\npci_classes =");
        for (unsigned i = 0; i < POLICY_CLASSES_MAX + 1; i++) {
                strbuf_printf(&b, "%s 0x%04x", i % 8 ? "" : "\n ", i);
                if (i == POLICY_CLASSES_MAX)
                        want_line[2] = lines_of(&b);
        }
        strbuf_append(&b, "\n");
        _cleanup_free_ char *text = strbuf_steal(&b);
        assert_non_null(text);

        _cleanup_policy_ Policy *p = NULL;
        PolicyErrors e = {0};
        assert_int_equal(policy_new_default(&p), 0);
        assert_int_equal(policy_parse_string(p, F, text, &e), -EINVAL);
        _cleanup_free_ char *w0 = strdup_printf(F ":%u: more than 1024 entries for 'include'", want_line[0]);
        _cleanup_free_ char *w0b = strdup_printf(F ":%u: more than 1024 entries for 'include'", want_line[0] + 1);
        _cleanup_free_ char *w1 = strdup_printf(F ":%u: more than 1024 entries for 'drivers'", want_line[1]);
        _cleanup_free_ char *w2 = strdup_printf(F ":%u: more than 256 entries for 'pci_classes'", want_line[2]);
        ASSERT_STRV(e.messages, w0, w0b, w1, w2, NULL);
        assert_int_equal(strv_length(p->include), POLICY_LIST_MAX);
        assert_int_equal(strv_length(p->drivers), POLICY_LIST_MAX);
        assert_int_equal(p->n_pci_classes, POLICY_CLASSES_MAX);
        policy_errors_done(&e);

        /* A duplicate of an entry is not one more; a new assignment starts
         * the count again. */
        _cleanup_policy_ Policy *q = parse_ok("[accelerators]\ninclude = 0000:00:00.0\n"
                                              "  0000:00:00.0 00:00.0\ninclude = 81:00.0\n");
        ASSERT_STRV(q->include, "0000:81:00.0", NULL);
}

/* Every node's section, twice over, in one file: each lands in its own
 * override, merged. */
static void test_many_node_sections(void **state) {
        StrBuf b = {0};
        for (int pass = 0; pass < 2; pass++)
                for (int n = 0; n < NODESET_MAX; n++)
                        strbuf_printf(&b, "[node.%d]\n%s\n", n, pass ? "per_accelerator = 1G" : "size = 1M");
        _cleanup_free_ char *text = strbuf_steal(&b);
        assert_non_null(text);
        _cleanup_policy_ Policy *p = parse_ok(text);
        assert_int_equal(p->n_overrides, NODESET_MAX);
        for (int n = 0; n < NODESET_MAX; n++) {
                assert_int_equal(p->overrides[n].node, n);
                assert_int_equal(policy_node_size(p, n)->bytes, MIB);
                assert_int_equal(policy_node_per_accelerator(p, n), GIB);
        }
}

/* ---- loading ---- */

static void test_load_missing(void **state) {
        _cleanup_free_ char *root = make_root();
        _cleanup_policy_ Policy *p = NULL, *def = NULL;
        PolicyErrors e = {0};

        assert_int_equal(policy_load(root, &p, &e), 0);
        assert_null(e.messages);
        assert_int_equal(policy_new_default(&def), 0);
        assert_policy_equal(p, def);
        ASSERT_STRV(p->sources, NULL);
        rm_tree(root);
}

static void test_load_dropins(void **state) {
        _cleanup_free_ char *root = make_root();
        _cleanup_free_ char *shipped = read_shipped();
        _cleanup_policy_ Policy *p = NULL;
        PolicyErrors e = {0};

        put(root, "/etc/numacma.conf", shipped);
        put(root, "/etc/numacma.conf.d/20-b.conf",
                 "[pools]\n"
                 "max_size = 2G\n"
                 "[accelerators]\n"
                 "drivers = c\n"
                 "[node.1]\n"
                 "enabled = no\n");
        put(root, "/etc/numacma.conf.d/10-a.conf",
                 "[pools]\n"
                 "max_size = 1G\n"
                 "min_size = 512M\n"
                 "per_accelerator = 1G\n"
                 "[accelerators]\n"
                 "drivers = a b\n"
                 "pci_classes = 0x0300\n"
                 "[node.1]\n"
                 "size = 3G\n");
        put(root, "/etc/numacma.conf.d/README", "this is not a conf file\n");
        put(root, "/etc/numacma.conf.d/.hidden.conf", "garbage\n");
        put(root, "/etc/numacma.conf.d/30-c.conf.rpmsave", "garbage\n");
        put(root, "/etc/numacma.conf.d/40-dir.conf/x", "garbage\n");

        assert_int_equal(policy_load(root, &p, &e), 0);
        assert_null(e.messages);
        ASSERT_STRV(p->sources,
                    "/etc/numacma.conf",
                    "/etc/numacma.conf.d/10-a.conf",
                    "/etc/numacma.conf.d/20-b.conf",
                    NULL);
        assert_int_equal(p->max_size, 2 * GIB);
        assert_int_equal(p->min_size, 512 * MIB);
        assert_int_equal(p->per_accelerator, GIB);
        ASSERT_STRV(p->drivers, "c", NULL);
        assert_int_equal(p->n_pci_classes, 1);
        assert_int_equal(p->pci_classes[0].value, 0x030000);
        assert_int_equal(p->n_overrides, 1);
        assert_false(policy_node_enabled(p, 1));
        assert_int_equal(policy_node_size(p, 1)->bytes, 3 * GIB);

        /* min > max across files: the error names the later setting. */
        put(root, "/etc/numacma.conf.d/30-c.conf", "[pools]\n\nmax_size = 256M\n");
        Policy *q = NULL;
        assert_int_equal(policy_load(root, &q, &e), -EINVAL);
        assert_null(q);
        ASSERT_STRV(e.messages, "/etc/numacma.conf.d/30-c.conf:3: max_size below min_size (512M): '256M'", NULL);
        policy_errors_done(&e);

        /* A later file fixing an earlier file's bound is fine. */
        put(root, "/etc/numacma.conf.d/30-c.conf", "[pools]\nmin_size = 8G\n");
        put(root, "/etc/numacma.conf.d/31-d.conf", "[pools]\nmax_size = 16G\n");
        assert_int_equal(policy_load(root, &q, &e), 0);
        assert_null(e.messages);
        assert_int_equal(q->min_size, 8 * GIB);
        assert_int_equal(q->max_size, 16 * GIB);
        policy_free(q);
        rm_tree(root);
}

static void test_check_file(void **state) {
        char path[] = "/tmp/test-config-check-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        static const char text[] = "[pools]\nmax_size = 4Q\n";
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);

        PolicyErrors e = {0};
        assert_int_equal(policy_check_file(path, &e), -EINVAL);
        assert_int_equal(strv_length(e.messages), 1);
        _cleanup_free_ char *want = strdup_printf(
                "%s:2: invalid size for 'max_size': '4Q' (expected a number with K, M, G or T, e.g. 4G)", path);
        assert_string_equal(e.messages[0], want);
        policy_errors_done(&e);

        assert_int_equal(policy_check_file(SHIPPED, &e), 0);
        assert_null(e.messages);
        unlink(path);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_size),
                cmocka_unit_test(test_parse_share),
                cmocka_unit_test(test_parse_timespan),
                cmocka_unit_test(test_parse_pci_address),
                cmocka_unit_test(test_backend_names),
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_shipped_equals_defaults),
                cmocka_unit_test(test_shipped_example),
                cmocka_unit_test(test_every_key),
                cmocka_unit_test(test_values_case_and_forms),
                cmocka_unit_test(test_node_sections_merge),
                cmocka_unit_test(test_node_enabled_modes),
                cmocka_unit_test(test_section_comments),
                cmocka_unit_test(test_lists),
                cmocka_unit_test(test_error_values),
                cmocka_unit_test(test_error_structure),
                cmocka_unit_test(test_error_long_lines_and_nul),
                cmocka_unit_test(test_error_min_max),
                cmocka_unit_test(test_error_include_exclude),
                cmocka_unit_test(test_error_cap),
                cmocka_unit_test(test_error_cap_files),
                cmocka_unit_test(test_file_too_large),
                cmocka_unit_test(test_list_limits),
                cmocka_unit_test(test_many_node_sections),
                cmocka_unit_test(test_load_errors),
                cmocka_unit_test(test_load_io_errors),
                cmocka_unit_test(test_load_missing),
                cmocka_unit_test(test_load_dropins),
                cmocka_unit_test(test_check_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
