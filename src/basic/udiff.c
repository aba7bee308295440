/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/udiff.h"
#include "basic/util.h"

#define CONTEXT 3
/* Bound on the LCS table (cells) after the common head and tail are cut:
 * edits to boot files are small, so this is only reached by odd input. */
#define LCS_MAX_CELLS (4u * 1024 * 1024)

typedef struct {
        const char *s;
        size_t len;   /* without the newline */
        bool nl;      /* ends with a newline */
} Line;

static int split_lines(const char *text, Line **ret, size_t *ret_n) {
        size_t n = 0, cap = 0;
        Line *l = NULL;
        for (const char *p = text; p && *p;) {
                const char *e = strchr(p, '\n');
                if (n == cap) {
                        cap = MAX(cap * 2, (size_t) 16);
                        Line *nl = realloc(l, cap * sizeof(Line));
                        if (!nl) {
                                free(l);
                                return -ENOMEM;
                        }
                        l = nl;
                }
                l[n++] = (Line){ .s = p, .len = e ? (size_t) (e - p) : strlen(p), .nl = !!e };
                p = e ? e + 1 : p + strlen(p);
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

static bool line_eq(const Line *a, const Line *b) {
        return a->len == b->len && a->nl == b->nl && memcmp(a->s, b->s, a->len) == 0;
}

typedef enum { OP_SAME, OP_DEL, OP_ADD } OpKind;
typedef struct {
        OpKind kind;
        size_t a, b;  /* line index in old / new */
} Op;

static void emit_line(StrBuf *b, char mark, const Line *l) {
        strbuf_appendn(b, &mark, 1);
        strbuf_appendn(b, l->s, l->len);
        strbuf_append(b, "\n");
        if (!l->nl)
                strbuf_append(b, "\\ No newline at end of file\n");
}

/* The edit script: common head, LCS of the middle (or delete-all/add-all
 * when too big), common tail. */
static int edit_script(const Line *a, size_t na, const Line *b, size_t nb, Op **ret, size_t *ret_n) {
        size_t head = 0, tail = 0;
        while (head < na && head < nb && line_eq(&a[head], &b[head]))
                head++;
        while (tail < na - head && tail < nb - head && line_eq(&a[na - 1 - tail], &b[nb - 1 - tail]))
                tail++;
        size_t ma = na - head - tail, mb = nb - head - tail;
        Op *ops = calloc(na + nb + 1, sizeof(Op));
        size_t n = 0;
        if (!ops)
                return -ENOMEM;
        for (size_t i = 0; i < head; i++)
                ops[n++] = (Op){ OP_SAME, i, i };

        uint32_t *t = NULL;
        if (ma && mb && (ma + 1) <= LCS_MAX_CELLS / (mb + 1))
                t = calloc((ma + 1) * (mb + 1), sizeof(uint32_t));
        if (t) {
                /* t[i][j]: LCS length of a[head+i..] and b[head+j..] */
#define T(i, j) t[(i) * (mb + 1) + (j)]
                for (size_t i = ma; i-- > 0;)
                        for (size_t j = mb; j-- > 0;)
                                T(i, j) = line_eq(&a[head + i], &b[head + j]) ? T(i + 1, j + 1) + 1
                                                                             : MAX(T(i + 1, j), T(i, j + 1));
                size_t i = 0, j = 0;
                while (i < ma || j < mb) {
                        if (i < ma && j < mb && line_eq(&a[head + i], &b[head + j])) {
                                ops[n++] = (Op){ OP_SAME, head + i, head + j };
                                i++, j++;
                        } else if (i < ma && (j == mb || T(i + 1, j) >= T(i, j + 1)))
                                ops[n++] = (Op){ OP_DEL, head + i++, head + j };
                        else
                                ops[n++] = (Op){ OP_ADD, head + i, head + j++ };
                }
#undef T
                free(t);
        } else {
                for (size_t i = 0; i < ma; i++)
                        ops[n++] = (Op){ OP_DEL, head + i, head };
                for (size_t j = 0; j < mb; j++)
                        ops[n++] = (Op){ OP_ADD, head + ma, head + j };
        }
        for (size_t i = 0; i < tail; i++)
                ops[n++] = (Op){ OP_SAME, na - tail + i, nb - tail + i };
        *ret = ops;
        *ret_n = n;
        return 0;
}

char *udiff(const char *path, const char *old, const char *new) {
        _cleanup_free_ Line *a = NULL, *b = NULL;
        _cleanup_free_ Op *ops = NULL;
        size_t na, nb, nops;
        StrBuf out = {0};

        if (streq_ptr(old, new) || (isempty(old) && isempty(new) && !old == !new))
                return strdup("");
        if (split_lines(old, &a, &na) < 0 || split_lines(new, &b, &nb) < 0 ||
            edit_script(a, na, b, nb, &ops, &nops) < 0)
                return NULL;

        const char *rel = path[0] == '/' ? path + 1 : path;
        if (old)
                strbuf_printf(&out, "--- a/%s\n", rel);
        else
                strbuf_append(&out, "--- /dev/null\n");
        if (new)
                strbuf_printf(&out, "+++ b/%s\n", rel);
        else
                strbuf_append(&out, "+++ /dev/null\n");

        for (size_t i = 0; i < nops;) {
                if (ops[i].kind == OP_SAME) {
                        i++;
                        continue;
                }
                /* A hunk: from CONTEXT lines before this change to CONTEXT
                 * lines after the last change closer than 2*CONTEXT. */
                size_t start = i > CONTEXT ? i - CONTEXT : 0, end = i;
                for (size_t j = i; j < nops; j++) {
                        if (ops[j].kind != OP_SAME) {
                                end = j;
                                continue;
                        }
                        if (j - end > 2 * CONTEXT)
                                break;
                }
                end = MIN(end + CONTEXT + 1, nops);
                size_t la = 0, lb = 0;
                for (size_t j = start; j < end; j++) {
                        la += ops[j].kind != OP_ADD;
                        lb += ops[j].kind != OP_DEL;
                }
                /* diff -u numbers an empty side by the line before it. */
                size_t sa = ops[start].a + (la ? 1 : 0), sb = ops[start].b + (lb ? 1 : 0);
                strbuf_printf(&out, "@@ -%zu", sa);
                if (la != 1)
                        strbuf_printf(&out, ",%zu", la);
                strbuf_printf(&out, " +%zu", sb);
                if (lb != 1)
                        strbuf_printf(&out, ",%zu", lb);
                strbuf_append(&out, " @@\n");
                for (size_t j = start; j < end; j++) {
                        const Op *o = &ops[j];
                        if (o->kind == OP_SAME)
                                emit_line(&out, ' ', &a[o->a]);
                        else if (o->kind == OP_DEL)
                                emit_line(&out, '-', &a[o->a]);
                        else
                                emit_line(&out, '+', &b[o->b]);
                }
                i = end;
        }
        return strbuf_steal(&out);
}
