/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "basic/nodeset.h"
#include "basic/util.h"

/* Parse s, which must succeed, and check members and canonical format. */
static void check_parse(const char *s, const int *members, size_t n, const char *formatted) {
        _cleanup_nodeset_ NodeSet *set = NULL;
        int r = nodeset_parse(s, &set);
        if (r != 0)
                fail_msg("nodeset_parse(\"%s\") = %d", s, r);
        assert_non_null(set);
        assert_int_equal(nodeset_count(set), n);
        size_t i = 0;
        for (int m = -1; (m = nodeset_next(set, m)) >= 0; i++) {
                assert_true(i < n);
                assert_int_equal(m, members[i]);
        }
        assert_int_equal(i, n);
        assert_int_equal(nodeset_last(set), n ? members[n - 1] : -1);
        _cleanup_free_ char *f = nodeset_format(set);
        assert_non_null(f);
        assert_string_equal(f, formatted);

        /* The canonical form parses back to the same set. */
        _cleanup_nodeset_ NodeSet *again = NULL;
        assert_int_equal(nodeset_parse(f, &again), 0);
        _cleanup_free_ char *f2 = nodeset_format(again);
        assert_string_equal(f2, f);
}

static void check_fail(const char *s, int err) {
        NodeSet *set = (NodeSet *) (uintptr_t) 1;  /* must stay untouched */
        int r = nodeset_parse(s, &set);
        if (r != err)
                fail_msg("nodeset_parse(\"%s\") = %d, expected %d", s, r, err);
        assert_true(set == (NodeSet *) (uintptr_t) 1);
}

static void test_parse_ok(void **state) {
        check_parse("0-3,5", (const int[]) { 0, 1, 2, 3, 5 }, 5, "0-3,5");
        check_parse("", NULL, 0, "");
        check_parse("\n", NULL, 0, "");
        check_parse("0", (const int[]) { 0 }, 1, "0");
        /* As sysfs writes it (node/online, node/has_memory). */
        check_parse("0-1\n", (const int[]) { 0, 1 }, 2, "0-1");
        check_parse("0,2\n", (const int[]) { 0, 2 }, 2, "0,2");
        /* Leading whitespace is skipped. */
        check_parse("  0", (const int[]) { 0 }, 1, "0");
        /* Non-canonical input gets the canonical form. */
        check_parse("3,0-1,2", (const int[]) { 0, 1, 2, 3 }, 4, "0-3");
        check_parse("1,1,1", (const int[]) { 1 }, 1, "1");
        check_parse("2-2", (const int[]) { 2 }, 1, "2");
        check_parse("0-1,3-4,6", (const int[]) { 0, 1, 3, 4, 6 }, 5, "0-1,3-4,6");
        check_parse("007", (const int[]) { 7 }, 1, "7");
        check_parse("4095", (const int[]) { 4095 }, 1, "4095");
        check_parse("63-65", (const int[]) { 63, 64, 65 }, 3, "63-65");
        check_parse("4093-4095", (const int[]) { 4093, 4094, 4095 }, 3, "4093-4095");
}

static void test_parse_errors(void **state) {
        check_fail("1-0", -EINVAL);
        check_fail("0,,1", -EINVAL);
        check_fail(",0", -EINVAL);
        check_fail("0,", -EINVAL);
        check_fail("0,\n", -EINVAL);
        check_fail("0-", -EINVAL);
        check_fail("-1", -EINVAL);
        check_fail("0--1", -EINVAL);
        check_fail("a", -EINVAL);
        check_fail("0 1", -EINVAL);
        check_fail("0 ", -EINVAL);
        check_fail("0\n1", -EINVAL);
        check_fail("0\n\n", -EINVAL);
        check_fail("0;1", -EINVAL);
        check_fail("+1", -EINVAL);
        check_fail("4096", -ERANGE);
        check_fail("0-4096", -ERANGE);
        check_fail("99999999999999999999999", -ERANGE);
}

