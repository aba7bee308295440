/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status for a person: a headline (the state and the one thing to do), the
 * layers, the node table, every device once, a legend, then the problems
 * (or, when the state is ok, notes) with repeated lines folded. Plain
 * ASCII unless the locale says UTF-8. */
#include <inttypes.h>

#include "basic/util.h"
#include "status/status.h"
#include "status/status_fields.h"

static const char *state_bullet(State st, bool ascii) {
        if (ascii)
                return st == STATE_OK ? "*" : st == STATE_DEGRADED ? "x" : "o";
        return st == STATE_OK ? "●" : st == STATE_DEGRADED ? "×" : "○";
}

static char *cell(const StatusField *f, const FieldValue *v) {
        if (v->state != VALUE_SET)
                return strdup(v->state == VALUE_UNKNOWN ? "?" : "-");
        switch (f->type) {
        case FIELD_BOOL: return strdup(v->b ? "yes" : "no");
        case FIELD_INT:
                return v->i < 0 && (f->flags & FIELD_HUMAN_DASH_NEGATIVE) ? strdup("-") : strdup_printf("%" PRId64, v->i);
        case FIELD_COUNT:
        case FIELD_PAGES: return strdup_printf("%" PRIu64, v->u);
        case FIELD_MIB:
                return !v->u && (f->flags & FIELD_HUMAN_DASH_ZERO) ? strdup("-") : strdup_printf("%" PRIu64 "M", v->u / MIB);
        case FIELD_KIB:
                return !v->u && (f->flags & FIELD_HUMAN_DASH_ZERO) ? strdup("-") : strdup_printf("%" PRIu64 "K", v->u / KIB);
        case FIELD_STRING: return strdup(v->s ? v->s : "-");
        case FIELD_STRV: return strdup_printf("%zu", strv_length(v->strv));
        }
        return NULL;
}

/* The cells of a table's human columns, row by row: one or more tables
 * with the same columns (devices, then accelerators without a node). */
typedef struct {
        const StatusTable *t;     /* the first table: its headings */
        char **cells;             /* n_rows x n_fields of t */
        size_t n_rows;
        bool oom;
} Grid;

static void grid_done(Grid *g) {
        for (size_t i = 0; i < g->n_rows * g->t->n_fields; i++)
                free(g->cells[i]);
        free(g->cells);
}

/* Append the rows of t that pick() accepts (NULL: all); t's columns must
 * be g's. */
static void grid_add(Grid *g, const Status *s, const StatusTable *t, bool (*pick)(const void *row)) {
        size_t nf = g->t->n_fields;
        for (size_t i = 0; i < t->n_rows(s) && !g->oom; i++) {
                const void *row = t->row(s, i);
                if (pick && !pick(row))
                        continue;
                char **c = realloc(g->cells, (g->n_rows + 1) * nf * sizeof(char *));
                if (!c) {
                        g->oom = true;
                        return;
                }
                g->cells = c;
                c += g->n_rows++ * nf;
                for (size_t j = 0, k = 0; j < nf; j++) {
                        c[j] = NULL;
                        if (!g->t->fields[j].column)
                                continue;
                        while (k < t->n_fields && !t->fields[k].column)
                                k++;
                        _cleanup_(field_value_done) FieldValue v;
                        status_field_get(s, &t->fields[k], row, &v);
                        g->oom |= !(c[j] = cell(&t->fields[k], &v));
                        k++;
                }
        }
}

/* Aligned columns; the column headed "" is the last and not padded. */
static int grid_print(FILE *out, const Grid *g, const char *indent) {
        size_t nf = g->t->n_fields;
        _cleanup_free_ size_t *width = calloc(nf, sizeof(size_t));
        if (!width || g->oom)
                return -ENOMEM;
        for (size_t j = 0; j < nf; j++)
                if (g->t->fields[j].column) {
                        width[j] = strlen(g->t->fields[j].column);
                        for (size_t i = 0; i < g->n_rows; i++)
                                width[j] = MAX(width[j], strlen(g->cells[i * nf + j]));
                }
        for (size_t i = 0; i <= g->n_rows; i++) {
                StrBuf b = {0};
                for (size_t j = 0; j < nf; j++) {
                        const char *head = g->t->fields[j].column;
                        if (!head)
                                continue;
                        const char *c = i == 0 ? head : g->cells[(i - 1) * nf + j];
                        strbuf_printf(&b, "%s%-*s", b.len ? "  " : indent, *head ? (int) width[j] : 0, c);
                }
                while (b.len && b.buf[b.len - 1] == ' ')
                        b.buf[--b.len] = 0;
                if (b.oom) {
                        strbuf_done(&b);
                        return -ENOMEM;
                }
                fprintf(out, "%s\n", strempty(b.buf));
                strbuf_done(&b);
        }
        return 0;
}

