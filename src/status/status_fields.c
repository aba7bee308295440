/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tables of status_fields.h. Each value is a getter and one row. */
#include <inttypes.h>

#include "status/status_fields.h"

/* Label values: the exposition format escapes backslash, quote, newline. */
void prometheus_label_value(StrBuf *b, const char *v) {
        for (const char *p = strempty(v); *p; p++)
                switch (*p) {
                case '\\': strbuf_append(b, "\\\\"); break;
                case '"': strbuf_append(b, "\\\""); break;
                case '\n': strbuf_append(b, "\\n"); break;
                default: strbuf_appendn(b, p, 1); break;
                }
}

void field_value_done(FieldValue *v) {
        strv_free(v->strv);
        v->strv = NULL;
}

const StatusField *status_table_field(const StatusTable *t, const char *json) {
        for (size_t i = 0; i < t->n_fields; i++)
                if (streq_ptr(t->fields[i].json, json))
                        return &t->fields[i];
        return NULL;
}

void status_field_get(const Status *s, const StatusField *f, const void *row, FieldValue *v) {
        *v = (FieldValue){ .state = VALUE_SET };
        f->get(s, row, v);
}

#define SET_U(v, x) ((v)->u = (x))
#define UNKNOWN(v) ((v)->state = VALUE_UNKNOWN)
#define NONE(v) ((v)->state = VALUE_NONE)

/* ---- nodes ---- */

#define N(row) ((const NodeStatus *) (row))

static void node_id(const Status *s, const void *r, FieldValue *v) { v->i = N(r)->node; }
static void node_has_memory(const Status *s, const void *r, FieldValue *v) { v->b = N(r)->has_memory; }
static void node_memory(const Status *s, const void *r, FieldValue *v) { SET_U(v, N(r)->memory); }
static void node_cma(const Status *s, const void *r, FieldValue *v) { SET_U(v, N(r)->cma); }

static void node_pool(const Status *s, const void *r, FieldValue *v) {
        SET_U(v, N(r)->has_local_pool ? N(r)->local_pool : 0);
}

static void node_pool_free(const Status *s, const void *r, FieldValue *v) {
        const NodeStatus *n = N(r);
        if (!n->has_local_pool)
                NONE(v);
        else if (!n->local_pool_free_known)
                UNKNOWN(v);
        else
                SET_U(v, MIN(n->local_pool_free, n->local_pool));
}

/* In use: the CMA sysfs counters; without them, the pool less what
 * zoneinfo counts free (as the default area's use without CMA sysfs). */
static void node_pool_used(const Status *s, const void *r, FieldValue *v) {
        const NodeStatus *n = N(r);
        if (!n->has_local_pool)
                NONE(v);
        else if (n->usage_known)
                SET_U(v, n->local_pool_used);
        else if (n->local_pool_free_known)
                SET_U(v, n->local_pool - MIN(n->local_pool_free, n->local_pool));
        else
                UNKNOWN(v);
}

static void node_pool_failures(const Status *s, const void *r, FieldValue *v) {
        if (N(r)->usage_known)
                SET_U(v, N(r)->local_pool_alloc_failures);
        else
                UNKNOWN(v);
}

static void node_suggested(const Status *s, const void *r, FieldValue *v) {
        if (N(r)->suggested)
                SET_U(v, N(r)->suggested);
        else
                NONE(v);
}

static void node_desired(const Status *s, const void *r, FieldValue *v) { SET_U(v, N(r)->desired); }

static void node_next_boot(const Status *s, const void *r, FieldValue *v) {
        if (N(r)->next_known)
                SET_U(v, N(r)->next_boot);
        else
                UNKNOWN(v);
}

static void node_booted(const Status *s, const void *r, FieldValue *v) { SET_U(v, N(r)->booted); }

static void node_default_area(const Status *s, const void *r, FieldValue *v) {
        v->b = s->default_area && s->default_node == N(r)->node;
}

static void node_boot_memory(const Status *s, const void *r, FieldValue *v) {
        if (N(r)->boot_memory_known)
                v->b = N(r)->boot_memory;
        else
                UNKNOWN(v);  /* boot_memory_why says what is missing */
}
static void node_boot_memory_why(const Status *s, const void *r, FieldValue *v) { v->s = N(r)->boot_memory_why; }
static void node_covered(const Status *s, const void *r, FieldValue *v) { v->b = N(r)->covered; }

