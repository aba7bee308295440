/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel capabilities from real Debian build configurations (the captured
 * trees under tests/fixtures/trees/) and from synthetic ones: architecture,
 * the CMA options, which per-node parameter the release honors, the
 * alignment CMA applies (pageblock size), MAX_NUMNODES, and the default
 * area's size for a given cma= argument. The expectations come from the
 * kernel sources of 6.12 and 7.2 (kernel/dma/contiguous.c, mm/cma.c,
 * include/linux/pageblock-flags.h, mm/Kconfig, arch/arm64/Kconfig) and
 * the Debian configs themselves (grep CONFIG_ in the trees). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>

#include "basic/fileio.h"
#include "kernel/kernel_caps.h"
#include "basic/util.h"
#include "test-tree.h"

#define TREES SRCDIR "/tests/fixtures/trees"

typedef struct {
        const char *tree, *release;
        const char *arch;
        bool cma, dma_cma, dma_pernuma_cma, dma_numa_cma, implicit, cma_sysfs, single_array;
        bool honors_cma_pernuma, honors_numa_cma;
        PerNodeParam per_node;
        uint64_t size_mbytes;
        uint64_t page_size, cma_align;
        unsigned max_numnodes;
        uint64_t default_area;       /* without cma= on a 2 GiB machine */
} RealConfig;

static const RealConfig real_configs[] = {
        { "6.1-amd64-cma_pernuma-ignored", "6.1.0-50-amd64", "x86_64",
          .per_node = PERNODE_NONE, .page_size = 4096, .cma_align = 2 * MIB,
          .max_numnodes = 1024, .default_area = 0 },
        { "6.1-arm64-cma_pernuma", "6.1.0-50-arm64", "arm64",
          .cma = true, .dma_cma = true, .dma_pernuma_cma = true, .honors_cma_pernuma = true,
          .per_node = PERNODE_CMA_PERNUMA, .size_mbytes = 64, .page_size = 4096,
          .cma_align = 2 * MIB, .max_numnodes = 16, .default_area = 64 * MIB },
        { "6.12-amd64-no-cma-config", "6.12.117+deb13-amd64", "x86_64",
          .per_node = PERNODE_NONE, .page_size = 4096, .cma_align = 2 * MIB,
          .max_numnodes = 1024, .default_area = 0 },
        { "6.12-arm64-numa_cma-ignored", "6.12.117+deb13-arm64", "arm64",
          .cma = true, .dma_cma = true, .per_node = PERNODE_NONE, .size_mbytes = 64,
          .page_size = 4096, .cma_align = 2 * MIB, .max_numnodes = 16, .default_area = 64 * MIB },
        /* The series on Debian 13's source (patches/kernel/build-kernel-deb):
         * DMA_NUMA_CMA (numa_cma= and cma_pernuma=), 0002's one array of
         * numa%d areas (its object has no "pernuma%d": tests/kernel/check),
         * CMA_SIZE_PERNUMA (implicit areas), CMA_SYSFS, NODES_SHIFT=4. */
        { "6.12p-arm64-devices-trace", "6.12.118+numacma", "arm64",
          .cma = true, .dma_cma = true, .dma_numa_cma = true, .implicit = true, .cma_sysfs = true,
          .single_array = true, .honors_cma_pernuma = true, .honors_numa_cma = true,
          .per_node = PERNODE_NUMA_CMA, .size_mbytes = 64, .page_size = 4096,
          .cma_align = 2 * MIB, .max_numnodes = 16, .default_area = 64 * MIB },
        { "7.2-amd64-implicit", "7.2.13+deb14-amd64", "x86_64",
          .cma = true, .dma_cma = true, .dma_numa_cma = true, .implicit = true, .cma_sysfs = true,
          .single_array = true, .honors_cma_pernuma = true, .honors_numa_cma = true,
          .per_node = PERNODE_NUMA_CMA, .size_mbytes = 0, .page_size = 4096,
          .cma_align = 2 * MIB, .max_numnodes = 1024, .default_area = 0 },
        { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "arm64",
          .cma = true, .dma_cma = true, .dma_numa_cma = true, .implicit = true, .cma_sysfs = true,
          .single_array = true, .honors_cma_pernuma = true, .honors_numa_cma = true,
          .per_node = PERNODE_NUMA_CMA, .size_mbytes = 64, .page_size = 4096,
          .cma_align = 2 * MIB, .max_numnodes = 16, .default_area = 64 * MIB },
};

