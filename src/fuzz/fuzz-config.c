/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the policy parser (src/policy/config_lexer.c,
 * config_keys.c, config.c): the input is a policy file. Checks,
 * abort()ing on any failure:
 *  - the result is 0 or -EINVAL (or -ENOMEM), 0 exactly when no message was
 *    added, and the same with and without an errors list;
 *  - every message is "/etc/numacma.conf:LINE: ..." with LINE inside the
 *    input, and holds no control bytes (values are escaped); at most
 *    POLICY_ERRORS_SHOWN of them, then one "... and N more errors not
 *    shown" with N the errors counted beyond;
 *  - a policy that parsed keeps the promises its users rely on: min_size <=
 *    max_size, shares in (0, 100%], settle at most 1h, class values inside
 *    their masks, normalized and disjoint include/exclude lists, one
 *    override per node, nodes_list exactly for NODES_LIST;
 *  - the per-node accessors agree with the overrides. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy/config.h"
#include "basic/util.h"



#define FNAME "/etc/numacma.conf"

static void check_messages(const PolicyErrors *e, size_t n_lines) {
        size_t n = strv_length(e->messages);
        CHECK(n <= POLICY_ERRORS_SHOWN + 1);
        CHECK(e->n_errors >= n);
        CHECK((e->n_errors > POLICY_ERRORS_SHOWN) == (n == POLICY_ERRORS_SHOWN + 1));
        for (char **m = e->messages; m && *m; m++) {
                if (m == e->messages + POLICY_ERRORS_SHOWN) {
                        char *want = strdup_printf("... and %u more error%s not shown", e->n_errors - POLICY_ERRORS_SHOWN,
                                                   e->n_errors - POLICY_ERRORS_SHOWN == 1 ? "" : "s");
                        CHECK(want && streq(*m, want));
                        free(want);
                        continue;
                }
                const char *rest = startswith(*m, FNAME ":");
                CHECK(rest);
                char *end;
                unsigned long line = strtoul(rest, &end, 10);
                CHECK(end > rest && *end == ':');
                CHECK(line >= 1 && line <= n_lines);
                for (const char *c = *m; *c; c++)
                        CHECK((unsigned char) *c >= 0x20 && *c != 0x7f);
        }
}

static void check_policy(const Policy *p) {
        CHECK(p->min_size <= p->max_size);
        CHECK(p->max_node_share > 0 && p->max_node_share <= SHARE_ONE);
        CHECK(p->settle_usec <= UINT64_C(3600000000));
        CHECK((p->nodes_mode == NODES_LIST) == !!p->nodes_list);
        if (p->nodes_list)
                CHECK(nodeset_count(p->nodes_list) > 0);
        if (p->size.kind == SIZE_SHARE)
                CHECK(p->size.share > 0 && p->size.share <= SHARE_ONE);
        CHECK(boot_backend_to_string(p->backend));

        for (size_t i = 0; i < p->n_pci_classes; i++) {
                const PciClassPrefix *c = &p->pci_classes[i];
                CHECK(c->mask == 0xffff00 || c->mask == 0xffffff);
                CHECK((c->value & ~c->mask) == 0);
        }
        CHECK(p->drivers && p->include && p->exclude);
        for (char **a = p->include; *a; a++) {
                _cleanup_free_ char *n = NULL;
                CHECK(parse_pci_address(*a, &n) == 0 && streq(n, *a));
                CHECK(!strv_contains(p->exclude, *a));
        }
        for (char **a = p->exclude; *a; a++) {
                _cleanup_free_ char *n = NULL;
                CHECK(parse_pci_address(*a, &n) == 0 && streq(n, *a));
        }

        for (size_t i = 0; i < p->n_overrides; i++) {
                const NodeOverride *o = &p->overrides[i];
                CHECK(o->node >= 0 && o->node < NODESET_MAX);
                for (size_t j = 0; j < i; j++)
                        CHECK(p->overrides[j].node != o->node);
                if (o->has_enabled)
                        CHECK(policy_node_enabled(p, o->node) == o->enabled);
                const SizeSpec *s = policy_node_size(p, o->node);
                CHECK(s == (o->has_size ? &o->size : &p->size));
                if (s->kind == SIZE_SHARE)
                        CHECK(s->share > 0 && s->share <= SHARE_ONE);
                CHECK(policy_node_per_accelerator(p, o->node) ==
                      (o->has_per_accelerator ? o->per_accelerator : p->per_accelerator));
        }
        /* Nodes without an override follow [pools]. */
        for (int n = 0; n < NODESET_MAX; n += 97) {
                bool overridden = false;
                for (size_t i = 0; i < p->n_overrides; i++)
                        overridden = overridden || p->overrides[i].node == n;
                if (overridden)
                        continue;
                CHECK(policy_node_size(p, n) == &p->size);
                CHECK(policy_node_per_accelerator(p, n) == p->per_accelerator);
                bool want = p->nodes_mode == NODES_LIST ? nodeset_contains(p->nodes_list, n)
                                                        : p->nodes_mode != NODES_NONE;
                CHECK(policy_node_enabled(p, n) == want);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_policy_ Policy *p = NULL, *q = NULL;
        PolicyErrors errs = {0};
        size_t n_lines = 1;

        /* Policy files are small; long inputs only slow the fuzzer down. */
        if (size > 64 * 1024)
                return 0;
        for (size_t i = 0; i < size; i++)
                if (data[i] == '\n')
                        n_lines++;

        if (policy_new_default(&p) < 0 || policy_new_default(&q) < 0)
                return 0;
        int r = policy_parse_buffer(p, FNAME, (const char *) data, size, &errs);
        if (r == -ENOMEM) {
                policy_errors_done(&errs);
                return 0;
        }
        CHECK(r == 0 || r == -EINVAL);
        CHECK((r == 0) == (errs.messages == NULL));
        check_messages(&errs, n_lines);
        policy_errors_done(&errs);

        int r2 = policy_parse_buffer(q, FNAME, (const char *) data, size, NULL);
        CHECK(r2 == r || r2 == -ENOMEM);

        if (r == 0) {
                CHECK(strv_length(p->sources) == 1 && streq(p->sources[0], FNAME));
                check_policy(p);
        }
        return 0;
}