/* A list that cannot be made (ENOMEM) is unknown, never short. */
static void list_add(FieldValue *v, const char *s) {
        if (v->state == VALUE_SET && strv_extend(&v->strv, s) < 0) {
                field_value_done(v);
                UNKNOWN(v);
        }
}

static void node_accelerators(const Status *s, const void *r, FieldValue *v) {
        for (size_t j = 0; j < s->n_accels; j++)
                if (s->accels[j].dev->numa_node == N(r)->node)
                        list_add(v, s->accels[j].dev->address);
}

static void node_devices(const Status *s, const void *r, FieldValue *v) {
        for (size_t j = 0; j < s->n_devices; j++)
                if (s->devices[j].dev->node == N(r)->node)
                        list_add(v, s->devices[j].dev->address);
}

static void node_remark(const Status *s, const void *r, FieldValue *v) {
        const NodeStatus *n = N(r);
        snprintf(v->buf, sizeof v->buf, "%s%s%s",
                 s->default_area && s->default_node == n->node ? "(default area)" : "",
                 n->has_memory && !n->boot_memory ? "(memory after boot: no pool possible)" :
                 !n->boot_memory_known ? "(memory at early boot: unknown)" : "",
                 n->local_pool_alloc_failures ? "(allocations failed)" : "");
        v->s = v->buf;
}

static const StatusField node_fields[] = {
        { FIELD_INT, "node", "NODE", NULL, "the NUMA node", 0, node_id },
        { FIELD_BOOL, "has_memory", NULL, NULL, "the node has memory", 0, node_has_memory },
        { FIELD_MIB, "memory_mib", "MEMORY", NULL, "the node's memory", 0, node_memory },
        { FIELD_MIB, "cma_mib", "CMA", NULL, "all CMA on the node (zoneinfo)", 0, node_cma },
        { FIELD_MIB, "local_pool_mib", "LOCAL POOL", "numacma_node_pool_size_bytes",
          "Size of the node-local CMA pool the running kernel made (0: none).", FIELD_HUMAN_DASH_ZERO, node_pool },
        { FIELD_MIB, "local_pool_free_mib", "FREE", "numacma_node_pool_free_bytes",
          "Free bytes in the node-local CMA pool.", 0, node_pool_free },
        { FIELD_KIB, "local_pool_used_kib", "USED", "numacma_node_pool_used_bytes",
          "Allocated bytes in the node-local CMA pool.", 0, node_pool_used },
        { FIELD_PAGES, "local_pool_alloc_failures", NULL, "numacma_node_pool_allocation_failed_bytes_total",
          "Bytes the kernel failed to allocate from the node-local CMA pool since boot (alloc_pages_fail times the page size).",
          0, node_pool_failures },
        { FIELD_MIB, "suggested_mib", NULL, NULL, "a size for a pool whose allocations failed", 0, node_suggested },
        { FIELD_MIB, "desired_mib", "DESIRED", "numacma_node_pool_desired_bytes",
          "Size of the node-local CMA pool the policy asks for.", 0, node_desired },
        { FIELD_MIB, "next_boot_mib", "NEXT", "numacma_node_pool_next_boot_bytes",
          "Size of the node-local CMA pool the next boot's command line asks for.", 0, node_next_boot },
        { FIELD_MIB, "booted_mib", "BOOTED", "numacma_node_pool_booted_bytes",
          "Size of the node-local CMA pool the running kernel's command line asked for.", 0, node_booted },
        { FIELD_BOOL, "default_area", NULL, NULL, "the default CMA area lies on the node", 0, node_default_area },
        { FIELD_BOOL, "boot_memory", NULL, NULL, "the kernel has the node's memory at early boot", 0, node_boot_memory },
        { FIELD_STRING, "boot_memory_why", NULL, NULL, "why (not)", 0, node_boot_memory_why },
        { FIELD_BOOL, "covered", NULL, NULL, "the policy covers the node", 0, node_covered },
        { FIELD_STRV, "accelerators", "ACCEL", NULL, "the accelerators on the node", 0, node_accelerators },
        { FIELD_STRV, "devices", NULL, NULL, "the DMA devices on the node", 0, node_devices },
        { FIELD_STRING, NULL, "", NULL, "remarks", 0, node_remark },
};

