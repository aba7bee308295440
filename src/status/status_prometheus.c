/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status as node_exporter textfile text. Every access to Status' fields
 * for the metrics is in this file. */
#include <inttypes.h>

#include "basic/util.h"
#include "build-config.h"
#include "status/status_fields.h"
#include "status/status_prometheus.h"

static void family(StrBuf *b, const char *name, const char *type, const char *help) {
        strbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static bool ends_with(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && streq(s + a - b, suffix);
}

/* The sample's value, in base units. */
static uint64_t metric_value(const Status *s, const StatusField *f, const FieldValue *v) {
        switch (f->type) {
        case FIELD_BOOL: return v->b;
        case FIELD_PAGES: return size_mul_sat(v->u, s->page_size ? s->page_size : 4096);
        case FIELD_INT: return (uint64_t) v->i;
        default: return v->u;
        }
}

/* Every metric of a table: a family per field that has one, a sample per
 * row whose value is known and applies. */
static void metrics_table(StrBuf *b, const Status *s, const StatusTable *t) {
        for (size_t j = 0; j < t->n_fields; j++) {
                const StatusField *f = &t->fields[j];
                bool header = false;
                if (!f->metric || !t->labels)
                        continue;
                for (size_t i = 0; i < t->n_rows(s); i++) {
                        const void *row = t->row(s, i);
                        _cleanup_(field_value_done) FieldValue v;
                        status_field_get(s, f, row, &v);
                        if (v.state != VALUE_SET)
                                continue;
                        if (!header)
                                family(b, f->metric, ends_with(f->metric, "_total") ? "counter" : "gauge", f->help);
                        header = true;
                        strbuf_printf(b, "%s{", f->metric);
                        t->labels(s, row, b);
                        strbuf_printf(b, "} %" PRIu64 "\n", metric_value(s, f, &v));
                }
        }
}

char *status_format_prometheus(const Status *s, const MetricsExtra *x) {
        static const State states[] = { STATE_OK, STATE_PENDING_REBOOT, STATE_DEGRADED, STATE_UNSUPPORTED };
        MetricsExtra none = {0};
        StrBuf b = {0};

        if (!x)
                x = &none;

        family(&b, "numacma_info", "gauge", "numacma's version, the running kernel and the boot backend (always 1).");
        strbuf_append(&b, "numacma_info{version=\"");
        prometheus_label_value(&b, x->version ? x->version : PACKAGE_VERSION);
        strbuf_append(&b, "\",kernel_release=\"");
        prometheus_label_value(&b, s->running->release);
        strbuf_append(&b, "\",backend=\"");
        prometheus_label_value(&b, s->next->backend ? s->next->backend : "none");
        strbuf_append(&b, "\"} 1\n");

        family(&b, "numacma_state", "gauge", "1 for numacma's current state (ok, pending-reboot, degraded, unsupported), 0 for the others.");
        for (size_t i = 0; i < ELEMENTSOF(states); i++)
                strbuf_printf(&b, "numacma_state{state=\"%s\"} %d\n", state_to_string(states[i]), s->state == states[i]);

        family(&b, "numacma_reboot_required", "gauge", "1 when the next boot's CMA arguments differ from the booted ones.");
        strbuf_printf(&b, "numacma_reboot_required %d\n", s->reboot_required);

        family(&b, "numacma_last_apply_failed", "gauge", "1 when the last update of the boot configuration failed.");
        strbuf_printf(&b, "numacma_last_apply_failed %d\n", x->last_apply_failed || s->next->last_error);

        if (x->last_apply_known) {
                family(&b, "numacma_last_apply_success_timestamp_seconds", "gauge",
                       "When the boot configuration was last updated successfully, seconds since the epoch.");
                strbuf_printf(&b, "numacma_last_apply_success_timestamp_seconds %" PRId64 "\n", x->last_apply_seconds);
        }

        family(&b, "numacma_default_area_bytes", "gauge", "Size of the kernel's default CMA area (0: none).");
        strbuf_printf(&b, "numacma_default_area_bytes %" PRIu64 "\n", s->default_area);

        metrics_table(&b, s, &status_node_table);
        metrics_table(&b, s, &status_device_table);
        return strbuf_steal(&b);
}

int status_print_prometheus(FILE *f, const Status *s, const MetricsExtra *x) {
        _cleanup_free_ char *text = status_format_prometheus(s, x);
        if (!text)
                return -ENOMEM;
        if (fputs(text, f) < 0 || fflush(f) != 0 || ferror(f))
                return -EIO;
        return 0;
}
