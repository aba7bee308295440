/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for numacmad's boot-facts record (src/kernel/boot_facts.c):
 * boot_facts_parse() of the input as a record, and boot_facts_lines() of it
 * as a kernel log, the input being NUL-terminated. Checks, abort()ing on
 * any failure:
 *  - parse returns 0, -EBADMSG or -ESTALE (never anything else);
 *  - on 0 the lines and the source have no newline in the source, and the
 *    lines parse as a kernel log;
 *  - the lines kept from a log are all "6,0,0,-;" records without control
 *    characters, within BOOT_FACTS_MAX, and keeping them again from them
 *    gives the same text (they are a fixed point);
 *  - a record formatted from them parses back to them. */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "basic/util.h"
#include "kernel/boot_facts.h"
#include "kernel/kernel_log.h"

#define ID "8d67c90e-1dc2-4717-87aa-255c9b649867"

static void check_lines(const char *lines) {
        CHECK(strlen(lines) <= BOOT_FACTS_MAX + 1100);
        for (const char *l = lines; *l;) {
                const char *nl = strchr(l, '\n');
                CHECK(nl && startswith(l, "6,0,0,-;"));
                for (const char *c = l; c < nl; c++)
                        CHECK((unsigned char) *c >= ' ');
                l = nl + 1;
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 1 << 20)
                return 0;
        char *text = strndup((const char *) data, size);
        CHECK(text);

        char *lines = NULL, *source = NULL;
        int r = boot_facts_parse(text, ID, &lines, &source);
        CHECK(r == 0 || r == -EBADMSG || r == -ESTALE);
        if (r == 0) {
                KernelLog l;
                CHECK(!strchr(source, '\n'));
                CHECK(kernel_log_parse(lines, &l) == 0);
                kernel_log_done(&l);
                free(lines);
                free(source);
        }

        char *kept = boot_facts_lines(text);
        CHECK(kept);
        check_lines(kept);
        char *again = boot_facts_lines(kept);
        CHECK(again && streq(kept, again));
        char *rec = boot_facts_format(ID, "/dev/kmsg", kept);
        CHECK(rec);
        CHECK(boot_facts_parse(rec, ID, &lines, &source) == 0);
        CHECK(streq(lines, kept) && streq(source, "/dev/kmsg"));
        CHECK(boot_facts_parse(rec, "00000000-0000-0000-0000-000000000000", &lines, &source) == -ESTALE);
        free(lines);
        free(source);
        free(rec);
        free(again);
        free(kept);
        free(text);
        return 0;
}
