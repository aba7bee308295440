/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "build-config.h"
#include "plan/plan.h"
#include "plan/pool_users.h"
#include "plan/predict.h"
#include "plan/slots.h"
#include "kernel/memparse.h"
#include "kernel/trace_events.h"
#include "basic/util.h"

void plan_free(Plan *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->n_nodes; i++)
                free(p->nodes[i].why);
        free(p->nodes);
        strv_free(p->args);
        problems_done(&p->problems);
        free(p->refusal);
        strv_free(p->explain);
        free(p);
}

static int cmp_plan_node(const void *key, const void *elem) {
        int a = *(const int *) key, b = ((const PlanNode *) elem)->node;
        return (a > b) - (a < b);
}

/* The nodes follow the topology's order: sorted by node. */
const PlanNode *plan_node(const Plan *p, int node) {
        return p->n_nodes ? bsearch(&node, p->nodes, p->n_nodes, sizeof(PlanNode), cmp_plan_node) : NULL;
}

char *plan_args_string(const Plan *p) {
        return strv_join(p->args, " ");
}

#define EXPLAIN(p, ...) do { if (strv_extendf(&(p)->explain, __VA_ARGS__) < 0) return -ENOMEM; } while (0)
#define PROBLEM(p, code, ...) do { if (problems_addf(&(p)->problems, code, __VA_ARGS__) < 0) return -ENOMEM; } while (0)

static uint64_t share_of(uint64_t bytes, uint32_t ppm) {
        /* 128-bit product: node memory times ppm overflows 64 bits above 16
         * TiB. Shares above 100% (never from the policy) saturate. */
        unsigned __int128 v = (unsigned __int128) bytes * ppm / SHARE_ONE;
        return v > UINT64_MAX ? UINT64_MAX : (uint64_t) v;
}

static bool node_wanted(const PlanInput *in, const NumaNode *n, unsigned n_acc) {
        return plan_policy_covers(in->policy, n->id, n_acc);
}

static int size_node(Plan *p, const PlanInput *in, PlanNode *pn, uint64_t align) {
        const Policy *pol = in->policy;
        const SizeSpec *spec = policy_node_size(pol, pn->node);
        uint64_t per_acc = policy_node_per_accelerator(pol, pn->node);
        uint64_t base;
        _cleanup_free_ char *why_base = NULL;

        switch (spec->kind) {
        case SIZE_DEFAULT:
                base = p->default_area;
                why_base = strdup_printf("the default area's size");
                break;
        case SIZE_SHARE:
                base = share_of(pn->memory, spec->share);
                why_base = strdup_printf("%.4g%% of the node's memory", (double) spec->share / 10000.0);
                break;
        default:
                base = spec->bytes;
                why_base = strdup_printf("the configured size");
                break;
        }
        if (!why_base)
                return -ENOMEM;
        /* Sizes up to 2^64 - 1 are valid policy: the sum saturates rather
         * than wrap to a small pool, and max_size lowers it. */
        uint64_t extra, size;
        bool exact = size_mul(per_acc, pn->n_accelerators, &extra);
        exact = size_add(base, extra, &size) && exact;
        StrBuf why = {0};
        _cleanup_free_ char *b = format_mib(base), *pa = format_mib(per_acc);
        strbuf_printf(&why, "node %d: %s (%s)", pn->node, b, why_base);
        if (pn->n_accelerators)
                strbuf_printf(&why, " + %u accelerator%s x %s", pn->n_accelerators,
                              pn->n_accelerators == 1 ? "" : "s", pa);
        if (!exact)
                strbuf_printf(&why, ", more than 2^64 bytes: taken as 2^64 - 1");
        if (size < pol->min_size) {
                size = pol->min_size;
                strbuf_printf(&why, ", raised to min_size");
        }
        if (size > pol->max_size) {
                size = pol->max_size;
                strbuf_printf(&why, ", lowered to max_size");
        }
        uint64_t cap = share_of(pn->memory, pol->max_node_share);
        if (size > cap) {
                _cleanup_free_ char *want = format_mib(size), *capped = format_mib(ALIGN_DOWN(cap, align));
                if (problems_addf_node(&p->problems, PROBLEM_POOL_CAPPED, pn->node,
                                       "node %d: a %s pool would take more than max_node_share = %.4g%% of the node's memory; it is capped at %s",
                                       pn->node, want, (double) pol->max_node_share / 10000.0, capped) < 0)
                        return -ENOMEM;
                size = cap;
                strbuf_printf(&why, ", capped by max_node_share");
        }
        size = ALIGN_UP(size, align);
        if (size > cap)
                size = ALIGN_DOWN(cap, align);
        pn->size = size;
        _cleanup_free_ char *s = format_mib(size);
        strbuf_printf(&why, " = %s", s);
        if (!size)
                strbuf_printf(&why, ": no pool");
        pn->why = strbuf_steal(&why);
        return pn->why ? 0 : -ENOMEM;
}

