/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "plan/predict.h"
#include "basic/util.h"

void prediction_done(Prediction *p) {
        free(p->pool);
        strv_free(p->ignored);
        strv_free(p->notes);
        *p = (Prediction){0};
}

/* lib/ctype.c: 9-13, 32 and 160 are spaces (skip_spaces()). */
static bool k_isspace(unsigned char c) {
        return c == ' ' || (c >= 9 && c <= 13) || c == 160;
}

/* early_numa_cma(): "<node>:<size>[,<node>:<size>...]"; stops silently at
 * the first malformed entry, exactly like the kernel. The node number is
 * read by sscanf("%lu%n"): leading white space skipped, digits only, wraps
 * on overflow (simple_strntoull()); it must be below MAX_NUMNODES. */
static void parse_numa_cma(const char *v, uint64_t *sizes, int n_nodes, unsigned long max_numnodes) {
        const char *s = v;
        while (*s) {
                const char *d = s;
                while (k_isspace((unsigned char) *d))
                        d++;
                if (*d < '0' || *d > '9')
                        break;
                unsigned long node = 0;
                for (; *d >= '0' && *d <= '9'; d++)
                        node = node * 10 + (unsigned long) (*d - '0');
                if (*d != ':' || node >= max_numnodes)
                        break;
                const char *e;
                uint64_t size = kernel_memparse(d + 1, &e);
                if (node < (unsigned long) n_nodes)
                        sizes[node] = size;
                s = e;
                if (*s == ',')
                        s++;
                else
                        break;
        }
}

int predict_pools(const KernelCaps *k, const Cmdline *c, const Topology *t, Prediction *ret) {
        Prediction p = {0};
        int max_node = MAX(nodeset_last(t->possible), nodeset_last(t->online));
        int r = -ENOMEM;

        p.n_nodes = max_node + 1;
        p.pool = calloc((size_t) MAX(p.n_nodes, 1), sizeof(uint64_t));
        _cleanup_free_ uint64_t *numa = calloc((size_t) MAX(p.n_nodes, 1), sizeof(uint64_t));
        if (!p.pool || !numa)
                goto fail;

        const char *cma = cmdline_get(c, "cma");
        p.default_area = kernel_caps_default_area(k, cma, topology_total_memory(t));

        uint64_t pernuma = 0;
        bool configured = false;
        for (size_t i = 0; i < c->n; i++) {
                const CmdlineToken *tok = &c->tokens[i];
                if (tok->init || !tok->value)
                        continue;
                bool is_numa = cmdline_key_eq(tok->key, "numa_cma");
                bool is_pernuma = cmdline_key_eq(tok->key, "cma_pernuma");
                if (!is_numa && !is_pernuma)
                        continue;
                bool honored = is_numa ? k->honors_numa_cma : k->dma_pernuma_cma || k->dma_numa_cma;
                if (!honored) {
                        if (strv_extend(&p.ignored, tok->text) < 0)
                                goto fail;
                        continue;
                }
                configured = true;
                if (is_numa)
                        parse_numa_cma(tok->value, numa, p.n_nodes,
                                       k->max_numnodes ? k->max_numnodes : NODESET_MAX);
                else
                        pernuma = kernel_memparse(tok->value, NULL);
        }
        /* Before 6.6 the parameter is parsed everywhere but only arm64 reserves. */
        if (pernuma && !k->honors_cma_pernuma) {
                if (strv_extendf(&p.notes, "kernel %s parses cma_pernuma= but does not reserve it on %s",
                                 strna(k->release), strna(k->arch)) < 0)
                        goto fail;
                pernuma = 0;
        }
        p.explicit_args = configured;

        if (k->implicit_per_node && !configured && p.default_area && nodeset_count(t->online) > 1) {
                pernuma = p.default_area;
                p.implicit = true;
        }

        for (int n = -1; (n = nodeset_next(t->online, n)) >= 0;) {
                if (n >= p.n_nodes)
                        break;
                uint64_t size;
                if (k->single_array)
                        size = numa[n] ? numa[n] : pernuma;
                else
                        size = pernuma + numa[n];  /* "pernuma%d" and "numa%d" side by side */
                if (!size)
                        continue;
                if (!nodeset_contains(t->with_memory, n)) {
                        if (!p.implicit &&
                            strv_extendf(&p.notes, "node %d has no memory: the per-node area asked for there cannot be reserved", n) < 0)
                                goto fail;
                        continue;
                }
                if (k->cma_align) {
                        if (!k->single_array && pernuma && numa[n])
                                size = ALIGN_UP(pernuma, k->cma_align) + ALIGN_UP(numa[n], k->cma_align);
                        else
                                size = ALIGN_UP(size, k->cma_align);
                }
                p.pool[n] = size;
        }
        *ret = p;
        return 0;
fail:
        prediction_done(&p);
        return r;
}
