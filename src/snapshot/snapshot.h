/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One snapshot of a root: the policy, the machine (nodes, devices, the
 * running and target kernels' capabilities, the CMA areas), the boot
 * configuration with the decision of which tokens are numacma's, and what
 * follows from them (plan, status). Read once; the only input of plan,
 * status and apply, for numacmactl and numacmad alike. */
#pragma once

#include "bootcfg/bootcfg.h"
#include "kernel/cma_state.h"
#include "kernel/cma_usage.h"
#include "kernel/kernel_log.h"
#include "machine/boot_memory.h"
#include "machine/dma_devices.h"
#include "kernel/cmdline.h"
#include "kernel/kernel_caps.h"
#include "machine/topology.h"
#include "plan/plan.h"
#include "policy/config.h"
#include "status/status.h"

typedef enum {
        /* The boot configuration only, no machine, plan or status: package
         * removal, in a chroot or an image build that has no /proc. */
        SNAPSHOT_BOOT_ONLY = 1 << 0,
} SnapshotFlags;

typedef struct {
        char *root;
        Policy *policy;
        BootBackendKind backend;
        NextBoot next;               /* owned decided by ownership_decide() */

        /* The machine (not with SNAPSHOT_BOOT_ONLY). */
        Topology *topology;
        KernelCaps running;
        bool running_config_found;
        KernelCaps *targets;         /* the kernels the boot configuration boots */
        size_t n_targets;
        CmaState cma;
        char *booted_cmdline;
        KernelLog log;               /* /dev/kmsg, where readable */
        BootMemory boot_memory;      /* which nodes can hold a pool at boot */
        DmaDevices dma;              /* every PCI function with a driver (and accelerators) */
        DmaZones zones;              /* the zones the kernel's DMA paths use */
        CmaUsage usage;              /* the CMA areas' counters */

        /* What follows. */
        Cmdline *admin;              /* the line numacma's update starts from, without its tokens */
        Cmdline *desired;            /* admin with the plan's tokens */
        Plan *plan;
        Status *status;
} Snapshot;

/* The policy of root: /etc/numacma.conf and its drop-ins. The one loader,
 * for the snapshot and for 'config check'. */
int snapshot_load_policy(const char *root, Policy **ret, PolicyErrors *errs);

/* Read root once. policy NULL: load it (errors in errs); else use a copy of
 * it (the daemon's last good policy). */
int snapshot_new(const char *root, const Policy *policy, SnapshotFlags flags, PolicyErrors *errs, Snapshot **ret);
void snapshot_free(Snapshot *s);
static inline void snapshot_freep(Snapshot **s) { snapshot_free(*s); }
#define _cleanup_snapshot_ _cleanup_(snapshot_freep)

/* The boot configuration does not hold the plan yet (or is unknown). */
bool snapshot_needs_apply(const Snapshot *s);
/* Write the plan (remove_all: none of numacma's tokens) into the boot
 * configuration. io NULL: the real one. -EPERM (ret->error says why) when
 * the policy does not let numacma change it ([boot] manage = no), but for
 * remove_all and a dry run. */
int snapshot_apply(const Snapshot *s, bool remove_all, BootApplyFlags flags, const BootIO *io, BootApplyResult *ret);
