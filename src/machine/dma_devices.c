/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/fileio.h"
#include "basic/util.h"
#include "machine/dma_devices.h"

#define PCI_DIR "/sys/bus/pci/devices"

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

/* The topology reads a device's details only when the policy can count it;
 * here the driver link first (an unbound function allocates nothing), then
 * the node, of every function that is not a bridge. */
int dma_devices_load(const char *root, const Topology *t, DmaDevices *ret) {
        DmaDevices d = {0};
        *ret = d;
        if (!t->n_devices)
                return 0;
        if (!(d.devices = calloc(t->n_devices, sizeof(DmaDevice))))
                return -ENOMEM;
        for (size_t i = 0; i < t->n_devices; i++) {
                const PciDevice *p = &t->devices[i];
                if (pci_class_is_bridge(p->class_code) && !p->accelerator)
                        continue;
                DmaDevice *x = &d.devices[d.n_devices];
                *x = (DmaDevice){ .address = p->address, .class_code = p->class_code,
                                  .node = -1, .accelerator = p->accelerator };
                _cleanup_free_ char *lp = strdup_printf(PCI_DIR "/%s/driver", p->address);
                _cleanup_free_ char *np = strdup_printf(PCI_DIR "/%s/numa_node", p->address);
                if (!lp || !np) {
                        dma_devices_done(&d);
                        return -ENOMEM;
                }
                if (p->driver) {
                        if (!(x->driver = strdup(p->driver))) {
                                dma_devices_done(&d);
                                return -ENOMEM;
                        }
                } else
                        (void) read_link_basename_root(root, lp, &x->driver);
                if (!x->driver && !p->accelerator)
                        continue;
                int node;
                if (read_int_root(root, np, &node) >= 0 && node >= 0 && node < NODESET_MAX)
                        x->node = node;
                if (x->node < 0) {
                        free(x->driver);
                        continue;
                }
                d.n_devices++;
        }
        *ret = d;
        return 0;
}
