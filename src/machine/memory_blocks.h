/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Physical memory to NUMA nodes by memory block: each block
 * /sys/devices/system/memory/memoryN starts at N * block_size_bytes and
 * names its node by a nodeM link (drivers/base/memory.c). Read when an
 * address must be placed (the trace command); /proc/zoneinfo's zone spans
 * stand in where the blocks are not there (no CONFIG_MEMORY_HOTPLUG). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/memory.h"

typedef struct {
        uint64_t block_size;      /* bytes; 0 when unknown */
        struct MemoryBlock { uint64_t block; int node; } *blocks;  /* sorted by block */
        size_t n;
        const KernelMemory *zones;  /* fallback, borrowed; may be NULL */
} MemoryBlocks;

/* "memoryN" (a block below /sys/devices/system/memory) and "nodeM" (its
 * node's link) directory entries. */
bool memory_block_name(const char *name);
bool node_link_name(const char *name);

int memory_blocks_load(const char *root, const KernelMemory *zones, MemoryBlocks *ret);
void memory_blocks_done(MemoryBlocks *m);
/* The node of a physical address, -1 when nothing says. */
int memory_blocks_node(const MemoryBlocks *m, uint64_t phys);
