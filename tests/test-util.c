/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <limits.h>

#include "basic/util.h"
#include "kernel/memparse.h"

/* Expected values are what 7.2's memparse() (lib/cmdline.c: the number
 * with _parse_integer() in base 0, saturating on overflow, then at most one
 * K/M/G/T/P/E after a number, saturating with check_shl_overflow())
 * returns. */
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
                { "16e", UINT64_MAX, 3 },        /* 16 << 60 saturates */
                { "8E", UINT64_C(1) << 63, 2 },
                { "15E", UINT64_C(15) << 60, 3 },
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
                { "M", 0, 0 },                   /* no digits: 0, the suffix is not taken */
                { "K,", 0, 0 },
                { "0k", 0, 2 },                  /* "0" is a number */
                { "0xK", 0, 1 },                 /* octal "0", stops at 'x' */
                { "1Q", 1, 1 },                  /* stops at Q */
                { "1MB", MIB, 2 },               /* one suffix only */
                { "1KM", KIB, 2 },
                { " 1M", 0, 0 },                 /* no whitespace skipping */
                { "-1M", 0, 0 },                 /* no sign */
                { "+1", 0, 0 },
                { "12:64M", 12, 2 },
                { "1.5G", 1, 1 },
                { "18446744073709551615", UINT64_MAX, 20 },
                { "18446744073709551616", UINT64_MAX, 20 },     /* 2^64 saturates, all digits used */
                { "99999999999999999999999999", UINT64_MAX, 26 },
                { "18446744073709551615K", UINT64_MAX, 21 },
                { "17179869184G", UINT64_MAX, 12 },             /* 2^34 << 30 = 2^64 */
                { "17179869183G", UINT64_C(17179869183) << 30, 12 },
                { "16777216T", UINT64_MAX, 9 },                 /* 2^24 << 40 */
                { "16777215t", UINT64_C(16777215) << 40, 9 },
                { "16384P", UINT64_MAX, 6 },
                { "9223372036854775808", UINT64_C(1) << 63, 19 },
                { "9223372036854775807", INT64_MAX, 19 },
                { "8589934592G", UINT64_C(1) << 63, 11 },       /* 2^33 << 30 = 2^63 */
                { "0x8000000000000000", UINT64_C(1) << 63, 18 },
                { "0xffffffffffffffff", UINT64_MAX, 18 },
                { "0x10000000000000000", UINT64_MAX, 19 },      /* 2^64 */
                { "0xffffffffffffffffff", UINT64_MAX, 20 },
                { "0xffffffffffffffK", UINT64_MAX, 17 },        /* 2^56 - 1 << 10 */
                { "0x3fffffffffffffK", UINT64_C(0x3fffffffffffff) << 10, 17 },
                { "01777777777777777777777", UINT64_MAX, 23 },  /* octal 2^64 - 1 */
                { "02000000000000000000000", UINT64_MAX, 23 },  /* octal 2^64 */
                { "-18446744073709551615", 0, 0 },
                { "\t1G", 0, 0 },
                { "1 G", 1, 1 },
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

/* Each helper at 0, at 2^63 and next to 2^64: exact results are stored
 * and true; overflow saturates and is false. */
static void test_size_arithmetic(void **state) {
        const uint64_t H = UINT64_C(1) << 63, MAX = UINT64_MAX;
        uint64_t v;

        assert_true(size_add(0, 0, &v) && v == 0);
        assert_true(size_add(H, H - 1, &v) && v == MAX);
        assert_false(size_add(H, H, &v));
        assert_true(v == MAX);
        assert_false(size_add(MAX, 1, &v));
        assert_true(v == MAX);
        assert_true(size_add_sat(MAX - 1, 1) == MAX);
        assert_true(size_add_sat(MAX, MAX) == MAX);

        assert_true(size_mul(MAX, 1, &v) && v == MAX);
        assert_true(size_mul(0, MAX, &v) && v == 0);
        assert_true(size_mul(H, 1, &v) && v == H);
        assert_false(size_mul(H, 2, &v));
        assert_true(v == MAX);
        assert_true(size_mul(UINT32_MAX, UINT64_C(1) << 32, &v) && v == MAX - UINT32_MAX);
        assert_false(size_mul(UINT64_C(1) << 32, UINT64_C(1) << 32, &v));
        assert_true(size_mul_sat(128 * MIB, UINT64_C(1) << 40) == MAX);
        assert_true(size_mul_sat(128 * MIB, 3) == 384 * MIB);

        assert_true(size_shl(1, 63, &v) && v == H);
        assert_false(size_shl(2, 63, &v));
        assert_true(v == MAX);
        assert_false(size_shl(1, 64, &v));
        assert_true(size_shl(0, 64, &v) && v == 0);
        assert_true(size_shl(UINT64_C(17179869183), 30, &v) && v == UINT64_C(17179869183) << 30);
        assert_false(size_shl(UINT64_C(17179869184), 30, &v));

        assert_true(size_align_up_checked(0, 2 * MIB, &v) && v == 0);
        assert_true(size_align_up_checked(1, 2 * MIB, &v) && v == 2 * MIB);
        assert_true(size_align_up_checked(H, 2 * MIB, &v) && v == H);
        assert_true(size_align_up_checked(H + 1, 2 * MIB, &v) && v == H + 2 * MIB);
        assert_true(size_align_up_checked(7, 0, &v) && v == 7);
        assert_true(size_align_up_checked(10, 3, &v) && v == 12);
        /* Near 2^64 there is no multiple above: the largest one below. */
        assert_false(size_align_up_checked(MAX, 2 * MIB, &v));
        assert_true(v == MAX - (2 * MIB - 1));
        assert_false(size_align_up_checked(MAX - 2 * MIB + 2, 2 * MIB, &v));
        assert_true(v == ALIGN_DOWN(MAX, 2 * MIB));
        assert_true(size_align_up_checked(MAX - 2 * MIB + 1, 2 * MIB, &v) && v == MAX - 2 * MIB + 1);
        assert_true(ALIGN_UP(MAX, 4 * MIB) == ALIGN_DOWN(MAX, 4 * MIB));
        assert_true(ALIGN_UP(MAX - 2, 3) == MAX);  /* 2^64 - 1 is a multiple of 3 */
        assert_true(ALIGN_UP(65 * MIB, 2 * MIB) == 66 * MIB);
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
                cmocka_unit_test(test_size_arithmetic),
                cmocka_unit_test(test_format_size_kernel),
                cmocka_unit_test(test_safe_atou64),
                cmocka_unit_test(test_safe_atoi),
                cmocka_unit_test(test_strv),
                cmocka_unit_test(test_strbuf),
                cmocka_unit_test(test_string_helpers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
