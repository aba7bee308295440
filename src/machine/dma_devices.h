/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every PCI function that can do coherent DMA from a node: one with a NUMA
 * node and a bound driver (drivers allocate coherent memory at probe: an
 * NVMe controller's queues, a NIC's rings), bridges left out. Accelerators
 * are listed bound or not. dma_alloc_coherent() without an IOMMU takes
 * dev_to_node(dev)'s per-node area, else the default area
 * (kernel/dma/contiguous.c dma_alloc_contiguous()). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "machine/topology.h"

typedef struct {
        const char *address;      /* borrowed from the topology */
        uint32_t class_code;
        int node;
        char *driver;             /* NULL: unbound (accelerators only) */
        bool accelerator;
} DmaDevice;

typedef struct {
        DmaDevice *devices;       /* sorted by address */
        size_t n_devices;
} DmaDevices;

/* PCI class 0x06 is "bridge device" (host, ISA, PCI-to-PCI, ...). */
static inline bool pci_class_is_bridge(uint32_t class_code) {
        return (class_code >> 16) == 0x06;
}

int dma_devices_load(const char *root, const Topology *t, DmaDevices *ret);
void dma_devices_done(DmaDevices *d);
size_t dma_devices_on(const DmaDevices *d, int node);
