/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/nodeset.h"
#include "basic/util.h"

/* Our own bitmap, not libnuma's struct bitmask: libnuma's constructor reads
 * the live /proc/self/status and /sys/devices/system/node in every process
 * that links it, even one pointed at a captured tree. */
#define WORD_BITS (sizeof(unsigned long) * 8)
struct NodeSet {
        unsigned long words[NODESET_MAX / WORD_BITS];
};

NodeSet *nodeset_new(void) {
        return calloc(1, sizeof(NodeSet));
}

void nodeset_free(NodeSet *s) {
        free(s);
}

NodeSet *nodeset_dup(const NodeSet *s) {
        NodeSet *d = nodeset_new();
        if (d && s)
                *d = *s;
        return d;
}

static void set_bit(NodeSet *s, unsigned n) {
        s->words[n / WORD_BITS] |= 1ul << (n % WORD_BITS);
}

int nodeset_add(NodeSet *s, int node) {
        if (node < 0 || node >= NODESET_MAX)
                return -ERANGE;
        set_bit(s, (unsigned) node);
        return 0;
}

bool nodeset_contains(const NodeSet *s, int node) {
        if (!s || node < 0 || node >= NODESET_MAX)
                return false;
        return s->words[(unsigned) node / WORD_BITS] >> ((unsigned) node % WORD_BITS) & 1;
}

size_t nodeset_count(const NodeSet *s) {
        size_t n = 0;
        for (size_t i = 0; s && i < ELEMENTSOF(s->words); i++)
                n += (size_t) __builtin_popcountl(s->words[i]);
        return n;
}

int nodeset_next(const NodeSet *s, int after) {
        if (!s)
                return -1;
        /* Walk the words: a 4096-bit set costs 64 word tests, not 4096 bit tests. */
        unsigned bits = WORD_BITS;
        for (unsigned i = (unsigned) (after + 1); i < NODESET_MAX;) {
                unsigned long w = s->words[i / bits] >> (i % bits);
                if (!w) {
                        i = (i / bits + 1) * bits;
                        continue;
                }
                return (int) (i + (unsigned) __builtin_ctzl(w));
        }
        return -1;
}

int nodeset_last(const NodeSet *s) {
        int last = -1;
        for (int n = -1; (n = nodeset_next(s, n)) >= 0;)
                last = n;
        return last;
}

static int parse_uint(const char **p, unsigned *ret) {
        const char *s = *p;
        unsigned long v = 0;
        if (*s < '0' || *s > '9')
                return -EINVAL;
        for (; *s >= '0' && *s <= '9'; s++) {
                v = v * 10 + (unsigned long) (*s - '0');
                if (v >= NODESET_MAX)
                        return -ERANGE;
        }
        *p = s;
        *ret = (unsigned) v;
        return 0;
}

int nodeset_parse(const char *str, NodeSet **ret) {
        _cleanup_nodeset_ NodeSet *s = nodeset_new();
        const char *p = str;
        int r;

        if (!s)
                return -ENOMEM;
        while (*p == ' ' || *p == '\t' || *p == '\n')
                p++;
        while (*p && *p != '\n') {
                unsigned a, b;
                if ((r = parse_uint(&p, &a)) < 0)
                        return r;
                b = a;
                if (*p == '-') {
                        p++;
                        if ((r = parse_uint(&p, &b)) < 0)
                                return r;
                        if (b < a)
                                return -EINVAL;
                }
                for (unsigned i = a; i <= b; i++)
                        set_bit(s, i);
                if (*p == ',') {
                        p++;
                        if (!*p || *p == '\n')
                                return -EINVAL;
                } else if (*p && *p != '\n')
                        return -EINVAL;
        }
        if (*p == '\n' && p[1])
                return -EINVAL;
        *ret = TAKE_PTR(s);
        return 0;
}

char *nodeset_format(const NodeSet *s) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (int n = nodeset_next(s, -1); n >= 0;) {
                int end = n;
                int m;
                while ((m = nodeset_next(s, end)) == end + 1)
                        end = m;
                if (b.len)
                        strbuf_append(&b, ",");
                if (end == n)
                        strbuf_printf(&b, "%d", n);
                else
                        strbuf_printf(&b, "%d-%d", n, end);
                n = m;
        }
        return strbuf_steal(&b);
}
