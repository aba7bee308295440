/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>

#include "basic/util.h"

char *strdup_printf(const char *fmt, ...) {
        va_list ap;
        char *s;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        return r < 0 ? NULL : s;
}

void strv_free(char **l) {
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}

size_t strv_length(char *const *l) {
        size_t n = 0;
        if (l)
                while (l[n])
                        n++;
        return n;
}

int strv_push(char ***l, char *s) {
        if (!s)
                return -ENOMEM;
        size_t n = strv_length(*l);
        char **nl = realloc(*l, (n + 2) * sizeof(char *));
        if (!nl) {
                free(s);
                return -ENOMEM;
        }
        nl[n] = s;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int strv_extend(char ***l, const char *s) {
        return strv_push(l, strdup(s));
}

int strv_extendf(char ***l, const char *fmt, ...) {
        va_list ap;
        char *s;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        return strv_push(l, s);
}

bool strv_contains(char *const *l, const char *s) {
        if (l)
                for (; *l; l++)
                        if (streq(*l, s))
                                return true;
        return false;
}

char *strv_join(char *const *l, const char *sep) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        if (l)
                for (char *const *i = l; *i; i++) {
                        if (i != l)
                                strbuf_append(&b, sep);
                        strbuf_append(&b, *i);
                }
        return strbuf_steal(&b);
}

void strbuf_appendn(StrBuf *b, const char *s, size_t n) {
        if (b->oom)
                return;
        if (b->len + n + 1 > b->cap) {
                size_t cap = MAX(b->cap * 2, b->len + n + 1);
                cap = MAX(cap, (size_t) 64);
                char *nb = realloc(b->buf, cap);
                if (!nb) {
                        b->oom = true;
                        return;
                }
                b->buf = nb;
                b->cap = cap;
        }
        memcpy(b->buf + b->len, s, n);
        b->len += n;
        b->buf[b->len] = 0;
}

void strbuf_append(StrBuf *b, const char *s) {
        strbuf_appendn(b, s, strlen(s));
}

void strbuf_printf(StrBuf *b, const char *fmt, ...) {
        va_list ap;
        char *s;
        va_start(ap, fmt);
        int r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0) {
                b->oom = true;
                return;
        }
        strbuf_appendn(b, s, (size_t) r);
        free(s);
}

char *strbuf_steal(StrBuf *b) {
        if (b->oom) {
                strbuf_done(b);
                return NULL;
        }
        if (!b->buf)
                strbuf_appendn(b, "", 0);
        char *s = b->buf;
        *b = (StrBuf){0};
        return s;
}

int safe_atou64(const char *s, int base, uint64_t *ret) {
        char *end;
        if (!s || !*s || isspace((unsigned char) *s) || *s == '-' || *s == '+')
                return -EINVAL;
        errno = 0;
        unsigned long long v = strtoull(s, &end, base);
        if (errno == ERANGE)
                return -ERANGE;
        if (errno || *end)
                return -EINVAL;
        *ret = v;
        return 0;
}

int safe_atoi(const char *s, int *ret) {
        char *end;
        if (!s || !*s || isspace((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
                return -ERANGE;
        if (errno || *end)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

char *format_mib(uint64_t bytes) {
        if (bytes % MIB == 0)
                return strdup_printf("%" PRIu64 " MiB", bytes / MIB);
        return strdup_printf("%.1f MiB", (double) bytes / (double) MIB);
}

bool strv_equal(char *const *a, char *const *b) {
        size_t na = strv_length(a), nb = strv_length(b);
        if (na != nb)
                return false;
        for (size_t i = 0; i < na; i++)
                if (!streq(a[i], b[i]))
                        return false;
        return true;
}

int strv_copy(char *const *l, char ***ret) {
        _cleanup_strv_free_ char **c = calloc(strv_length(l) + 1, sizeof(char *));
        if (!c)
                return -ENOMEM;
        for (size_t i = 0; l && l[i]; i++)
                if (!(c[i] = strdup(l[i])))
                        return -ENOMEM;
        *ret = TAKE_PTR(c);
        return 0;
}

