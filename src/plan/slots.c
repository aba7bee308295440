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

void prediction_limits_done(PredictionLimits *l) {
        nodeset_free(l->not_boot);
        nodeset_free(l->no_slot);
        *l = (PredictionLimits){0};
}

static int add(NodeSet **s, int node) {
        if (!*s && !(*s = nodeset_new()))
                return -ENOMEM;
        return nodeset_add(*s, node);
}

static unsigned boot_nodes(const BootMemory *bm) {
        unsigned n = 0;
        for (size_t i = 0; bm && i < bm->n_nodes; i++)
                n += bm->nodes[i].boot;
        return n;
}

int prediction_limit(Prediction *pr, const KernelCaps *k, const Cmdline *line, const BootMemory *bm,
                     const CmaState *running, PredictionLimits *ret) {
        PredictionLimits l = {0};
        int r = 0;
        cma_slots_count(k, line, pr->default_area > 0, bm ? boot_nodes(bm) : (unsigned) pr->n_nodes, running, &l.slots);
        /* hugetlb_cma= comes after the per-node areas: it does not take theirs. */
        unsigned left = l.slots.per_node == UINT_MAX ? UINT_MAX : l.slots.per_node + l.slots.hugetlb;
        for (int n = 0; n < pr->n_nodes && r >= 0; n++) {
                if (!pr->pool[n])
                        continue;
                if (bm && !boot_memory_can_hold(bm, n)) {
                        pr->pool[n] = 0;
                        r = add(&l.not_boot, n);
                } else if (left == 0) {
                        pr->pool[n] = 0;
                        r = add(&l.no_slot, n);
                } else if (left != UINT_MAX)
                        left--;
        }
        if (r < 0) {
                prediction_limits_done(&l);
                return r;
        }
        *ret = l;
        return 0;
}

unsigned plan_slot_budget(const PlanInput *in, CmaSlots *ret_first) {
        unsigned budget = UINT_MAX, n_boot = 0;
        bool first = true;
        for (size_t i = 0; i < in->topology->n_nodes; i++)
                if (in->topology->nodes[i].online && in->topology->nodes[i].has_memory &&
                    boot_memory_can_hold(in->boot_memory, in->topology->nodes[i].id))
                        n_boot++;
        for (size_t i = 0; i < in->n_targets; i++) {
                const KernelCaps *k = &in->targets[i];
                if (k->per_node == PERNODE_NONE)
                        continue;
                uint64_t d = kernel_caps_default_area(k, cmdline_get(in->admin, "cma"), topology_total_memory(in->topology));
                CmaSlots s;
                cma_slots_count(k, in->admin, d > 0, n_boot, in->cma, &s);
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

int plan_fit_slots(Plan *p, const PlanInput *in) {
        CmaSlots first = {0};
        size_t want = 0;
        p->slot_budget = plan_slot_budget(in, &first);
        for (size_t i = 0; i < p->n_nodes; i++)
                want += p->nodes[i].size > 0;
        if (p->slot_budget == UINT_MAX || want <= p->slot_budget) {
                if (p->slot_budget != UINT_MAX && want &&
                    strv_extendf(&p->explain, "CMA slots: CONFIG_CMA_AREAS=%u less the default area (%u), hugetlb_cma= (%u) and other areas (%u) leaves %u per-node areas; %zu are asked for",
                                 first.areas, first.default_area, first.hugetlb, first.other, p->slot_budget, want) < 0)
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
        int r = strv_extendf(&p->explain, "CMA slots: CONFIG_CMA_AREAS=%u less the default area (%u), hugetlb_cma= (%u) and other areas (%u) leaves %u per-node areas for %zu nodes: accelerator nodes first, then nodes with DMA devices, then the rest",
                             first.areas, first.default_area, first.hugetlb, first.other, p->slot_budget, want);
        if (r >= 0)
                r = strv_extendf(&p->explain, "kept: %s", strempty(kept.buf));
        if (r >= 0)
                r = strv_extendf(&p->explain, "left out: %s", strempty(out.buf));
        if (r >= 0)
                r = problems_addf(&p->problems, PROBLEM_CMA_SLOTS_SHORT, "the kernel has CMA slots for %u per-node pools (CONFIG_CMA_AREAS=%u) but %zu nodes want one: %s %s get%s none",
                                 p->slot_budget, first.areas, want, n - p->slot_budget == 1 ? "node" : "nodes",
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
 * before dma_numa_cma_reserve(): per-node pools need the default area to
 * succeed first. The running kernel shows whether it did with this cma=. */
static int check_default_area(Plan *p, const PlanInput *in) {
        const CmaState *c = in->cma;
        if (!c || !c->has_zoneinfo || !c->zoneinfo_has_cma || !p->default_area)
                return 0;
        uint64_t pages = 0;
        for (size_t i = 0; i < c->n_nodes; i++)
                pages += c->nodes[i].cma_pages;
        bool single = false;
        for (size_t i = 0; i < in->n_targets; i++)
                single |= in->targets[i].per_node != PERNODE_NONE && in->targets[i].single_array;
        if (pages || !single)
                return 0;
        _cleanup_free_ char *d = format_mib(p->default_area);
        const char *cma = cmdline_get(in->admin, "cma");
        return problems_addf(&p->problems, PROBLEM_DEFAULT_AREA_FAILED, "the running kernel made no CMA area at all, not even the %s default area%s%s%s: when the default area fails, 7.2 makes no per-node pool either (dma_contiguous_reserve() returns before dma_numa_cma_reserve()); per-node arguments cannot help until the default area fits (a smaller cma=, below the DMA limit)",
                            d, cma ? " (cma=" : "", strempty(cma), cma ? ")" : "") < 0 ? -ENOMEM : 0;
}

int plan_boot_limits(Plan *p, const PlanInput *in) {
        int r = check_default_area(p, in);
        return r < 0 ? r : plan_fit_slots(p, in);
}