static void check_caps(const RealConfig *e, const KernelCaps *k) {
        assert_string_equal(k->release, e->release);
        assert_string_equal(k->arch, e->arch);
        if (k->cma != e->cma || k->dma_cma != e->dma_cma || k->dma_pernuma_cma != e->dma_pernuma_cma ||
            k->dma_numa_cma != e->dma_numa_cma || k->implicit_per_node != e->implicit ||
            k->cma_sysfs != e->cma_sysfs || k->single_array != e->single_array ||
            k->honors_cma_pernuma != e->honors_cma_pernuma || k->honors_numa_cma != e->honors_numa_cma)
                fail_msg("%s: cma %d dma_cma %d pernuma %d numa %d implicit %d sysfs %d single %d "
                         "honors pernuma %d numa %d", e->tree, k->cma, k->dma_cma, k->dma_pernuma_cma,
                         k->dma_numa_cma, k->implicit_per_node, k->cma_sysfs, k->single_array,
                         k->honors_cma_pernuma, k->honors_numa_cma);
        assert_string_equal(per_node_param_to_string(k->per_node), per_node_param_to_string(e->per_node));
        assert_int_equal(k->size_mbytes, e->size_mbytes);
        assert_int_equal(k->size_sel, CMA_SEL_MBYTES);
        assert_int_equal(k->page_size, e->page_size);
        assert_int_equal(k->cma_align, e->cma_align);
        assert_int_equal(k->max_numnodes, e->max_numnodes);
        assert_int_equal(kernel_caps_default_area(k, NULL, 2 * GIB), e->default_area);
}

/* Every real config, through kernel_caps_load() on its captured tree (as
 * status does) and through kernel_caps_parse_config() on its text. */
static void test_real_configs(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(real_configs); i++) {
                const RealConfig *e = &real_configs[i];
                _cleanup_free_ char *root = strdup_printf(TREES "/%s", e->tree);
                _cleanup_free_ char *path = strdup_printf("/boot/config-%s", e->release);
                _cleanup_free_ char *text = NULL;
                KernelCaps k;

                assert_int_equal(kernel_caps_load(root, e->release, true, &k), 0);
                assert_string_equal(k.config_source, path);
                check_caps(e, &k);

                KernelCaps copy;
                assert_int_equal(kernel_caps_copy(&k, &copy), 0);
                kernel_caps_done(&k);
                check_caps(e, &copy);
                kernel_caps_done(&copy);

                assert_int_equal(read_full_file_root(root, path, &text, NULL), 0);
                assert_int_equal(kernel_caps_parse_config(text, e->release, &k), 0);
                assert_null(k.config_source);
                check_caps(e, &k);
                kernel_caps_done(&k);
        }
}

/* Every tree's config is one of the seven above (same release, same caps):
 * a newly captured tree with a new release must be added to the table. */
static void test_every_tree_covered(void **state) {
        _cleanup_strv_free_ char **trees = NULL;
        size_t n_configs = 0;
        assert_int_equal(list_dir_root(TREES, "/", NULL, &trees), 0);
        for (char **t = trees; *t; t++) {
                _cleanup_free_ char *boot = strdup_printf("/%s/boot", *t);
                _cleanup_strv_free_ char **configs = NULL;
                if (list_dir_root(TREES, boot, NULL, &configs) < 0)
                        continue;
                for (char **c = configs; *c; c++) {
                        const char *rel = startswith(*c, "config-");
                        assert_non_null(rel);
                        const RealConfig *e = NULL;
                        for (size_t i = 0; i < ELEMENTSOF(real_configs); i++)
                                if (streq(real_configs[i].release, rel))
                                        e = &real_configs[i];
                        if (!e)
                                fail_msg("tree %s: config-%s is not in real_configs[]", *t, rel);
                        _cleanup_free_ char *root = strdup_printf(TREES "/%s", *t);
                        KernelCaps k;
                        assert_int_equal(kernel_caps_load(root, rel, false, &k), 0);
                        check_caps(e, &k);
                        kernel_caps_done(&k);
                        n_configs++;
                }
        }
        assert_true(n_configs >= 12);
}

