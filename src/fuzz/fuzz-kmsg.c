/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the boot-limit parsers: kernel_log_parse()
 * (src/kernel/kernel_log.c, /dev/kmsg or dmesg text) and
 * iomem_driver_ranges() (src/machine/boot_memory.c, /proc/iomem), on the
 * same NUL-terminated input. Checks, abort()ing on any failure:
 *  - both return 0 (no input is an error);
 *  - every node in the log's sets is below NODESET_MAX, and a node with
 *    err -28 is among the failed nodes;
 *  - has_early_ranges is set whenever early_nodes has a member;
 *  - driver ranges have start < end and a driver name without ')' or '\n';
 *  - a second parse of the same text gives the same sets. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "basic/util.h"
#include "kernel/kernel_log.h"
#include "machine/memory_maps.h"

static bool same(const NodeSet *a, const NodeSet *b) {
        if (nodeset_count(a) != nodeset_count(b))
                return false;
        for (int n = -1; (n = nodeset_next(a, n)) >= 0;)
                if (!nodeset_contains(b, n))
                        return false;
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 1 << 20)
                return 0;
        char *text = malloc(size + 1);
        CHECK(text);
        memcpy(text, data, size);
        text[size] = 0;

        KernelLog a, b;
        CHECK(kernel_log_parse(text, &a) == 0);
        CHECK(kernel_log_parse(text, &b) == 0);
        CHECK(a.readable);
        CHECK(a.has_early_ranges == b.has_early_ranges && a.slots_exhausted == b.slots_exhausted);
        CHECK(same(a.early_nodes, b.early_nodes) && same(a.invalid_nodes, b.invalid_nodes));
        CHECK(same(a.failed_nodes, b.failed_nodes) && same(a.failed_enospc, b.failed_enospc));
        if (nodeset_count(a.early_nodes))
                CHECK(a.has_early_ranges);
        CHECK(nodeset_last(a.early_nodes) < NODESET_MAX && nodeset_last(a.invalid_nodes) < NODESET_MAX);
        for (int n = -1; (n = nodeset_next(a.failed_enospc, n)) >= 0;)
                CHECK(nodeset_contains(a.failed_nodes, n));
        kernel_log_done(&a);
        kernel_log_done(&b);

        DriverRange *r = NULL;
        size_t n = 0;
        CHECK(iomem_driver_ranges(text, &r, &n) == 0);
        for (size_t i = 0; i < n; i++) {
                CHECK(r[i].start < r[i].end);
                CHECK(r[i].driver && !strchr(r[i].driver, ')') && !strchr(r[i].driver, '\n'));
                free(r[i].driver);
        }
        free(r);
        free(text);
        return 0;
}
