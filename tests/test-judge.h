/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One machine judged by plan and status from hand-built values, and what
 * the unit tests ask of the Status (include after cmocka.h). */
#pragma once

#include "plan/plan.h"
#include "status/status.h"

/* The inputs a test builds (test-machine.h, test-cma.h) and what plan and
 * status made of them; the test's own judge() fills plan and status. */
typedef struct {
        Policy *policy;
        Topology *topology;
        CmaState cma;
        CmaUsage usage;
        NextBoot next;
        Cmdline *admin, *desired;
        BootMemory *bm;
        DmaDevices dma;
        Plan *plan;
        Status *status;
} StatusCase;

static inline void status_case_done(StatusCase *c) {
        status_free(c->status);
        plan_free(c->plan);
        cmdline_free(c->admin);
        cmdline_free(c->desired);
        next_boot_done(&c->next);
        cma_usage_done(&c->usage);
        cma_state_done(&c->cma);
        topology_free(c->topology);
        policy_free(c->policy);
}

/* The line the next boot gets: line, then the plan's arguments. */
static inline Cmdline *desired_line(const char *line, const Plan *plan) {
        Cmdline *d = NULL;
        assert_int_equal(cmdline_parse(line, &d), 0);
        for (char **a = plan->args; a && *a; a++)
                assert_int_equal(cmdline_append(d, *a), 0);
        return d;
}

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
