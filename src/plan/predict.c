/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "plan/predict.h"
#include "basic/util.h"
#include "kernel/memparse.h"

void prediction_limits_done(PredictionLimits *l) {
        nodeset_free(l->not_boot);
        nodeset_free(l->no_slot);
        nodeset_free(l->default_failed);
        *l = (PredictionLimits){0};
}

void prediction_done(Prediction *p) {
        free(p->pool);
        free(p->asked);
        free(p->hugetlb);
        strv_free(p->ignored);
        strv_free(p->notes);
        strv_free(p->oops);
        prediction_limits_done(&p->limits);
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


static int add(NodeSet **s, int node) {
        if (!*s && !(*s = nodeset_new()))
                return -ENOMEM;
        return nodeset_add(*s, node);
}

/* The per-node tokens of the line: sizes into numa[] and *pernuma, what
 * the kernel ignores or oopses on into p. Returns whether any per-node
 * parameter the kernel registers was given (7.2: numa_cma_configured). */
static int read_tokens(const KernelCaps *k, const Cmdline *c, Prediction *p, uint64_t *numa, uint64_t *pernuma) {
        bool configured = false;
        for (size_t i = 0; i < c->n; i++) {
                const CmdlineToken *tok = &c->tokens[i];
                if (tok->init)
                        continue;
                const char *handler = !tok->value ? kernel_caps_bare_oops(k, tok->key) : NULL;
                if (handler && strv_extendf(&p->oops, "'%s' without '=': kernel %s stops at early boot (%s dereferences the missing value)",
                                            tok->text, strna(k->release), handler) < 0)
                        return -ENOMEM;
                bool is_numa = cmdline_key_eq(tok->key, "numa_cma");
                bool is_pernuma = cmdline_key_eq(tok->key, "cma_pernuma");
                if (!tok->value || (!is_numa && !is_pernuma))
                        continue;
                bool honored = is_numa ? k->honors_numa_cma : k->dma_pernuma_cma || k->dma_numa_cma;
                if (!honored) {
                        if (strv_extend(&p->ignored, tok->text) < 0)
                                return -ENOMEM;
                        continue;
                }
                configured = true;
                if (is_numa)
                        parse_numa_cma(tok->value, numa, p->n_nodes, k->max_numnodes ? k->max_numnodes : NODESET_MAX);
                else
                        *pernuma = kernel_memparse(tok->value, NULL);
        }
        /* Before 6.6 the parameter is parsed everywhere but only arm64 reserves. */
        if (*pernuma && !k->honors_cma_pernuma) {
                if (strv_extendf(&p->notes, "kernel %s parses cma_pernuma= but does not reserve it on %s",
                                 strna(k->release), strna(k->arch)) < 0)
                        return -ENOMEM;
                *pernuma = 0;
        }
        p->explicit_args = configured;
        return configured;
}

/* Every node of the topology, in node order, with what the line asks of
 * it and whether the kernel has it at early boot. */
static ReserveNode *ask_nodes(const KernelCaps *k, const Topology *t, const PredictEnv *env,
                              const uint64_t *numa, int n_numa, uint64_t pernuma, size_t *ret_n) {
        ReserveNode *nodes = calloc(MAX(t->n_nodes, (size_t) 1), sizeof(ReserveNode));
        if (!nodes)
                return NULL;
        bool parsed = k->rules && k->rules->early_online == EARLY_ONLINE_PARSED;
        for (size_t i = 0; i < t->n_nodes; i++) {
                const NumaNode *n = &t->nodes[i];
                bool boot = n->has_memory && boot_memory_can_hold(env ? env->boot_memory : NULL, n->id);
                nodes[i] = (ReserveNode){
                        .node = n->id, .boot_memory = boot,
                        /* arm64 onlines every node of its tables (node/possible);
                         * x86 only those with memblock memory. */
                        .early_online = parsed ? nodeset_contains(t->possible, n->id) || n->online : boot,
                        .pernuma = pernuma, .numa = n->id < n_numa ? numa[n->id] : 0,
                };
        }
        *ret_n = t->n_nodes;
        return nodes;
}

static NodeSet *nodes_where(const ReserveNode *nodes, size_t n, bool early_online) {
        NodeSet *s = nodeset_new();
        for (size_t i = 0; s && i < n; i++)
                if ((early_online ? nodes[i].early_online : nodes[i].boot_memory) && nodeset_add(s, nodes[i].node) < 0) {
                        nodeset_free(s);
                        return NULL;
                }
        return s;
}

/* The outcome into pool[], asked[] and the limits. */
static int collect(const KernelCaps *k, const Topology *t, const ReserveAsk *a, const ReserveOutcome *o, Prediction *p) {
        int r = 0;
        for (size_t i = 0; i < a->n_nodes && r >= 0; i++) {
                const ReserveNodeFate *f = &o->nodes[i];
                int n = a->nodes[i].node;
                p->hugetlb[n] = f->hugetlb_size;
                AreaFate fates[2] = { f->pernuma, f->numa };
                uint64_t sizes[2] = { f->pernuma_size, f->numa_size };
                for (int j = 0; j < 2 && r >= 0; j++) {
                        if (!sizes[j])
                                continue;
                        uint64_t sz = k->cma_align ? ALIGN_UP(sizes[j], k->cma_align) : sizes[j];
                        p->asked[n] += sz;
                        if (fates[j] == FATE_MADE)
                                p->pool[n] += sz;
                        else if (fates[j] == FATE_NOT_ONLINE || fates[j] == FATE_NO_MEMORY)
                                r = add(&p->limits.not_boot, n);
                        else if (fates[j] == FATE_NO_SLOT)
                                r = add(&p->limits.no_slot, n);
                        else if (fates[j] == FATE_DEFAULT_FAILED)
                                r = add(&p->limits.default_failed, n);
                        else if (fates[j] == FATE_DEFAULT_NODE)
                                p->skipped_default_node = n;
                }
                const NumaNode *tn = topology_node(t, n);
                if (r >= 0 && !o->implicit && p->asked[n] && !p->pool[n] && tn && tn->online && !tn->has_memory)
                        r = strv_extendf(&p->notes, "node %d has no memory: the per-node area asked for there cannot be reserved", n);
        }
        return r < 0 ? -ENOMEM : 0;
}

/* What else takes slots: the slot count for messages and the plan. */
static int count_slots(const KernelCaps *k, const Cmdline *c, const ReserveAsk *a, const PredictEnv *env, Prediction *p) {
        _cleanup_nodeset_ NodeSet *online = nodes_where(a->nodes, a->n_nodes, true);
        _cleanup_nodeset_ NodeSet *boot = nodes_where(a->nodes, a->n_nodes, false);
        if (!online || !boot)
                return -ENOMEM;
        cma_slots_count(k, c, a->default_size > 0, online, boot, env ? env->running : NULL, &p->limits.slots);
        return 0;
}

int predict_pools(const KernelCaps *k, const Cmdline *c, const Topology *t, const PredictEnv *env, Prediction *ret) {
        Prediction p = { .skipped_default_node = -1 };
        ReserveOutcome o = {0};
        _cleanup_free_ ReserveNode *nodes = NULL;
        uint64_t pernuma = 0;
        int r = -ENOMEM;

        p.n_nodes = MAX(nodeset_last(t->possible), nodeset_last(t->online)) + 1;
        p.pool = calloc((size_t) MAX(p.n_nodes, 1), sizeof(uint64_t));
        p.asked = calloc((size_t) MAX(p.n_nodes, 1), sizeof(uint64_t));
        p.hugetlb = calloc((size_t) MAX(p.n_nodes, 1), sizeof(uint64_t));
        _cleanup_free_ uint64_t *numa = calloc((size_t) MAX(p.n_nodes, 1), sizeof(uint64_t));
        if (!p.pool || !p.asked || !p.hugetlb || !numa)
                goto fail;
        int configured = read_tokens(k, c, &p, numa, &pernuma);
        if ((r = configured) < 0)
                goto fail;
        p.default_area = kernel_caps_default_area(k, cmdline_get(c, "cma"), topology_total_memory(t));

        ReserveAsk a = {
                .default_size = p.default_area,
                .implicit = !configured,
                .default_node = env ? env->default_node : -1,
                .default_fails = env && env->default_fails,
                .dt_areas = cma_other_areas(env ? env->running : NULL),
                .hugetlb = cmdline_get(c, "hugetlb_cma"),
                .crash_cma = crashkernel_cma_size(c),
        };
        r = -ENOMEM;
        if (!(nodes = ask_nodes(k, t, env, numa, p.n_nodes, pernuma, &a.n_nodes)))
                goto fail;
        a.nodes = nodes;
        if ((r = cma_reserve_simulate(k, &a, k->numacma_0003 == TRI_YES, &o)) < 0)
                goto fail;
        p.default_made = o.default_fate == FATE_MADE;
        p.implicit = o.implicit;
        p.early_online = o.early_online;
        p.hugetlb_asked = o.hugetlb_asked;
        p.hugetlb_made = o.hugetlb_made;
        if ((r = collect(k, t, &a, &o, &p)) < 0 || (r = count_slots(k, c, &a, env, &p)) < 0)
                goto fail;
        reserve_outcome_done(&o);
        *ret = p;
        return 0;
fail:
        reserve_outcome_done(&o);
        prediction_done(&p);
        return r;
}

Tristate prediction_running_0003(const KernelCaps *running, const Cmdline *booted, const Topology *t,
                                 const PredictEnv *env, const char **ret_why) {
        const CmaState *c = env ? env->running : NULL;
        Prediction p;
        Tristate v = TRI_UNKNOWN;

        *ret_why = NULL;
        if (!c || !c->has_sysfs || !env || env->default_node < 0 || !running->implicit_per_node)
                return TRI_UNKNOWN;
        KernelCaps k = *running;
        k.numacma_0003 = TRI_NO;  /* as upstream: an area on every node */
        if (predict_pools(&k, booted, t, env, &p) < 0)
                return TRI_UNKNOWN;
        int d = env->default_node;
        bool others = false, others_all = true;
        for (int n = 0; p.implicit && n < p.n_nodes; n++) {
                if (!p.pool[n] || n == d)
                        continue;
                others = true;
                others_all &= cma_state_area(c, AREA_NUMA, n) != NULL;
        }
        if (others && others_all && prediction_pool(&p, d)) {
                bool there = cma_state_area(c, AREA_NUMA, d) != NULL;
                v = there ? TRI_NO : TRI_YES;
                *ret_why = there ? "the running kernel made an implicit area on the default area's node too" :
                                   "the running kernel made its implicit areas on every node but the default area's";
        }
        prediction_done(&p);
        return v;
}