static void test_add_contains(void **state) {
        _cleanup_nodeset_ NodeSet *s = nodeset_new();
        assert_non_null(s);
        assert_int_equal(nodeset_count(s), 0);
        assert_int_equal(nodeset_last(s), -1);
        assert_int_equal(nodeset_next(s, -1), -1);

        assert_int_equal(nodeset_add(s, 0), 0);
        assert_int_equal(nodeset_add(s, 4095), 0);
        assert_int_equal(nodeset_add(s, 4096), -ERANGE);
        assert_int_equal(nodeset_add(s, -1), -ERANGE);
        assert_int_equal(nodeset_add(s, 0), 0);   /* again: no change */
        assert_int_equal(nodeset_count(s), 2);

        assert_true(nodeset_contains(s, 0));
        assert_true(nodeset_contains(s, 4095));
        assert_false(nodeset_contains(s, 1));
        assert_false(nodeset_contains(s, -1));
        assert_false(nodeset_contains(s, 4096));
        assert_false(nodeset_contains(NULL, 0));
        assert_int_equal(nodeset_count(NULL), 0);
        assert_int_equal(nodeset_next(NULL, -1), -1);
        assert_int_equal(nodeset_last(NULL), -1);
}

static void test_sparse_high(void **state) {
        /* Members across word boundaries, up to the last bit. */
        static const int members[] = { 1, 63, 64, 127, 1000, 4031, 4032, 4094, 4095 };
        _cleanup_nodeset_ NodeSet *s = nodeset_new();
        for (size_t i = 0; i < ELEMENTSOF(members); i++)
                assert_int_equal(nodeset_add(s, members[i]), 0);

        assert_int_equal(nodeset_count(s), ELEMENTSOF(members));
        assert_int_equal(nodeset_last(s), 4095);

        size_t i = 0;
        for (int n = -1; (n = nodeset_next(s, n)) >= 0; i++)
                assert_int_equal(n, members[i]);
        assert_int_equal(i, ELEMENTSOF(members));

        /* next() from any point, including members and gaps. */
        assert_int_equal(nodeset_next(s, 0), 1);
        assert_int_equal(nodeset_next(s, 1), 63);
        assert_int_equal(nodeset_next(s, 62), 63);
        assert_int_equal(nodeset_next(s, 63), 64);
        assert_int_equal(nodeset_next(s, 128), 1000);
        assert_int_equal(nodeset_next(s, 4031), 4032);
        assert_int_equal(nodeset_next(s, 4033), 4094);
        assert_int_equal(nodeset_next(s, 4094), 4095);
        assert_int_equal(nodeset_next(s, 4095), -1);

        _cleanup_free_ char *f = nodeset_format(s);
        assert_string_equal(f, "1,63-64,127,1000,4031-4032,4094-4095");

        _cleanup_nodeset_ NodeSet *d = nodeset_dup(s);
        assert_non_null(d);
        _cleanup_free_ char *fd = nodeset_format(d);
        assert_string_equal(fd, f);
        /* A copy, not an alias. */
        assert_int_equal(nodeset_add(d, 2), 0);
        assert_false(nodeset_contains(s, 2));

        _cleanup_nodeset_ NodeSet *e = nodeset_dup(NULL);
        assert_non_null(e);
        assert_int_equal(nodeset_count(e), 0);
}

static void test_full(void **state) {
        _cleanup_nodeset_ NodeSet *s = NULL;
        assert_int_equal(nodeset_parse("0-4095", &s), 0);
        assert_int_equal(nodeset_count(s), 4096);
        assert_int_equal(nodeset_last(s), 4095);
        _cleanup_free_ char *f = nodeset_format(s);
        assert_string_equal(f, "0-4095");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_ok),
                cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_add_contains),
                cmocka_unit_test(test_sparse_high),
                cmocka_unit_test(test_full),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
