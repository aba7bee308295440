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
