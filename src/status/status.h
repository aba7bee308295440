/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The four layers, node by node: desired (plan), next boot (bootloader),
 * booted (/proc/cmdline), active (what the kernel reserved). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel/cma_state.h"
#include "policy/config.h"
#include "kernel/kernel_caps.h"
#include "plan/plan.h"
#include "plan/predict.h"
#include "machine/topology.h"

typedef enum {
        STATE_OK,
        STATE_PENDING_REBOOT,
        STATE_DEGRADED,
        STATE_UNSUPPORTED,
} State;

typedef struct {
        int node;
        bool online, has_memory;
        uint64_t memory;
        uint64_t cma;              /* all CMA on the node (zoneinfo) */
        uint64_t cma_free;
        bool has_local_pool;       /* a numaN/pernumaN area is active */
        uint64_t local_pool;       /* bytes; derived from zoneinfo when no sysfs */
        uint64_t local_pool_free;
        bool local_pool_free_known;
        uint64_t desired;          /* plan */
        bool next_known;
        uint64_t next_boot;        /* what the next boot's line asks of the next kernel */
        uint64_t booted;           /* what /proc/cmdline asks of the running kernel */
        unsigned n_accelerators;
} NodeStatus;

typedef struct {
        const PciDevice *dev;      /* points into topology */
        bool local_pool;
        bool remote_default;       /* its allocations land in the default area on another node */
} AccelStatus;

/* What the bootloader says the next boot will use; filled by the boot
 * backends (grub_update & co). cmdline NULL = unknown. */
typedef struct {
        char *backend;             /* "grub", "bls", ... or NULL */
        char *cmdline;             /* the default entry's kernel arguments */
        char *release;             /* the default entry's kernel, NULL = the running one */
        char **releases;           /* every kernel the configuration boots (NULL: unknown,
                                    * then the running one and every /boot/config-*) */
        char **owned;              /* numacma's tokens in it (from the ownership record) */
        char *last_error;          /* the last apply failed: why */
} NextBoot;

typedef struct {
        char *root;
        Policy *policy;
        Topology *topology;
        KernelCaps running;
        bool running_config_found;
        KernelCaps *targets;       /* kernels the plan is for (running first) */
        size_t n_targets;
        CmaState cma;
        uint64_t page_size;
        char *booted_cmdline;
        Cmdline *booted;
        Prediction booted_pred;
        NextBoot next;
        Prediction next_pred;
        bool next_pred_valid;
        Plan *plan;

        uint64_t default_area;     /* active default area, bytes */
        int default_node;          /* -1 unknown or none */
        bool default_node_known;

        NodeStatus *nodes;
        size_t n_nodes;
        AccelStatus *accels;
        size_t n_accels;

        State state;
        char *summary;             /* one line: what systemctl status shows */
        char **problems;
} Status;

/* Read everything below root and judge. next may be NULL (next boot
 * unknown); its contents are moved into the status. policy is taken over. */
int status_compute(const char *root, Policy *policy, NextBoot *next, Status **ret);
void status_free(Status *s);
static inline void status_freep(Status **s) { status_free(*s); }
#define _cleanup_status_ _cleanup_(status_freep)
void next_boot_done(NextBoot *n);

const char *state_to_string(State s);

int status_print_json(FILE *f, const Status *s);
int status_print_human(FILE *f, const Status *s);
/* Monitoring-plugin line; returns the exit code (0 OK, 1 WARNING, 2 CRITICAL). */
int status_print_check(FILE *f, const Status *s);
int plan_print_json(FILE *f, const Plan *p);
