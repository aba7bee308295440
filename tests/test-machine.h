/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hand-built machines for the unit tests of plan, predict and status
 * (include after cmocka.h). */
#pragma once

#include "machine/topology.h"

#define END (-100)

/* Nodes in possible, online and with memory as given (mem bytes each);
 * one accelerator per entry of accel_nodes (a node, or -1 for "no node";
 * END ends; NULL: none). */
static inline Topology *make_topology(const char *possible, const char *online, const char *memory, uint64_t mem,
                                      const int *accel_nodes) {
        Topology *t = calloc(1, sizeof(Topology));
        assert_non_null(t);
        t->pci_dfd = -1;
        assert_int_equal(nodeset_parse(possible, &t->possible), 0);
        assert_int_equal(nodeset_parse(online, &t->online), 0);
        assert_int_equal(nodeset_parse(memory, &t->with_memory), 0);
        t->nodes = calloc(nodeset_count(t->possible) + 1, sizeof(NumaNode));
        assert_non_null(t->nodes);
        for (int n = -1; (n = nodeset_next(t->possible, n)) >= 0;) {
                NumaNode *nn = &t->nodes[t->n_nodes++];
                *nn = (NumaNode){ .id = n, .online = nodeset_contains(t->online, n),
                                  .has_memory = nodeset_contains(t->with_memory, n) };
                nn->mem_total = nn->has_memory ? mem : 0;
        }
        size_t n_acc = 0;
        while (accel_nodes && accel_nodes[n_acc] != END)
                n_acc++;
        t->devices = calloc(n_acc + 1, sizeof(PciDevice));
        assert_non_null(t->devices);
        for (size_t i = 0; i < n_acc; i++) {
                PciDevice *d = &t->devices[t->n_devices++];
                *d = (PciDevice){ .address = strdup_printf("0000:%02zx:00.0", 0x81 + i), .class_code = 0x120000,
                                  .numa_node = accel_nodes[i],
                                  .accelerator = true, .why = "test" };
                assert_non_null(d->address);
        }
        return t;
}
