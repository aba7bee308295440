/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Each DMA device judged by the kernel's allocation path (kernel/dma_path.h)
 * against the areas the running kernel made: which memory its coherent DMA
 * gets, from which node, and what an administrator can do about it. Used by
 * status.c only. */
#pragma once

#include "status/status.h"

/* The per-device paths (s->devices), once the active areas are known
 * (compute_active()); counts each node's devices. */
int status_build_devices(Status *s);
/* The device's status by PCI address, or NULL. */
const DeviceStatus *status_device(const Status *s, const char *address);
/* Problems: devices whose node lacks the pool that would serve them
 * (counted in the state when the policy covers the node), and devices that
 * never reach a per-node pool (no node, a coherent mask within 4 GiB, the
 * arm64 DMA zone) and get memory of another node, or of a node unknown,
 * with the ways out. *remote: something the state counts. */
int status_judge_devices(Status *s, bool *remote);
