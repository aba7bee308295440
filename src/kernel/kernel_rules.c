/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/util.h"
#include "kernel/kernel_rules.h"

/* Sources read (Debian's linux-source packages):
 *   6.1  = linux-source-6.1 6.1.176-1 (bookworm)
 *   6.12 = linux-source-6.12 6.12.117-1 (trixie), and with patches/kernel/6.12
 *   7.2  = linux-source-7.2 7.2.13-1 (sid)
 * Files: kernel/dma/contiguous.c (dma_contiguous_reserve(),
 * dma_numa_cma_reserve(), dma_pernuma_cma_reserve() in 6.1), arch/arm64/mm/
 * init.c bootmem_init(), arch/x86/kernel/setup.c setup_arch(), mm/mm_init.c
 * mm_core_init_early() (7.2), mm/hugetlb.c / mm/hugetlb_cma.c
 * hugetlb_cma_reserve(), kernel/crash_reserve.c reserve_crashkernel_cma()
 * (7.2), include/linux/cma.h MAX_CMA_AREAS, mm/Kconfig CMA_AREAS,
 * drivers/base/arch_numa.c and arch/x86/mm/numa.c numa_register_nodes().
 *
 * What each row says, and where the boundaries come from:
 * - per-node arrays: cma_pernuma= (pernuma%d) since 5.10; before 6.6 only
 *   arm64's bootmem_init() calls dma_pernuma_cma_reserve() (6.1), elsewhere
 *   the parameter is parsed and nothing is made. 6.6 adds numa_cma=
 *   (numa%d) next to it on every architecture: two arrays, "pernuma%d" then
 *   "numa%d" per node (6.12). 7.2 (7e6ace2535d0, d5cae2261b86): one numa%d
 *   array, numa_cma= over cma_pernuma= per node, CONFIG_CMA_SIZE_PERNUMA.
 * - order: 6.1-6.12 arm64 bootmem_init(): arm64_hugetlb_cma_reserve(), then
 *   (6.1) dma_pernuma_cma_reserve(), then dma_contiguous_reserve(), which
 *   in 6.6-7.1 calls dma_numa_cma_reserve() before the default area. x86
 *   setup_arch(): dma_contiguous_reserve(), hugetlb_cma_reserve(), then
 *   arch_reserve_crashkernel(). 7.2: the default area, then
 *   dma_numa_cma_reserve(); reserve_crashkernel_cma() (x86 only);
 *   hugetlb_cma_reserve() in mm_core_init_early(), after setup_arch()
 *   ("mm, arch: consolidate hugetlb CMA reservation", posted 2026-01 for
 *   7.0). crashkernel=,cma: 6.16 (x86).
 * - a failed default area: 7.2 returns from dma_contiguous_reserve() before
 *   dma_numa_cma_reserve(); before, the per-node areas came first; numacma's
 *   6.12 backport keeps 6.12's flow without that return (0001's notes).
 * - early online: arm64 numa_register_nodes() onlines every parsed node;
 *   x86's only nodes whose pfn range is not empty (memoryless CPU nodes come
 *   online later, init_cpu_to_node(); hot-added and CXL nodes later still).
 * - hugetlb_cma=: 6.12 shares a plain size among nr_online_nodes and asks at
 *   least one gigantic page per node (rounded up); 7.2 shares it among
 *   hugetlb_bootmem_nodes (memblock's nodes) and wants whole gigantic pages.
 * - slots: MAX_CMA_AREAS was 1 + CONFIG_CMA_AREAS with defaults 19 (NUMA)
 *   and 7 until "mm/cma: Make MAX_CMA_AREAS = CONFIG_CMA_AREAS" (posted
 *   2024-02-05, 6.9), CONFIG_CMA_AREAS with defaults 20 and 8 since.
 * Rows between the releases read (6.13-7.1) follow those commits' releases
 * as posted and say "not verified". */

#define ORDER(...) { __VA_ARGS__, RESERVE_END }
#define DT RESERVE_DT
#define HUGETLB RESERVE_HUGETLB
#define PER_NODE RESERVE_PER_NODE
#define DEFAULT RESERVE_DEFAULT
#define CRASH RESERVE_CRASH