static void header(FILE *f, const Status *s, bool ascii) {
        _cleanup_free_ char *args = plan_args_string(s->plan);
        const KernelCaps *k = s->running;

        fprintf(f, "%s numacma: %s - %s\n", state_bullet(s->state, ascii), state_to_string(s->state), s->summary);
        fprintf(f, "     Kernel: %s (%s): per-node CMA %s%s%s\n", strna(k->release), strna(k->arch),
                k->per_node == PERNODE_NONE ? "not supported" : per_node_param_to_string(k->per_node),
                k->per_node == PERNODE_NONE ? "" : "=", k->implicit_per_node ? ", implicit per-node areas" : "");
        fprintf(f, "    Default: ");
        if (!s->default_area)
                fprintf(f, "no default CMA area\n");
        else {
                fprintf(f, "%" PRIu64 " MiB area ", s->default_area / MIB);
                if (s->default_node_known)
                        fprintf(f, "on node %d", s->default_node);
                else
                        fprintf(f, "(node unknown)");
                if (s->default_usage_zoneinfo)
                        fprintf(f, ", %" PRIu64 "K in use (zoneinfo: no CMA sysfs, failures not counted)\n", s->default_used / KIB);
                else if (s->default_usage_known)
                        fprintf(f, ", %" PRIu64 "K in use, %" PRIu64 " pages of failed allocations\n",
                                s->default_used / KIB, s->default_alloc_failures);
                else
                        fprintf(f, ", use unknown (no CMA sysfs)\n");
        }
        fprintf(f, "       Plan: %s%s\n", args && *args ? args : "no argument",
                s->plan->implicit ? " (the kernel's implicit per-node areas suffice)" :
                s->plan->admin_conflict ? " (the administrator's arguments are kept)" :
                s->plan->refused ? " (refused: see the problems)" : "");
        if (s->next->cmdline)
                fprintf(f, "  Next boot: %s (%s)\n", s->next->cmdline, strna(s->next->backend));
        else
                fprintf(f, "  Next boot: unknown (%s: %s)\n", strna(s->next->backend),
                        s->next->unknown_reason ? s->next->unknown_reason : "the boot configuration could not be read");
        fprintf(f, "     Booted: %s\n\n", s->booted_cmdline);
}

static void legend(FILE *f) {
        fprintf(f, "  - none or does not apply, ? unknown (the kernel does not say); M MiB, K KiB. DESIRED: the\n"
                   "  policy's plan; NEXT, BOOTED: what the next boot's and the booted command line ask for.\n");
}

/* "0-3, 5, 7-8" */
static void node_ranges(StrBuf *b, const int *nodes, size_t n) {
        for (size_t i = 0; i < n; i++) {
                size_t j = i;
                while (j + 1 < n && nodes[j + 1] == nodes[j] + 1)
                        j++;
                strbuf_printf(b, "%s%d", i ? ", " : "", nodes[i]);
                if (j > i)
                        strbuf_printf(b, "%s%d", j == i + 1 ? ", " : "-", nodes[j]);
                i = j;
        }
}

/* Where a text names "node N" first: the offset and N, or false. */
static bool node_mention(const char *t, size_t *ret_off, size_t *ret_len, int *ret_node) {
        for (const char *p = t; (p = strstr(p, "node ")); p += 5) {
                const char *d = p + 5;
                if (p > t && p[-1] != ' ' && p[-1] != '(')
                        continue;
                if (*d < '0' || *d > '9')
                        continue;
                int n = 0;
                while (*d >= '0' && *d <= '9' && n < 100000)
                        n = n * 10 + (*d++ - '0');
                *ret_off = (size_t) (p - t);
                *ret_len = (size_t) (d - p);
                *ret_node = n;
                return true;
        }
        return false;
}

