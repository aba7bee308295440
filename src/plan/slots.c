/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <limits.h>

#include "basic/util.h"
#include "plan/slots.h"

bool plan_policy_covers(const Policy *pol, int node, unsigned n_acc) {
        bool wanted;
        switch (pol->nodes_mode) {
        case NODES_ALL: wanted = true; break;
        case NODES_ACCELERATORS: wanted = n_acc > 0; break;
        case NODES_LIST: wanted = nodeset_contains(pol->nodes_list, node); break;
        default: wanted = false; break;
        }
        for (size_t i = 0; i < pol->n_overrides; i++)
                if (pol->overrides[i].node == node && pol->overrides[i].has_enabled)
                        wanted = pol->overrides[i].enabled;
        return wanted;
}

/* The nodes the kernel has online, and with memory, when it reserves CMA
 * areas (kernel/kernel_rules.h EarlyOnline). */
static int early_nodes(const PlanInput *in, const KernelCaps *k, NodeSet **ret_online, NodeSet **ret_boot) {
        _cleanup_nodeset_ NodeSet *online = nodeset_new(), *boot = nodeset_new();
        bool parsed = k->rules && k->rules->early_online == EARLY_ONLINE_PARSED;
        if (!online || !boot)
                return -ENOMEM;
        for (size_t i = 0; i < in->topology->n_nodes; i++) {
                const NumaNode *n = &in->topology->nodes[i];
                bool b = n->has_memory && boot_memory_can_hold(in->boot_memory, n->id);
                bool o = parsed ? nodeset_contains(in->topology->possible, n->id) || n->online : b;
                if ((b && nodeset_add(boot, n->id) < 0) || (o && nodeset_add(online, n->id) < 0))
                        return -ENOMEM;
        }
        *ret_online = TAKE_PTR(online);
        *ret_boot = TAKE_PTR(boot);
        return 0;
}

unsigned plan_slot_budget(const PlanInput *in, CmaSlots *ret_first) {
        unsigned budget = UINT_MAX;
        bool first = true;
        for (size_t i = 0; i < in->n_targets; i++) {
                const KernelCaps *k = &in->targets[i];
                if (k->per_node == PERNODE_NONE)
                        continue;
                _cleanup_nodeset_ NodeSet *online = NULL, *boot = NULL;
                if (early_nodes(in, k, &online, &boot) < 0)
                        return 0;  /* out of memory: plan no pool rather than too many */
                uint64_t d = kernel_caps_default_area(k, cmdline_get(in->admin, "cma"), topology_total_memory(in->topology));
                CmaSlots s;
                cma_slots_count(k, in->admin, d > 0, online, boot, in->cma, &s);
                if (first && ret_first)
                        *ret_first = s;
                first = false;
                budget = MIN(budget, s.per_node);
        }
        return budget;
}

/* Lower rank first: accelerators, then DMA devices, then the rest. */
static int rank_cmp(const PlanNode *a, const PlanNode *b) {
        int ca = a->n_accelerators ? 0 : a->n_dma_devices ? 1 : 2;
        int cb = b->n_accelerators ? 0 : b->n_dma_devices ? 1 : 2;
        if (ca != cb)
                return ca - cb;
        if (ca == 0 && a->n_accelerators != b->n_accelerators)
                return a->n_accelerators > b->n_accelerators ? -1 : 1;
        if (ca == 1 && a->n_dma_devices != b->n_dma_devices)
                return a->n_dma_devices > b->n_dma_devices ? -1 : 1;
        return a->node - b->node;
}

/* "CONFIG_CMA_AREAS=20 less the default area (1), hugetlb_cma= (0) and
 * other areas (0)" */
static char *slots_text(const CmaSlots *s) {
        _cleanup_free_ char *extra = s->areas != s->config_areas ? strdup_printf(" (%u slots: MAX_CMA_AREAS was one more before 6.9)", s->areas) : strdup("");
        _cleanup_free_ char *crash = s->crash ? strdup_printf(", crashkernel=,cma (%u)", s->crash) : strdup("");
        if (!extra || !crash)
                return NULL;
        return strdup_printf("CONFIG_CMA_AREAS=%u%s less the default area (%u), hugetlb_cma= (%u)%s and other areas (%u)",
                             s->config_areas, extra, s->default_area, s->hugetlb, crash, s->other);
}

