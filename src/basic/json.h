/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small streaming JSON writer: enough for status output, with escaping. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
        FILE *f;
        int depth;
        bool need_comma[32];
        bool pretty;
} JsonWriter;

void json_begin_object(JsonWriter *w, const char *key);
void json_end_object(JsonWriter *w);
void json_begin_array(JsonWriter *w, const char *key);
void json_end_array(JsonWriter *w);
void json_string(JsonWriter *w, const char *key, const char *value);  /* NULL -> null */
void json_u64(JsonWriter *w, const char *key, uint64_t value);
void json_int(JsonWriter *w, const char *key, int64_t value);
void json_bool(JsonWriter *w, const char *key, bool value);
void json_null(JsonWriter *w, const char *key);
void json_finish(JsonWriter *w);
