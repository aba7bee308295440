/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status as node_exporter textfile text. Every access to Status' fields
 * for the metrics is in this file. */
#include <inttypes.h>

#include "basic/util.h"
#include "build-config.h"
#include "kernel/cma_args.h"
#include "status/status_prometheus.h"

/* Label values: the exposition format escapes backslash, quote, newline. */
static void label_value(StrBuf *b, const char *v) {
        for (const char *p = strempty(v); *p; p++)
                switch (*p) {
                case '\\': strbuf_append(b, "\\\\"); break;
                case '"': strbuf_append(b, "\\\""); break;
                case '\n': strbuf_append(b, "\\n"); break;
                default: strbuf_appendn(b, p, 1); break;
                }
}

static void family(StrBuf *b, const char *name, const char *type, const char *help) {
        strbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* numacma's view of the CMA arguments of a line (as status.c judges
 * "reboot pending"): the same keys, values and order. */

/* The next boot's CMA arguments differ from the booted ones. Independent of
 * the state: a degraded machine can have a reboot pending too. -ENOMEM. */
static int reboot_pending(const Status *s) {
        if (!s->next->cmdline)
                return s->state == STATE_PENDING_REBOOT;
        _cleanup_free_ char *a = cma_args_of_line(s->next->cmdline), *b = cma_args_of_line(s->booted_cmdline);
        if (!a || !b)
                return -ENOMEM;
        return !streq(a, b) || s->state == STATE_PENDING_REBOOT;
}

/* Pages the kernel failed to allocate from the node's own areas
 * (sys/kernel/mm/cma/{numa,pernuma}<N>/alloc_pages_fail, CONFIG_CMA_SYSFS).
 * false when the kernel does not say. */
static bool node_alloc_fail_pages(const Status *s, int node, uint64_t *ret) {
        uint64_t sum = 0;
        bool any = false;
        if (!s->cma->has_sysfs)
                return false;
        for (size_t i = 0; i < s->cma->n_areas; i++) {
                const CmaArea *a = &s->cma->areas[i];
                if ((a->kind != AREA_NUMA && a->kind != AREA_PERNUMA) || a->node != node)
                        continue;
                if (!a->has_alloc_fail)
                        continue;
                sum += a->alloc_fail_pages;
                any = true;
        }
        *ret = sum;
        return any;
}

