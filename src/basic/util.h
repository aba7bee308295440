/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every module: cleanup attributes, string tests. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_ __attribute__((warn_unused_result))
#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* Sizes (uint64_t): ALIGN_UP saturates (size_align_up() below), it never
 * wraps to a small size near UINT64_MAX. */
#define ALIGN_UP(x, a) size_align_up((x), (a))
#define ALIGN_DOWN(x, a) (((x) / (a)) * (a))

#define KIB UINT64_C(1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

/* Size arithmetic that cannot wrap. Each stores the exact result in *ret
 * and returns true, or on overflow stores the saturated value (UINT64_MAX;
 * for alignment the largest multiple of a) and returns false: callers that
 * must refuse check the result, callers that may saturate ignore it. */
static inline bool size_add(uint64_t a, uint64_t b, uint64_t *ret) {
        if (__builtin_add_overflow(a, b, ret)) {
                *ret = UINT64_MAX;
                return false;
        }
        return true;
}

static inline bool size_mul(uint64_t a, uint64_t b, uint64_t *ret) {
        if (__builtin_mul_overflow(a, b, ret)) {
                *ret = UINT64_MAX;
                return false;
        }
        return true;
}

/* v << shift; a shift of 64 or more overflows every v but 0. */
static inline bool size_shl(uint64_t v, unsigned shift, uint64_t *ret) {
        if (v == 0) {
                *ret = 0;
                return true;
        }
        if (shift >= 64 || v > (UINT64_MAX >> shift)) {
                *ret = UINT64_MAX;
                return false;
        }
        *ret = v << shift;
        return true;
}

/* x rounded up to a multiple of a (a == 0: x unchanged). */
static inline bool size_align_up_checked(uint64_t x, uint64_t a, uint64_t *ret) {
        if (a == 0 || x % a == 0) {
                *ret = x;
                return true;
        }
        uint64_t up = x - x % a;
        if (__builtin_add_overflow(up, a, ret)) {
                *ret = up;  /* the largest multiple of a: x is above it */
                return false;
        }
        return true;
}

/* The saturating forms, for expressions. */
static inline uint64_t size_add_sat(uint64_t a, uint64_t b) {
        uint64_t r;
        (void) size_add(a, b, &r);
        return r;
}

static inline uint64_t size_mul_sat(uint64_t a, uint64_t b) {
        uint64_t r;
        (void) size_mul(a, b, &r);
        return r;
}

static inline uint64_t size_align_up(uint64_t x, uint64_t a) {
        uint64_t r;
        (void) size_align_up_checked(x, a, &r);
        return r;
}

static inline void freep(void *p) { free(*(void **)p); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand a cleanup-managed pointer to the caller. */
#define TAKE_PTR(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define TAKE_FD(fd) ({ int _t = (fd); (fd) = -1; _t; })

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool streq_ptr(const char *a, const char *b) {
        return a == b || (a && b && strcmp(a, b) == 0);
}
static inline bool isempty(const char *s) { return !s || !*s; }
static inline const char *strempty(const char *s) { return s ? s : ""; }
static inline const char *strna(const char *s) { return s ? s : "n/a"; }

/* Return the rest of s after prefix, or NULL. */
static inline const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

/* Whether s ends with suffix. */
static inline bool endswith(const char *s, const char *suffix) {
        size_t l = strlen(s), k = strlen(suffix);
        return l >= k && memcmp(s + l - k, suffix, k) == 0;
}

/* Like asprintf() but returns the string or NULL. */
char *strdup_printf(const char *fmt, ...) _printf_(1, 2);

/* NULL-terminated string vectors. */
typedef char **strv_t;
void strv_free(char **l);
static inline void strv_freep(char ***l) { strv_free(*l); }
#define _cleanup_strv_free_ _cleanup_(strv_freep)
size_t strv_length(char *const *l);
int strv_push(char ***l, char *s);          /* takes s; -ENOMEM frees it */
int strv_extend(char ***l, const char *s);  /* copies s */
int strv_extendf(char ***l, const char *fmt, ...) _printf_(2, 3);
bool strv_contains(char *const *l, const char *s);
char *strv_join(char *const *l, const char *sep);
bool strv_equal(char *const *a, char *const *b);
int strv_copy(char *const *l, char ***ret);  /* NULL copies to an empty vector */

/* A growing string for output built piece by piece. */
typedef struct {
        char *buf;
        size_t len, cap;
        bool oom;
} StrBuf;
void strbuf_append(StrBuf *b, const char *s);
void strbuf_appendn(StrBuf *b, const char *s, size_t n);
void strbuf_printf(StrBuf *b, const char *fmt, ...) _printf_(2, 3);
/* Returns the string (caller frees) or NULL on allocation failure. */
char *strbuf_steal(StrBuf *b);
static inline void strbuf_done(StrBuf *b) { free(b->buf); *b = (StrBuf){0}; }

/* Checked number parsing: whole string, no sign surprises. */
/* The value of a hex digit, -1 for another character. */
static inline int unhexchar(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}
int safe_atou64(const char *s, int base, uint64_t *ret);
int safe_atoi(const char *s, int *ret);

/* "64 MiB", or "1.5 MiB" when not whole: sizes in messages. NULL on ENOMEM. */
char *format_mib(uint64_t bytes);