/* Do two texts differ only in the node they name first? */
static bool same_but_node(const char *a, const char *b) {
        size_t ao, al, bo, bl;
        int an, bn;
        if (!node_mention(a, &ao, &al, &an) || !node_mention(b, &bo, &bl, &bn) || ao != bo)
                return false;
        return strncmp(a, b, ao) == 0 && streq(a + ao + al, b + bo + bl);
}

/* Each entry of that kind (all of them when kind < 0), the ones that
 * differ only in their node folded into one line naming the nodes. */
static int print_entries(FILE *f, const ProblemList *l, int kind) {
        _cleanup_free_ bool *done = calloc(MAX(l->n, (size_t) 1), sizeof(bool));
        _cleanup_free_ int *nodes = calloc(MAX(l->n, (size_t) 1), sizeof(int));
        if (!done || !nodes)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++) {
                const Problem *p = &l->items[i];
                if (done[i] || (kind >= 0 && problem_info(p->code)->kind != (ProblemKind) kind))
                        continue;
                size_t n = 0, off, len;
                int node;
                for (size_t j = i; j < l->n; j++)
                        if (j == i || (!done[j] && l->items[j].code == p->code && same_but_node(p->text, l->items[j].text))) {
                                done[j] = true;
                                if (node_mention(l->items[j].text, &off, &len, &node))
                                        nodes[n++] = node;
                        }
                if (n <= 1) {
                        fprintf(f, "    - %s [%s]\n", p->text, problem_code_to_string(p->code));
                        continue;
                }
                StrBuf b = {0};
                node_ranges(&b, nodes, n);
                (void) node_mention(p->text, &off, &len, &node);
                fprintf(f, "    - %.*snodes %s%s [%s, %zu nodes]\n", (int) off, p->text, strempty(b.buf), p->text + off + len,
                        problem_code_to_string(p->code), n);
                strbuf_done(&b);
        }
        return 0;
}

static bool accel_without_node(const void *row) {
        return ((const AccelStatus *) row)->dev->numa_node < 0;
}

static int devices(FILE *f, const Status *s) {
        Grid g = { .t = &status_device_table };
        grid_add(&g, s, &status_device_table, NULL);
        /* Accelerators with a node are devices already: each device once. */
        grid_add(&g, s, &status_accel_table, accel_without_node);
        int r = 0;
        if (g.n_rows) {
                fprintf(f, "\n  Devices (coherent DMA):\n");
                r = grid_print(f, &g, "    ");
        }
        grid_done(&g);
        return r;
}

int status_print_human(FILE *f, const Status *s, StatusPrintFlags flags) {
        Grid g = { .t = &status_node_table };
        int r;

        header(f, s, flags & STATUS_PRINT_ASCII);
        grid_add(&g, s, &status_node_table, NULL);
        r = grid_print(f, &g, "  ");
        grid_done(&g);
        if (r < 0 || (r = devices(f, s)) < 0)
                return r;
        fputc('\n', f);
        legend(f);
        /* An ok state has notes, not problems: what is listed does not
         * make it worse. */
        if (s->state == STATE_OK) {
                if (s->problems.n) {
                        fprintf(f, "\n  Notes:\n");
                        r = print_entries(f, &s->problems, -1);
                }
        } else {
                if (problems_count_kind(&s->problems, PROBLEM_KIND_PROBLEM)) {
                        fprintf(f, "\n  Problems:\n");
                        r = print_entries(f, &s->problems, PROBLEM_KIND_PROBLEM);
                }
                if (r >= 0 && problems_count_kind(&s->problems, PROBLEM_KIND_NOTE)) {
                        fprintf(f, "\n  Notes:\n");
                        r = print_entries(f, &s->problems, PROBLEM_KIND_NOTE);
                }
        }
        if (r < 0)
                return r;
        return ferror(f) ? -EIO : 0;
}