static bool all_honor(const PlanInput *in, bool numa_cma) {
        for (size_t i = 0; i < in->n_targets; i++) {
                const KernelCaps *k = &in->targets[i];
                if (k->per_node == PERNODE_NONE)
                        continue;
                if (numa_cma ? !k->honors_numa_cma : !k->honors_cma_pernuma)
                        return false;
        }
        return true;
}

PredictEnv plan_predict_env(const PlanInput *in) {
        return (PredictEnv){ .boot_memory = in->boot_memory, .running = in->cma,
                             .default_node = cma_state_default_node(in->cma) };
}

/* Do kernel k's implicit areas, with the administrator's line, make the
 * plan's pools? (Its release's rules: the nodes online at early boot,
 * its slots, patch 0003, whose default area serves its own node.) */
static int implicit_gives(const Plan *p, const PlanInput *in, const KernelCaps *k) {
        Prediction pr;
        PredictEnv env = plan_predict_env(in);
        int r = k->implicit_per_node ? predict_pools(k, in->admin, in->topology, &env, &pr) : 0;
        if (r < 0 || !k->implicit_per_node)
                return r;
        bool same = pr.implicit;
        for (size_t i = 0; same && i < p->n_nodes; i++) {
                const PlanNode *pn = &p->nodes[i];
                uint64_t got = prediction_pool(&pr, pn->node);
                if (pn->node == pr.skipped_default_node && got == 0 && pn->size <= pr.default_area)
                        continue;  /* the default area is there, as large */
                same = got == pn->size;
        }
        prediction_done(&pr);
        return same;
}

static int choose_args(Plan *p, const PlanInput *in, const KernelCaps *capable) {
        const Topology *t = in->topology;
        uint64_t equal = 0;
        bool all_equal = true, all_memory_nodes = true, any = false;
        int r;

        for (size_t i = 0; i < p->n_nodes; i++) {
                const PlanNode *pn = &p->nodes[i];
                const NumaNode *n = topology_node(t, pn->node);
                if (!n || !n->has_memory)
                        continue;
                if (!pn->size) {
                        all_memory_nodes = false;
                        continue;
                }
                if (any && pn->size != equal)
                        all_equal = false;
                equal = pn->size;
                any = true;
        }
        if (!any) {
                EXPLAIN(p, "no node needs a pool: numacma writes no argument");
                return 0;
        }

        /* The kernels' own per-node areas already make exactly this? */
        bool implicit = all_equal && all_memory_nodes && !cmdline_count(in->admin, "numa_cma") &&
                        !cmdline_count(in->admin, "cma_pernuma");
        for (size_t i = 0; implicit && i < in->n_targets; i++) {
                const KernelCaps *k = &in->targets[i];
                if (k->per_node != PERNODE_NONE && (r = implicit_gives(p, in, k)) <= 0) {
                        if (r < 0)
                                return r;
                        implicit = false;
                }
        }
        if (implicit) {
                p->implicit = true;
                EXPLAIN(p, "the kernel's implicit per-node areas (CONFIG_CMA_SIZE_PERNUMA) already give every node this pool: no argument needed");
                return 0;
        }

        StrBuf b = {0};
        if (all_equal && all_memory_nodes && all_honor(in, false)) {
                _cleanup_free_ char *s = format_size_kernel(equal);
                strbuf_printf(&b, "cma_pernuma=%s", strempty(s));
                p->param = "cma_pernuma";
                EXPLAIN(p, "every node with memory gets the same size: cma_pernuma= says it shortest");
        } else if (all_honor(in, true)) {
                strbuf_append(&b, "numa_cma=");
                bool first = true;
                for (size_t i = 0; i < p->n_nodes; i++) {
                        if (!p->nodes[i].size)
                                continue;
                        _cleanup_free_ char *s = format_size_kernel(p->nodes[i].size);
                        strbuf_printf(&b, "%s%d:%s", first ? "" : ",", p->nodes[i].node, strempty(s));
                        first = false;
                }
                p->param = "numa_cma";
                EXPLAIN(p, "pools differ between nodes (or some nodes get none): numa_cma= names each node");
        } else {
                for (size_t i = 0; i < in->n_targets; i++)
                        if (in->targets[i].per_node == PERNODE_CMA_PERNUMA)
                                PROBLEM(p, PROBLEM_PERNUMA_SIZES_DIFFER, "kernel %s only honors cma_pernuma= (one size on every node) and cannot make these pools; give every node the same size, or boot a kernel with CONFIG_DMA_NUMA_CMA",
                                        strna(in->targets[i].release));
                p->refused = true;
                free(p->refusal);
                if (!(p->refusal = strdup(problems_last_text(&p->problems) ?: "see numacmactl plan")))
                        return -ENOMEM;
                return 0;
        }
        (void) capable;
        char *arg = strbuf_steal(&b);
        if (!arg || strv_push(&p->args, arg) < 0)
                return -ENOMEM;
        return 0;
}

