/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "basic/util.h"
#include "kernel/cmdline.h"
#include "kernel/memparse.h"
#include "status/status_devices.h"

#define PROBLEM(s, code, ...) do { if (problems_addf(&(s)->problems, code, __VA_ARGS__) < 0) return -ENOMEM; } while (0)

static int cmp_node_id(const void *key, const void *elem) {
        int a = *(const int *) key, b = ((const NodeStatus *) elem)->node;
        return (a > b) - (a < b);
}

/* s->nodes follows the topology: sorted by node. */
static NodeStatus *node_of(Status *s, int node) {
        return node >= 0 && s->n_nodes ? bsearch(&node, s->nodes, s->n_nodes, sizeof(NodeStatus), cmp_node_id) : NULL;
}

static int cmp_address(const void *key, const void *elem) {
        return strcmp(key, ((const DeviceStatus *) elem)->dev->address);
}

const DeviceStatus *status_device(const Status *s, const char *address) {
        return s->n_devices ? bsearch(address, s->devices, s->n_devices, sizeof(DeviceStatus), cmp_address) : NULL;
}

/* Where on its node the default area can lie: the zones with at least its
 * size of CMA (an area is reserved within one zone). */
static void default_span(const Status *s, DmaAreas *a) {
        const ZoneCma *z = a->default_node >= 0 ? cma_state_zone(s->cma, a->default_node) : NULL;
        uint64_t ps = s->page_size, pages = s->default_area / ps;
        if (!z || !pages)
                return;
        a->default_low = UINT64_MAX;
        for (MemZone k = 0; k < _MEM_ZONE_MAX; k++) {
                const ZonePages *zp = &z->zones[k];
                if (zp->cma_pages < pages || !zp->has_start)
                        continue;
                a->default_low = MIN(a->default_low, zp->start_pfn * ps);
                a->default_high = MAX(a->default_high, (zp->start_pfn + zp->spanned_pages) * ps);
                a->default_span_known = true;
        }
        if (!a->default_span_known)
                a->default_low = 0;
}

int status_build_devices(Status *s) {
        static const DmaZones unknown = {0};
        if (!s->dma || !s->dma->n_devices)
                return 0;
        _cleanup_nodeset_ NodeSet *pools = nodeset_new();
        s->devices = calloc(s->dma->n_devices, sizeof(DeviceStatus));
        if (!pools || !s->devices)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].has_local_pool && nodeset_add(pools, s->nodes[i].node) < 0)
                        return -ENOMEM;
        DmaAreas areas = { .pools = pools, .default_area = s->default_area > 0,
                           .default_node = s->default_node_known ? s->default_node : -1 };
        default_span(s, &areas);
        for (size_t i = 0; i < s->dma->n_devices; i++) {
                const DmaDevice *d = &s->dma->devices[i];
                DeviceStatus *x = &s->devices[s->n_devices++];
                NodeStatus *n = node_of(s, d->node);
                DmaDeviceFacts f = dma_device_facts(d);
                /* An unbound accelerator allocates nothing yet: judged by what
                 * it gets once its driver binds (as a 64-bit device). */
                f.bound = true;
                x->dev = d;
                dma_path_decide(&f, s->zones ? s->zones : &unknown, &areas, &x->path);
                x->local_pool = x->path.source == DMA_FROM_NODE_POOL;
                x->remote_default = x->path.source == DMA_FROM_DEFAULT_AREA && x->path.locality == DMA_REMOTE;
                x->covered = n && n->covered;
                if (n) {
                        n->n_devices++;
                        /* Only what a pool on the node would fix. */
                        n->n_remote_devices += x->remote_default && !x->path.bypass;
                }
        }
        return 0;
}

