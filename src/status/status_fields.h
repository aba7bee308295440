/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The status' per-node, per-device and per-accelerator values, described
 * once: each row of a table says how to get the value and how the JSON,
 * Prometheus and human printers name it (after systemd's format-table.c:
 * one table, several outputs). A new value is one row in status_fields.c;
 * a new JSON key also needs the schema (json-schema/, numacmactl(8)). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "basic/util.h"
#include "status/status.h"

typedef enum {
        FIELD_BOOL,
        FIELD_INT,        /* i */
        FIELD_COUNT,      /* u */
        FIELD_MIB,        /* u bytes: JSON and human in MiB, Prometheus in bytes */
        FIELD_KIB,        /* u bytes: JSON and human in KiB, Prometheus in bytes */
        FIELD_PAGES,      /* u pages: JSON in pages, Prometheus in bytes (page size) */
        FIELD_STRING,     /* s (NULL: null) */
        FIELD_STRV,       /* strv: JSON array of strings, human the count */
} FieldType;

typedef enum {
        VALUE_SET,
        VALUE_UNKNOWN,    /* the kernel does not say: JSON null, human '?', no sample */
        VALUE_NONE,       /* does not apply (no pool, no driver): JSON null, human '-', no sample */
} ValueState;

typedef struct {
        ValueState state;
        bool b;
        int64_t i;
        uint64_t u;
        const char *s;
        char **strv;      /* FIELD_STRV: owned (field_value_done()) */
        char buf[128];    /* room for a formatted s */
} FieldValue;

void field_value_done(FieldValue *v);

/* A Prometheus label's value, escaped as the exposition format wants
 * (backslash, quote, newline), appended to b. */
void prometheus_label_value(StrBuf *b, const char *v);

/* FIELD_MIB, FIELD_KIB: a zero is shown as '-' in the human table. */
#define FIELD_HUMAN_DASH_ZERO (1u << 0)

typedef struct {
        FieldType type;
        const char *json;        /* key in each JSON object; NULL: not in JSON */
        const char *column;      /* human table heading; NULL: not shown ("" the last, free column) */
        const char *metric;      /* Prometheus family; NULL: not a metric. "_total": a counter */
        const char *help;        /* what the value is (the metric's HELP) */
        unsigned flags;
        void (*get)(const Status *s, const void *row, FieldValue *ret);  /* ret starts zeroed, VALUE_SET */
} StatusField;

typedef struct {
        const char *json;        /* the JSON array's key */
        const StatusField *fields;
        size_t n_fields;
        size_t (*n_rows)(const Status *s);
        const void *(*row)(const Status *s, size_t i);
        /* Prometheus labels of a row, e.g. node="1" (no braces). */
        void (*labels)(const Status *s, const void *row, StrBuf *b);
} StatusTable;

extern const StatusTable status_node_table;
extern const StatusTable status_device_table;
extern const StatusTable status_accel_table;

/* Fill v with the value of field f in that row. */
void status_field_get(const Status *s, const StatusField *f, const void *row, FieldValue *v);
