/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status as one monitoring-plugin line (the Monitoring Plugins Development
 * Guidelines): "NUMACMA <STATE> - <text> | <perfdata>", each perfdata item
 * 'label'=value[UOM];warn;crit;min;max with one unit per label (bytes for
 * sizes, c for the failure counters), thresholds in the value's unit. */
#include <inttypes.h>

#include "basic/util.h"
#include "status/status.h"
#include "status/status_fields.h"

static const char *const check_label[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

/* A pool's use against the thresholds: 0, 1 (warning) or 2 (critical);
 * *why says which pool when it is not 0. */
static int judge_use(const char *pool, uint64_t used, uint64_t size, const CheckThresholds *t, StrBuf *why) {
        if (!size || !t)
                return 0;
        double pct = 100.0 * (double) used / (double) size;
        int code = t->critical >= 0 && pct >= t->critical ? 2 : t->warning >= 0 && pct >= t->warning ? 1 : 0;
        if (code)
                strbuf_printf(why, "; %s %.0f%% in use (%s at %.4g%%)", pool, pct, code == 2 ? "critical" : "warning",
                              code == 2 ? t->critical : t->warning);
        return code;
}

/* ";warn;crit" in bytes of a pool of that size ("" for none). */
static void thresholds(StrBuf *b, uint64_t size, const CheckThresholds *t) {
        strbuf_append(b, ";");
        if (t && t->warning >= 0)
                strbuf_printf(b, "%" PRIu64, (uint64_t) ((double) size * t->warning / 100.0));
        strbuf_append(b, ";");
        if (t && t->critical >= 0)
                strbuf_printf(b, "%" PRIu64, (uint64_t) ((double) size * t->critical / 100.0));
}

static bool node_used(const Status *s, const NodeStatus *n, uint64_t *ret) {
        static const StatusField *f;
        FieldValue v;
        if (!f)
                f = status_table_field(&status_node_table, "local_pool_used_kib");
        status_field_get(s, f, n, &v);
        *ret = v.u;
        return v.state == VALUE_SET;
}

static int node_perfdata(const Status *s, const NodeStatus *n, const CheckThresholds *t, StrBuf *perf, StrBuf *why) {
        int code = 0;
        uint64_t used;
        strbuf_printf(perf, " 'node%d_pool'=%" PRIu64 "B;;;0;%" PRIu64, n->node,
                      n->has_local_pool ? n->local_pool : 0, n->memory);
        strbuf_printf(perf, " 'node%d_cma'=%" PRIu64 "B;;;0;%" PRIu64, n->node, n->cma, n->memory);
        if (!n->has_local_pool)
                return 0;
        if (n->local_pool_free_known)
                strbuf_printf(perf, " 'node%d_pool_free'=%" PRIu64 "B;;;0;%" PRIu64, n->node,
                              MIN(n->local_pool_free, n->local_pool), n->local_pool);
        if (node_used(s, n, &used)) {
                _cleanup_free_ char *pool = strdup_printf("node %d's pool", n->node);
                strbuf_printf(perf, " 'node%d_pool_used'=%" PRIu64 "B", n->node, used);
                thresholds(perf, n->local_pool, t);
                strbuf_printf(perf, ";0;%" PRIu64, n->local_pool);
                code = judge_use(strempty(pool), used, n->local_pool, t, why);
        }
        if (n->usage_known)
                strbuf_printf(perf, " 'node%d_pool_alloc_failures'=%" PRIu64 "c", n->node, n->local_pool_alloc_failures);
        return code;
}

/* Per device, counted: whose coherent DMA comes from another node, and
 * which have no node at all (a driver bound: the ones that allocate). */
static void devices_perfdata(const Status *s, StrBuf *perf) {
        size_t remote = 0, no_node = 0;
        for (size_t i = 0; i < s->n_devices; i++) {
                remote += s->devices[i].dev->driver && s->devices[i].path.locality == DMA_REMOTE;
                no_node += s->devices[i].dev->driver && s->devices[i].dev->node < 0;
        }
        if (s->n_devices)
                strbuf_printf(perf, " 'devices_remote'=%zu;;;0;%zu 'devices_no_node'=%zu;;;0;%zu", remote, s->n_devices,
                              no_node, s->n_devices);
}

int status_print_check(FILE *f, const Status *s, const CheckThresholds *t) {
        StrBuf perf = {0}, why = {0};
        int code = s->state == STATE_OK ? 0 : s->state == STATE_DEGRADED ? 2 : 1;

        for (size_t i = 0; i < s->n_nodes; i++) {
                /* A pool too small is a warning (status says which and a size). */
                if (s->nodes[i].local_pool_alloc_failures)
                        code = MAX(code, 1);
                int k = node_perfdata(s, &s->nodes[i], t, &perf, &why);  /* once: MAX() evaluates twice */
                code = MAX(code, k);
        }
        if (s->default_area) {
                strbuf_printf(&perf, " 'default_area'=%" PRIu64 "B;;;0;", s->default_area);
                if (s->default_usage_known) {
                        strbuf_printf(&perf, " 'default_used'=%" PRIu64 "B", s->default_used);
                        thresholds(&perf, s->default_area, t);
                        strbuf_printf(&perf, ";0;%" PRIu64, s->default_area);
                        int k = judge_use("the default area", s->default_used, s->default_area, t, &why);
                        code = MAX(code, k);
                }
                if (s->default_usage_known && !s->default_usage_zoneinfo)
                        strbuf_printf(&perf, " 'default_alloc_failures'=%" PRIu64 "c", s->default_alloc_failures);
        }
        devices_perfdata(s, &perf);
        if (perf.oom || why.oom) {
                strbuf_done(&perf);
                strbuf_done(&why);
                return -ENOMEM;
        }
        /* '|' starts the perfdata: never in the text. */
        _cleanup_free_ char *text = strdup_printf("%s%s", s->summary, strempty(why.buf));
        for (char *c = text; c && *c; c++)
                if (*c == '|')
                        *c = '/';
        fprintf(f, "NUMACMA %s - %s |%s\n", check_label[code], strempty(text), strempty(perf.buf));
        strbuf_done(&perf);
        strbuf_done(&why);
        return code;
}
