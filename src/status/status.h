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
#include "bootcfg/bootcfg.h"

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

/* What status is judged from: everything read once by the snapshot. */
typedef struct {
        const Policy *policy;
        const Topology *topology;
        const KernelCaps *running;
        bool running_config_found;
        const KernelCaps *targets;   /* kernels the plan is for (the default entry's first) */
        size_t n_targets;
        const CmaState *cma;
        const char *booted_cmdline;  /* /proc/cmdline */
        const NextBoot *next;
        const Plan *plan;
        const Cmdline *desired;      /* the administrator's line with the plan's tokens */
} StatusInput;

typedef struct {
        /* The input, borrowed: valid as long as the snapshot is. */
        const Policy *policy;
        const Topology *topology;
        const KernelCaps *running;
        const KernelCaps *targets;
        size_t n_targets;
        const CmaState *cma;
        const char *booted_cmdline;
        const NextBoot *next;
        const Plan *plan;

        uint64_t page_size;
        Cmdline *booted;
        Prediction booted_pred;
        Prediction next_pred;
        bool next_pred_valid;

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

/* Judge: no file is read here. */
int status_judge(const StatusInput *in, Status **ret);
void status_free(Status *s);
static inline void status_freep(Status **s) { status_free(*s); }
#define _cleanup_status_ _cleanup_(status_freep)

const char *state_to_string(State s);

int status_print_json(FILE *f, const Status *s);
int status_print_human(FILE *f, const Status *s);
/* Monitoring-plugin line; returns the exit code (0 OK, 1 WARNING, 2 CRITICAL). */
int status_print_check(FILE *f, const Status *s);
int plan_print_json(FILE *f, const Plan *p);
