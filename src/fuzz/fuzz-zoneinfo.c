/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for zoneinfo_parse() (src/kernel/memory.c): the input is a
 * /proc/zoneinfo, copied into a NUL-terminated buffer (a NUL inside ends
 * the text, as for a file read whole). Checks, abort()ing on any failure:
 *  - the result is 0 or -EBADMSG (a node number out of range), nothing
 *    else, and on -EBADMSG nothing is handed out;
 *  - nodes are sorted, unique, within 0..65535;
 *  - has_cma is set whenever some node has CMA pages;
 *  - a second parse of the same text gives the same result;
 *  - parsing the text twice over (two copies one after the other) doubles
 *    every node's counts (sums per node, whatever the zone order). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kernel/cma_state.h"
#include "basic/util.h"



static int parse(const char *text, ZoneCma **z, size_t *n, bool *has_cma) {
        *z = (ZoneCma *) (uintptr_t) 1;
        *n = 4242;
        int r = zoneinfo_parse(text, z, n, has_cma);
        CHECK(r == 0 || r == -EBADMSG);
        if (r < 0) {
                CHECK(*z == (ZoneCma *) (uintptr_t) 1);
                CHECK(*n == 4242);
                *z = NULL;
                *n = 0;
                return r;
        }
        for (size_t i = 0; i < *n; i++) {
                CHECK((*z)[i].node >= 0 && (*z)[i].node < 65536);
                if (i > 0)
                        CHECK((*z)[i - 1].node < (*z)[i].node);
                if ((*z)[i].cma_pages)
                        CHECK(*has_cma);
        }
        return r;
}

/* "Node <digits>, zone": the kernel's zone header, as the parser takes it. */
static bool starts_with_header(const char *t) {
        if (strncmp(t, "Node ", 5) != 0)
                return false;
        t += 5;
        if (*t < '0' || *t > '9')
                return false;
        while (*t >= '0' && *t <= '9')
                t++;
        return strncmp(t, ", zone", 6) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 1 << 20)  /* a 1024-node zoneinfo is about 1.5 MiB; inputs stay smaller */
                return 0;
        char *text = malloc(size + 1);
        CHECK(text);
        memcpy(text, data, size);
        text[size] = 0;

        ZoneCma *z, *z2;
        size_t n, n2;
        bool has_cma = false, has_cma2 = false;
        int r = parse(text, &z, &n, &has_cma);
        int r2 = parse(text, &z2, &n2, &has_cma2);
        CHECK(r == r2 && n == n2 && has_cma == has_cma2);
        CHECK(n == 0 || memcmp(z, z2, n * sizeof(ZoneCma)) == 0);
        free(z2);

        /* The text twice: when the first copy ends with a newline, every
         * line of the second copy is a line again, so each node's sums
         * double (unsigned, wrapping alike). */
        size_t len = strlen(text);
        if (len > 0 && text[len - 1] == '\n') {
                char *twice = malloc(2 * len + 1);
                CHECK(twice);
                memcpy(twice, text, len);
                memcpy(twice + len, text, len + 1);
                ZoneCma *d;
                size_t dn;
                bool dh = false;
                int dr = parse(twice, &d, &dn, &dh);
                CHECK(dr == r);
                /* Lines before the first zone header of the second copy
                 * now belong to the first copy's last zone: compare only
                 * when the text starts with a header. */
                if (r == 0 && starts_with_header(text)) {
                        CHECK(dh == has_cma);
                        CHECK(dn == n);
                        for (size_t i = 0; i < n; i++) {
                                CHECK(d[i].node == z[i].node);
                                CHECK(d[i].cma_pages == 2 * z[i].cma_pages);
                                CHECK(d[i].free_cma_pages == 2 * z[i].free_cma_pages);
                        }
                }
                free(d);
                free(twice);
        }
        free(z);
        free(text);
        return 0;
}
