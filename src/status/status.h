/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The four layers, node by node: desired (plan), next boot (bootloader),
 * booted (/proc/cmdline), active (what the kernel reserved). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel/cma_state.h"
#include "kernel/cma_usage.h"
#include "kernel/kernel_log.h"
#include "machine/boot_memory.h"
#include "machine/dma_devices.h"
#include "policy/config.h"
#include "kernel/kernel_caps.h"
#include "plan/plan.h"
#include "plan/predict.h"
#include "plan/slots.h"
#include "machine/topology.h"
#include "basic/json.h"
#include "basic/problem.h"
#include "bootcfg/bootcfg.h"

/* The first line of numacmactl status, "× numacma: STATE - " and the
 * headline (Status.summary), is at most this many characters. */
#define STATUS_LINE_MAX 99

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
        bool boot_memory;          /* can hold a pool at boot (machine/boot_memory.h) */
        bool boot_memory_known;    /* some evidence decided boot_memory (else it is assumed) */
        const char *boot_memory_why;
        bool covered;              /* the policy covers the node */
        bool booted_not_boot;      /* the booted line asks for a pool the node cannot hold */
        bool booted_no_slot;       /* the booted line asks for a pool the slots ran out before */
        bool usage_known;          /* CMA sysfs counters of its pool */
        uint64_t local_pool_used;  /* bytes in use (cma_alloc) */
        uint64_t local_pool_alloc_failures;  /* pages of failed allocations this boot */
        uint64_t suggested;        /* a larger pool when allocations failed, else 0 */
        unsigned n_devices, n_remote_devices;
} NodeStatus;

typedef struct {
        const DmaDevice *dev;      /* points into the DMA device list */
        DmaPath path;              /* where the running kernel takes its coherent DMA from
                                    * (unbound: once a driver binds, as a 64-bit device) */
        bool local_pool;           /* path: its node's per-node pool */
        bool remote_default;       /* its coherent DMA comes from the default area on another node */
        bool covered;              /* its node is covered by the policy (counted in the state) */
} DeviceStatus;

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
        /* Optional (NULL: unknown). */
        const BootMemory *boot_memory;
        const DmaDevices *dma;
        const DmaZones *zones;
        const CmaUsage *usage;
        const KernelLog *log;
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
        const BootMemory *boot_memory;
        const DmaDevices *dma;
        const DmaZones *zones;
        const CmaUsage *usage;
        const KernelLog *log;

        uint64_t page_size;
        Cmdline *booted;
        Prediction booted_pred;
        Prediction next_pred;
        bool next_pred_valid;

        uint64_t default_area;     /* active default area, bytes */
        int default_node;          /* -1 unknown or none */
        bool default_node_known;
        bool default_usage_known;
        bool default_usage_zoneinfo;      /* from nr_free_cma: no CMA sysfs, no failure count */
        uint64_t default_used;     /* bytes in use */
        uint64_t default_alloc_failures;  /* pages */
        bool default_area_failed;  /* asked for, not made: 7.2 then makes no per-node area */
        PredictionLimits booted_limits;
        CmaSlots booted_slots;

        NodeStatus *nodes;
        size_t n_nodes;
        AccelStatus *accels;
        size_t n_accels;
        DeviceStatus *devices;
        size_t n_devices;

        State state;
        bool reboot_required;      /* the next boot's CMA arguments differ from the booted ones */
        char *summary;             /* the headline: the state's fact and the one thing to do
                                    * (systemctl status' STATUS=): see STATUS_LINE_MAX */
        ProblemList problems;      /* problems and notes, with their codes (basic/problem.h) */
} Status;

/* Judge: no file is read here. */
int status_judge(const StatusInput *in, Status **ret);
void status_free(Status *s);
static inline void status_freep(Status **s) { status_free(*s); }
#define _cleanup_status_ _cleanup_(status_freep)

const char *state_to_string(State s);

/* The JSON contract of numacmactl's outputs (status, plan, apply):
 * numacmactl(8) "JSON OUTPUT" documents every field; json-schema/ has the
 * schema of each version and its history. Any change of a field's name or
 * type is a new version (tests/check-json-schema.py fails otherwise). */
#define NUMACMA_JSON_SCHEMA_VERSION 2

/* The members every JSON output starts with: schema_version, state,
 * reboot_required. */
void status_json_contract(JsonWriter *w, const Status *s);
/* key: [{code, text}] of the problems of that kind. */
void status_json_problems(JsonWriter *w, const char *key, const ProblemList *l, ProblemKind kind);

int status_print_json(FILE *f, const Status *s);
typedef enum {
        STATUS_PRINT_ASCII = 1 << 0,   /* no UTF-8 bullets: the locale is not UTF-8 */
} StatusPrintFlags;
int status_print_human(FILE *f, const Status *s, StatusPrintFlags flags);
/* Thresholds of a monitoring check: the share of a CMA pool in use, in
 * percent (< 0: none). */
typedef struct {
        double warning;
        double critical;
} CheckThresholds;

/* The monitoring-plugin line (status_check.c); returns the exit code (0 OK,
 * 1 WARNING, 2 CRITICAL). t may be NULL. */
int status_print_check(FILE *f, const Status *s, const CheckThresholds *t);
/* The plan of s, with the contract's members. */
int plan_print_json(FILE *f, const Status *s);
