/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The problem codes: one table (basic/problem.h), documented in
 * numacmactl(8) "PROBLEM CODES" word for word, each code kebab-case and
 * unique; and the list helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "basic/fileio.h"
#include "basic/problem.h"
#include "basic/util.h"

static bool kebab(const char *s) {
        if (!*s || *s == '-')
                return false;
        for (const char *p = s; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || (*p == '-' && p[1] && p[1] != '-')))
                        return false;
        return true;
}

static void test_table(void **state) {
        for (int i = 0; i < _PROBLEM_CODE_MAX; i++) {
                const ProblemInfo *a = problem_info(i);
                assert_non_null(a);
                assert_true(kebab(a->code));
                assert_true(strlen(a->code) <= 32);
                assert_non_null(a->description);
                /* One line, for the man page. */
                assert_null(strchr(a->description, '\n'));
                assert_true(a->kind == PROBLEM_KIND_PROBLEM || a->kind == PROBLEM_KIND_NOTE);
                for (int j = 0; j < i; j++)
                        assert_string_not_equal(a->code, problem_info(j)->code);
        }
        assert_null(problem_info(_PROBLEM_CODE_MAX));
        assert_null(problem_info(-1));
        assert_null(problem_code_to_string(_PROBLEM_CODE_MAX));
}

/* The man page's section, with roff's \- read as '-'. */
static char *man_section(const char *title) {
        _cleanup_free_ char *text = NULL;
        assert_int_equal(read_full_file_root("/", SRCDIR "/man/numacmactl.8", &text, NULL), 0);
        StrBuf b = {0};
        for (const char *p = text; *p; p++)
                if (p[0] == '\\' && p[1] == '-') {
                        strbuf_append(&b, "-");
                        p++;
                } else
                        strbuf_appendn(&b, p, 1);
        _cleanup_free_ char *plain = strbuf_steal(&b);
        _cleanup_free_ char *head = strdup_printf("\n.SH %s\n", title);
        const char *start = strstr(plain, head);
        assert_non_null(start);
        start += strlen(head);
        const char *end = strstr(start, "\n.SH ");
        return strndup(start, end ? (size_t) (end - start + 1) : strlen(start));
}

/* Every code is in numacmactl(8) with its kind and its description, and
 * the section names no other code. */
static void test_man_page(void **state) {
        _cleanup_free_ char *sec = man_section("PROBLEM CODES");
        size_t documented = 0;
        for (int i = 0; i < _PROBLEM_CODE_MAX; i++) {
                const ProblemInfo *a = problem_info(i);
                _cleanup_free_ char *entry = strdup_printf(".TP\n.B %s\n(%s) %s\n", a->code,
                                                           a->kind == PROBLEM_KIND_NOTE ? "note" : "problem", a->description);
                if (!strstr(sec, entry))
                        print_error("numacmactl(8) PROBLEM CODES lacks, or words otherwise:\n%s", entry);
                assert_non_null(strstr(sec, entry));
        }
        for (const char *p = sec; (p = strstr(p, "\n.B ")); p += 4) {
                const char *e = strchr(p + 4, '\n');
                _cleanup_free_ char *code = strndup(p + 4, e ? (size_t) (e - p - 4) : strlen(p + 4));
                bool known = false;
                for (int i = 0; i < _PROBLEM_CODE_MAX; i++)
                        known |= streq(code, problem_info(i)->code);
                if (!known)
                        print_error("numacmactl(8) documents '%s', which is no code\n", code);
                assert_true(known);
                documented++;
        }
        assert_int_equal(documented, _PROBLEM_CODE_MAX);
}

static void test_list(void **state) {
        _cleanup_(problems_done) ProblemList l = {0};
        _cleanup_free_ char *none = problems_join(&l, "|");
        assert_string_equal(none, "");
        assert_null(problems_last_text(&l));
        assert_int_equal(problems_addf(&l, PROBLEM_POOL_CAPPED, "node %d capped", 1), 0);
        assert_int_equal(problems_add(&l, PROBLEM_APPLY_NEEDED, "run apply"), 0);
        assert_int_equal(problems_add(&l, PROBLEM_POOL_TOO_SMALL, NULL), 0);
        assert_int_equal(l.n, 3);
        assert_true(problems_contain_text(&l, "run apply"));
        assert_false(problems_contain_text(&l, "run"));
        assert_true(problems_contain_code(&l, PROBLEM_POOL_CAPPED));
        assert_false(problems_contain_code(&l, PROBLEM_APPLY_FAILED));
        assert_int_equal(problems_count_kind(&l, PROBLEM_KIND_NOTE), 1);
        assert_int_equal(problems_count_kind(&l, PROBLEM_KIND_PROBLEM), 2);
        assert_string_equal(problems_last_text(&l), "");
        _cleanup_free_ char *all = problems_join(&l, "|");
        assert_string_equal(all, "node 1 capped|run apply|");
        size_t n = 0;
        FOREACH_PROBLEM(p, &l)
                n++;
        assert_int_equal(n, 3);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_man_page),
                cmocka_unit_test(test_list),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
