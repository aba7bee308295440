/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NUMA nodes and PCI devices, read from sysfs below a root directory. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "basic/nodeset.h"
#include "kernel/memory.h"
#include "policy/config.h"

typedef struct {
        int id;
        bool online;
        bool has_memory;
        uint64_t mem_total;   /* bytes: MemTotal of node<N>/meminfo, from zoneinfo */
} NumaNode;

typedef struct {
        char *address;        /* "0000:81:00.0" */
        uint32_t class_code;  /* 0x038000 */
        int numa_node;        /* -1: the firmware gave it no node */
        char *driver;         /* NULL when unbound */
        char *accel;          /* "accel0" when it has a DRM accel node */
        bool accelerator;     /* counted by the policy */
        const char *why;      /* the rule that made it count (static string) */
        bool driver_read;     /* driver (and node_read: numa_node) were read */
        bool node_read;
} PciDevice;

typedef struct {
        NumaNode *nodes;      /* sorted by id; every node in node/possible that has a directory */
        size_t n_nodes;
        NodeSet *online, *possible, *with_memory;
        PciDevice *devices;   /* sorted by address */
        size_t n_devices;
        /* Accelerators per node, filled by topology_classify() (NULL before:
         * topology_accelerators_on() then counts). */
        size_t *accel_count;
        int accel_count_n;
        /* /proc/zoneinfo and /proc/meminfo, read once for the node sizes;
         * the CMA state takes its zone counts from here too. */
        KernelMemory memory;
        /* /sys/bus/pci/devices below the root, open (-1 when absent): the
         * DMA devices are read relative to it. */
        int pci_dfd;
} Topology;

/* With a policy, the details (numa_node, driver) are read only for devices
 * that can count under it; NULL reads them for every device. */
int topology_load(const char *root, const Policy *policy, Topology **ret);
void topology_free(Topology *t);
static inline void topology_freep(Topology **t) { topology_free(*t); }
#define _cleanup_topology_ _cleanup_(topology_freep)

/* Mark the devices that count as accelerators under the policy. */
void topology_classify(Topology *t, const Policy *p);

/* Does one device count? (Also used by the daemon for udev events.)
 * Returns the reason as a static string, or NULL. */
const char *accelerator_rule(const Policy *p, const char *address, uint32_t class_code,
                             const char *driver, bool has_accel_node);

const NumaNode *topology_node(const Topology *t, int id);
size_t topology_accelerators_on(const Topology *t, int node);
uint64_t topology_total_memory(const Topology *t);
