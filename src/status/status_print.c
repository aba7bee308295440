/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status as JSON, as a dense human summary, and as a monitoring-plugin line. */
#include <inttypes.h>
#include <limits.h>

#include "basic/json.h"
#include "basic/util.h"
#include "status/status.h"
#include "status/status_fields.h"

static uint64_t to_mib(uint64_t b) {
        return b / MIB;
}

/* ---- JSON ---- */

static void json_field(JsonWriter *w, const StatusField *f, const FieldValue *v) {
        if (v->state != VALUE_SET) {
                json_null(w, f->json);
                return;
        }
        switch (f->type) {
        case FIELD_BOOL: json_bool(w, f->json, v->b); break;
        case FIELD_INT: json_int(w, f->json, v->i); break;
        case FIELD_COUNT:
        case FIELD_PAGES: json_u64(w, f->json, v->u); break;
        case FIELD_MIB: json_u64(w, f->json, v->u / MIB); break;
        case FIELD_KIB: json_u64(w, f->json, v->u / KIB); break;
        case FIELD_STRING: json_string(w, f->json, v->s); break;
        case FIELD_STRV:
                json_begin_array(w, f->json);
                for (char **e = v->strv; e && *e; e++)
                        json_string(w, NULL, *e);
                json_end_array(w);
                break;
        }
}

/* One JSON array of objects: a row each, a key per field of the table. */
static void json_table(JsonWriter *w, const Status *s, const StatusTable *t) {
        json_begin_array(w, t->json);
        for (size_t i = 0; i < t->n_rows(s); i++) {
                const void *row = t->row(s, i);
                json_begin_object(w, NULL);
                for (size_t j = 0; j < t->n_fields; j++) {
                        const StatusField *f = &t->fields[j];
                        if (!f->json)
                                continue;
                        _cleanup_(field_value_done) FieldValue v;
                        status_field_get(s, f, row, &v);
                        json_field(w, f, &v);
                }
                json_end_object(w);
        }
        json_end_array(w);
}

void status_json_problems(JsonWriter *w, const char *key, const ProblemList *l, ProblemKind kind) {
        json_begin_array(w, key);
        FOREACH_PROBLEM(p, l) {
                if (problem_info(p->code)->kind != kind)
                        continue;
                json_begin_object(w, NULL);
                json_string(w, "code", problem_code_to_string(p->code));
                json_string(w, "text", p->text);
                json_end_object(w);
        }
        json_end_array(w);
}

void status_json_contract(JsonWriter *w, const Status *s) {
        json_u64(w, "schema_version", NUMACMA_JSON_SCHEMA_VERSION);
        json_string(w, "state", state_to_string(s->state));
        json_bool(w, "reboot_required", s->reboot_required);
}

static void json_kernel(JsonWriter *w, const Status *s) {
        json_begin_object(w, "kernel");
        json_string(w, "release", s->running->release);
        json_string(w, "arch", s->running->arch);
        json_string(w, "config", s->running->config_source);
        json_string(w, "per_node_cma", per_node_param_to_string(s->running->per_node));
        json_bool(w, "implicit_per_node", s->running->implicit_per_node);
        /* zoneinfo prints "cma 0" even without CMA: the config is the better witness. */
        json_bool(w, "cma", s->running->config_source ? s->running->cma : s->cma->zoneinfo_has_cma);
        json_bool(w, "cma_sysfs", s->cma->has_sysfs);
        json_end_object(w);
}

static void json_default_area(JsonWriter *w, const Status *s) {
        json_begin_object(w, "default_area");
        json_u64(w, "mib", s->default_area / MIB);
        if (s->default_area && s->default_node_known)
                json_int(w, "node", s->default_node);
        else
                json_null(w, "node");
        if (s->default_usage_known)
                json_u64(w, "used_kib", s->default_used / KIB);
        else
                json_null(w, "used_kib");
        if (s->default_usage_known && !s->default_usage_zoneinfo)
                json_u64(w, "alloc_failures", s->default_alloc_failures);
        else
                json_null(w, "alloc_failures");
        json_bool(w, "failed", s->default_area_failed);
        json_end_object(w);
}

