/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The policy's sections and keys (config_keys.c): what each means and how
 * its value is checked, applied to a Policy file after file. */
#pragma once

#include "policy/config.h"
#include "policy/config_errors.h"

/* Where a setting that a cross-check looks at was last set. */
typedef struct {
        char *file;
        unsigned line;
        uint64_t seq; /* 0: not set by any file */
} Origin;

/* State that lives across the files of one load. Everything a line does
 * costs O(1) beyond the line itself, whatever came before it: errors past
 * the shown ones are only counted, lists are counted and capped, and node
 * overrides are found through an index. */
typedef struct {
        Policy *policy;
        PolicyErrorLog log; /* log.r: -ENOMEM once an allocation failed */
        uint64_t seq;
        Origin min_size, max_size, include, exclude;
        size_t n_drivers, n_include, n_exclude;
        int *override_index; /* NODESET_MAX entries: node -> index in overrides, -1 */
} ParseState;

void parse_state_init(ParseState *st, Policy *p, PolicyErrors *errs);
void parse_state_done(ParseState *st);

/* One file's text on top of st->policy; fname names it in messages.
 * Errors go to st->log; returns st->log.r. */
int config_keys_parse(ParseState *st, const char *fname, const char *text, size_t size);

/* The checks across keys, after all files of a load. */
void config_keys_check(ParseState *st);