static const KernelRules table[] = {
        /* 7.2 and later. */
        { "7.2-", KERNEL_V(7, 2), 0, "x86_64", false, ARRAYS_ONE, true, true,
          ORDER(DT, DEFAULT, PER_NODE, CRASH, HUGETLB), true, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_BOOTMEM_MULTIPLE, true, 0, 20, 8, "7.2" },
        { "7.2-", KERNEL_V(7, 2), 0, "arm64", false, ARRAYS_ONE, true, true,
          ORDER(DT, DEFAULT, PER_NODE, HUGETLB), true, EARLY_ONLINE_PARSED,
          HUGETLB_BOOTMEM_MULTIPLE, false, 0, 20, 8, "7.2" },
        { "7.2-", KERNEL_V(7, 2), 0, NULL, false, ARRAYS_ONE, true, true,
          ORDER(DT, DEFAULT, PER_NODE, HUGETLB), true, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_BOOTMEM_MULTIPLE, false, 0, 20, 8, "not verified for this architecture: 7.2 x86_64 without crashkernel=,cma" },

        /* numacma's 0001-0002 on 6.12 (patches/kernel/6.12): 7.2's arrays and
         * implicit areas, the default area before the per-node ones, but no
         * early return when it fails; arm64 keeps hugetlb_cma= first. (On an
         * older release, the config's CMA_SIZE_PERNUMA is someone else's.) */
        { "6.12 with numacma's series", KERNEL_V(6, 9), KERNEL_V(7, 1), "arm64", true, ARRAYS_ONE, true, true,
          ORDER(DT, HUGETLB, DEFAULT, PER_NODE), false, EARLY_ONLINE_PARSED,
          HUGETLB_ONLINE_AT_LEAST, false, 0, 20, 8, "6.12 with patches/kernel/6.12" },
        { "6.12 with numacma's series", KERNEL_V(6, 9), KERNEL_V(7, 1), "x86_64", true, ARRAYS_ONE, true, true,
          ORDER(DT, DEFAULT, PER_NODE, HUGETLB), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_ONLINE_AT_LEAST, false, 0, 20, 8, "6.12 with patches/kernel/6.12" },
        { "6.12 with numacma's series", KERNEL_V(6, 9), KERNEL_V(7, 1), NULL, true, ARRAYS_ONE, true, true,
          ORDER(DT, DEFAULT, PER_NODE, HUGETLB), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_ONLINE_AT_LEAST, false, 0, 20, 8, "not verified for this architecture: 6.12 x86_64 with the series" },

        /* 7.0-7.1: hugetlb_cma= moved after the DMA areas everywhere. */
        { "7.0-7.1", KERNEL_V(7, 0), KERNEL_V(7, 1), "x86_64", false, ARRAYS_TWO, true, false,
          ORDER(DT, PER_NODE, DEFAULT, CRASH, HUGETLB), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_BOOTMEM_MULTIPLE, true, 0, 20, 8, "not verified: 6.12's arrays, 7.2's order after the default area" },
        { "7.0-7.1", KERNEL_V(7, 0), KERNEL_V(7, 1), "arm64", false, ARRAYS_TWO, true, false,
          ORDER(DT, PER_NODE, DEFAULT, HUGETLB), false, EARLY_ONLINE_PARSED,
          HUGETLB_BOOTMEM_MULTIPLE, false, 0, 20, 8, "not verified: 6.12's arrays, 7.2's hugetlb_cma= order" },
        { "7.0-7.1", KERNEL_V(7, 0), KERNEL_V(7, 1), NULL, false, ARRAYS_TWO, true, false,
          ORDER(DT, PER_NODE, DEFAULT, HUGETLB), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_BOOTMEM_MULTIPLE, false, 0, 20, 8, "not verified" },

        /* 6.9-6.19: two arrays, per-node areas before the default area. */
        { "6.9-6.19", KERNEL_V(6, 9), KERNEL_V(6, 19), "arm64", false, ARRAYS_TWO, true, false,
          ORDER(DT, HUGETLB, PER_NODE, DEFAULT), false, EARLY_ONLINE_PARSED,
          HUGETLB_ONLINE_AT_LEAST, false, 0, 20, 8, "6.12" },
        { "6.16-6.19", KERNEL_V(6, 16), KERNEL_V(6, 19), "x86_64", false, ARRAYS_TWO, true, false,
          ORDER(DT, PER_NODE, DEFAULT, HUGETLB, CRASH), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_ONLINE_AT_LEAST, true, 0, 20, 8, "not verified: 6.12 with crashkernel=,cma" },
        { "6.9-6.19", KERNEL_V(6, 9), KERNEL_V(6, 19), NULL, false, ARRAYS_TWO, true, false,
          ORDER(DT, PER_NODE, DEFAULT, HUGETLB), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_ONLINE_AT_LEAST, false, 0, 20, 8, "6.12 (x86_64)" },

        /* 6.6-6.8: the same with MAX_CMA_AREAS = 1 + CONFIG_CMA_AREAS. */
        { "6.6-6.8", KERNEL_V(6, 6), KERNEL_V(6, 8), "arm64", false, ARRAYS_TWO, true, false,
          ORDER(DT, HUGETLB, PER_NODE, DEFAULT), false, EARLY_ONLINE_PARSED,
          HUGETLB_ONLINE_AT_LEAST, false, 1, 19, 7, "not verified: 6.12's flow with 6.1's slots" },
        { "6.6-6.8", KERNEL_V(6, 6), KERNEL_V(6, 8), NULL, false, ARRAYS_TWO, true, false,
          ORDER(DT, PER_NODE, DEFAULT, HUGETLB), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_ONLINE_AT_LEAST, false, 1, 19, 7, "not verified: 6.12's flow with 6.1's slots" },

        /* 5.10-6.5: cma_pernuma= only, reserved by arm64 alone. */
        { "5.10-6.5", KERNEL_V(5, 10), KERNEL_V(6, 5), "arm64", false, ARRAYS_PERNUMA, true, false,
          ORDER(DT, HUGETLB, PER_NODE, DEFAULT), false, EARLY_ONLINE_PARSED,
          HUGETLB_ONLINE_AT_LEAST, false, 1, 19, 7, "6.1" },
        { "5.10-6.5", KERNEL_V(5, 10), KERNEL_V(6, 5), NULL, false, ARRAYS_PERNUMA, false, false,
          ORDER(DT, DEFAULT, HUGETLB), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_ONLINE_AT_LEAST, false, 1, 19, 7, "6.1 (x86_64)" },

        /* Older: the default area only. */
        { "-5.9", 0, KERNEL_V(5, 9), NULL, false, ARRAYS_NONE, false, false,
          ORDER(DT, DEFAULT, HUGETLB), false, EARLY_ONLINE_BOOT_MEMORY,
          HUGETLB_ONLINE_AT_LEAST, false, 1, 19, 7, "not verified: before per-node areas" },
};

