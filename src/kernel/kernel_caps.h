/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a kernel release can do with CMA, from its build configuration. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kernel/kernel_rules.h"

typedef enum {
        PERNODE_NONE,
        PERNODE_CMA_PERNUMA,  /* only cma_pernuma= (5.10-6.5, arm64 only) */
        PERNODE_NUMA_CMA,     /* numa_cma= and cma_pernuma= (6.6+) */
} PerNodeParam;

typedef enum {
        CMA_SEL_MBYTES,
        CMA_SEL_PERCENTAGE,
        CMA_SEL_MIN,
        CMA_SEL_MAX,
} CmaSizeSel;

typedef struct {
        char *release;          /* "7.2.13+deb14-arm64" */
        char *arch;             /* "arm64", "x86_64", ... (from the config) */
        char *config_source;    /* path of the config that was read, NULL if none */
        int version_major, version_minor;  /* from the release, 0 if unknown */
        unsigned version;       /* KERNEL_V(major, minor), 0 if unknown */

        bool cma, dma_cma, dma_pernuma_cma, dma_numa_cma, cma_size_pernuma, cma_sysfs;
        bool hugetlb_page;      /* CONFIG_HUGETLB_PAGE: hugetlb_cma= exists (with CMA) */
        bool cma_size_pernuma_known;  /* the config mentions CMA_SIZE_PERNUMA (7.2+) */

        CmaSizeSel size_sel;
        uint64_t size_mbytes;   /* CONFIG_CMA_SIZE_MBYTES */
        unsigned percentage;    /* CONFIG_CMA_SIZE_PERCENTAGE */
        uint64_t page_size;     /* bytes */
        uint64_t cma_align;     /* CMA_MIN_ALIGNMENT_BYTES: sizes are rounded up to it */
        unsigned cma_areas_config;  /* CONFIG_CMA_AREAS, or its default for the release */
        unsigned cma_areas;     /* slots for CMA areas: MAX_CMA_AREAS, CONFIG_CMA_AREAS
                                 * (+1 before 6.9); 0 without CMA or config
                                 * (src/kernel/cma_slots.h) */
        unsigned max_numnodes;  /* MAX_NUMNODES: 1 << CONFIG_NODES_SHIFT, 1 without
                                 * NUMA, 0 when the config does not say */

        /* Derived, from the rules of the release (kernel/kernel_rules.h). */
        const KernelRules *rules;     /* never NULL after parsing */
        Tristate numacma_0003;        /* carries patch 0003 (no implicit area on the
                                       * default area's node); set from the release,
                                       * and for the running kernel from what it did */
        const char *numacma_0003_why; /* static string, NULL when unknown */
        PerNodeParam per_node;        /* what the kernel honors */
        bool honors_cma_pernuma;
        bool honors_numa_cma;
        bool implicit_per_node;       /* CMA_SIZE_PERNUMA: default-size area per node */
        bool single_array;            /* 7.2 semantics: numa_cma= wins per node over
                                       * cma_pernuma=, both named numa%d. Older: both
                                       * arrays, "pernuma%d" and "numa%d" side by side. */
} KernelCaps;

void kernel_caps_done(KernelCaps *k);
int kernel_caps_copy(const KernelCaps *from, KernelCaps *to);

/* Parse a kernel .config text. release may be NULL. */
int kernel_caps_parse_config(const char *text, const char *release, KernelCaps *ret);

/* Caps of an installed release: root/boot/config-<release>, else (for the
 * running release only) root/proc/config.gz. -ENOENT when neither exists
 * (ret then holds the release and "unknown" capabilities). */
int kernel_caps_load(const char *root, const char *release, bool running, KernelCaps *ret);

/* The default area's size this kernel makes on a machine with total_bytes of
 * memory, given the cma= value on its command line (NULL if none). */
uint64_t kernel_caps_default_area(const KernelCaps *k, const char *cma_arg, uint64_t total_bytes);

const char *per_node_param_to_string(PerNodeParam p);

/* kernel_rules_bare_oops() for this kernel's configuration: the handler
 * that dereferences NULL on a bare KEY, or NULL. */
const char *kernel_caps_bare_oops(const KernelCaps *k, const char *key);