static size_t node_count(const Status *s) { return s->n_nodes; }
static const void *node_row(const Status *s, size_t i) { return &s->nodes[i]; }
static void node_labels(const Status *s, const void *r, StrBuf *b) { strbuf_printf(b, "node=\"%d\"", N(r)->node); }

const StatusTable status_node_table = {
        .json = "nodes", .fields = node_fields, .n_fields = ELEMENTSOF(node_fields),
        .n_rows = node_count, .row = node_row, .labels = node_labels,
};

/* ---- DMA devices ---- */

#define D(row) ((const DeviceStatus *) (row))

static void dev_address(const Status *s, const void *r, FieldValue *v) { v->s = D(r)->dev->address; }
static void dev_node(const Status *s, const void *r, FieldValue *v) { v->i = D(r)->dev->node; }

/* Shared by devices and accelerators. */
static void set_class(FieldValue *v, uint32_t class_code) {
        snprintf(v->buf, sizeof v->buf, "0x%06x", class_code);
        v->s = v->buf;
}

static void set_driver(FieldValue *v, const char *driver) {
        v->s = driver;
        if (!driver)
                NONE(v);
}

static void dev_class(const Status *s, const void *r, FieldValue *v) { set_class(v, D(r)->dev->class_code); }
static void dev_driver(const Status *s, const void *r, FieldValue *v) { set_driver(v, D(r)->dev->driver); }

static void dev_accelerator(const Status *s, const void *r, FieldValue *v) { v->b = D(r)->dev->accelerator; }
static void dev_local_pool(const Status *s, const void *r, FieldValue *v) { v->b = D(r)->local_pool; }
static void dev_remote(const Status *s, const void *r, FieldValue *v) { v->b = D(r)->remote_default; }
static void dev_covered(const Status *s, const void *r, FieldValue *v) { v->b = D(r)->covered; }

/* The kernel's allocation path (kernel/dma_path.h), value by value. */
static void dev_mask(const Status *s, const void *r, FieldValue *v) {
        SET_U(v, D(r)->dev->mask_bits);
        if (!D(r)->dev->mask_bits)
                NONE(v);  /* no driver: the mask is its driver's to set */
}

static void dev_iommu(const Status *s, const void *r, FieldValue *v) { v->s = dma_iommu_to_string(D(r)->dev->iommu); }
static void dev_path(const Status *s, const void *r, FieldValue *v) { v->s = dma_source_to_string(D(r)->path.source); }
static void dev_path_rule(const Status *s, const void *r, FieldValue *v) { v->s = D(r)->path.why; }

static void dev_memory_node(const Status *s, const void *r, FieldValue *v) {
        v->i = D(r)->path.mem_node;
        if (v->i < 0)
                UNKNOWN(v);
}

static void dev_zone(const Status *s, const void *r, FieldValue *v) {
        const DmaPath *p = &D(r)->path;
        if (p->source != DMA_FROM_PAGE_ALLOCATOR && p->source != DMA_FROM_UNKNOWN)
                NONE(v);
        else
                v->s = mem_zone_to_string(p->zone);
}

static void dev_locality(const Status *s, const void *r, FieldValue *v) { v->s = dma_locality_to_string(D(r)->path.locality); }

static void dev_local(const Status *s, const void *r, FieldValue *v) {
        DmaLocality l = D(r)->path.locality;
        v->b = l == DMA_LOCAL;
        if (l == DMA_LOCALITY_UNKNOWN || D(r)->path.source == DMA_FROM_NOTHING)
                UNKNOWN(v);
}

static void dev_bypasses(const Status *s, const void *r, FieldValue *v) { v->b = D(r)->path.bypass != 0; }