static void json_slots(JsonWriter *w, const Status *s) {
        json_begin_object(w, "slots");
        if (s->booted_slots.areas)
                json_u64(w, "cma_areas", s->booted_slots.areas);
        else
                json_null(w, "cma_areas");
        json_u64(w, "default_area", s->booted_slots.default_area);
        json_u64(w, "hugetlb", s->booted_slots.hugetlb);
        json_u64(w, "other", s->booted_slots.other);
        if (s->plan->slot_budget != UINT_MAX)
                json_u64(w, "plan_budget", s->plan->slot_budget);
        else
                json_null(w, "plan_budget");
        json_end_object(w);
}

static void json_boot_and_plan(JsonWriter *w, const Status *s) {
        json_begin_object(w, "boot");
        json_string(w, "booted", s->booted_cmdline);
        json_string(w, "next_backend", s->next->backend);
        json_string(w, "next", s->next->cmdline);
        json_string(w, "next_release", s->next->release);
        json_end_object(w);

        json_begin_object(w, "plan");
        json_begin_array(w, "args");
        for (char **a = s->plan->args; a && *a; a++)
                json_string(w, NULL, *a);
        json_end_array(w);
        json_bool(w, "implicit", s->plan->implicit);
        json_bool(w, "refused", s->plan->refused);
        json_bool(w, "admin_conflict", s->plan->admin_conflict);
        json_begin_array(w, "targets");
        for (size_t i = 0; i < s->n_targets; i++)
                json_string(w, NULL, s->targets[i].release);
        json_end_array(w);
        json_end_object(w);
}

int status_print_json(FILE *f, const Status *s) {
        JsonWriter w = { .f = f, .pretty = true };

        json_begin_object(&w, NULL);
        status_json_contract(&w, s);
        json_string(&w, "summary", s->summary);
        json_kernel(&w, s);
        json_default_area(&w, s);
        json_slots(&w, s);
        json_boot_and_plan(&w, s);
        json_table(&w, s, &status_node_table);
        json_table(&w, s, &status_accel_table);
        json_table(&w, s, &status_device_table);
        status_json_problems(&w, "problems", &s->problems, PROBLEM_KIND_PROBLEM);
        status_json_problems(&w, "notes", &s->problems, PROBLEM_KIND_NOTE);
        json_end_object(&w);
        json_finish(&w);
        return ferror(f) ? -EIO : 0;
}

/* ---- human ---- */

static const char *state_bullet(State st) {
        return st == STATE_OK ? "●" : st == STATE_DEGRADED ? "×" : "○";
}

static char *human_cell(const StatusField *f, const FieldValue *v) {
        if (v->state != VALUE_SET)
                return strdup(v->state == VALUE_UNKNOWN ? "?" : "-");
        switch (f->type) {
        case FIELD_BOOL: return strdup(v->b ? "yes" : "no");
        case FIELD_INT: return strdup_printf("%" PRId64, v->i);
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

/* The table's columns (fields with a heading), aligned; the column headed
 * "" is the last and is not padded. -ENOMEM. */
static int human_table(FILE *out, const Status *s, const StatusTable *t, const char *indent) {
        size_t nr = t->n_rows(s), nf = t->n_fields;
        _cleanup_free_ char **cells = calloc(MAX(nr * nf, (size_t) 1), sizeof(char *));
        _cleanup_free_ size_t *width = calloc(nf, sizeof(size_t));
        int r = 0;
        if (!cells || !width)
                return -ENOMEM;
        for (size_t j = 0; j < nf; j++)
                width[j] = t->fields[j].column ? strlen(t->fields[j].column) : 0;
        for (size_t i = 0; i < nr && r >= 0; i++)
                for (size_t j = 0; j < nf; j++) {
                        if (!t->fields[j].column)
                                continue;
                        _cleanup_(field_value_done) FieldValue v;
                        status_field_get(s, &t->fields[j], t->row(s, i), &v);
                        if (!(cells[i * nf + j] = human_cell(&t->fields[j], &v))) {
                                r = -ENOMEM;
                                break;
                        }
                        width[j] = MAX(width[j], strlen(cells[i * nf + j]));
                }
        for (size_t i = 0; r >= 0 && i <= nr; i++) {
                StrBuf b = {0};
                for (size_t j = 0; j < nf; j++) {
                        const char *c = i == 0 ? t->fields[j].column : cells[(i - 1) * nf + j];
                        if (!t->fields[j].column || (i > 0 && !*c && !*t->fields[j].column))
                                continue;
                        strbuf_printf(&b, "%s%-*s", b.len ? "  " : indent, *t->fields[j].column ? (int) width[j] : 0, c);
                }
                while (b.len && b.buf[b.len - 1] == ' ')
                        b.buf[--b.len] = 0;
                if (b.oom)
                        r = -ENOMEM;
                else
                        fprintf(out, "%s\n", strempty(b.buf));
                strbuf_done(&b);
        }
        for (size_t i = 0; i < nr * nf; i++)
                free(cells[i]);
        return r;
}

static bool any_pool(const Status *s) {
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].has_local_pool)
                        return true;
        return false;
}