int plan_fit_slots(Plan *p, const PlanInput *in) {
        CmaSlots first = {0};
        size_t want = 0;
        p->slot_budget = plan_slot_budget(in, &first);
        for (size_t i = 0; i < p->n_nodes; i++)
                want += p->nodes[i].size > 0;
        _cleanup_free_ char *st = slots_text(&first);
        if (!st)
                return -ENOMEM;
        if (p->slot_budget == UINT_MAX || want <= p->slot_budget) {
                if (p->slot_budget != UINT_MAX && want &&
                    strv_extendf(&p->explain, "CMA slots: %s leaves %u per-node areas; %zu are asked for",
                                 st, p->slot_budget, want) < 0)
                        return -ENOMEM;
                return 0;
        }
        _cleanup_free_ size_t *order = calloc(want, sizeof(size_t));
        if (!order)
                return -ENOMEM;
        size_t n = 0;
        for (size_t i = 0; i < p->n_nodes; i++)
                if (p->nodes[i].size)
                        order[n++] = i;
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && rank_cmp(&p->nodes[order[j - 1]], &p->nodes[order[j]]) > 0; j--) {
                        size_t x = order[j];
                        order[j] = order[j - 1];
                        order[j - 1] = x;
                }
        StrBuf kept = {0}, out = {0};
        for (size_t i = 0; i < n; i++) {
                PlanNode *pn = &p->nodes[order[i]];
                const char *what = pn->n_accelerators ? "accelerators" : pn->n_dma_devices ? "DMA devices" : "no device";
                if (i < p->slot_budget) {
                        strbuf_printf(&kept, "%s%d (%s)", kept.len ? ", " : "", pn->node, what);
                        continue;
                }
                strbuf_printf(&out, "%s%d (%s)", out.len ? ", " : "", pn->node, what);
                pn->size = 0;
                pn->left_out = true;
                free(pn->why);
                pn->why = strdup_printf("node %d: left out: the kernel's %u CMA slots went to nodes with more need", pn->node, first.areas);
                if (!pn->why) {
                        strbuf_done(&kept);
                        strbuf_done(&out);
                        return -ENOMEM;
                }
        }
        int r = strv_extendf(&p->explain, "CMA slots: %s leaves %u per-node areas for %zu nodes: accelerator nodes first, then nodes with DMA devices, then the rest",
                             st, p->slot_budget, want);
        if (r >= 0)
                r = strv_extendf(&p->explain, "kept: %s", strempty(kept.buf));
        if (r >= 0)
                r = strv_extendf(&p->explain, "left out: %s", strempty(out.buf));
        if (r >= 0)
                r = problems_addf(&p->problems, PROBLEM_CMA_SLOTS_SHORT, "the kernel has CMA slots for %u per-node pools (CONFIG_CMA_AREAS=%u) but %zu nodes want one: %s %s get%s none",
                                 p->slot_budget, first.config_areas, want, n - p->slot_budget == 1 ? "node" : "nodes",
                                 strempty(out.buf), n - p->slot_budget == 1 ? "s" : "");
        strbuf_done(&kept);
        strbuf_done(&out);
        return r < 0 ? -ENOMEM : 0;
}

uint64_t pool_suggested_size(uint64_t size, uint64_t used, uint64_t failed, uint64_t align) {
        uint64_t demand = used + failed;
        uint64_t s = MAX(2 * demand, size + failed);
        if (align)
                s = ALIGN_UP(s, align);
        return s;
}

int plan_explain_usage(Plan *p, const PlanInput *in) {
        if (!in->usage || !in->cma || !in->usage->known)
                return 0;
        uint64_t ps = in->n_targets && in->targets[0].page_size ? in->targets[0].page_size : 4096;
        uint64_t align = in->n_targets && in->targets[0].cma_align ? in->targets[0].cma_align : 2 * MIB;
        for (size_t i = 0; i < in->cma->n_areas; i++) {
                const CmaArea *a = &in->cma->areas[i];
                const CmaAreaUsage *u = cma_usage_area(in->usage, in->cma, a->kind, a->node);
                if ((a->kind != AREA_NUMA && a->kind != AREA_PERNUMA) || !u || !u->has_fail || !u->alloc_fail || !a->has_total)
                        continue;
                uint64_t size = a->total_pages * ps, used = u->has_used ? u->used_pages * ps : 0;
                uint64_t sug = pool_suggested_size(size, used, u->alloc_fail * ps, align);
                _cleanup_free_ char *s = format_mib(size), *us = format_mib(used), *su = format_mib(sug);
                if (strv_extendf(&p->explain, "node %d: the %s pool '%s' failed %" PRIu64 " pages of allocations this boot with %s in use: suggested %s = max(2 x (in use + failed), size + failed), rounded up to the CMA alignment (set [node.%d] size = or per_accelerator =)",
                                 a->node, s, a->name, u->alloc_fail, us, su, a->node) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* 7.2's dma_contiguous_reserve() returns when the default area fails,
 * before dma_numa_cma_reserve() (kernel_rules.h
 * default_failure_stops_per_node): per-node pools need the default area to
 * succeed first. The running kernel shows whether it did with this cma=. */
static int check_default_area(Plan *p, const PlanInput *in) {
        const CmaState *c = in->cma;
        if (!c || !c->has_zoneinfo || !c->zoneinfo_has_cma || !p->default_area)
                return 0;
        uint64_t pages = 0;
        for (size_t i = 0; i < c->n_nodes; i++)
                pages += c->nodes[i].cma_pages;
        const KernelCaps *stops = NULL;
        for (size_t i = 0; i < in->n_targets && !stops; i++)
                if (in->targets[i].per_node != PERNODE_NONE && in->targets[i].rules->default_failure_stops_per_node)
                        stops = &in->targets[i];
        if (pages || !stops)
                return 0;
        _cleanup_free_ char *d = format_mib(p->default_area);
        const char *cma = cmdline_get(in->admin, "cma");
        return problems_addf(&p->problems, PROBLEM_DEFAULT_AREA_FAILED, "the running kernel made no CMA area at all, not even the %s default area%s%s%s: when the default area fails, kernel %s (%s) makes no per-node pool either (dma_contiguous_reserve() returns before dma_numa_cma_reserve()); per-node arguments cannot help until the default area fits (a smaller cma=, below the DMA limit)",
                            d, cma ? " (cma=" : "", strempty(cma), cma ? ")" : "", strna(stops->release), stops->rules->releases) < 0 ? -ENOMEM : 0;
}

int plan_boot_limits(Plan *p, const PlanInput *in) {
        int r = check_default_area(p, in);
        return r < 0 ? r : plan_fit_slots(p, in);
}
