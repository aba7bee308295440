/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for x86's firmware memory map (src/machine/memory_maps.c):
 * the input holds one entry per line, "INDEX START END TYPE" (the four
 * files of /sys/firmware/memmap/INDEX, as the capture reads them), fed to
 * memmap_entry_parse() and memmap_mark_boot(). Checks, abort()ing on any
 * failure:
 *  - a parsed entry has start <= end;
 *  - after marking, entries are sorted by index; boot entries form one run
 *    of consecutive indices, ascending without overlap, that starts at an
 *    entry for address 0; boot_certain only inside it, never on its last
 *    entry, and never when false is returned;
 *  - marking twice gives the same marks. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "basic/util.h"
#include "machine/memory_maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 1 << 16)
                return 0;
        char *text = strndup((const char *) data, size);
        CHECK(text);
        MemmapEntry *e = calloc(size / 4 + 1, sizeof(MemmapEntry));
        CHECK(e);
        size_t n = 0;
        for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                unsigned idx;
                char s[64], en[64], type[64];
                if (sscanf(l, "%u %63s %63s %63[^\n]", &idx, s, en, type) != 4)
                        continue;
                if (memmap_entry_parse(idx, s, en, type, &e[n]) == 0) {
                        CHECK(e[n].start <= e[n].end);
                        n++;
                }
        }
        bool found = memmap_mark_boot(e, n);
        size_t first = n, last = n;
        for (size_t i = 0; i < n; i++) {
                if (i)
                        CHECK(e[i - 1].index <= e[i].index);
                if (!e[i].boot) {
                        CHECK(!e[i].boot_certain);
                        continue;
                }
                CHECK(found);
                if (first == n) {
                        first = i;
                        CHECK(e[i].start == 0);
                } else {
                        CHECK(last == i - 1 && e[i].index == e[i - 1].index + 1 && e[i].start > e[i - 1].end);
                }
                last = i;
        }
        if (last < n)
                CHECK(!e[last].boot_certain);
        MemmapEntry *copy = malloc((n + 1) * sizeof(MemmapEntry));
        CHECK(copy);
        memcpy(copy, e, n * sizeof(MemmapEntry));
        CHECK(memmap_mark_boot(copy, n) == found);
        for (size_t i = 0; i < n; i++)
                CHECK(copy[i].boot == e[i].boot && copy[i].boot_certain == e[i].boot_certain);
        free(copy);
        free(e);
        free(text);
        return 0;
}