static unsigned version_of_arrays(PerNodeArrays a) {
        switch (a) {
        case ARRAYS_ONE: return KERNEL_V(7, 2);
        case ARRAYS_TWO: return KERNEL_V(6, 12);
        case ARRAYS_PERNUMA: return KERNEL_V(6, 1);
        default: return KERNEL_V(7, 2);
        }
}

static const KernelRules *find(unsigned v, const char *arch, bool series) {
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                const KernelRules *r = &table[i];
                if (r->series != series || v < r->from || (r->to && v > r->to))
                        continue;
                if (r->arch && !streq_ptr(r->arch, arch))
                        continue;
                return r;
        }
        return NULL;
}

const KernelRules *kernel_rules_find(unsigned version, const char *arch, bool series, PerNodeArrays arrays_hint) {
        unsigned v = version ? version : version_of_arrays(arrays_hint);
        const KernelRules *r = series && v < KERNEL_V(7, 2) ? find(v, arch, true) : NULL;
        if (!r)
                r = find(v, arch, false);
        return r ? r : &table[ELEMENTSOF(table) - 1];
}

const char *reserve_step_to_string(ReserveStep s) {
        switch (s) {
        case RESERVE_DT: return "device-tree areas";
        case RESERVE_HUGETLB: return "hugetlb_cma= areas";
        case RESERVE_PER_NODE: return "the per-node areas";
        case RESERVE_DEFAULT: return "the default area";
        case RESERVE_CRASH: return "crashkernel=,cma";
        default: return "?";
        }
}

char *kernel_rules_order_string(const KernelRules *r) {
        StrBuf b = {0};
        for (size_t i = 0; i < ELEMENTSOF(r->order) && r->order[i] != RESERVE_END; i++)
                strbuf_printf(&b, "%s%s", i ? ", then " : "", reserve_step_to_string(r->order[i]));
        return b.oom ? (strbuf_done(&b), NULL) : b.buf ? strbuf_steal(&b) : strdup("");
}

/* The parameters whose bare form (no '=') oopses, and since when. Seen on
 * Debian's 7.2.13 amd64 under qemu with "cma=64M numa_cma": "PANIC: early
 * exception 0x0e ... cr2 0x0", "RIP: 0010:early_numa_cma+0x32/0x100",
 * called from do_early_param() in setup_arch(), before the console. */
static const struct {
        const char *key, *handler;
        unsigned since;
        int gate;  /* 0: numa_cma registered, 1: cma_pernuma registered, 2: hugetlb_cma registered */
} bare_oops[] = {
        { "numa_cma", "early_numa_cma()", KERNEL_V(6, 6), 0 },
        { "cma_pernuma", "early_cma_pernuma()", KERNEL_V(5, 10), 1 },
        { "hugetlb_cma", "cmdline_parse_hugetlb_cma()", KERNEL_V(5, 7), 2 },
};

const char *kernel_rules_bare_oops(unsigned version, const char *key, bool numa_cma_registered,
                                   bool cma_pernuma_registered, bool hugetlb_registered) {
        for (size_t i = 0; i < ELEMENTSOF(bare_oops); i++) {
                if (!streq(bare_oops[i].key, key) || (version && version < bare_oops[i].since))
                        continue;
                bool reg = bare_oops[i].gate == 0 ? numa_cma_registered :
                           bare_oops[i].gate == 1 ? cma_pernuma_registered : hugetlb_registered;
                return reg ? bare_oops[i].handler : NULL;
        }
        return NULL;
}

Tristate kernel_rules_0003_from_release(const char *release) {
        const char *s = release ? strstr(release, "+numacma") : NULL;
        if (!s)
                return TRI_UNKNOWN;
        return startswith(s, "+numacma-upstream") ? TRI_NO : TRI_YES;
}

uint64_t kernel_rules_gigantic_page(const char *arch, uint64_t page_size) {
        if (streq_ptr(arch, "x86_64"))
                return 1ull << 30;
        if (streq_ptr(arch, "arm64"))
                return page_size == 65536 ? 16ull << 30 : 1ull << 30;
        return 0;
}
