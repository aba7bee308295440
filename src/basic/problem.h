/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A problem: a stable code and a sentence. The codes are a contract (JSON
 * "problems" and "notes", numacmactl(8) "PROBLEM CODES"): a code, once
 * released, keeps its meaning; its sentence may be reworded. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Every code, once: X(ENUM, "code", kind, "title", "action", "one line for
 * numacmactl(8)"). The title (a few words) and the action (the one thing to
 * do) make the status' headline; both stay under 45 characters.
 * A PROBLEM_KIND_NOTE is a fact that does not make the state worse (JSON
 * "notes"); a PROBLEM_KIND_PROBLEM is something to act on (JSON
 * "problems"). A new code is one line here and its entry in numacmactl(8)
 * (tests/test-problem.c checks the two agree). */
#define PROBLEM_CODES(X) \
        X(PROBLEM_APPLY_NEEDED, "apply-needed", PROBLEM_KIND_PROBLEM, "the boot configuration lacks the plan", "run 'numacmactl apply'", \
          "the policy asks for pools the boot configuration does not have: run 'numacmactl apply'") \
        X(PROBLEM_BOOT_NOT_MANAGED, "boot-not-managed", PROBLEM_KIND_PROBLEM, "the boot configuration lacks the plan", "set [boot] manage = yes", \
          "the policy asks for pools the boot configuration does not have, and numacma may not change it ([boot] manage = no)") \
        X(PROBLEM_APPLY_FAILED, "apply-failed", PROBLEM_KIND_PROBLEM, "the boot configuration update failed", "see 'systemctl status numacmad'", \
          "the last update of the boot configuration failed") \
        X(PROBLEM_NEXT_BOOT_UNKNOWN, "next-boot-unknown", PROBLEM_KIND_PROBLEM, "the next boot's line is unknown", "check backend = in the policy", \
          "the next boot's command line cannot be read from the boot configuration") \
        X(PROBLEM_GRUB_CFG_STALE, "grub-cfg-stale", PROBLEM_KIND_PROBLEM, "grub.cfg is older than its sources", "run 'update-grub'", \
          "grub.cfg differs from its sources (/etc/default/grub and its drop-ins): run update-grub") \
        X(PROBLEM_OPEN_QUOTE, "open-quote", PROBLEM_KIND_PROBLEM, "a boot entry leaves a quote open", "fix the quoting in that file", \
          "a boot entry or command line leaves a double quote open: numacma adds nothing to it") \
        X(PROBLEM_BOOT_CONFIG, "boot-config", PROBLEM_KIND_PROBLEM, "a boot file cannot be handled", "see 'numacmactl status'", \
          "the boot configuration has a file numacma cannot read or safely change (the text names it)") \
        X(PROBLEM_BOOT_FILE_SKIPPED, "boot-file-skipped", PROBLEM_KIND_NOTE, "a boot file is not a regular file", "nothing: the loader skips it too", \
          "a file among the boot entries or GRUB's drop-ins is not a regular file (a directory, a dangling link): skipped, as the loader skips it") \
        X(PROBLEM_GRUB_DROPIN_BLOCKS, "grub-dropin-blocks", PROBLEM_KIND_PROBLEM, "a GRUB drop-in would block update-grub", "remove it from /etc/default/grub.d", \
          "a FIFO, socket or device among GRUB's drop-ins would make update-grub wait or fail: numacma does not run it") \
        X(PROBLEM_ENTRY_NOT_WRITABLE, "entry-not-writable", PROBLEM_KIND_PROBLEM, "a boot entry cannot get the arguments", "see 'numacmactl status'", \
          "GRUB reads no options line of a boot entry that numacma can add to: the entry gets nothing (the text says why)") \
        X(PROBLEM_DROPIN_OVERRIDDEN, "dropin-overridden", PROBLEM_KIND_PROBLEM, "a later GRUB drop-in overrides numacma's", "fix the drop-in the text names", \
          "a later assignment of GRUB_CMDLINE_LINUX drops what numacma's drop-in adds: numacma does not write against it") \
        X(PROBLEM_NEXT_BOOT_ONCE, "next-boot-once", PROBLEM_KIND_NOTE, "the next boot is a one-shot entry", "nothing: the default boots after it", \
          "the next boot is a one-shot (grub-reboot's next_entry, systemd-boot's LoaderEntryOneShot): the default boots after it") \
        X(PROBLEM_NO_OWNERSHIP_RECORD, "no-ownership-record", PROBLEM_KIND_NOTE, "no ownership record", "see 'numacmactl status'", \
          "no ownership record: the next boot's per-node arguments are kept as the administrator's") \
        X(PROBLEM_RECORD_IGNORED, "record-ignored", PROBLEM_KIND_PROBLEM, "the ownership record is odd", "see 'numacmactl status'", \
          "the ownership record names a token numacma never writes: ignored, never removed") \
        X(PROBLEM_ADMIN_PER_NODE_ARG, "admin-per-node-arg", PROBLEM_KIND_NOTE, "the administrator's per-node argument is kept", "see 'numacmactl plan --explain'", \
          "the administrator's own numa_cma= or cma_pernuma= is kept; numacma writes no per-node argument") \
        X(PROBLEM_KERNEL_NO_PER_NODE, "kernel-no-per-node", PROBLEM_KIND_PROBLEM, "the kernel cannot make per-node pools", "see numacma-kernel-patches", \
          "the kernel cannot make per-node CMA pools: the default area serves every device") \
        X(PROBLEM_PER_NODE_KERNEL_NEEDED, "per-node-kernel-needed", PROBLEM_KIND_PROBLEM, "a per-node CMA kernel is needed", "see numacma-kernel-patches", \
          "the ways out: a kernel with per-node CMA (7.2, or the distro's with numacma's patches), or cma=0 and its cost") \
        X(PROBLEM_DISABLE_CMA_KEPT_ADMIN, "disable-cma-kept-admin", PROBLEM_KIND_PROBLEM, "the administrator's cma= is kept", "remove it or the disable-cma policy", \
          "unsupported = disable-cma would write cma=0, but the administrator's cma= is kept") \
        X(PROBLEM_TARGET_IGNORES_ARGS, "target-ignores-args", PROBLEM_KIND_PROBLEM, "a boot kernel ignores the arguments", "see 'numacmactl plan --explain'", \
          "a kernel the boot configuration boots cannot make per-node pools and ignores numacma's argument") \
        X(PROBLEM_PERNUMA_SIZES_DIFFER, "pernuma-sizes-differ", PROBLEM_KIND_PROBLEM, "cma_pernuma= cannot give these sizes", "see 'numacmactl plan --explain'", \
          "a kernel honours only cma_pernuma= (one size on every node) and the pools differ: nothing is written") \
        X(PROBLEM_CMDLINE_TOO_LONG, "cmdline-too-long", PROBLEM_KIND_PROBLEM, "the command line would be too long", "shorten the kernel command line", \
          "the command line would exceed the kernel's limit with numacma's arguments: nothing is written") \
        X(PROBLEM_POOL_CAPPED, "pool-capped", PROBLEM_KIND_NOTE, "a pool is capped by max_node_share", "raise max_node_share if it must be larger", \
          "a node's pool is capped at max_node_share of its memory") \
        X(PROBLEM_LISTED_NODE_NO_MEMORY, "listed-node-no-memory", PROBLEM_KIND_PROBLEM, "a listed node has no memory", "fix nodes = in the policy", \
          "a node listed in nodes = has no memory: no pool can be made there") \
        X(PROBLEM_LISTED_NODE_NO_BOOT_MEMORY, "listed-node-no-boot-memory", PROBLEM_KIND_PROBLEM, "a listed node cannot hold a pool", "fix nodes = in the policy", \
          "a node listed in nodes = has no memory at early boot: no CMA pool can be made there") \
        X(PROBLEM_NODE_NO_BOOT_MEMORY, "node-no-boot-memory", PROBLEM_KIND_NOTE, "a node's memory came after boot", "nothing: no pool is possible there", \
          "a node's memory came after early boot (hot-added, onlined by a driver): it cannot hold a CMA pool") \
        X(PROBLEM_BOOT_MEMORY_UNKNOWN, "boot-memory-unknown", PROBLEM_KIND_NOTE, "a node's boot memory is unknown", "nothing: no failure is claimed", \
          "a node has no pool the booted command line asks for, and whether its memory was there at early boot is unknown: no failure is claimed") \
        X(PROBLEM_BARE_PARAMETER, "bare-parameter", PROBLEM_KIND_PROBLEM, "a CMA parameter lacks '='", "add '=' and a value to it", \
          "the next boot's command line has numa_cma, cma_pernuma or hugetlb_cma without '=': the kernel stops at early boot; nothing is written") \
        X(PROBLEM_CMA_SLOTS_SHORT, "cma-slots-short", PROBLEM_KIND_PROBLEM, "too few CMA slots for every node", "see 'numacmactl plan --explain'", \
          "the kernel has fewer CMA slots (CONFIG_CMA_AREAS) than nodes that want a pool: some get none") \
        X(PROBLEM_CMA_SLOTS_EXHAUSTED, "cma-slots-exhausted", PROBLEM_KIND_PROBLEM, "the CMA slots ran out before a pool", "run 'numacmactl apply'", \
          "the booted command line asks for pools the kernel's CMA slots ran out before") \
        X(PROBLEM_SLOTS_DEFAULT_NODE, "slots-default-node", PROBLEM_KIND_NOTE, "the default area serves a node", "nothing: it is served locally", \
          "the CMA slots ran out before a node's area, but the default area lies on that node and serves it") \
        X(PROBLEM_DEFAULT_AREA_FAILED, "default-area-failed", PROBLEM_KIND_PROBLEM, "the default CMA area failed", "lower cma= (see the cma: lines of dmesg)", \
          "the kernel did not reserve its default CMA area (7.2 then makes no per-node pool either)") \
        X(PROBLEM_POOL_RESERVATION_FAILED, "pool-reservation-failed", PROBLEM_KIND_PROBLEM, "a pool asked for was not reserved", "see the cma: lines of dmesg", \
          "the booted command line asks for a pool on a node, but the kernel reserved less") \
        X(PROBLEM_BOOTED_ARG_UNKNOWN, "booted-arg-unknown", PROBLEM_KIND_PROBLEM, "the kernel ignored a CMA argument", "remove it, or boot a kernel that knows it", \
          "the running kernel does not know a CMA argument of the booted command line") \
        X(PROBLEM_BOOTED_ARG_IGNORED, "booted-arg-ignored", PROBLEM_KIND_PROBLEM, "the kernel ignored a CMA argument", "check the kernel command line", \
          "the running kernel cannot honour a CMA argument of the booted command line (architecture, node)") \
        X(PROBLEM_ARG_AFTER_DASHDASH, "arg-after-dashdash", PROBLEM_KIND_PROBLEM, "a CMA argument went to init", "run 'numacmactl apply'", \
          "a CMA argument comes after '--' on the booted command line: the kernel passed it to init") \
        X(PROBLEM_KERNEL_CONFIG_MISSING, "kernel-config-missing", PROBLEM_KIND_PROBLEM, "the kernel's build config is missing", "install /boot/config-RELEASE", \
          "no build configuration of the running kernel: its CMA capabilities are unknown") \
        X(PROBLEM_ACCELERATOR_REMOTE, "accelerator-remote", PROBLEM_KIND_PROBLEM, "an accelerator's DMA memory is remote", "see 'numacmactl plan --explain'", \
          "an accelerator's node has no local CMA pool: its coherent DMA comes from the default area on another node") \
        X(PROBLEM_ACCELERATOR_NO_NODE, "accelerator-no-node", PROBLEM_KIND_NOTE, "an accelerator has no NUMA node", "nothing: the firmware gives none", \
          "an accelerator has no NUMA node (numa_node -1): no per-node pool can serve it") \
        X(PROBLEM_DEVICES_REMOTE, "devices-remote", PROBLEM_KIND_PROBLEM, "devices' DMA memory is remote", "see 'numacmactl plan --explain'", \
          "a node has no local CMA pool: its devices' coherent DMA comes from the default area on another node") \
        X(PROBLEM_DEVICES_REMOTE_UNCOVERED, "devices-remote-uncovered", PROBLEM_KIND_NOTE, "uncovered devices' DMA memory is remote", "extend nodes = to cover them", \
          "as devices-remote, on a node the policy does not cover: not counted in the state") \
        X(PROBLEM_NODE_NO_POOL, "node-no-pool", PROBLEM_KIND_PROBLEM, "a node lacks its local pool", "see 'numacmactl plan --explain'", \
          "a node the plan gives a pool has none while the default area is on another node") \
        X(PROBLEM_POOL_TOO_SMALL, "pool-too-small", PROBLEM_KIND_PROBLEM, "allocations failed in a pool", "raise its size (numacmactl plan --explain)", \
          "allocations failed in a node's pool this boot: a larger size is suggested") \
        X(PROBLEM_DEFAULT_AREA_ALLOC_FAILED, "default-area-alloc-failed", PROBLEM_KIND_PROBLEM, "allocations failed in the default area", "raise cma= (the default area's size)", \
          "allocations failed in the default CMA area this boot") \
        X(PROBLEM_DEVICES_NO_NODE, "devices-no-node", PROBLEM_KIND_NOTE, "devices have no NUMA node", "nothing numacma can do: it is the firmware's", \
          "devices without a NUMA node (numa_node -1): the kernel never tries a per-node area for them; the fix is the firmware's") \
        X(PROBLEM_DEVICES_BYPASS_POOLS, "devices-bypass-pools", PROBLEM_KIND_NOTE, "devices bypass the per-node pools", "an IOMMU, or cma=0 and its cost", \
          "devices whose coherent mask keeps them from every per-node pool get memory of another node (ways out: a translating IOMMU, cma=0)") \
        X(PROBLEM_ACCELERATOR_BYPASS_POOLS, "accelerator-bypass-pools", PROBLEM_KIND_PROBLEM, "an accelerator bypasses the pools", "an IOMMU, or cma=0 and its cost", \
          "an accelerator whose coherent mask keeps it from every per-node pool gets memory of another node") \
        X(PROBLEM_POOLS_UNUSABLE, "pools-unusable", PROBLEM_KIND_PROBLEM, "no per-node pool would be used", "an IOMMU, or cma=0 and its cost", \
          "every coherent request carries GFP_DMA (arm64, no memory below 4 GiB): no per-node pool would be used, none is planned") \
        X(PROBLEM_TRACE_EVENT_ADMIN, "trace-event-admin", PROBLEM_KIND_NOTE, "trace_event= is the administrator's", "add the dma and cma events to it", \
          "trace_at_boot = yes, but the command line has the administrator's trace_event=: numacma writes none")

