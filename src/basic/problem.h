/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A problem: a stable code and a sentence. The codes are a contract (JSON
 * "problems" and "notes", numacmactl(8) "PROBLEM CODES"): a code, once
 * released, keeps its meaning; its sentence may be reworded. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Every code, once: X(ENUM, "code", kind, "one line for numacmactl(8)").
 * A PROBLEM_KIND_NOTE is a fact that does not make the state worse (JSON
 * "notes"); a PROBLEM_KIND_PROBLEM is something to act on (JSON
 * "problems"). A new code is one line here and its entry in numacmactl(8)
 * (tests/test-problem.c checks the two agree). */
#define PROBLEM_CODES(X) \
        X(PROBLEM_APPLY_NEEDED, "apply-needed", PROBLEM_KIND_PROBLEM, \
          "the policy asks for pools the boot configuration does not have: run 'numacmactl apply'") \
        X(PROBLEM_APPLY_FAILED, "apply-failed", PROBLEM_KIND_PROBLEM, \
          "the last update of the boot configuration failed") \
        X(PROBLEM_NEXT_BOOT_UNKNOWN, "next-boot-unknown", PROBLEM_KIND_PROBLEM, \
          "the next boot's command line cannot be read from the boot configuration") \
        X(PROBLEM_GRUB_CFG_STALE, "grub-cfg-stale", PROBLEM_KIND_PROBLEM, \
          "grub.cfg differs from its sources (/etc/default/grub and its drop-ins): run update-grub") \
        X(PROBLEM_OPEN_QUOTE, "open-quote", PROBLEM_KIND_PROBLEM, \
          "a boot entry or command line leaves a double quote open: numacma adds nothing to it") \
        X(PROBLEM_BOOT_CONFIG, "boot-config", PROBLEM_KIND_PROBLEM, \
          "the boot configuration has a file numacma cannot read or safely change (the text names it)") \
        X(PROBLEM_NO_OWNERSHIP_RECORD, "no-ownership-record", PROBLEM_KIND_NOTE, \
          "no ownership record: the next boot's per-node arguments are kept as the administrator's") \
        X(PROBLEM_RECORD_IGNORED, "record-ignored", PROBLEM_KIND_PROBLEM, \
          "the ownership record names a token numacma never writes: ignored, never removed") \
        X(PROBLEM_ADMIN_PER_NODE_ARG, "admin-per-node-arg", PROBLEM_KIND_NOTE, \
          "the administrator's own numa_cma= or cma_pernuma= is kept; numacma writes no per-node argument") \
        X(PROBLEM_KERNEL_NO_PER_NODE, "kernel-no-per-node", PROBLEM_KIND_PROBLEM, \
          "the kernel cannot make per-node CMA pools: the default area serves every device") \
        X(PROBLEM_PER_NODE_KERNEL_NEEDED, "per-node-kernel-needed", PROBLEM_KIND_PROBLEM, \
          "the ways out: a kernel with per-node CMA (7.2, or the distro's with numacma's patches), or cma=0 and its cost") \
        X(PROBLEM_DISABLE_CMA_KEPT_ADMIN, "disable-cma-kept-admin", PROBLEM_KIND_PROBLEM, \
          "unsupported = disable-cma would write cma=0, but the administrator's cma= is kept") \
        X(PROBLEM_TARGET_IGNORES_ARGS, "target-ignores-args", PROBLEM_KIND_PROBLEM, \
          "a kernel the boot configuration boots cannot make per-node pools and ignores numacma's argument") \
        X(PROBLEM_PERNUMA_SIZES_DIFFER, "pernuma-sizes-differ", PROBLEM_KIND_PROBLEM, \
          "a kernel honours only cma_pernuma= (one size on every node) and the pools differ: nothing is written") \
        X(PROBLEM_CMDLINE_TOO_LONG, "cmdline-too-long", PROBLEM_KIND_PROBLEM, \
          "the command line would exceed the kernel's limit with numacma's arguments: nothing is written") \
        X(PROBLEM_POOL_CAPPED, "pool-capped", PROBLEM_KIND_NOTE, \
          "a node's pool is capped at max_node_share of its memory") \
        X(PROBLEM_LISTED_NODE_NO_MEMORY, "listed-node-no-memory", PROBLEM_KIND_PROBLEM, \
          "a node listed in nodes = has no memory: no pool can be made there") \
        X(PROBLEM_LISTED_NODE_NO_BOOT_MEMORY, "listed-node-no-boot-memory", PROBLEM_KIND_PROBLEM, \
          "a node listed in nodes = has no memory at early boot: no CMA pool can be made there") \
        X(PROBLEM_NODE_NO_BOOT_MEMORY, "node-no-boot-memory", PROBLEM_KIND_NOTE, \
          "a node's memory came after early boot (hot-added, onlined by a driver): it cannot hold a CMA pool") \
        X(PROBLEM_CMA_SLOTS_SHORT, "cma-slots-short", PROBLEM_KIND_PROBLEM, \
          "the kernel has fewer CMA slots (CONFIG_CMA_AREAS) than nodes that want a pool: some get none") \
        X(PROBLEM_CMA_SLOTS_EXHAUSTED, "cma-slots-exhausted", PROBLEM_KIND_PROBLEM, \
          "the booted command line asks for pools the kernel's CMA slots ran out before") \
        X(PROBLEM_SLOTS_DEFAULT_NODE, "slots-default-node", PROBLEM_KIND_NOTE, \
          "the CMA slots ran out before a node's area, but the default area lies on that node and serves it") \
        X(PROBLEM_DEFAULT_AREA_FAILED, "default-area-failed", PROBLEM_KIND_PROBLEM, \
          "the kernel did not reserve its default CMA area (7.2 then makes no per-node pool either)") \
        X(PROBLEM_POOL_RESERVATION_FAILED, "pool-reservation-failed", PROBLEM_KIND_PROBLEM, \
          "the booted command line asks for a pool on a node, but the kernel reserved less") \
        X(PROBLEM_BOOTED_ARG_UNKNOWN, "booted-arg-unknown", PROBLEM_KIND_PROBLEM, \
          "the running kernel does not know a CMA argument of the booted command line") \
        X(PROBLEM_BOOTED_ARG_IGNORED, "booted-arg-ignored", PROBLEM_KIND_PROBLEM, \
          "the running kernel cannot honour a CMA argument of the booted command line (architecture, node)") \
        X(PROBLEM_ARG_AFTER_DASHDASH, "arg-after-dashdash", PROBLEM_KIND_PROBLEM, \
          "a CMA argument comes after '--' on the booted command line: the kernel passed it to init") \
        X(PROBLEM_KERNEL_CONFIG_MISSING, "kernel-config-missing", PROBLEM_KIND_PROBLEM, \
          "no build configuration of the running kernel: its CMA capabilities are unknown") \
        X(PROBLEM_ACCELERATOR_REMOTE, "accelerator-remote", PROBLEM_KIND_PROBLEM, \
          "an accelerator's node has no local CMA pool: its coherent DMA comes from the default area on another node") \
        X(PROBLEM_ACCELERATOR_NO_NODE, "accelerator-no-node", PROBLEM_KIND_NOTE, \
          "an accelerator has no NUMA node (numa_node -1): no per-node pool can serve it") \
        X(PROBLEM_DEVICES_REMOTE, "devices-remote", PROBLEM_KIND_PROBLEM, \
          "a node has no local CMA pool: its devices' coherent DMA comes from the default area on another node") \
        X(PROBLEM_DEVICES_REMOTE_UNCOVERED, "devices-remote-uncovered", PROBLEM_KIND_NOTE, \
          "as devices-remote, on a node the policy does not cover: not counted in the state") \
        X(PROBLEM_NODE_NO_POOL, "node-no-pool", PROBLEM_KIND_PROBLEM, \
          "a node the plan gives a pool has none while the default area is on another node") \
        X(PROBLEM_POOL_TOO_SMALL, "pool-too-small", PROBLEM_KIND_PROBLEM, \
          "allocations failed in a node's pool this boot: a larger size is suggested") \
        X(PROBLEM_DEFAULT_AREA_ALLOC_FAILED, "default-area-alloc-failed", PROBLEM_KIND_PROBLEM, \
          "allocations failed in the default CMA area this boot") \
        X(PROBLEM_DEVICES_NO_NODE, "devices-no-node", PROBLEM_KIND_NOTE, \
          "devices without a NUMA node (numa_node -1): the kernel never tries a per-node area for them; the fix is the firmware's") \
        X(PROBLEM_DEVICES_BYPASS_POOLS, "devices-bypass-pools", PROBLEM_KIND_NOTE, \
          "devices whose coherent mask keeps them from every per-node pool get memory of another node (ways out: a translating IOMMU, cma=0)") \
        X(PROBLEM_ACCELERATOR_BYPASS_POOLS, "accelerator-bypass-pools", PROBLEM_KIND_PROBLEM, \
          "an accelerator whose coherent mask keeps it from every per-node pool gets memory of another node") \
        X(PROBLEM_POOLS_UNUSABLE, "pools-unusable", PROBLEM_KIND_PROBLEM, \
          "every coherent request carries GFP_DMA (arm64, no memory below 4 GiB): no per-node pool would be used, none is planned") \
        X(PROBLEM_TRACE_EVENT_ADMIN, "trace-event-admin", PROBLEM_KIND_NOTE, \
          "trace_at_boot = yes, but the command line has the administrator's trace_event=: numacma writes none")

