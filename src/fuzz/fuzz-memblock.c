/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for memblock's debugfs "memory" file (arm64,
 * src/machine/memory_maps.c memblock_parse()), on the NUL-terminated
 * input. Checks, abort()ing on any failure:
 *  - it returns 0;
 *  - every range has start <= end and a node of -1 or more;
 *  - no more ranges than lines;
 *  - a second parse gives the same ranges. */
#include <string.h>

#include "fuzz.h"
#include "basic/util.h"
#include "machine/memory_maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 1 << 20)
                return 0;
        char *text = strndup((const char *) data, size);
        CHECK(text);
        size_t lines = 1;
        for (const char *c = text; *c; c++)
                lines += *c == '\n';
        MemblockRange *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        CHECK(memblock_parse(text, &a, &na) == 0);
        CHECK(memblock_parse(text, &b, &nb) == 0);
        CHECK(na == nb && na <= lines);
        for (size_t i = 0; i < na; i++) {
                CHECK(a[i].start <= a[i].end && a[i].node >= -1);
                CHECK(memcmp(&a[i], &b[i], sizeof(a[i])) == 0);
        }
        free(a);
        free(b);
        free(text);
        return 0;
}
