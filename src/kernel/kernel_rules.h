/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's CMA rules, by release range and architecture, in one table
 * (kernel_rules.c): which per-node parameters exist and their syntax, the
 * order in which CMA areas are reserved and how many slots there are, which
 * nodes count for the implicit per-node areas, what a failed default area
 * does, and the CONFIG_CMA_AREAS defaults. Prediction (plan/predict.c),
 * slots (kernel/cma_slots.c, plan/slots.c) and status read it; adding a
 * kernel release is an edit of that table. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define KERNEL_V(major, minor) ((unsigned) (major) * 1000u + (unsigned) (minor))

/* One step of the early boot's CMA reservations, in the order a release
 * takes them. Each area takes one of the CONFIG_CMA_AREAS slots
 * (mm/cma.c cma_areas[]); once they are gone, the rest fail with -ENOSPC. */
typedef enum {
        RESERVE_END,
        RESERVE_DT,        /* device-tree reserved-memory areas (early_init_fdt_scan_reserved_mem()) */
        RESERVE_HUGETLB,   /* hugetlb_cma= (hugetlb_cma_reserve()) */
        RESERVE_PER_NODE,  /* dma_numa_cma_reserve() / dma_pernuma_cma_reserve(), for_each_node() order */
        RESERVE_DEFAULT,   /* the default area (cma=, else CONFIG_CMA_SIZE_*) */
        RESERVE_CRASH,     /* crashkernel=SIZE,cma (reserve_crashkernel_cma()) */
        _RESERVE_MAX,
} ReserveStep;

typedef enum {
        ARRAYS_NONE,       /* no per-node area */
        ARRAYS_PERNUMA,    /* cma_pernuma= only: pernuma%d (CONFIG_DMA_PERNUMA_CMA) */
        ARRAYS_TWO,        /* pernuma%d (cma_pernuma=) and numa%d (numa_cma=) side by side */
        ARRAYS_ONE,        /* numa%d only; numa_cma= wins over cma_pernuma= node by node */
} PerNodeArrays;

/* Which nodes are online when the CMA areas are reserved: they count for
 * "nr_online_nodes > 1" of the implicit areas and get a per-node area;
 * a node not online then is "cma: invalid node N specified". */
typedef enum {
        EARLY_ONLINE_PARSED,       /* every node of the firmware's tables, memoryless or not */
        EARLY_ONLINE_BOOT_MEMORY,  /* only nodes with memory in memblock */
} EarlyOnline;

/* hugetlb_cma=: which nodes share a plain size, and what a size must be. */
typedef enum {
        HUGETLB_ONLINE_AT_LEAST,   /* shared by the online nodes; at least one gigantic page each, rounded up */
        HUGETLB_BOOTMEM_MULTIPLE,  /* shared by the nodes with memblock memory; whole gigantic pages */
} HugetlbRule;

typedef struct {
        const char *releases;           /* "6.6-6.8", "7.2-", for messages */
        unsigned from, to;              /* KERNEL_V(), inclusive; to 0: no end */
        const char *arch;               /* "arm64", "x86_64"; NULL: any other */
        bool series;                    /* numacma's 0001-0002 on an older release */
        PerNodeArrays arrays;
        bool pernuma_reserved;          /* cma_pernuma= makes areas (before 6.6: arm64 only) */
        bool implicit;                  /* CONFIG_CMA_SIZE_PERNUMA exists (default-size areas per node) */
        ReserveStep order[_RESERVE_MAX];
        bool default_failure_stops_per_node;
        EarlyOnline early_online;
        HugetlbRule hugetlb;
        bool crash_cma;                 /* crashkernel=SIZE,cma takes CMA areas */
        unsigned slots_extra;           /* MAX_CMA_AREAS - CONFIG_CMA_AREAS */
        unsigned areas_numa, areas_uma; /* CONFIG_CMA_AREAS defaults (mm/Kconfig) */
        const char *read_from;          /* the sources this row was read from, or "not verified: ..." */
} KernelRules;

/* The row for a release (KERNEL_V(), 0: unknown) and architecture ("arm64",
 * "x86_64", ...; NULL unknown). series: the build configuration has
 * CONFIG_CMA_SIZE_PERNUMA although the release is older than 7.2 (numacma's
 * series). An unknown release takes the newest row of the per-node arrays
 * the configuration shows (arrays_hint). */
const KernelRules *kernel_rules_find(unsigned version, const char *arch, bool series, PerNodeArrays arrays_hint);

const char *reserve_step_to_string(ReserveStep s);
/* "hugetlb_cma= areas, then the per-node areas, then the default area" */
char *kernel_rules_order_string(const KernelRules *r);

/* Does a bare KEY (no '=') stop this kernel at early boot? Its early_param
 * handler dereferences the NULL value (do_early_param() passes NULL when
 * there is no '='): early_numa_cma() and cmdline_parse_hugetlb_cma() start
 * with "char *s = p; while (*s)", early_cma_pernuma() calls memparse(p)
 * (kernel/dma/contiguous.c, mm/hugetlb.c; 7.2 mm/hugetlb_cma.c); early_cma()
 * checks for NULL. registered: the configuration has the handler
 * (CONFIG_DMA_NUMA_CMA / DMA_PERNUMA_CMA, HUGETLB_PAGE with CMA). Returns
 * the handler's name, or NULL. */
const char *kernel_rules_bare_oops(unsigned version, const char *key, bool numa_cma_registered,
                                   bool cma_pernuma_registered, bool hugetlb_registered);

/* numacma's patch 0003 (no implicit area on the default area's node), from
 * the release: build-kernel-deb names its kernels "+numacma", or
 * "+numacma-upstream" without 0003 (patches/kernel/README.md). */
typedef enum { TRI_UNKNOWN, TRI_NO, TRI_YES } Tristate;
Tristate kernel_rules_0003_from_release(const char *release);

/* The size of a gigantic page, the unit of hugetlb_cma=: PUD_SIZE with
 * 4 KiB pages (x86 needs GBPAGES), CONT_PMD_SIZE on arm64 with 16/64 KiB
 * pages (arch/arm64/mm/hugetlbpage.c). 0: hugetlb_cma= is not supported. */
uint64_t kernel_rules_gigantic_page(const char *arch, uint64_t page_size);
