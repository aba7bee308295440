/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>

#include "basic/problem.h"
#include "basic/util.h"

#define PROBLEM_INFO_(e, c, k, d) [e] = { .code = c, .kind = k, .description = d },
static const ProblemInfo problem_table[_PROBLEM_CODE_MAX] = {
        PROBLEM_CODES(PROBLEM_INFO_)
};
#undef PROBLEM_INFO_

const ProblemInfo *problem_info(ProblemCode c) {
        return (unsigned) c < _PROBLEM_CODE_MAX ? &problem_table[c] : NULL;
}

const char *problem_code_to_string(ProblemCode c) {
        const ProblemInfo *i = problem_info(c);
        return i ? i->code : NULL;
}

static int problems_push(ProblemList *l, ProblemCode code, char *text) {
        if (!text)
                return -ENOMEM;
        Problem *n = realloc(l->items, (l->n + 1) * sizeof(Problem));
        if (!n) {
                free(text);
                return -ENOMEM;
        }
        l->items = n;
        l->items[l->n++] = (Problem){ .code = code, .text = text };
        return 0;
}

int problems_add(ProblemList *l, ProblemCode code, const char *text) {
        return problems_push(l, code, strdup(strempty(text)));
}

int problems_addf(ProblemList *l, ProblemCode code, const char *fmt, ...) {
        va_list ap;
        char *s = NULL;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return problems_push(l, code, r < 0 ? NULL : s);
}

bool problems_contain_text(const ProblemList *l, const char *text) {
        FOREACH_PROBLEM(p, l)
                if (streq(p->text, text))
                        return true;
        return false;
}

bool problems_contain_code(const ProblemList *l, ProblemCode code) {
        FOREACH_PROBLEM(p, l)
                if (p->code == code)
                        return true;
        return false;
}

const char *problems_last_text(const ProblemList *l) {
        return l->n ? l->items[l->n - 1].text : NULL;
}

char *problems_join(const ProblemList *l, const char *sep) {
        StrBuf b = {0};
        FOREACH_PROBLEM(p, l)
                strbuf_printf(&b, "%s%s", b.len ? sep : "", p->text);
        if (b.oom) {
                strbuf_done(&b);
                return NULL;
        }
        return b.buf ? strbuf_steal(&b) : strdup("");
}

size_t problems_count_kind(const ProblemList *l, ProblemKind kind) {
        size_t n = 0;
        FOREACH_PROBLEM(p, l)
                n += problem_info(p->code)->kind == kind;
        return n;
}

void problems_done(ProblemList *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->items[i].text);
        free(l->items);
        *l = (ProblemList){0};
}
