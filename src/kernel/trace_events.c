/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "basic/util.h"
#include "kernel/trace_events.h"

/* Every read below stays within [p, e): lines need not be NUL-terminated. */

static const char *find(const char *p, const char *e, const char *needle) {
        size_t n = strlen(needle);
        if (!p || p >= e || (size_t) (e - p) < n)
                return NULL;
        return memmem(p, (size_t) (e - p), needle, n);
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

/* A number in base 10 or 16 at p (no sign); the end of it in *ret_end.
 * false when there is no digit or it overflows 64 bits. */
static bool number(const char *p, const char *e, unsigned base, uint64_t *ret, const char **ret_end) {
        uint64_t v = 0;
        const char *s = p;
        for (int d; p < e && (d = base == 16 ? unhexchar(*p) : is_digit(*p) ? *p - '0' : -1) >= 0; p++) {
                if (v > (UINT64_MAX - (uint64_t) d) / base)
                        return false;
                v = v * base + (uint64_t) d;
        }
        if (p == s)
                return false;
        *ret = v;
        if (ret_end)
                *ret_end = p;
        return true;
}

/* " KEY=" in [p, e), then a number that ends at a space or the end. */
static bool field(const char *p, const char *e, const char *key, unsigned base, uint64_t *ret) {
        const char *k = find(p, e, key), *end;
        if (!k)
                return false;
        k += strlen(key);
        if (base == 16 && e - k >= 2 && k[0] == '0' && (k[1] == 'x' || k[1] == 'X'))
                k += 2;
        return number(k, e, base, ret, &end) && (end == e || *end == ' ');
}

static bool signed_field(const char *p, const char *e, const char *key, int *ret) {
        const char *k = find(p, e, key), *end;
        uint64_t v;
        if (!k)
                return false;
        k += strlen(key);
        bool neg = k < e && *k == '-';
        if (!number(k + neg, e, 10, &v, &end) || (end != e && *end != ' ') || v > (uint64_t) INT32_MAX)
                return false;
        *ret = neg ? -(int) v : (int) v;
        return true;
}

static void copy_name(char dst[static 64], const char *p, const char *e) {
        size_t n = MIN((size_t) (e - p), (size_t) 63);
        memcpy(dst, p, n);
        dst[n] = '\0';
}

/* "DEVICE dir=... dma_addr=HEX size=DEC ...": the device is what comes
 * before " dir=". */
static bool dma_body(const char *p, const char *e, TraceEvent *ev) {
        const char *dir = find(p, e, " dir=");
        if (!dir || dir == p || memchr(p, '=', (size_t) (dir - p)))
                return false;
        copy_name(ev->name, p, dir);
        return field(dir, e, " dma_addr=", 16, &ev->addr) && field(dir, e, " size=", 10, &ev->size);
}

/* "name=AREA pfn=0xHEX page=... count=DEC[ align=DEC errorno=INT]". */
static bool cma_body(const char *p, const char *e, bool alloc, TraceEvent *ev) {
        if (e - p < 5 || memcmp(p, "name=", 5) != 0)
                return false;
        const char *pfn = find(p, e, " pfn=");
        if (!pfn || pfn == p + 5)
                return false;
        copy_name(ev->name, p + 5, pfn);
        if (!field(pfn, e, " pfn=", 16, &ev->pfn) || !field(pfn, e, " count=", 10, &ev->count))
                return false;
        return !alloc || signed_field(pfn, e, " errorno=", &ev->error);
}

static const struct {
        const char *tag;          /* ": NAME: " */
        TraceEventKind kind;
} events[] = {
        { ": dma_alloc: ", TRACE_DMA_ALLOC },
        { ": dma_alloc_pages: ", TRACE_DMA_ALLOC },
        { ": dma_free: ", TRACE_DMA_FREE },
        { ": dma_free_pages: ", TRACE_DMA_FREE },
        { ": cma_alloc_finish: ", TRACE_CMA_ALLOC },
        { ": cma_release: ", TRACE_CMA_RELEASE },
};

/* What precedes ": EVENT: " is a timestamp ("%5lu.%06lu", or a counter
 * without a dot); before it "[CPU]". */
static bool context(const char *line, const char *tag, TraceEvent *ev) {
        const char *d = tag;
        while (d > line && is_digit(d[-1]))
                d--;
        if (d == tag)
                return false;
        uint64_t frac = 0, secs = 0;
        const char *s = d;
        if (s > line && s[-1] == '.') {
                (void) number(d, tag, 10, &frac, NULL);
                for (size_t digits = (size_t) (tag - d); digits < 6; digits++)
                        frac *= 10;
                for (size_t digits = (size_t) (tag - d); digits > 6; digits--)
                        frac /= 10;
                s--;
                while (s > line && is_digit(s[-1]))
                        s--;
                if (!number(s, d - 1, 10, &secs, NULL) || secs > UINT64_MAX / 1000000 - 1)
                        return false;
                ev->usec = secs * 1000000 + frac;
        } else if (!number(d, tag, 10, &ev->usec, NULL))
                return false;
        if (s > line && s[-1] != ' ')
                return false;
        /* The CPU: the last "[" before the timestamp. */
        for (const char *b = s; b > line; b--)
                if (b[-1] == '[') {
                        uint64_t cpu;
                        const char *end;
                        if (number(b, s, 10, &cpu, &end) && end < s && *end == ']' && cpu < 1u << 20)
                                ev->cpu = (int) cpu;
                        break;
                }
        return true;
}

static bool body(TraceEventKind kind, const char *p, const char *e, TraceEvent *ev) {
        switch (kind) {
        case TRACE_DMA_ALLOC:
        case TRACE_DMA_FREE:
                return dma_body(p, e, ev);
        case TRACE_CMA_ALLOC:
                return cma_body(p, e, true, ev);
        case TRACE_CMA_RELEASE:
                return cma_body(p, e, false, ev);
        default:
                return false;
        }
}

int trace_event_parse(const char *line, size_t n, TraceEvent *ret) {
        if (!line)
                return 0;
        const char *e = line + n;
        const char *nul = memchr(line, '\0', n);
        if (nul)
                e = nul;
        for (size_t i = 0; i < ELEMENTSOF(events); i++) {
                const char *tag = events[i].tag;
                size_t tl = strlen(tag);
                /* Without context (trace_pipe with nocontext-info): "NAME: " first. */
                if ((size_t) (e - line) >= tl - 2 && memcmp(line, tag + 2, tl - 2) == 0) {
                        TraceEvent ev = { .kind = events[i].kind, .cpu = -1 };
                        if (body(ev.kind, line + tl - 2, e, &ev)) {
                                *ret = ev;
                                return 1;
                        }
                }
                for (const char *t = find(line, e, tag); t; t = find(t + 1, e, tag)) {
                        TraceEvent ev = { .kind = events[i].kind, .cpu = -1 };
                        if (context(line, t, &ev) && body(ev.kind, t + tl, e, &ev)) {
                                *ret = ev;
                                return 1;
                        }
                }
        }
        return 0;
}

int trace_header_parse(const char *line, size_t n, uint64_t *ret_entries, uint64_t *ret_written) {
        static const char key[] = "# entries-in-buffer/entries-written: ";
        if (!line)
                return 0;
        const char *e = line + n, *end;
        uint64_t a, b;
        const char *nul = memchr(line, '\0', n);
        if (nul)
                e = nul;
        if ((size_t) (e - line) < sizeof(key) - 1 || memcmp(line, key, sizeof(key) - 1) != 0)
                return 0;
        const char *p = line + sizeof(key) - 1;
        if (!number(p, e, 10, &a, &end) || end >= e || *end != '/' || !number(end + 1, e, 10, &b, NULL))
                return 0;
        *ret_entries = a;
        *ret_written = b;
        return 1;
}