static void test_load_missing(void **state) {
        KernelCaps k;
        /* No /boot/config-X and no proc/config.gz: -ENOENT, release kept, nothing known. */
        assert_int_equal(kernel_caps_load(TREES "/7.2-arm64-implicit", "7.1.0-1-arm64", false, &k), -ENOENT);
        assert_string_equal(k.release, "7.1.0-1-arm64");
        assert_int_equal(k.version_major, 7);
        assert_int_equal(k.version_minor, 1);
        assert_null(k.config_source);
        assert_null(k.arch);
        assert_false(k.cma);
        assert_int_equal(k.per_node, PERNODE_NONE);
        assert_int_equal(kernel_caps_default_area(&k, "64M", 4 * GIB), 0);
        kernel_caps_done(&k);
        assert_int_equal(kernel_caps_load(TREES "/7.2-arm64-implicit", "7.1.0-1-arm64", true, &k), -ENOENT);
        kernel_caps_done(&k);
}

/* cma= in the kernel's memparse() syntax; the result is aligned up to the
 * pageblock size, as cma_declare_contiguous_nid() does. */
static void test_default_area_cmdline(void **state) {
        static const struct {
                const char *tree, *release, *cma;
                uint64_t total, want;
        } cases[] = {
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", NULL, 4 * GIB, 64 * MIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "0", 4 * GIB, 0 },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "64M@0-4G", 4 * GIB, 64 * MIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "128M@0x40000000", 4 * GIB, 128 * MIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "1G", 4 * GIB, GIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "1g", 4 * GIB, GIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "3M", 4 * GIB, 4 * MIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "1", 4 * GIB, 2 * MIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "65536K", 4 * GIB, 64 * MIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "0x4000000", 4 * GIB, 64 * MIB },
                { "7.2-arm64-implicit", "7.2.13+deb14-arm64", "010M", 4 * GIB, 8 * MIB },  /* octal */
                { "7.2-amd64-implicit", "7.2.13+deb14-amd64", NULL, 4 * GIB, 0 },
                { "7.2-amd64-implicit", "7.2.13+deb14-amd64", "64M", 4 * GIB, 64 * MIB },
                { "7.2-amd64-implicit", "7.2.13+deb14-amd64", "64M@0-4G", 4 * GIB, 64 * MIB },
                { "6.1-arm64-cma_pernuma", "6.1.0-50-arm64", "32M", 4 * GIB, 32 * MIB },
                /* No CMA at all: cma= is an unknown parameter there. */
                { "6.1-amd64-cma_pernuma-ignored", "6.1.0-50-amd64", "64M", 4 * GIB, 0 },
                { "6.12-amd64-no-cma-config", "6.12.117+deb13-amd64", "64M", 4 * GIB, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *root = strdup_printf(TREES "/%s", cases[i].tree);
                KernelCaps k;
                assert_int_equal(kernel_caps_load(root, cases[i].release, false, &k), 0);
                uint64_t got = kernel_caps_default_area(&k, cases[i].cma, cases[i].total);
                if (got != cases[i].want)
                        fail_msg("%s cma=%s: %" PRIu64 ", expected %" PRIu64, cases[i].release,
                                 strna(cases[i].cma), got, cases[i].want);
                kernel_caps_done(&k);
        }
}

typedef struct {
        const char *name, *release, *config;
        const char *arch;
        PerNodeParam per_node;
        bool dma_pernuma_cma, honors_cma_pernuma, honors_numa_cma, implicit, single_array;
        uint64_t page_size, cma_align;
        unsigned max_numnodes;
} Synthetic;

#define CMA_BASE "CONFIG_CMA=y\nCONFIG_DMA_CMA=y\nCONFIG_CMA_SIZE_MBYTES=16\nCONFIG_CMA_SIZE_SEL_MBYTES=y\n"

static const Synthetic synthetic[] = {
        /* 6.1 x86 built with DMA_PERNUMA_CMA: the parameter is parsed but only
         * arm64's bootmem_init() reserved the areas before 6.6. */
        { "6.1 x86 DMA_PERNUMA_CMA", "6.1.0-50-amd64",
          "CONFIG_X86_64=y\nCONFIG_NUMA=y\nCONFIG_NODES_SHIFT=10\nCONFIG_TRANSPARENT_HUGEPAGE=y\n" CMA_BASE
          "CONFIG_DMA_PERNUMA_CMA=y\n",
          "x86_64", PERNODE_NONE, .dma_pernuma_cma = true, .page_size = 4096, .cma_align = 2 * MIB,
          .max_numnodes = 1024 },
        /* 6.1 arm64 64K pages: MAX_ORDER=14 (largest order 13), pageblock
         * order = HPAGE_PMD_ORDER 13: 64 KiB << 13 = 512 MiB. */
        { "6.1 arm64 64K", "6.1.0-50-arm64",
          "CONFIG_ARM64=y\nCONFIG_ARM64_64K_PAGES=y\nCONFIG_ARCH_FORCE_MAX_ORDER=14\n"
          "CONFIG_NUMA=y\nCONFIG_NODES_SHIFT=4\nCONFIG_HUGETLB_PAGE=y\n" CMA_BASE "CONFIG_DMA_PERNUMA_CMA=y\n",
          "arm64", PERNODE_CMA_PERNUMA, .dma_pernuma_cma = true, .honors_cma_pernuma = true,
          .page_size = 65536, .cma_align = 512 * MIB, .max_numnodes = 16 },
        /* 7.2 arm64 64K pages: ARCH_FORCE_MAX_ORDER=13, PAGE_BLOCK_MAX_ORDER
         * defaults to it: 512 MiB again. */
        { "7.2 arm64 64K", "7.2.13+deb14-arm64",
          "CONFIG_ARM64=y\nCONFIG_ARM64_64K_PAGES=y\nCONFIG_PAGE_SIZE_64KB=y\nCONFIG_ARCH_FORCE_MAX_ORDER=13\n"
          "CONFIG_PAGE_BLOCK_MAX_ORDER=13\nCONFIG_NUMA=y\nCONFIG_NODES_SHIFT=6\nCONFIG_TRANSPARENT_HUGEPAGE=y\n"
          CMA_BASE "CONFIG_DMA_NUMA_CMA=y\nCONFIG_CMA_SIZE_PERNUMA=y\n",
          "arm64", PERNODE_NUMA_CMA, .honors_cma_pernuma = true, .honors_numa_cma = true,
          .implicit = true, .single_array = true, .page_size = 65536, .cma_align = 512 * MIB,
          .max_numnodes = 64 },
        /* A lowered PAGE_BLOCK_MAX_ORDER shrinks it: 64 KiB << 5 = 2 MiB. */
        { "7.2 arm64 64K pageblock 5", "7.2.13+deb14-arm64",
          "CONFIG_ARM64=y\nCONFIG_ARM64_64K_PAGES=y\nCONFIG_ARCH_FORCE_MAX_ORDER=13\n"
          "CONFIG_PAGE_BLOCK_MAX_ORDER=5\nCONFIG_NUMA=y\nCONFIG_NODES_SHIFT=4\nCONFIG_TRANSPARENT_HUGEPAGE=y\n"
          CMA_BASE "CONFIG_DMA_NUMA_CMA=y\nCONFIG_CMA_SIZE_PERNUMA=y\n",
          "arm64", PERNODE_NUMA_CMA, .honors_cma_pernuma = true, .honors_numa_cma = true,
          .implicit = true, .single_array = true, .page_size = 65536, .cma_align = 2 * MIB,
          .max_numnodes = 16 },
        /* 16K pages: ARCH_FORCE_MAX_ORDER 11, PMD order 11: 32 MiB. */
        { "6.12 arm64 16K", "6.12.117+deb13-arm64",
          "CONFIG_ARM64=y\nCONFIG_ARM64_16K_PAGES=y\nCONFIG_ARCH_FORCE_MAX_ORDER=11\n"
          "CONFIG_NUMA=y\nCONFIG_NODES_SHIFT=4\nCONFIG_HUGETLB_PAGE=y\n" CMA_BASE
          "# CONFIG_DMA_NUMA_CMA is not set\n",
          "arm64", PERNODE_NONE, .page_size = 16384, .cma_align = 32 * MIB, .max_numnodes = 16 },
        /* 6.6-7.1: DMA_NUMA_CMA on every architecture, two arrays, no CMA_SIZE_PERNUMA. */
        { "6.12 x86 DMA_NUMA_CMA", "6.12.117+deb13-amd64",
          "CONFIG_X86_64=y\nCONFIG_NUMA=y\nCONFIG_NODES_SHIFT=10\nCONFIG_HUGETLB_PAGE=y\n" CMA_BASE
          "CONFIG_DMA_NUMA_CMA=y\n",
          "x86_64", PERNODE_NUMA_CMA, .honors_cma_pernuma = true, .honors_numa_cma = true,
          .page_size = 4096, .cma_align = 2 * MIB, .max_numnodes = 1024 },
        /* 7.2 with CMA_SIZE_PERNUMA switched off: one array, nothing implicit. */
        { "7.2 x86 no CMA_SIZE_PERNUMA", "7.2.13+deb14-amd64",
          "CONFIG_X86_64=y\nCONFIG_NUMA=y\nCONFIG_NODES_SHIFT=10\nCONFIG_HUGETLB_PAGE=y\n" CMA_BASE
          "CONFIG_DMA_NUMA_CMA=y\n# CONFIG_CMA_SIZE_PERNUMA is not set\n",
          "x86_64", PERNODE_NUMA_CMA, .honors_cma_pernuma = true, .honors_numa_cma = true,
          .single_array = true, .page_size = 4096, .cma_align = 2 * MIB, .max_numnodes = 1024 },
        /* Neither huge pages: pageblock_order = MAX_PAGE_ORDER (10): 4 MiB. */
        { "x86 no hugepages", "6.12.1",
          "CONFIG_X86_64=y\n# CONFIG_NUMA is not set\n" CMA_BASE,
          "x86_64", PERNODE_NONE, .page_size = 4096, .cma_align = 4 * MIB, .max_numnodes = 1 },
        /* DMA_NUMA_CMA without DMA_CMA is not an option the kernel offers:
         * without DMA_CMA nothing is honored. */
        { "no DMA_CMA", "7.2.1",
          "CONFIG_X86_64=y\nCONFIG_CMA=y\n# CONFIG_DMA_CMA is not set\nCONFIG_DMA_NUMA_CMA=y\n",
          "x86_64", PERNODE_NONE, .page_size = 4096, .cma_align = 4 * MIB, .max_numnodes = 0 },
};

static void test_synthetic(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(synthetic); i++) {
                const Synthetic *e = &synthetic[i];
                KernelCaps k;
                assert_int_equal(kernel_caps_parse_config(e->config, e->release, &k), 0);
                if (!streq_ptr(k.arch, e->arch) || k.per_node != e->per_node ||
                    k.dma_pernuma_cma != e->dma_pernuma_cma || k.honors_cma_pernuma != e->honors_cma_pernuma ||
                    k.honors_numa_cma != e->honors_numa_cma || k.implicit_per_node != e->implicit ||
                    k.single_array != e->single_array || k.page_size != e->page_size ||
                    k.cma_align != e->cma_align || k.max_numnodes != e->max_numnodes)
                        fail_msg("%s: arch %s per_node %s pernuma %d honors %d/%d implicit %d single %d "
                                 "page %" PRIu64 " align %" PRIu64 " max_numnodes %u", e->name, strna(k.arch),
                                 per_node_param_to_string(k.per_node), k.dma_pernuma_cma, k.honors_cma_pernuma,
                                 k.honors_numa_cma, k.implicit_per_node, k.single_array, k.page_size,
                                 k.cma_align, k.max_numnodes);
                kernel_caps_done(&k);
        }
}