typedef enum {
        PROBLEM_KIND_PROBLEM,
        PROBLEM_KIND_NOTE,
} ProblemKind;

#define PROBLEM_ENUM_(e, code, kind, title, action, what) e,
typedef enum {
        PROBLEM_CODES(PROBLEM_ENUM_)
        _PROBLEM_CODE_MAX,
} ProblemCode;
#undef PROBLEM_ENUM_

typedef struct {
        const char *code;          /* short, stable, kebab-case */
        ProblemKind kind;
        const char *title;         /* a few words, for a headline */
        const char *action;        /* the one thing to do */
        const char *description;   /* one line: what the code means */
} ProblemInfo;

/* NULL for a value outside the table. */
const ProblemInfo *problem_info(ProblemCode c);
const char *problem_code_to_string(ProblemCode c);

typedef struct {
        ProblemCode code;
        int node;                  /* the NUMA node it is about, -1: none or several */
        char *text;
} Problem;

/* A list of problems in the order they were found. */
typedef struct {
        Problem *items;
        size_t n;
} ProblemList;

int problems_add(ProblemList *l, ProblemCode code, const char *text);   /* copies text */
int problems_addf(ProblemList *l, ProblemCode code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same, about one NUMA node. */
int problems_addf_node(ProblemList *l, ProblemCode code, int node, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Take out those with that code about that node. */
void problems_remove(ProblemList *l, ProblemCode code, int node);
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
