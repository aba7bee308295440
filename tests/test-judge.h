/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the unit tests ask of a judged Status (include after cmocka.h). */
#pragma once

#include "status/status.h"

/* A problem whose text has needle in it. */
static inline bool has_problem(const Status *s, const char *needle) {
        FOREACH_PROBLEM(p, &s->problems)
                if (strstr(p->text, needle))
                        return true;
        return false;
}

/* Node n's row; a test failure without one. */
static inline const NodeStatus *node(const Status *s, int n) {
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].node == n)
                        return &s->nodes[i];
        fail_msg("no node %d", n);
        return NULL;
}