static void dev_bypass(const Status *s, const void *r, FieldValue *v) {
        static const struct { DmaBypass flag; const char *name; } names[] = {
                { DMA_BYPASS_NO_NODE, "no-node" }, { DMA_BYPASS_MASK, "mask" },
                { DMA_BYPASS_DMA_ZONE, "dma-zone" }, { DMA_BYPASS_IOMMU, "iommu" },
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if ((D(r)->path.bypass & names[i].flag) && strv_extend(&v->strv, names[i].name) < 0)
                        UNKNOWN(v);
}

/* Where its coherent DMA comes from, in words: the path, the node and
 * whether it is the device's own. */
static void dev_source(const Status *s, const void *r, FieldValue *v) {
        const DeviceStatus *d = D(r);
        const DmaPath *p = &d->path;
        const char *loc = p->locality == DMA_REMOTE ? "REMOTE: " : "";
        const char *why = p->bypass & DMA_BYPASS_NO_NODE ? " (no node)" : p->bypass & DMA_BYPASS_DMA_ZONE ? " (GFP_DMA)" :
                          p->bypass & DMA_BYPASS_MASK ? " (mask within 4 GiB)" : "";
        const char *later = d->dev->driver ? "" : " once a driver binds";
        char node[32] = "an unknown node";
        if (p->mem_node >= 0)
                snprintf(node, sizeof node, "node %d", p->mem_node);
        switch (p->source) {
        case DMA_FROM_NODE_POOL:
                snprintf(v->buf, sizeof v->buf, "local pool%s", later);
                break;
        case DMA_FROM_DEFAULT_AREA:
                snprintf(v->buf, sizeof v->buf, "%sthe default area on %s%s%s%s", loc, node, why,
                         d->remote_default && !p->bypass && !d->covered ? " (node not covered)" : "", later);
                break;
        case DMA_FROM_PAGE_ALLOCATOR:
                snprintf(v->buf, sizeof v->buf, "%spage allocator, zone %s, %s%s%s", loc, mem_zone_to_string(p->zone),
                         d->dev->node < 0 && p->mem_node < 0 ? "the allocating CPU's node" : node, why, later);
                break;
        case DMA_FROM_IOMMU_PAGES:
                snprintf(v->buf, sizeof v->buf, "IOMMU-mapped pages of %s", node);
                break;
        case DMA_FROM_NOTHING:
                snprintf(v->buf, sizeof v->buf, "%s", d->dev->iommu == DMA_IOMMU_ASSIGNED ? "nothing: the device is assigned (VFIO)" :
                         "FAILS: no memory within its mask");
                break;
        default:
                snprintf(v->buf, sizeof v->buf, "the default area or the page allocator's %s zone%s", mem_zone_to_string(p->zone), why);
                break;
        }
        v->s = v->buf;
}

static const StatusField device_fields[] = {
        { FIELD_INT, "node", "NODE", NULL, "the device's NUMA node (-1: none)", 0, dev_node },
        { FIELD_STRING, "address", "ADDRESS", NULL, "PCI address", 0, dev_address },
        { FIELD_STRING, "class", "CLASS", NULL, "PCI class", 0, dev_class },
        { FIELD_STRING, "driver", "DRIVER", NULL, "bound driver", 0, dev_driver },
        { FIELD_BOOL, "accelerator", "ACCEL", "numacma_device_accelerator",
          "1 when the policy counts the device as an accelerator.", 0, dev_accelerator },
        { FIELD_BOOL, "local_pool", NULL, "numacma_device_local_pool",
          "1 when the node of an accelerator or DMA device has a local CMA pool.", 0, dev_local_pool },
        { FIELD_BOOL, "remote_default_area", NULL, "numacma_device_remote_default_area",
          "1 when the device's coherent DMA comes from the default CMA area on another node.", 0, dev_remote },
        { FIELD_BOOL, "covered", NULL, NULL, "its node is covered by the policy (counted in the state)", 0, dev_covered },
        { FIELD_COUNT, "coherent_mask_bits", "MASK", NULL,
          "the device's coherent DMA mask in bits (consistent_dma_mask_bits), as its driver set it", 0, dev_mask },
        { FIELD_STRING, "iommu", NULL, NULL, "its IOMMU domain: none, identity, translating, assigned or unknown", 0, dev_iommu },
        { FIELD_STRING, "path", NULL, NULL,
          "where the kernel takes its coherent DMA from: node-pool, default-area, page-allocator, iommu, none or unknown", 0, dev_path },
        { FIELD_INT, "memory_node", NULL, NULL, "the node of that memory (null: unknown, or several)", 0, dev_memory_node },
        { FIELD_STRING, "zone", NULL, NULL, "the page allocator's zone it asks for (DMA, DMA32, Normal)", 0, dev_zone },
        { FIELD_STRING, "locality", NULL, NULL, "local, remote or unknown", 0, dev_locality },
        { FIELD_BOOL, NULL, NULL, "numacma_device_coherent_dma_local",
          "1 when the device's coherent DMA comes from its own node, 0 from another (no sample: the node is unknown).", 0, dev_local },
        { FIELD_BOOL, NULL, NULL, "numacma_device_bypasses_pools",
          "1 when the device never reaches a per-node CMA pool (no node, a coherent mask within 4 GiB, arm64's DMA zone, a translating IOMMU).",
          0, dev_bypasses },
        { FIELD_STRV, "bypass", NULL, NULL, "why it never reaches a per-node pool: no-node, mask, dma-zone, iommu", 0, dev_bypass },
        { FIELD_STRING, "path_rule", NULL, NULL, "the kernel's rule that decided the path", 0, dev_path_rule },
        { FIELD_STRING, NULL, "COHERENT DMA FROM", NULL, "where its coherent DMA comes from", 0, dev_source },
};

static size_t dev_count(const Status *s) { return s->n_devices; }
static const void *dev_row(const Status *s, size_t i) { return &s->devices[i]; }

static void dev_labels(const Status *s, const void *r, StrBuf *b) {
        strbuf_append(b, "address=\"");
        prometheus_label_value(b, D(r)->dev->address);
        strbuf_printf(b, "\",node=\"%d\"", D(r)->dev->node);
}

const StatusTable status_device_table = {
        .json = "devices", .fields = device_fields, .n_fields = ELEMENTSOF(device_fields),
        .n_rows = dev_count, .row = dev_row, .labels = dev_labels,
};

/* ---- accelerators (the policy's, with or without a NUMA node) ---- */

#define A(row) ((const AccelStatus *) (row))

static void acc_address(const Status *s, const void *r, FieldValue *v) { v->s = A(r)->dev->address; }
static void acc_node(const Status *s, const void *r, FieldValue *v) { v->i = A(r)->dev->numa_node; }

static void acc_class(const Status *s, const void *r, FieldValue *v) { set_class(v, A(r)->dev->class_code); }
static void acc_driver(const Status *s, const void *r, FieldValue *v) { set_driver(v, A(r)->dev->driver); }

static void acc_rule(const Status *s, const void *r, FieldValue *v) { v->s = A(r)->dev->why; }
static void acc_local_pool(const Status *s, const void *r, FieldValue *v) { v->b = A(r)->local_pool; }
static void acc_remote(const Status *s, const void *r, FieldValue *v) { v->b = A(r)->remote_default; }

static void acc_source(const Status *s, const void *r, FieldValue *v) {
        const AccelStatus *a = A(r);
        v->s = a->dev->numa_node < 0 ? "no NUMA node: the default area or the page allocator" :
               a->local_pool ? "local pool" :
               a->remote_default ? "REMOTE default area" :
               s->default_area ? "default area on its own node" : "page allocator (local)";
}

static void acc_accelerator(const Status *s, const void *r, FieldValue *v) { v->b = true; }

/* The human columns are the device table's: the human output lists
 * accelerators without a node among the devices. */
static const StatusField accel_fields[] = {
        { FIELD_INT, "node", "NODE", NULL, "NUMA node (-1: none)", FIELD_HUMAN_DASH_NEGATIVE, acc_node },
        { FIELD_STRING, "address", "ADDRESS", NULL, "PCI address", 0, acc_address },
        { FIELD_STRING, "class", "CLASS", NULL, "PCI class", 0, acc_class },
        { FIELD_STRING, "driver", "DRIVER", NULL, "bound driver", 0, acc_driver },
        { FIELD_BOOL, NULL, "ACCEL", NULL, "an accelerator", 0, acc_accelerator },
        { FIELD_STRING, "rule", NULL, NULL, "why the policy counts it", 0, acc_rule },
        { FIELD_BOOL, "local_pool", NULL, NULL, "its node has a local pool", 0, acc_local_pool },
        { FIELD_BOOL, "remote_default_area", NULL, NULL, "its coherent DMA comes from the default area on another node", 0, acc_remote },
        { FIELD_STRING, NULL, "COHERENT DMA FROM", NULL, "where its coherent DMA comes from", 0, acc_source },
};

static size_t acc_count(const Status *s) { return s->n_accels; }
static const void *acc_row(const Status *s, size_t i) { return &s->accels[i]; }

const StatusTable status_accel_table = {
        .json = "accelerators", .fields = accel_fields, .n_fields = ELEMENTSOF(accel_fields),
        .n_rows = acc_count, .row = acc_row, .labels = NULL,
};
