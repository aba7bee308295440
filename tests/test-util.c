/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <limits.h>

#include "basic/util.h"

/* Expected values are what the kernel's memparse() (lib/cmdline.c:
 * simple_strtoull(ptr, &end, 0), then at most one K/M/G/T/P/E) returns. */
static void test_kernel_memparse(void **state) {
        static const struct {
                const char *in;
                uint64_t value;
                size_t used;   /* characters consumed */
        } t[] = {
                { "64M", 64 * MIB, 3 },
                { "64m", 64 * MIB, 3 },
                { "1g", GIB, 2 },
                { "1G", GIB, 2 },
                { "2048", 2048, 4 },
                { "512k", 512 * KIB, 4 },
                { "512K,", 512 * KIB, 4 },
                { "3T", UINT64_C(3) << 40, 2 },
                { "2p", UINT64_C(2) << 50, 2 },
                { "1E", UINT64_C(1) << 60, 2 },
                { "16e", 0, 3 },                 /* 16 << 60 wraps to 0, as in the kernel */
                { "0x10M", 16 * MIB, 5 },        /* hex */
                { "0X1fK", 31 * KIB, 5 },
                { "0xABCdef", 0xabcdef, 8 },
                { "0x", 0, 1 },                  /* no hex digit: octal "0", stops at 'x' */
                { "0xg", 0, 1 },
                { "010", 8, 3 },                 /* octal */
                { "08", 0, 1 },                  /* octal stops at '8' */
                { "0", 0, 1 },
                { "007M", 7 * MIB, 4 },
                { "", 0, 0 },
                { "M", MIB * 0, 1 },             /* no digits: 0, suffix still eaten */
                { "1Q", 1, 1 },                  /* stops at Q */
                { "1MB", MIB, 2 },               /* one suffix only */
                { "1KM", KIB, 2 },
                { " 1M", 0, 0 },                 /* no whitespace skipping */
                { "-1M", 0, 0 },                 /* no sign */
                { "+1", 0, 0 },
                { "12:64M", 12, 2 },
                { "1.5G", 1, 1 },
                { "18446744073709551615", UINT64_MAX, 20 },
                { "18446744073709551616", 0, 20 },      /* wraps, all digits used */
                { "0xffffffffffffffffff", UINT64_MAX, 20 },
                { "4294967296k", UINT64_C(4294967296) * 1024, 11 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                const char *end = NULL;
                uint64_t v = kernel_memparse(t[i].in, &end);
                if (v != t[i].value || (size_t) (end - t[i].in) != t[i].used)
                        fail_msg("kernel_memparse(\"%s\") = %" PRIu64 " used %zu, expected %" PRIu64 " used %zu",
                                 t[i].in, v, (size_t) (end - t[i].in), t[i].value, t[i].used);
                /* ret_end is optional. */
                assert_true(kernel_memparse(t[i].in, NULL) == t[i].value);
        }
}

static void test_format_size_kernel(void **state) {
        static const struct {
                uint64_t in;
                const char *out;
        } t[] = {
                { 0, "0" },
                { 3, "3" },
                { 1023, "1023" },
                { 1024, "1K" },
                { 1536, "1536" },
                { 1536 * KIB, "1536K" },
                { 64 * MIB, "64M" },
                { 1024 * MIB, "1G" },
                { 3 * GIB, "3G" },
                { UINT64_C(1) << 40, "1T" },
                { UINT64_C(1) << 50, "1P" },
                { UINT64_C(1) << 60, "1E" },
                { UINT64_C(8) << 60, "8E" },
                { UINT64_MAX, "18446744073709551615" },
                { GIB + KIB, "1048577K" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *s = format_size_kernel(t[i].in);
                assert_non_null(s);
                assert_string_equal(s, t[i].out);
                /* What we write, the kernel reads back. */
                const char *end;
                assert_true(kernel_memparse(s, &end) == t[i].in);
                assert_int_equal(*end, 0);
        }
}

static void test_safe_atou64(void **state) {
        uint64_t v = 77;

        assert_int_equal(safe_atou64("0", 10, &v), 0);
        assert_true(v == 0);
        assert_int_equal(safe_atou64("18446744073709551615", 10, &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(safe_atou64("0x10", 0, &v), 0);
        assert_true(v == 16);
        assert_int_equal(safe_atou64("010", 0, &v), 0);
        assert_true(v == 8);
        assert_int_equal(safe_atou64("010", 10, &v), 0);
        assert_true(v == 10);
        assert_int_equal(safe_atou64("ff", 16, &v), 0);
        assert_true(v == 255);

        v = 77;
        assert_int_equal(safe_atou64("18446744073709551616", 10, &v), -ERANGE);
        assert_int_equal(safe_atou64("99999999999999999999999", 10, &v), -ERANGE);
        assert_int_equal(safe_atou64("", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64(NULL, 10, &v), -EINVAL);
        assert_int_equal(safe_atou64(" 1", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64("\t1", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64("1 ", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64("1\n", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64("-1", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64("+1", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64("1x", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64("64M", 10, &v), -EINVAL);
        assert_int_equal(safe_atou64("08", 0, &v), -EINVAL);
        assert_true(v == 77);  /* untouched on error */
}

static void test_safe_atoi(void **state) {
        int v = 77;

        assert_int_equal(safe_atoi("0", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(safe_atoi("-1", &v), 0);
        assert_int_equal(v, -1);
        assert_int_equal(safe_atoi("2147483647", &v), 0);
        assert_int_equal(v, INT_MAX);
        assert_int_equal(safe_atoi("-2147483648", &v), 0);
        assert_int_equal(v, INT_MIN);
        assert_int_equal(safe_atoi("010", &v), 0);
        assert_int_equal(v, 10);  /* always decimal */

        v = 77;
        assert_int_equal(safe_atoi("2147483648", &v), -ERANGE);
        assert_int_equal(safe_atoi("-2147483649", &v), -ERANGE);
        assert_int_equal(safe_atoi("99999999999999999999", &v), -ERANGE);
        assert_int_equal(safe_atoi("", &v), -EINVAL);
        assert_int_equal(safe_atoi(NULL, &v), -EINVAL);
        assert_int_equal(safe_atoi(" 1", &v), -EINVAL);
        assert_int_equal(safe_atoi("1 ", &v), -EINVAL);
        assert_int_equal(safe_atoi("1\n", &v), -EINVAL);
        assert_int_equal(safe_atoi("0x10", &v), -EINVAL);
        assert_int_equal(safe_atoi("-", &v), -EINVAL);
        assert_int_equal(safe_atoi("abc", &v), -EINVAL);
        assert_int_equal(v, 77);
}

static void test_strv(void **state) {
        _cleanup_strv_free_ char **l = NULL;

        assert_int_equal(strv_length(NULL), 0);
        assert_false(strv_contains(NULL, "a"));
        _cleanup_free_ char *empty = strv_join(NULL, ",");
        assert_string_equal(empty, "");

        assert_int_equal(strv_extend(&l, "a"), 0);
        assert_int_equal(strv_push(&l, strdup("b")), 0);
        assert_int_equal(strv_extendf(&l, "node%d", 3), 0);
        assert_int_equal(strv_extend(&l, ""), 0);
        assert_int_equal(strv_length(l), 4);
        assert_string_equal(l[0], "a");
        assert_string_equal(l[1], "b");
        assert_string_equal(l[2], "node3");
        assert_string_equal(l[3], "");
        assert_null(l[4]);
        assert_true(strv_contains(l, "node3"));
        assert_true(strv_contains(l, ""));
        assert_false(strv_contains(l, "node"));

        _cleanup_free_ char *j = strv_join(l, ", ");
        assert_string_equal(j, "a, b, node3, ");
        _cleanup_free_ char *j2 = strv_join(l, "");
        assert_string_equal(j2, "abnode3");

        /* strv_push(NULL) is an allocation failure and leaves the list. */
        assert_int_equal(strv_push(&l, NULL), -ENOMEM);
        assert_int_equal(strv_length(l), 4);

        strv_free(NULL);
}

static void test_strbuf(void **state) {
        StrBuf b = {0};

        /* Nothing appended still gives an empty string. */
        char *s = strbuf_steal(&b);
        assert_non_null(s);
        assert_string_equal(s, "");
        free(s);
        assert_null(b.buf);

        strbuf_append(&b, "numa_cma=");
        strbuf_printf(&b, "%d:%s", 0, "64M");
        strbuf_appendn(&b, ",1:128Mxxx", 7);
        assert_int_equal(b.len, strlen("numa_cma=0:64M,1:128M"));
        s = strbuf_steal(&b);
        assert_string_equal(s, "numa_cma=0:64M,1:128M");
        free(s);
        assert_int_equal(b.len, 0);

        /* Growth past the first allocation keeps every byte. */
        char want[5001];
        for (int i = 0; i < 5000; i++) {
                char ch = (char) ('a' + i % 26);
                strbuf_appendn(&b, &ch, 1);
                want[i] = ch;
        }
        want[5000] = 0;
        s = strbuf_steal(&b);
        assert_string_equal(s, want);
        free(s);

        /* Once out of memory, it stays so and steal gives NULL. */
        strbuf_append(&b, "x");
        b.oom = true;
        strbuf_append(&b, "y");
        assert_null(strbuf_steal(&b));
        assert_null(b.buf);

        strbuf_append(&b, "z");
        strbuf_done(&b);
        assert_null(b.buf);
        assert_int_equal(b.len, 0);
}

static void test_string_helpers(void **state) {
        assert_true(streq_ptr(NULL, NULL));
        assert_false(streq_ptr("a", NULL));
        assert_false(streq_ptr(NULL, "a"));
        assert_true(streq_ptr("a", "a"));
        assert_true(isempty(NULL));
        assert_true(isempty(""));
        assert_false(isempty(" "));
        assert_string_equal(strempty(NULL), "");
        assert_string_equal(strna(NULL), "n/a");
        assert_string_equal(startswith("numa_cma=0:64M", "numa_cma="), "0:64M");
        assert_null(startswith("numa_cm", "numa_cma="));
        assert_string_equal(startswith("x", ""), "x");

        _cleanup_free_ char *s = strdup_printf("%s-%03d", "a", 7);
        assert_string_equal(s, "a-007");

        assert_int_equal(ALIGN_UP(5, 4), 8);
        assert_int_equal(ALIGN_UP(8, 4), 8);
        assert_int_equal(ALIGN_DOWN(7, 4), 4);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kernel_memparse),
                cmocka_unit_test(test_format_size_kernel),
                cmocka_unit_test(test_safe_atou64),
                cmocka_unit_test(test_safe_atoi),
                cmocka_unit_test(test_strv),
                cmocka_unit_test(test_strbuf),
                cmocka_unit_test(test_string_helpers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