static int check_length(Plan *p, const PlanInput *in) {
        _cleanup_free_ char *line = cmdline_to_string(in->admin);
        _cleanup_free_ char *args = plan_args_string(p);
        if (!line || !args)
                return -ENOMEM;
        size_t len = strlen(line) + (*args ? strlen(args) + 1 : 0);
        if (len + 1 > COMMAND_LINE_SIZE) {
                PROBLEM(p, PROBLEM_CMDLINE_TOO_LONG, "the kernel command line would be %zu bytes with '%s', over the kernel's limit of %d: nothing is written",
                        len, args, COMMAND_LINE_SIZE - 1);
                strv_free(p->args);
                p->args = NULL;
                p->param = NULL;
                p->refused = true;
                free(p->refusal);
                if (!(p->refusal = strdup(problems_last_text(&p->problems) ?: "see numacmactl plan")))
                        return -ENOMEM;
        }
        return 0;
}

/* The row of kernel_rules.h the kernel follows, in one line. */
static int explain_rules(Plan *p, const KernelCaps *k) {
        const KernelRules *r = k->rules;
        if (!r || !k->cma)
                return 0;
        _cleanup_free_ char *order = kernel_rules_order_string(r);
        if (!order)
                return -ENOMEM;
        const char *t = k->numacma_0003 == TRI_YES ? "yes" : k->numacma_0003 == TRI_NO ? "no" : "unknown";
        EXPLAIN(p, "kernel %s follows the rules of %s%s%s (%s): it reserves %s; %u CMA slots; a failed default area %s; implicit areas count the nodes %s at early boot; patch 0003: %s%s%s%s",
                strna(k->release), r->releases, r->arch ? " " : "", strempty(r->arch), r->read_from, order, k->cma_areas,
                r->default_failure_stops_per_node ? "stops the per-node areas" : "leaves the per-node areas alone",
                r->early_online == EARLY_ONLINE_PARSED ? "the firmware lists" : "with memory",
                t, k->numacma_0003_why ? " (" : "", strempty(k->numacma_0003_why), k->numacma_0003_why ? ")" : "");
        return 0;
}

/* arm64 whose DMA zone spans all memory: every coherent request carries
 * GFP_DMA (kernel/dma_path.h), no per-node pool would ever be used. */
static int refuse_unusable_pools(Plan *p) {
        PROBLEM(p, PROBLEM_POOLS_UNUSABLE, "every coherent DMA request on this machine carries GFP_DMA (arm64 without memory below 4 GiB, and the DMA zone spans all memory: "
                   "zone_dma_limit reaches past the end of DRAM), so the kernel never tries a per-node CMA area: numacma plans none. Ways out: "
                   "a DMA limit for the devices in the firmware (IORT memory address limit, device-tree dma-ranges) below the end of memory; "
                   "an IOMMU in translating mode (iommu.passthrough=0), whose coherent allocations take pages of the device's own node; "
                   "or cma=0 ('unsupported = disable-cma'), which removes the default area so the page allocator serves each device from its node, "
                   "but then coherent allocations larger than the page allocator's largest block fail");
        EXPLAIN(p, "the DMA zone spans all memory on every node: per-node pools would serve no device");
        return 0;
}

/* Which target kernel the plan is made for: the first that can make
 * per-node pools (*ret_capable, NULL: none can), else the first; its
 * alignment and default area. Each target is explained on the way. */