static void human_header(FILE *f, const Status *s) {
        _cleanup_free_ char *args = plan_args_string(s->plan);
        const KernelCaps *k = s->running;

        fprintf(f, "%s numacma: %s - %s\n", state_bullet(s->state), state_to_string(s->state), s->summary);
        fprintf(f, "     Kernel: %s (%s): per-node CMA %s%s%s\n", strna(k->release), strna(k->arch),
                k->per_node == PERNODE_NONE ? "not supported" : per_node_param_to_string(k->per_node),
                k->per_node == PERNODE_NONE ? "" : "=",
                k->implicit_per_node ? ", implicit per-node areas" : "");
        if (s->default_area) {
                if (s->default_node_known)
                        fprintf(f, "    Default: %" PRIu64 " MiB area on node %d\n", s->default_area / MIB, s->default_node);
                else
                        fprintf(f, "    Default: %" PRIu64 " MiB area, node unknown\n", s->default_area / MIB);
        } else
                fprintf(f, "    Default: no default CMA area\n");
        fprintf(f, "       Plan: %s%s\n", args && *args ? args : "no argument",
                s->plan->implicit ? " (the kernel's implicit per-node areas suffice)" :
                s->plan->admin_conflict ? " (the administrator's arguments are kept)" :
                s->plan->refused ? " (refused: see problems)" : "");
        if (s->next->cmdline)
                fprintf(f, "  Next boot: %s (%s)\n", s->next->cmdline, strna(s->next->backend));
        else
                fprintf(f, "  Next boot: unknown (%s: %s)\n", strna(s->next->backend),
                        s->next->unknown_reason ? s->next->unknown_reason : "the boot configuration could not be read");
        fprintf(f, "     Booted: %s\n\n", s->booted_cmdline);
}

static void human_default_area(FILE *f, const Status *s) {
        if (s->default_area) {
                if (s->default_usage_zoneinfo)
                        fprintf(f, "  default area: %" PRIu64 "K in use (zoneinfo's nr_free_cma: no CMA sysfs, no count of failed allocations)\n",
                                s->default_used / KIB);
                else if (s->default_usage_known)
                        fprintf(f, "  default area: %" PRIu64 "K in use, %" PRIu64 " pages of failed allocations\n",
                                s->default_used / KIB, s->default_alloc_failures);
                else
                        fprintf(f, "  default area: usage unknown (no CMA sysfs: CONFIG_CMA_SYSFS)\n");
        } else if ((!s->usage || !s->usage->known) && any_pool(s))
                fprintf(f, "  pool usage: unknown (no CMA sysfs: CONFIG_CMA_SYSFS)\n");
}

static void human_problems(FILE *f, const char *title, const ProblemList *l, ProblemKind kind) {
        if (!problems_count_kind(l, kind))
                return;
        fprintf(f, "\n  %s:\n", title);
        FOREACH_PROBLEM(p, l)
                if (problem_info(p->code)->kind == kind)
                        fprintf(f, "    - %s [%s]\n", p->text, problem_code_to_string(p->code));
}

int status_print_human(FILE *f, const Status *s) {
        int r;
        human_header(f, s);
        if ((r = human_table(f, s, &status_node_table, "  ")) < 0)
                return r;
        human_default_area(f, s);
        if (s->n_devices) {
                fprintf(f, "\n  Devices (coherent DMA):\n");
                if ((r = human_table(f, s, &status_device_table, "    ")) < 0)
                        return r;
        }
        if (s->n_accels) {
                fprintf(f, "\n  Accelerators:\n");
                if ((r = human_table(f, s, &status_accel_table, "    ")) < 0)
                        return r;
        }
        human_problems(f, "Problems", &s->problems, PROBLEM_KIND_PROBLEM);
        human_problems(f, "Notes", &s->problems, PROBLEM_KIND_NOTE);
        return ferror(f) ? -EIO : 0;
}

