/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for kernel_caps_parse_config() (src/kernel/kernel_caps.c):
 * the input is a kernel .config as found in /boot. Checks, abort()ing on
 * failure, that the derived capabilities are consistent whatever the text
 * says:
 *  - what is honored needs what it is built on (DMA_CMA needs CMA, ...);
 *  - implicit per-node areas need numa_cma=;
 *  - the page size and the CMA alignment are powers of two, alignment >= page;
 *  - the default area of any cma= value is a multiple of the alignment;
 *  - a copy equals the original. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kernel/kernel_caps.h"
#include "basic/util.h"



static bool power_of_two(uint64_t v) {
        return v && !(v & (v - 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *text = malloc(size + 1);
        KernelCaps k, c;
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = 0;
        if (kernel_caps_parse_config(text, "7.2.0-fuzz", &k) < 0) {
                free(text);
                return 0;
        }
        CHECK(!k.dma_cma || k.cma);
        CHECK(!k.dma_numa_cma || k.dma_cma);
        CHECK(!k.dma_pernuma_cma || k.dma_cma);
        CHECK(!k.honors_numa_cma || k.dma_numa_cma);
        CHECK(!k.implicit_per_node || k.honors_numa_cma);
        CHECK((k.per_node == PERNODE_NONE) == (!k.honors_numa_cma && !k.honors_cma_pernuma));
        CHECK(power_of_two(k.page_size));
        CHECK(power_of_two(k.cma_align) && k.cma_align >= k.page_size);
        static const char *const args[] = { NULL, "0", "64M", "1", "0x10M@0-4G", "18446744073709551615" };
        for (size_t i = 0; i < ELEMENTSOF(args); i++) {
                uint64_t d = kernel_caps_default_area(&k, args[i], UINT64_C(1) << 34);
                CHECK(d % k.cma_align == 0 || d < k.cma_align);
                CHECK(k.dma_cma || d == 0);
        }
        CHECK(kernel_caps_copy(&k, &c) == 0);
        CHECK(streq_ptr(c.release, k.release) && streq_ptr(c.arch, k.arch));
        CHECK(c.per_node == k.per_node && c.cma_align == k.cma_align);
        kernel_caps_done(&c);
        kernel_caps_done(&k);
        free(text);
        return 0;
}
