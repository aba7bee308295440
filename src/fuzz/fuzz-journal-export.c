/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for what numacma takes from the journal's kernel entries
 * (src/kernel/journal_log.c journal_entry_to_record(), then
 * kernel_log_parse()): the input is journal export text (journalctl -o
 * export; what a journal file holds, entry by entry): "FIELD=value" lines,
 * or "FIELD\n" with a little-endian 64-bit size and that many bytes of
 * binary value, entries separated by an empty line. This harness splits it
 * into entries (the journal itself does that in numacma, through
 * sd-journal) and feeds each entry's MESSAGE, PRIORITY and
 * _SOURCE_MONOTONIC_TIMESTAMP to the converter. Checks, abort()ing on any
 * failure:
 *  - each entry becomes exactly one /dev/kmsg record line "P,0,USEC,-;text",
 *    P a digit 0-7, USEC digits, the text without control characters and
 *    under 1024 bytes;
 *  - the whole text parses as a kernel log. */
#include <string.h>

#include "fuzz.h"
#include "basic/util.h"
#include "kernel/journal_log.h"
#include "kernel/kernel_log.h"

typedef struct {
        const char *message, *priority, *usec;
        size_t message_len;
        char prio_buf[32], usec_buf[32];
} Entry;

static void keep(Entry *e, const char *name, size_t nlen, const char *v, size_t vlen) {
        if (nlen == 7 && memcmp(name, "MESSAGE", 7) == 0) {
                e->message = v;
                e->message_len = vlen;
        } else if (nlen == 8 && memcmp(name, "PRIORITY", 8) == 0 && vlen < sizeof(e->prio_buf)) {
                memcpy(e->prio_buf, v, vlen);
                e->prio_buf[vlen] = 0;
                e->priority = e->prio_buf;
        } else if (nlen == 27 && memcmp(name, "_SOURCE_MONOTONIC_TIMESTAMP", 27) == 0 && vlen < sizeof(e->usec_buf)) {
                memcpy(e->usec_buf, v, vlen);
                e->usec_buf[vlen] = 0;
                e->usec = e->usec_buf;
        }
}

static void check_line(const char *l, const char *nl) {
        CHECK(nl - l >= 8 && l[0] >= '0' && l[0] <= '7' && l[1] == ',' && l[2] == '0' && l[3] == ',');
        const char *c = l + 4;
        while (*c >= '0' && *c <= '9')
                c++;
        CHECK(c > l + 4 && startswith(c, ",-;"));
        CHECK(nl - (c + 3) < 1024);
        for (const char *t = c + 3; t < nl; t++)
                CHECK((unsigned char) *t >= ' ' && *t != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *p = (const char *) data, *end = p + size;
        StrBuf b = {0};
        size_t entries = 0;
        while (p < end) {
                Entry e = {0};
                bool any = false;
                while (p < end && *p != '\n') {
                        const char *nl = memchr(p, '\n', (size_t) (end - p));
                        const char *eq = memchr(p, '=', (size_t) ((nl ? nl : end) - p));
                        if (eq) {
                                keep(&e, p, (size_t) (eq - p), eq + 1, (size_t) ((nl ? nl : end) - eq - 1));
                                p = nl ? nl + 1 : end;
                        } else if (nl && end - nl > 8) {
                                uint64_t len = 0;
                                for (int i = 7; i >= 0; i--)
                                        len = len << 8 | (unsigned char) nl[1 + i];
                                if (len > (uint64_t) (end - nl - 9))
                                        len = (uint64_t) (end - nl - 9);
                                keep(&e, p, (size_t) (nl - p), nl + 9, (size_t) len);
                                p = nl + 9 + len;
                                if (p < end && *p == '\n')
                                        p++;
                        } else
                                p = nl ? nl + 1 : end;
                        any = true;
                }
                if (p < end)
                        p++;  /* the empty line */
                if (any && e.message) {
                        journal_entry_to_record(e.message, e.message_len, e.priority, e.usec, &b);
                        entries++;
                }
        }
        CHECK(!b.oom);
        size_t lines = 0;
        for (const char *l = b.buf; l && *l; lines++) {
                const char *nl = strchr(l, '\n');
                CHECK(nl);
                check_line(l, nl);
                l = nl + 1;
        }
        CHECK(lines == entries);
        KernelLog log;
        CHECK(kernel_log_parse(b.buf ? b.buf : "", &log) == 0);
        kernel_log_done(&log);
        strbuf_done(&b);
        return 0;
}