int status_print_check(FILE *f, const Status *s) {
        static const char *const label[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
        int code;
        switch (s->state) {
        case STATE_OK: code = 0; break;
        case STATE_DEGRADED: code = 2; break;
        default: code = 1; break;
        }
        /* A pool too small is a warning (status says which and a size). */
        for (size_t i = 0; code == 0 && i < s->n_nodes; i++)
                if (s->nodes[i].local_pool_alloc_failures)
                        code = 1;
        fprintf(f, "NUMACMA %s - %s |", label[code], s->summary);
        for (size_t i = 0; i < s->n_nodes; i++) {
                const NodeStatus *n = &s->nodes[i];
                fprintf(f, " 'node%d_pool'=%" PRIu64 "MB;;;0;%" PRIu64, n->node, to_mib(n->local_pool), to_mib(n->memory));
                if (n->local_pool_free_known && n->has_local_pool)
                        fprintf(f, " 'node%d_pool_free'=%" PRIu64 "MB;;;0;%" PRIu64, n->node,
                                to_mib(n->local_pool_free), to_mib(n->local_pool));
                fprintf(f, " 'node%d_cma'=%" PRIu64 "MB;;;0;%" PRIu64, n->node, to_mib(n->cma), to_mib(n->memory));
                if (n->usage_known && n->has_local_pool) {
                        fprintf(f, " 'node%d_pool_used'=%" PRIu64 "KB;;;0;%" PRIu64, n->node,
                                n->local_pool_used / KIB, n->local_pool / KIB);
                        fprintf(f, " 'node%d_pool_alloc_failures'=%" PRIu64 "c", n->node, n->local_pool_alloc_failures);
                }
        }
        if (s->default_area && s->default_usage_known) {
                fprintf(f, " 'default_used'=%" PRIu64 "KB;;;0;%" PRIu64, s->default_used / KIB, s->default_area / KIB);
                fprintf(f, " 'default_alloc_failures'=%" PRIu64 "c", s->default_alloc_failures);
        }
        /* Per device, counted: whose coherent DMA comes from another node,
         * and which have no node at all. */
        size_t remote = 0, no_node = 0;
        for (size_t i = 0; i < s->n_devices; i++) {
                remote += s->devices[i].dev->driver && s->devices[i].path.locality == DMA_REMOTE;
                no_node += s->devices[i].dev->driver && s->devices[i].dev->node < 0;
        }
        if (s->n_devices)
                fprintf(f, " 'devices_remote'=%zu;;;0;%zu 'devices_no_node'=%zu;;;0;%zu", remote, s->n_devices, no_node, s->n_devices);
        fputc('\n', f);
        return code;
}

int plan_print_json(FILE *f, const Status *s) {
        JsonWriter w = { .f = f, .pretty = true };
        const Plan *p = s->plan;
        json_begin_object(&w, NULL);
        status_json_contract(&w, s);
        json_begin_array(&w, "args");
        for (char **a = p->args; a && *a; a++)
                json_string(&w, NULL, *a);
        json_end_array(&w);
        json_string(&w, "param", p->param);
        json_bool(&w, "implicit", p->implicit);
        json_bool(&w, "refused", p->refused);
        json_bool(&w, "admin_conflict", p->admin_conflict);
        json_u64(&w, "default_area_mib", to_mib(p->default_area));
        if (p->slot_budget != UINT_MAX)
                json_u64(&w, "slot_budget", p->slot_budget);
        else
                json_null(&w, "slot_budget");
        json_begin_array(&w, "nodes");
        for (size_t i = 0; i < p->n_nodes; i++) {
                const PlanNode *n = &p->nodes[i];
                json_begin_object(&w, NULL);
                json_int(&w, "node", n->node);
                json_bool(&w, "wanted", n->wanted);
                json_u64(&w, "size_mib", to_mib(n->size));
                json_u64(&w, "accelerators", n->n_accelerators);
                json_u64(&w, "dma_devices", n->n_dma_devices);
                json_bool(&w, "boot_memory", n->boot_memory);
                json_bool(&w, "left_out", n->left_out);
                json_string(&w, "why", n->why);
                json_end_object(&w);
        }
        json_end_array(&w);
        status_json_problems(&w, "problems", &p->problems, PROBLEM_KIND_PROBLEM);
        status_json_problems(&w, "notes", &p->problems, PROBLEM_KIND_NOTE);
        json_begin_array(&w, "explain");
        for (char **e = p->explain; e && *e; e++)
                json_string(&w, NULL, *e);
        json_end_array(&w);
        json_end_object(&w);
        json_finish(&w);
        return ferror(f) ? -EIO : 0;
}