/* Devices whose node has no pool although one would serve them. */
static int judge_missing_pools(Status *s, bool *remote) {
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                if (!n->n_remote_devices)
                        continue;
                StrBuf b = {0};
                bool counted = false;
                for (size_t j = 0; j < s->n_devices; j++) {
                        const DeviceStatus *d = &s->devices[j];
                        if (d->dev->node != n->node || !d->remote_default || d->path.bypass || d->dev->accelerator)
                                continue;  /* accelerators have their own line */
                        counted |= d->covered;
                        strbuf_printf(&b, "%s%s (%s)", b.len ? ", " : "", d->dev->address, d->dev->driver ? d->dev->driver : "no driver");
                }
                if (b.oom) {
                        strbuf_done(&b);
                        return -ENOMEM;
                }
                if (!b.len)
                        continue;
                _cleanup_free_ char *list = strbuf_steal(&b), *d = format_mib(s->default_area);
                _cleanup_free_ char *fix = NULL;
                if (counted && s->plan->admin_conflict) {
                        int idx = cmdline_find_last(s->booted, "numa_cma");
                        if (idx < 0)
                                idx = cmdline_find_last(s->booted, "cma_pernuma");
                        _cleanup_free_ char *sz = format_size_kernel(s->default_area);
                        fix = strdup_printf("; the per-node arguments are the administrator's%s%s%s: to fix it, give node %d a pool there (e.g. %d:%s) or remove them and let numacma write its own (respect_admin_args = no)",
                                            idx >= 0 ? " ('" : "", idx >= 0 ? s->booted->tokens[idx].text : "", idx >= 0 ? "')" : "",
                                            n->node, n->node, strempty(sz));
                        if (!fix)
                                return -ENOMEM;
                }
                *remote |= counted;
                PROBLEM(s, counted ? PROBLEM_DEVICES_REMOTE : PROBLEM_DEVICES_REMOTE_UNCOVERED,
                        "node %d has no local CMA pool: the coherent DMA of %s comes from the %s default area on node %d%s%s",
                        n->node, list, d, s->default_node, counted ? "" : " (the policy does not cover this node: not counted)",
                        strempty(fix));
        }
        return 0;
}

/* "the 64 MiB default area on node 1 (remote)" and the like. */
static char *destination(const Status *s, const DeviceStatus *d) {
        const DmaPath *p = &d->path;
        const char *loc = p->locality == DMA_REMOTE ? " (remote)" : p->locality == DMA_LOCAL ? " (local)" : "";
        _cleanup_free_ char *sz = format_mib(s->default_area);
        _cleanup_free_ char *on = p->mem_node >= 0 ? strdup_printf("on node %d", p->mem_node) : NULL;
        const char *zone = p->zone < _MEM_ZONE_MAX ? mem_zone_to_string(p->zone) : "Normal";
        switch (p->source) {
        case DMA_FROM_DEFAULT_AREA:
                return strdup_printf("the %s default area %s%s", strna(sz), on ? on : "on a node numacma cannot tell", loc);
        case DMA_FROM_NOTHING:
                return strdup(p->why);
        case DMA_FROM_PAGE_ALLOCATOR:
                return strdup_printf("the page allocator's %s zone %s%s", zone,
                                     on ? on : d->dev->node < 0 ? "on the allocating CPU's node" : "of the nearest node that has one", loc);
        default:
                return strdup_printf("the %s default area if the block lies within its coherent mask, else the page allocator's %s zone (dma_coherent_ok())",
                                     strna(sz), zone);
        }
}

static const char *way_out(unsigned kind) {
        if (kind & DMA_BYPASS_NO_NODE)
                return "the kernel never tries a per-node area for NUMA_NO_NODE (kernel/dma/contiguous.c dma_alloc_contiguous()), and no kernel argument changes that: "
                       "the firmware must give its PCI host bridge a node (ACPI _PXM, device-tree numa-node-id); "
                       "cma=0 or a translating IOMMU only move it to the page allocator on whichever node's CPU allocates";
        return "its requests carry GFP_DMA32 or GFP_DMA (dma_direct_optimal_gfp_mask() in kernel/dma/direct.c), which skip the per-node areas whatever their size; "
               "ways out: a translating IOMMU (iommu.passthrough=0, or intel_iommu=on on x86), whose coherent allocations take pages of the device's own node; "
               "or cma=0 ('unsupported = disable-cma'), which removes the default area, at the cost of coherent allocations larger than the page allocator's "
               "largest block failing (4 MiB with 4 KiB pages)";
}