typedef enum {
        PROBLEM_KIND_PROBLEM,
        PROBLEM_KIND_NOTE,
} ProblemKind;

#define PROBLEM_ENUM_(e, code, kind, what) e,
typedef enum {
        PROBLEM_CODES(PROBLEM_ENUM_)
        _PROBLEM_CODE_MAX,
} ProblemCode;
#undef PROBLEM_ENUM_

typedef struct {
        const char *code;          /* short, stable, kebab-case */
        ProblemKind kind;
        const char *description;   /* one line: what the code means */
} ProblemInfo;

/* NULL for a value outside the table. */
const ProblemInfo *problem_info(ProblemCode c);
const char *problem_code_to_string(ProblemCode c);

typedef struct {
        ProblemCode code;
        char *text;
} Problem;

/* A list of problems in the order they were found. */
typedef struct {
        Problem *items;
        size_t n;
} ProblemList;

int problems_add(ProblemList *l, ProblemCode code, const char *text);   /* copies text */
int problems_addf(ProblemList *l, ProblemCode code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool problems_contain_text(const ProblemList *l, const char *text);
bool problems_contain_code(const ProblemList *l, ProblemCode code);
/* The last one's text, or NULL. */
const char *problems_last_text(const ProblemList *l);
/* Every text joined by sep (caller frees; "" for none), NULL on ENOMEM. */
char *problems_join(const ProblemList *l, const char *sep);
/* How many are of this kind. */
size_t problems_count_kind(const ProblemList *l, ProblemKind kind);
void problems_done(ProblemList *l);

#define FOREACH_PROBLEM(p, l) for (const Problem *p = (l)->items; (l)->items && p < (l)->items + (l)->n; p++)