static int choose_reference(Plan *p, const PlanInput *in, const KernelCaps **ret_capable, uint64_t *ret_align) {
        const KernelCaps *capable = NULL, *first = in->n_targets ? &in->targets[0] : NULL;
        int r;

        for (size_t i = 0; i < in->n_targets; i++) {
                const KernelCaps *k = &in->targets[i];
                EXPLAIN(p, "target kernel %s: %s, per-node parameter %s%s, default area %s", strna(k->release),
                        strna(k->arch), per_node_param_to_string(k->per_node),
                        k->implicit_per_node ? " (implicit per-node areas)" : "",
                        k->dma_cma ? "configurable" : "none (no CONFIG_DMA_CMA)");
                if ((r = explain_rules(p, k)) < 0)
                        return r;
                if (k->per_node != PERNODE_NONE && !capable)
                        capable = k;
        }
        const KernelCaps *ref = capable ? capable : first;
        *ret_align = ref && ref->cma_align ? ref->cma_align : 2 * MIB;
        p->default_area = ref ? kernel_caps_default_area(ref, cmdline_get(in->admin, "cma"),
                                                         topology_total_memory(in->topology)) : 0;
        *ret_capable = capable;
        return 0;
}

/* The online nodes, with what a pool there would serve and whether their
 * memory is there at early boot. */
static int list_nodes(Plan *p, const PlanInput *in, const PoolUsers *users) {
        const Topology *t = in->topology;
        p->nodes = calloc(MAX(t->n_nodes, (size_t) 1), sizeof(PlanNode));
        if (!p->nodes)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_nodes; i++) {
                const NumaNode *n = &t->nodes[i];
                if (!n->online)
                        continue;
                p->nodes[p->n_nodes++] = (PlanNode){
                        .node = n->id, .memory = n->mem_total,
                        .n_accelerators = pool_users_accelerators(users, in, n->id),
                        .n_dma_devices = users->devices ? pool_users_devices(users, n->id)
                                                        : (unsigned) dma_devices_on(in->dma, n->id),
                        .boot_memory = n->has_memory && boot_memory_can_hold(in->boot_memory, n->id) };
        }
        return 0;
}

/* Is a per-node pool of any use here? 0 (explained) when the machine's
 * shape or the kernel's missing default area makes every device's
 * coherent DMA node-local already. */
static int pools_needed(Plan *p, const PlanInput *in) {
        size_t n_boot = 0;
        int boot_node = -1;
        for (size_t i = 0; i < p->n_nodes; i++)
                if (p->nodes[i].boot_memory && n_boot++ == 0)
                        boot_node = p->nodes[i].node;

        if (p->n_nodes <= 1) {
                EXPLAIN(p, "one NUMA node: every device's memory is local, no per-node pool is needed");
                return 0;
        }
        /* Memoryless CPU nodes, hot-added and CXL memory: CMA areas come
         * from early-boot memory only, and the default area is there too. */
        if (n_boot <= 1) {
                EXPLAIN(p, "only node %d has memory at early boot: a pool could only be made there, where the default area already is; no per-node pool is needed", boot_node);
                return 0;
        }
        if (in->policy->only_with_default_area && p->default_area == 0) {
                EXPLAIN(p, "the kernel makes no default CMA area: coherent DMA already comes from each device's own node (only_with_default_area = yes)");
                return 0;
        }
        return 1;
}

/* No target kernel can make per-node pools: cma=0 when the policy asks
 * for it, else the ways out. */
static int without_per_node_kernel(Plan *p, const PlanInput *in) {
        const Policy *pol = in->policy;
        const KernelCaps *first = in->n_targets ? &in->targets[0] : NULL;
        _cleanup_free_ char *d = format_mib(p->default_area);
        if (first)
                PROBLEM(p, PROBLEM_KERNEL_NO_PER_NODE, "kernel %s cannot make per-node CMA pools; the %s default area serves every device",
                        strna(first->release), d);
        if (pol->unsupported == UNSUPPORTED_DISABLE_CMA) {
                const char *cma = cmdline_get(in->admin, "cma");
                if (cma)
                        PROBLEM(p, PROBLEM_DISABLE_CMA_KEPT_ADMIN, "unsupported = disable-cma would write cma=0, but the administrator's cma=%s is kept", cma);
                else {
                        if (strv_extend(&p->args, "cma=0") < 0)
                                return -ENOMEM;
                        p->param = "cma";
                        EXPLAIN(p, "unsupported = disable-cma: cma=0 removes the default area, so coherent DMA comes from each device's node");
                }
        } else if (first)
                /* The two ways out, with what the stopgap costs. */
                PROBLEM(p, PROBLEM_PER_NODE_KERNEL_NEEDED, "to get node-local pools, boot a kernel with per-node CMA: upstream 7.2, or the distro's kernel built with numacma's patches "
                           "(package numacma-kernel-patches: " KERNEL_PATCHES_DIR "/README.md); stopgap: 'unsupported = disable-cma' in the policy "
                           "writes cma=0, which removes the default area so coherent DMA comes from each device's own node, but then nothing is reserved: "
                           "coherent allocations larger than the page allocator's largest block (4 MiB with 4 KiB pages) fail, and large ones can fail "
                           "once memory is fragmented");
        return check_length(p, in);
}

