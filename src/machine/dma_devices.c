/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <limits.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "kernel/pci_address.h"
#include "machine/dma_devices.h"

#define IOMMU_GROUPS_DIR "/sys/kernel/iommu_groups"

void dma_devices_done(DmaDevices *d) {
        for (size_t i = 0; i < d->n_devices; i++)
                free(d->devices[i].driver);
        free(d->devices);
        *d = (DmaDevices){0};
}

size_t dma_devices_on(const DmaDevices *d, int node) {
        size_t n = 0;
        for (size_t i = 0; d && i < d->n_devices; i++)
                if (d->devices[i].node == node)
                        n++;
        return n;
}

bool dma_device_uses_pool(const DmaDevice *d, const DmaZones *z) {
        DmaDeviceFacts f = dma_device_facts(d);
        DmaAreas none = {0};
        DmaPath p;
        dma_path_decide(&f, z, &none, &p);
        return p.uses_pool;
}

/* The IOMMU groups' types, read once each: a machine has one group per
 * device or per few devices. */
typedef struct {
        char **names;     /* group numbers seen */
        DmaIommu *types;
        size_t n;
} GroupTypes;

static void group_types_done(GroupTypes *g) {
        strv_free(g->names);
        free(g->types);
}

static DmaIommu group_type(const char *root, GroupTypes *g, const char *group) {
        for (size_t i = 0; i < g->n; i++)
                if (streq(g->names[i], group))
                        return g->types[i];
        _cleanup_free_ char *p = strdup_printf(IOMMU_GROUPS_DIR "/%s/type", group), *type = NULL;
        DmaIommu t = p && read_line_root(root, p, &type) >= 0 ? dma_iommu_from_type(type) : DMA_IOMMU_UNKNOWN;
        DmaIommu *nt = realloc(g->types, (g->n + 1) * sizeof(DmaIommu));
        if (!nt)
                return t;
        g->types = nt;
        if (strv_extend(&g->names, group) < 0)
                return t;
        g->types[g->n++] = t;
        return t;
}

#define DEV_ATTR_MAX (PCI_ADDRESS_MAX + sizeof("/consistent_dma_mask_bits"))

static int read_attr_int(int dfd, const char *address, const char *attr, int *ret) {
        char buf[DEV_ATTR_MAX];
        const char *p = path_join_buf(buf, sizeof(buf), address, attr);
        return p ? read_int_at(dfd, p, ret) : -EINVAL;
}

/* The driver and the node: the topology's when it read them. */
static int driver_and_node(int dfd, const PciDevice *p, DmaDevice *x) {
        char buf[DEV_ATTR_MAX];
        int r, node;
        if (p->driver_read) {
                if (p->driver && !(x->driver = strdup(p->driver)))
                        return -ENOMEM;
        } else if (path_join_buf(buf, sizeof(buf), p->address, "driver") &&
                   (r = read_link_basename_at(dfd, buf, &x->driver)) == -ENOMEM)
                return r;
        if (!x->driver && !p->accelerator)
                return 0;
        if (p->node_read)
                x->node = p->numa_node;
        else if (read_attr_int(dfd, p->address, "numa_node", &node) >= 0 && node >= 0 && node < NODESET_MAX)
                x->node = node;
        return 0;
}

/* The mask (only a bound driver has set it: unbound, it is the PCI
 * default of 32 bits) and the IOMMU domain. */
static int mask_and_iommu(const char *root, int dfd, bool groups, GroupTypes *g, DmaDevice *x) {
        int bits;
        if (x->driver && read_attr_int(dfd, x->address, "consistent_dma_mask_bits", &bits) >= 0 && bits > 0 && bits <= 64)
                x->mask_bits = (unsigned) bits;
        if (!groups)
                return 0;
        char buf[DEV_ATTR_MAX];
        _cleanup_free_ char *group = NULL;
        if (!path_join_buf(buf, sizeof(buf), x->address, "iommu_group"))
                return -EINVAL;
        int r = read_link_basename_at(dfd, buf, &group);
        if (r == -ENOMEM)
                return r;
        x->iommu = r < 0 ? DMA_IOMMU_NONE : group_type(root, g, group);
        return 0;
}

static bool has_groups(const char *root) {
        _cleanup_strv_free_ char **groups = NULL;
        _cleanup_close_ int dfd = open_dir_root(root, IOMMU_GROUPS_DIR);
        return dfd >= 0 && list_dir_at(dfd, NULL, &groups) >= 0 && groups && groups[0];
}

/* A function that is not a bridge, with a driver (or an accelerator). */
int dma_devices_load(const char *root, const Topology *t, DmaDevices *ret) {
        DmaDevices d = {0};
        _cleanup_(group_types_done) GroupTypes g = {0};
        int r = 0;
        *ret = d;
        if (!t->n_devices)
                return 0;
        int dfd = t->pci_dfd;  /* the topology's, still open */
        if (dfd < 0)
                return 0;
        if (!(d.devices = calloc(t->n_devices, sizeof(DmaDevice))))
                return -ENOMEM;
        d.iommu_groups = has_groups(root);
        for (size_t i = 0; i < t->n_devices && r >= 0; i++) {
                const PciDevice *p = &t->devices[i];
                if (pci_class_is_bridge(p->class_code) && !p->accelerator)
                        continue;
                DmaDevice *x = &d.devices[d.n_devices];
                *x = (DmaDevice){ .address = p->address, .class_code = p->class_code,
                                  .node = -1, .accelerator = p->accelerator };
                if ((r = driver_and_node(dfd, p, x)) < 0 || (!x->driver && !p->accelerator))
                        continue;
                if ((r = mask_and_iommu(root, dfd, d.iommu_groups, &g, x)) >= 0)
                        d.n_devices++;
        }
        if (r < 0) {
                free(d.devices[d.n_devices].driver);
                dma_devices_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}
