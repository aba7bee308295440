/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every PCI function that can do coherent DMA: one with a bound driver
 * (drivers allocate coherent memory at probe or open: an NVMe
 * controller's queues, a NIC's rings), bridges left out, with or without a
 * NUMA node. Accelerators are listed bound or not. For each: what decides
 * its coherent allocations (kernel/dma_path.h): the node, the coherent
 * mask (consistent_dma_mask_bits), the IOMMU domain. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/dma_path.h"
#include "machine/topology.h"

typedef struct {
        const char *address;      /* borrowed from the topology */
        uint32_t class_code;
        int node;                 /* -1: numa_node -1, the firmware gave it none */
        char *driver;             /* NULL: unbound (accelerators only) */
        bool accelerator;
        unsigned mask_bits;       /* consistent_dma_mask_bits; 0 unknown (unbound, or not readable) */
        DmaIommu iommu;
} DmaDevice;

typedef struct {
        DmaDevice *devices;       /* sorted by address */
        size_t n_devices;
        bool iommu_groups;        /* /sys/kernel/iommu_groups lists groups */
} DmaDevices;

/* PCI class 0x06 is "bridge device" (host, ISA, PCI-to-PCI, ...). */
static inline bool pci_class_is_bridge(uint32_t class_code) {
        return (class_code >> 16) == 0x06;
}

int dma_devices_load(const char *root, const Topology *t, DmaDevices *ret);
void dma_devices_done(DmaDevices *d);
/* Devices on a node (all of them, whatever their path). */
size_t dma_devices_on(const DmaDevices *d, int node);

static inline DmaDeviceFacts dma_device_facts(const DmaDevice *d) {
        return (DmaDeviceFacts){ .node = d->node, .mask_bits = d->mask_bits,
                                 .bound = d->driver != NULL, .iommu = d->iommu };
}
/* Would a per-node pool on the device's node serve it (kernel/dma_path.h)?
 * An unbound accelerator counts: its driver is expected to set a 64-bit
 * mask. */
bool dma_device_uses_pool(const DmaDevice *d, const DmaZones *z);