/* 64K pages: even a small cma= becomes a 512 MiB area. */
static void test_default_area_64k(void **state) {
        KernelCaps k;
        assert_int_equal(kernel_caps_parse_config(synthetic[2].config, synthetic[2].release, &k), 0);
        assert_int_equal(kernel_caps_default_area(&k, NULL, 64 * GIB), 512 * MIB);  /* 16 MiB config */
        assert_int_equal(kernel_caps_default_area(&k, "64M", 64 * GIB), 512 * MIB);
        assert_int_equal(kernel_caps_default_area(&k, "513M", 64 * GIB), 1024 * MIB);
        assert_int_equal(kernel_caps_default_area(&k, "0", 64 * GIB), 0);
        kernel_caps_done(&k);
}

/* CMA_SIZE_SEL_*: (total_pages * pct / 100) << PAGE_SHIFT, then min/max
 * against CMA_SIZE_MBYTES, then aligned. */
static void test_percentage(void **state) {
        static const struct {
                const char *sel;
                uint64_t total, want;
        } cases[] = {
                /* 10% of 4 GiB: 104857 pages = 429494272 bytes -> 205 x 2 MiB. */
                { "CONFIG_CMA_SIZE_SEL_PERCENTAGE=y\n", 4 * GIB, 205 * 2 * MIB },
                { "CONFIG_CMA_SIZE_SEL_MIN=y\n", 4 * GIB, 16 * MIB },
                { "CONFIG_CMA_SIZE_SEL_MAX=y\n", 4 * GIB, 205 * 2 * MIB },
                { "CONFIG_CMA_SIZE_SEL_MBYTES=y\n", 4 * GIB, 16 * MIB },
                /* 10% of 100 MiB: 2560 pages = 10 MiB exactly. */
                { "CONFIG_CMA_SIZE_SEL_PERCENTAGE=y\n", 100 * MIB, 10 * MIB },
                { "CONFIG_CMA_SIZE_SEL_MIN=y\n", 100 * MIB, 10 * MIB },
                { "CONFIG_CMA_SIZE_SEL_MAX=y\n", 100 * MIB, 16 * MIB },
                /* A partial page does not count: 10% of 40 KiB + 1 byte = 1 page. */
                { "CONFIG_CMA_SIZE_SEL_PERCENTAGE=y\n", 40 * KIB + 1, 2 * MIB },
                { "CONFIG_CMA_SIZE_SEL_PERCENTAGE=y\n", 36 * KIB, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *config = strdup_printf(
                        "CONFIG_X86_64=y\nCONFIG_HUGETLB_PAGE=y\nCONFIG_CMA=y\nCONFIG_DMA_CMA=y\n"
                        "CONFIG_CMA_SIZE_MBYTES=16\nCONFIG_CMA_SIZE_PERCENTAGE=10\n%s", cases[i].sel);
                KernelCaps k;
                assert_int_equal(kernel_caps_parse_config(config, "6.12.1", &k), 0);
                assert_int_equal(k.percentage, 10);
                uint64_t got = kernel_caps_default_area(&k, NULL, cases[i].total);
                if (got != cases[i].want)
                        fail_msg("case %zu (%s): %" PRIu64 ", expected %" PRIu64, i, cases[i].sel, got, cases[i].want);
                /* cma= overrides the selection. */
                assert_int_equal(kernel_caps_default_area(&k, "8M", cases[i].total), 8 * MIB);
                kernel_caps_done(&k);
        }
}

/* The scanner: "# CONFIG_X is not set", values up to the newline, names
 * that only share a prefix, no trailing newline, CRLF-free garbage. */
static void test_config_scan(void **state) {
        KernelCaps k;
        /* CONFIG_CMA_SIZE_MBYTESX is another symbol; the value of the real one wins. */
        assert_int_equal(kernel_caps_parse_config(
                "CONFIG_ARM64=y\nCONFIG_CMA=y\nCONFIG_DMA_CMA=y\nCONFIG_CMA_SIZE_MBYTESX=5\n"
                "CONFIG_CMA_SIZE_MBYTES=32", NULL, &k), 0);
        assert_null(k.release);
        assert_int_equal(k.version_major, 0);
        assert_string_equal(k.arch, "arm64");
        assert_int_equal(k.size_mbytes, 32);
        assert_int_equal(kernel_caps_default_area(&k, NULL, GIB), 32 * MIB);
        kernel_caps_done(&k);

        /* "=n"/"=m"-style values are not "y"; "is not set" lines set nothing. */
        assert_int_equal(kernel_caps_parse_config(
                "CONFIG_X86_64=y\nCONFIG_CMA=n\n# CONFIG_DMA_CMA is not set\n", "7.2.0", &k), 0);
        assert_false(k.cma);
        assert_false(k.dma_cma);
        kernel_caps_done(&k);

        /* Empty and garbage text: no arch, nothing honored. */
        assert_int_equal(kernel_caps_parse_config("", "7.2.0", &k), 0);
        assert_null(k.arch);
        assert_int_equal(k.per_node, PERNODE_NONE);
        assert_int_equal(k.page_size, 4096);
        kernel_caps_done(&k);
        assert_int_equal(kernel_caps_parse_config("\n\n#\n# \nCONFIG_\n=y\nCONFIG_CMA\n", "7.2.0", &k), 0);
        assert_false(k.cma);
        kernel_caps_done(&k);
}

/* kernel_caps_load() streams the file in chunks (64 KiB, grown for a longer
 * line): a symbol split across two chunks, a 100 KiB comment line, a NUL
 * that ends the text and no final newline give what the text parse gives. */
static void test_load_chunks(void **state) {
        _cleanup_free_ char *root = make_root();
        /* The first read takes 65535 bytes: CONFIG_DMA_CMA=y straddles it. */
        size_t fill = 65535 - 8, big = 100 * 1024;
        _cleanup_free_ char *text = malloc(fill + big + 512);
        assert_non_null(text);
        char *p = text;
        p += sprintf(p, "CONFIG_ARM64=y\nCONFIG_CMA=y\n#");
        memset(p, 'x', fill - (size_t) (p - text));
        p = text + fill;
        p += sprintf(p, "\nCONFIG_DMA_CMA=y\nCONFIG_DMA_NUMA_CMA=y\n#");
        memset(p, 'y', big);
        p += big;
        p += sprintf(p, "\nCONFIG_CMA_SIZE_MBYTES=48\nCONFIG_NODES_SHIFT=6");
        put(root, "/boot/config-7.2.0", text);

        KernelCaps k, t;
        assert_int_equal(kernel_caps_load(root, "7.2.0", false, &k), 0);
        assert_int_equal(kernel_caps_parse_config(text, "7.2.0", &t), 0);
        assert_string_equal(k.arch, "arm64");
        assert_true(k.dma_numa_cma);
        assert_int_equal(k.size_mbytes, 48);
        assert_int_equal(k.max_numnodes, 64);
        assert_int_equal(k.per_node, t.per_node);
        assert_int_equal(k.size_mbytes, t.size_mbytes);
        assert_int_equal(k.max_numnodes, t.max_numnodes);
        kernel_caps_done(&k);
        kernel_caps_done(&t);

        /* After a NUL nothing counts, as for a file read whole. */
        static const char nul[] = "CONFIG_X86_64=y\nCONFIG_CMA=y\n\0CONFIG_DMA_CMA=y\n";
        put_bytes(root, "/boot/config-7.2.1", nul, sizeof(nul) - 1);
        assert_int_equal(kernel_caps_load(root, "7.2.1", false, &k), 0);
        assert_true(k.cma);
        assert_false(k.dma_cma);
        kernel_caps_done(&k);
        rm_tree(root);
}

static void test_to_string(void **state) {
        assert_string_equal(per_node_param_to_string(PERNODE_NONE), "none");
        assert_string_equal(per_node_param_to_string(PERNODE_CMA_PERNUMA), "cma_pernuma");
        assert_string_equal(per_node_param_to_string(PERNODE_NUMA_CMA), "numa_cma");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_real_configs),
                cmocka_unit_test(test_every_tree_covered),
                cmocka_unit_test(test_load_missing),
                cmocka_unit_test(test_default_area_cmdline),
                cmocka_unit_test(test_synthetic),
                cmocka_unit_test(test_default_area_64k),
                cmocka_unit_test(test_percentage),
                cmocka_unit_test(test_config_scan),
                cmocka_unit_test(test_load_chunks),
                cmocka_unit_test(test_to_string),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