char *status_format_prometheus(const Status *s, const MetricsExtra *x) {
        static const State states[] = { STATE_OK, STATE_PENDING_REBOOT, STATE_DEGRADED, STATE_UNSUPPORTED };
        MetricsExtra none = {0};
        StrBuf b = {0};
        uint64_t ps = s->page_size ? s->page_size : 4096;

        if (!x)
                x = &none;
        int pending = reboot_pending(s);
        if (pending < 0)
                return NULL;

        family(&b, "numacma_info", "gauge", "numacma's version, the running kernel and the boot backend (always 1).");
        strbuf_append(&b, "numacma_info{version=\"");
        label_value(&b, x->version ? x->version : PACKAGE_VERSION);
        strbuf_append(&b, "\",kernel_release=\"");
        label_value(&b, s->running->release);
        strbuf_append(&b, "\",backend=\"");
        label_value(&b, s->next->backend ? s->next->backend : "none");
        strbuf_append(&b, "\"} 1\n");

        family(&b, "numacma_state", "gauge", "1 for numacma's current state (ok, pending-reboot, degraded, unsupported), 0 for the others.");
        for (size_t i = 0; i < ELEMENTSOF(states); i++)
                strbuf_printf(&b, "numacma_state{state=\"%s\"} %d\n", state_to_string(states[i]), s->state == states[i]);

        family(&b, "numacma_reboot_required", "gauge", "1 when the next boot's CMA arguments differ from the booted ones.");
        strbuf_printf(&b, "numacma_reboot_required %d\n", pending);

        family(&b, "numacma_last_apply_failed", "gauge", "1 when the last update of the boot configuration failed.");
        strbuf_printf(&b, "numacma_last_apply_failed %d\n", x->last_apply_failed || s->next->last_error);

        if (x->last_apply_known) {
                family(&b, "numacma_last_apply_success_timestamp_seconds", "gauge",
                       "When the boot configuration was last updated successfully, seconds since the epoch.");
                strbuf_printf(&b, "numacma_last_apply_success_timestamp_seconds %" PRId64 "\n", x->last_apply_seconds);
        }

        family(&b, "numacma_default_area_bytes", "gauge", "Size of the kernel's default CMA area (0: none).");
        strbuf_printf(&b, "numacma_default_area_bytes %" PRIu64 "\n", s->default_area);

        if (s->n_nodes > 0)
                family(&b, "numacma_node_pool_size_bytes", "gauge", "Size of the node-local CMA pool the running kernel made (0: none).");
        for (size_t i = 0; i < s->n_nodes; i++)
                strbuf_printf(&b, "numacma_node_pool_size_bytes{node=\"%d\"} %" PRIu64 "\n", s->nodes[i].node,
                              s->nodes[i].has_local_pool ? s->nodes[i].local_pool : 0);

        if (s->n_nodes > 0)
                family(&b, "numacma_node_pool_desired_bytes", "gauge", "Size of the node-local CMA pool the policy asks for.");
        for (size_t i = 0; i < s->n_nodes; i++)
                strbuf_printf(&b, "numacma_node_pool_desired_bytes{node=\"%d\"} %" PRIu64 "\n", s->nodes[i].node,
                              s->nodes[i].desired);

        /* Free and used only where the kernel says how much is free. */
        size_t n_free = 0;
        for (size_t i = 0; i < s->n_nodes; i++)
                n_free += s->nodes[i].has_local_pool && s->nodes[i].local_pool_free_known;
        if (n_free > 0) {
                family(&b, "numacma_node_pool_free_bytes", "gauge", "Free bytes in the node-local CMA pool.");
                for (size_t i = 0; i < s->n_nodes; i++) {
                        const NodeStatus *n = &s->nodes[i];
                        if (n->has_local_pool && n->local_pool_free_known)
                                strbuf_printf(&b, "numacma_node_pool_free_bytes{node=\"%d\"} %" PRIu64 "\n", n->node,
                                              MIN(n->local_pool_free, n->local_pool));
                }
                family(&b, "numacma_node_pool_used_bytes", "gauge", "Allocated bytes in the node-local CMA pool.");
                for (size_t i = 0; i < s->n_nodes; i++) {
                        const NodeStatus *n = &s->nodes[i];
                        if (n->has_local_pool && n->local_pool_free_known)
                                strbuf_printf(&b, "numacma_node_pool_used_bytes{node=\"%d\"} %" PRIu64 "\n", n->node,
                                              n->local_pool - MIN(n->local_pool_free, n->local_pool));
                }
        }

        bool fail_header = false;
        for (size_t i = 0; i < s->n_nodes; i++) {
                uint64_t pages;
                if (!node_alloc_fail_pages(s, s->nodes[i].node, &pages))
                        continue;
                if (!fail_header)
                        family(&b, "numacma_node_pool_allocation_failed_bytes_total", "counter",
                               "Bytes the kernel failed to allocate from the node-local CMA pool since boot (alloc_pages_fail times the page size).");
                fail_header = true;
                strbuf_printf(&b, "numacma_node_pool_allocation_failed_bytes_total{node=\"%d\"} %" PRIu64 "\n",
                              s->nodes[i].node, pages * ps);
        }

        /* Every DMA device (accelerators among them): bounded labels,
         * the address and the node. */
        if (s->n_devices > 0)
                family(&b, "numacma_device_local_pool", "gauge",
                       "1 when the node of an accelerator or DMA device has a local CMA pool.");
        for (size_t i = 0; i < s->n_devices; i++) {
                const DeviceStatus *d = &s->devices[i];
                strbuf_append(&b, "numacma_device_local_pool{address=\"");
                label_value(&b, d->dev->address);
                strbuf_printf(&b, "\",node=\"%d\"} %d\n", d->dev->node, d->local_pool);
        }
        if (s->n_devices > 0)
                family(&b, "numacma_device_remote_default_area", "gauge",
                       "1 when the device's coherent DMA comes from the default CMA area on another node.");
        for (size_t i = 0; i < s->n_devices; i++) {
                const DeviceStatus *d = &s->devices[i];
                strbuf_append(&b, "numacma_device_remote_default_area{address=\"");
                label_value(&b, d->dev->address);
                strbuf_printf(&b, "\",node=\"%d\"} %d\n", d->dev->node, d->remote_default);
        }
        if (s->n_devices > 0)
                family(&b, "numacma_device_accelerator", "gauge",
                       "1 when the policy counts the device as an accelerator.");
        for (size_t i = 0; i < s->n_devices; i++) {
                const DeviceStatus *d = &s->devices[i];
                strbuf_append(&b, "numacma_device_accelerator{address=\"");
                label_value(&b, d->dev->address);
                strbuf_printf(&b, "\",node=\"%d\"} %d\n", d->dev->node, d->dev->accelerator);
        }

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