/* "0000:a1:00.0 (snd_ens1370, node 0, 32-bit mask): the 64 MiB default
 * area on node 1 (remote)", appended to b. */
static int bypass_item(const Status *s, const DeviceStatus *d, StrBuf *b) {
        _cleanup_free_ char *to = destination(s, d);
        _cleanup_free_ char *mask = d->dev->mask_bits ? strdup_printf(", %u-bit mask", d->dev->mask_bits) : strdup("");
        _cleanup_free_ char *node = d->dev->node >= 0 ? strdup_printf(", node %d", d->dev->node) : strdup("");
        if (!to || !mask || !node)
                return -ENOMEM;
        strbuf_printf(b, "%s%s (%s%s%s): %s", b->len ? "; " : "", d->dev->address,
                      d->dev->driver ? d->dev->driver : "no driver yet", node, mask, to);
        return b->oom ? -ENOMEM : 0;
}

/* The devices of one kind of bypass not served locally: accelerators in
 * one list (the policy counts them), the others in another. */
static int bypass_lists(const Status *s, bool no_node, StrBuf *accels, StrBuf *others) {
        for (size_t i = 0; i < s->n_devices; i++) {
                const DeviceStatus *d = &s->devices[i];
                const DmaPath *p = &d->path;
                if (!p->bypass || p->bypass == DMA_BYPASS_IOMMU || p->locality == DMA_LOCAL ||
                    !!(p->bypass & DMA_BYPASS_NO_NODE) != no_node || (no_node && d->dev->accelerator))
                        continue;  /* accelerators without a node have their own line */
                int r = bypass_item(s, d, d->dev->accelerator ? accels : others);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Devices that never reach a per-node pool, with where their memory comes
 * from and the ways out: notes, but an accelerator served remotely is a
 * problem the state counts. */
static int judge_bypass(Status *s, bool no_node, bool *remote) {
        StrBuf acc = {0}, oth = {0};
        int r = bypass_lists(s, no_node, &acc, &oth);
        _cleanup_free_ char *a = r >= 0 && acc.len ? strbuf_steal(&acc) : NULL;
        _cleanup_free_ char *o = r >= 0 && oth.len ? strbuf_steal(&oth) : NULL;
        strbuf_done(&acc);
        strbuf_done(&oth);
        if (r < 0)
                return r;
        const char *why = way_out(no_node ? DMA_BYPASS_NO_NODE : DMA_BYPASS_MASK);
        if (o && no_node)
                PROBLEM(s, PROBLEM_DEVICES_NO_NODE, "devices without a NUMA node (numa_node -1): %s; %s", o, why);
        else if (o)
                PROBLEM(s, PROBLEM_DEVICES_BYPASS_POOLS, "devices whose coherent DMA never reaches a per-node pool: %s; %s", o, why);
        if (a) {
                *remote = true;
                PROBLEM(s, PROBLEM_ACCELERATOR_BYPASS_POOLS, "accelerators whose coherent DMA never reaches a per-node pool: %s; %s", a, why);
        }
        return 0;
}

int status_judge_devices(Status *s, bool *remote) {
        size_t n_online = 0;
        for (size_t i = 0; i < s->n_nodes; i++)
                n_online += s->nodes[i].online;
        int r = judge_missing_pools(s, remote);
        if (r >= 0 && n_online > 1)
                r = judge_bypass(s, true, remote);
        if (r >= 0 && n_online > 1)
                r = judge_bypass(s, false, remote);
        return r;
}
