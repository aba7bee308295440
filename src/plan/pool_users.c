/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/util.h"
#include "plan/pool_users.h"

void pool_users_done(PoolUsers *u) {
        free(u->accelerators);
        free(u->devices);
        free(u->bypassing);
        *u = (PoolUsers){ .max_node = -1 };
}

int pool_users_count(const PlanInput *in, PoolUsers *ret) {
        PoolUsers u = { .max_node = -1 };
        const DmaDevices *d = in->dma;
        *ret = u;
        if (!d || !in->zones)
                return 0;
        for (size_t i = 0; i < d->n_devices; i++)
                u.max_node = MAX(u.max_node, d->devices[i].node);
        size_t n = (size_t) (u.max_node + 1);
        u.accelerators = calloc(MAX(n, (size_t) 1), sizeof(unsigned));
        u.devices = calloc(MAX(n, (size_t) 1), sizeof(unsigned));
        u.bypassing = calloc(MAX(n, (size_t) 1), sizeof(unsigned));
        if (!u.accelerators || !u.devices || !u.bypassing) {
                pool_users_done(&u);
                return -ENOMEM;
        }
        u.all_bypass = in->zones->dma_zone_covers_memory;
        for (size_t i = 0; i < d->n_devices; i++) {
                const DmaDevice *x = &d->devices[i];
                if (x->node < 0) {
                        u.no_node += x->driver != NULL;
                        continue;
                }
                if (!dma_device_uses_pool(x, in->zones)) {
                        u.bypassing[x->node] += x->driver != NULL;
                        continue;
                }
                u.devices[x->node]++;
                u.accelerators[x->node] += x->accelerator;
        }
        *ret = u;
        return 0;
}

unsigned pool_users_accelerators(const PoolUsers *u, const PlanInput *in, int node) {
        if (!u->accelerators)
                return (unsigned) topology_accelerators_on(in->topology, node);
        return node >= 0 && node <= u->max_node ? u->accelerators[node] : 0;
}

unsigned pool_users_devices(const PoolUsers *u, int node) {
        return u->devices && node >= 0 && node <= u->max_node ? u->devices[node] : 0;
}

static const char *bypass_reason(unsigned bypass) {
        if (bypass & DMA_BYPASS_NO_NODE)
                return "no NUMA node (numa_node -1): the kernel never tries a per-node area for it";
        if (bypass & DMA_BYPASS_IOMMU)
                return "a translating IOMMU maps page allocator pages of its node for it, no CMA area";
        if (bypass & DMA_BYPASS_DMA_ZONE)
                return "its coherent limit is within zone_dma_limit: its requests carry GFP_DMA, which skips the per-node areas";
        return "its requests carry GFP_DMA32 or GFP_DMA, which skip the per-node areas";
}

int plan_explain_bypass(Plan *p, const PlanInput *in) {
        if (!in->dma || !in->zones)
                return 0;
        for (size_t i = 0; i < in->dma->n_devices; i++) {
                const DmaDevice *x = &in->dma->devices[i];
                DmaDeviceFacts f = dma_device_facts(x);
                DmaAreas none = {0};
                DmaPath path;
                dma_path_decide(&f, in->zones, &none, &path);
                if (!x->driver || !path.bypass)
                        continue;
                _cleanup_free_ char *mask = x->mask_bits ? strdup_printf(", %u-bit coherent mask", x->mask_bits) : strdup("");
                _cleanup_free_ char *node = x->node >= 0 ? strdup_printf(" on node %d", x->node) : strdup("");
                if (!mask || !node)
                        return -ENOMEM;
                if (strv_extendf(&p->explain, "device %s (%s)%s%s: no pool counts it: %s", x->address, x->driver,
                                 node, mask, bypass_reason(path.bypass)) < 0)
                        return -ENOMEM;
        }
        return 0;
}