/* The administrator's own per-node arguments win (respect_admin_args):
 * 1 when they are there, and the pools are what they ask for. */
static int follow_admin_args(Plan *p, const PlanInput *in, const KernelCaps *capable) {
        const char *admin_key = cmdline_count(in->admin, "numa_cma") ? "numa_cma" :
                                cmdline_count(in->admin, "cma_pernuma") ? "cma_pernuma" : NULL;
        if (!admin_key || !in->policy->respect_admin_args)
                return 0;
        int idx = cmdline_find_last(in->admin, admin_key);
        p->admin_conflict = true;
        PROBLEM(p, PROBLEM_ADMIN_PER_NODE_ARG, "'%s' on the kernel command line was not written by numacma and is kept; numacma writes no per-node argument (respect_admin_args = yes)",
                in->admin->tokens[idx].text);
        /* What will really be made is what the administrator asked for. */
        Prediction pr;
        PredictEnv env = plan_predict_env(in);
        int r = predict_pools(capable, in->admin, in->topology, &env, &pr);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n_nodes; i++)
                p->nodes[i].size = prediction_pool(&pr, p->nodes[i].node);
        prediction_done(&pr);
        r = plan_explain_usage(p, in);
        return r < 0 ? r : 1;
}

/* Whether node pn gets a pool, and how large (pn->why says why). */
static int decide_node(Plan *p, const PlanInput *in, PlanNode *pn, uint64_t align) {
        const Policy *pol = in->policy;
        const NumaNode *n = topology_node(in->topology, pn->node);
        pn->wanted = node_wanted(in, n, pn->n_accelerators);
        if (!n->has_memory) {
                if (pn->wanted && pol->nodes_mode == NODES_LIST && nodeset_contains(pol->nodes_list, pn->node))
                        PROBLEM(p, PROBLEM_LISTED_NODE_NO_MEMORY, "node %d has no memory: no pool can be made there", pn->node);
                pn->wanted = false;
                pn->why = strdup_printf("node %d: no memory, no pool", pn->node);
        } else if (!pn->boot_memory) {
                const NodeBootMemory *bm = boot_memory_node(in->boot_memory, pn->node);
                if (pn->wanted && pol->nodes_mode == NODES_LIST && nodeset_contains(pol->nodes_list, pn->node))
                        PROBLEM(p, PROBLEM_LISTED_NODE_NO_BOOT_MEMORY, "node %d is listed in nodes = but cannot hold a CMA pool: its memory is not there at early boot", pn->node);
                pn->wanted = false;
                pn->why = strdup_printf("node %d: no pool possible (%s): the kernel reserves CMA areas from early-boot memory only",
                                        pn->node, bm ? bm->why : "its memory is not there at early boot");
        } else if (!pn->wanted)
                pn->why = strdup_printf("node %d: not selected by nodes = and [node.%d]", pn->node, pn->node);
        else
                return size_node(p, in, pn, align);
        return pn->why ? 0 : -ENOMEM;
}

/* Each node's pool, within what the kernel can make at boot, explained. */
static int size_nodes(Plan *p, const PlanInput *in, uint64_t align) {
        int r;
        for (size_t i = 0; i < p->n_nodes; i++)
                if ((r = decide_node(p, in, &p->nodes[i], align)) < 0)
                        return r;
        if ((r = plan_boot_limits(p, in)) < 0)
                return r;
        /* A node the CMA slots left out gets no pool: its cap is moot. */
        for (size_t i = 0; i < p->n_nodes; i++)
                if (p->nodes[i].left_out)
                        problems_remove(&p->problems, PROBLEM_POOL_CAPPED, p->nodes[i].node);
        for (size_t i = 0; i < p->n_nodes; i++)
                EXPLAIN(p, "%s", p->nodes[i].why);
        if ((r = plan_explain_bypass(p, in)) < 0 || (r = plan_explain_usage(p, in)) < 0)
                return r;
        return 0;
}

