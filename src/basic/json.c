/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "basic/json.h"

static void put_escaped(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                switch (*p) {
                case '"': fputs("\\\"", f); break;
                case '\\': fputs("\\\\", f); break;
                case '\n': fputs("\\n", f); break;
                case '\t': fputs("\\t", f); break;
                case '\r': fputs("\\r", f); break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                fprintf(f, "\\u%04x", *p);
                        else
                                fputc(*p, f);
                }
        }
        fputc('"', f);
}

static void indent(JsonWriter *w) {
        if (!w->pretty)
                return;
        fputc('\n', w->f);
        for (int i = 0; i < w->depth; i++)
                fputs("  ", w->f);
}

static void prefix(JsonWriter *w, const char *key) {
        if (w->depth > 0 && w->depth < 32) {
                if (w->need_comma[w->depth])
                        fputc(',', w->f);
                w->need_comma[w->depth] = true;
        }
        if (w->depth > 0)
                indent(w);
        if (key) {
                put_escaped(w->f, key);
                fputs(w->pretty ? ": " : ":", w->f);
        }
}

static void open_(JsonWriter *w, const char *key, char c) {
        prefix(w, key);
        fputc(c, w->f);
        w->depth++;
        if (w->depth < 32)
                w->need_comma[w->depth] = false;
}

static void close_(JsonWriter *w, char c) {
        bool had = w->depth < 32 && w->need_comma[w->depth];
        w->depth--;
        if (had)
                indent(w);
        fputc(c, w->f);
}

void json_begin_object(JsonWriter *w, const char *key) { open_(w, key, '{'); }
void json_end_object(JsonWriter *w) { close_(w, '}'); }
void json_begin_array(JsonWriter *w, const char *key) { open_(w, key, '['); }
void json_end_array(JsonWriter *w) { close_(w, ']'); }

void json_string(JsonWriter *w, const char *key, const char *value) {
        prefix(w, key);
        if (value)
                put_escaped(w->f, value);
        else
                fputs("null", w->f);
}

void json_u64(JsonWriter *w, const char *key, uint64_t value) {
        prefix(w, key);
        fprintf(w->f, "%" PRIu64, value);
}

void json_int(JsonWriter *w, const char *key, int64_t value) {
        prefix(w, key);
        fprintf(w->f, "%" PRId64, value);
}

void json_bool(JsonWriter *w, const char *key, bool value) {
        prefix(w, key);
        fputs(value ? "true" : "false", w->f);
}

void json_null(JsonWriter *w, const char *key) {
        prefix(w, key);
        fputs("null", w->f);
}

void json_finish(JsonWriter *w) {
        fputc('\n', w->f);
}