static int warn_ignoring_targets(Plan *p, const PlanInput *in) {
        for (size_t i = 0; i < in->n_targets; i++)
                /* A kernel without a config (a rescue image, say) is unknown, not incapable. */
                if (in->targets[i].per_node == PERNODE_NONE && in->targets[i].config_source &&
                    !p->implicit && p->args)
                        PROBLEM(p, PROBLEM_TARGET_IGNORES_ARGS, "kernel %s cannot make per-node CMA pools: booted, it ignores '%s'",
                                strna(in->targets[i].release), p->args[0]);
        return 0;
}

/* The decisions in turn: the kernel planned for, whether pools are of
 * use, what to do without a capable kernel, the administrator's own
 * arguments, each node's pool, and the argument that says them. */
static int compute(Plan *p, const PlanInput *in) {
        const KernelCaps *capable;
        uint64_t align;
        int r;

        if ((r = choose_reference(p, in, &capable, &align)) < 0)
                return r;
        _cleanup_(pool_users_done) PoolUsers users = { .max_node = -1 };
        if ((r = pool_users_count(in, &users)) < 0 || (r = list_nodes(p, in, &users)) < 0)
                return r;
        if ((r = pools_needed(p, in)) <= 0)
                return r;
        if (!capable)
                return without_per_node_kernel(p, in);
        if (users.all_bypass) {
                if ((r = refuse_unusable_pools(p)) < 0)
                        return r;
                return check_length(p, in);
        }
        if ((r = follow_admin_args(p, in, capable)) != 0)
                return r < 0 ? r : 0;
        if ((r = size_nodes(p, in, align)) < 0 || (r = choose_args(p, in, capable)) < 0 ||
            (r = warn_ignoring_targets(p, in)) < 0)
                return r;
        return check_length(p, in);
}

/* A bare numa_cma / cma_pernuma / hugetlb_cma (no '=') on the line: the
 * target kernel dereferences NULL at early boot (kernel_rules.h). It is the
 * administrator's token, never removed; nothing is written until it is
 * fixed, since that boot would not get far enough to use it. */
static int check_bare_params(Plan *p, const PlanInput *in) {
        for (size_t i = 0; in->admin && i < in->admin->n; i++) {
                const CmdlineToken *tok = &in->admin->tokens[i];
                for (size_t j = 0; !tok->init && !tok->value && j < in->n_targets; j++) {
                        const char *h = kernel_caps_bare_oops(&in->targets[j], tok->key);
                        if (!h)
                                continue;
                        PROBLEM(p, PROBLEM_BARE_PARAMETER, "the next boot's command line has '%s' without '=': kernel %s stops at early boot (%s dereferences the missing value); remove it or give it a value, numacma writes nothing until then",
                                tok->text, strna(in->targets[j].release), h);
                        strv_free(p->args);
                        p->args = NULL;
                        p->param = NULL;
                        p->refused = true;
                        free(p->refusal);
                        if (!(p->refusal = strdup(problems_last_text(&p->problems))))
                                return -ENOMEM;
                        break;
                }
        }
        return 0;
}

/* trace_at_boot: the dma and cma events from early boot. The kernel keeps
 * one trace_event= (the last): the administrator's is never overridden. */
static int add_trace_token(Plan *p, const PlanInput *in) {
        if (!in->policy->trace_at_boot || p->refused)
                return 0;
        int idx = cmdline_find_last(in->admin, "trace_event");
        if (idx >= 0) {
                PROBLEM(p, PROBLEM_TRACE_EVENT_ADMIN, "trace_at_boot = yes, but the command line has '%s', which numacma did not write: the kernel keeps only one trace_event=, so numacma writes none; "
                           "to trace coherent DMA from boot, add %s to it", in->admin->tokens[idx].text, TRACE_BOOT_EVENTS);
                return 0;
        }
        if (strv_extend(&p->args, TRACE_BOOT_TOKEN) < 0)
                return -ENOMEM;
        EXPLAIN(p, "trace_at_boot = yes: %s records every coherent allocation from early boot (numacmactl trace --boot)", TRACE_BOOT_TOKEN);
        return check_length(p, in);
}

int plan_compute(const PlanInput *in, Plan **ret) {
        Plan *p = calloc(1, sizeof(Plan));
        if (!p)
                return -ENOMEM;
        int r = compute(p, in);
        if (r >= 0)
                r = check_bare_params(p, in);
        if (r >= 0)
                r = add_trace_token(p, in);
        if (r < 0) {
                plan_free(p);
                return r;
        }
        *ret = p;
        return 0;
}
