/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "basic/util.h"
#include "kernel/cma_args.h"
#include "status/status.h"
#include "status/status_devices.h"

const char *state_to_string(State s) {
        switch (s) {
        case STATE_OK: return "ok";
        case STATE_PENDING_REBOOT: return "pending-reboot";
        case STATE_DEGRADED: return "degraded";
        default: return "unsupported";
        }
}

void status_free(Status *s) {
        if (!s)
                return;
        cmdline_free(s->booted);
        prediction_done(&s->booted_pred);
        prediction_done(&s->next_pred);
        free(s->nodes);
        free(s->accels);
        free(s->devices);
        prediction_limits_done(&s->booted_limits);
        free(s->summary);
        problems_done(&s->problems);
        free(s);
}

#define PROBLEM(s, code, ...) do { if (problems_addf(&(s)->problems, code, __VA_ARGS__) < 0) return -ENOMEM; } while (0)

static uint64_t page_size_of(const Status *s) {
        uint64_t pages = 0;
        for (size_t i = 0; i < s->cma->n_nodes; i++)
                pages += s->cma->nodes[i].cma_pages;
        if (s->cma->has_meminfo && pages && s->cma->cma_total_kb) {
                uint64_t ps = s->cma->cma_total_kb * KIB / pages;
                for (uint64_t p = 4096; p <= 65536; p <<= 1)
                        if (ps == p)
                                return p;
        }
        return s->running->page_size ? s->running->page_size : 4096;
}

/* The node's hugetlb_cma= area: its size in sysfs (6.15+), else what the
 * booted line made there by the kernel's rules (plan/predict.h). */
static uint64_t hugetlb_on(const Status *s, int node) {
        _cleanup_free_ char *name = strdup_printf("hugetlb%d", node);
        for (size_t i = 0; name && i < s->cma->n_areas; i++)
                if (streq(s->cma->areas[i].name, name) && s->cma->areas[i].has_total)
                        return s->cma->areas[i].total_pages * s->page_size;
        return prediction_hugetlb(&s->booted_pred, node);
}

/* The default area's size: sysfs, else what the booted line asked for;
 * none where no CMA page is anywhere. */
static void active_default_area(Status *s) {
        const CmaState *c = s->cma;
        const CmaArea *def = cma_state_area(c, AREA_DEFAULT, -1);

        if (def && def->has_total)
                s->default_area = def->total_pages * s->page_size;
        else if (c->has_sysfs && !def)
                s->default_area = 0;
        else
                s->default_area = s->booted_pred.default_area;
        uint64_t zone_pages = 0;
        for (size_t i = 0; i < c->n_nodes; i++)
                zone_pages += c->nodes[i].cma_pages;
        /* No CMA page anywhere: no default area, whatever was asked. */
        if (!c->zoneinfo_has_cma || (c->has_zoneinfo && !zone_pages))
                s->default_area = 0;
}

/* Which node holds the default area: the node whose CMA exceeds its
 * per-node areas by the default area's size. */
static void find_default_node(Status *s) {
        const CmaState *c = s->cma;
        uint64_t ps = s->page_size;
        s->default_node = -1;
        if (!s->default_area)
                return;
        uint64_t best_diff = UINT64_MAX;
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                uint64_t pools = 0;
                bool known = false;
                if (c->has_sysfs) {
                        const CmaArea *a = cma_state_area(c, AREA_NUMA, n->node);
                        const CmaArea *b = cma_state_area(c, AREA_PERNUMA, n->node);
                        known = (!a || a->has_total) && (!b || b->has_total);
                        pools = (a ? a->total_pages * ps : 0) + (b ? b->total_pages * ps : 0);
                }
                if (!known)
                        pools = prediction_pool(&s->booted_pred, n->node);
                pools += hugetlb_on(s, n->node);
                if (n->cma < s->default_area)
                        continue;
                uint64_t rest = n->cma - s->default_area;
                uint64_t diff = rest > pools ? rest - pools : pools - rest;
                /* Without sizes from sysfs, the pool may have failed: any
                 * node with room is a candidate; prefer the exact one. */
                if (diff < best_diff) {
                        best_diff = diff;
                        s->default_node = n->node;
                }
        }
        s->default_node_known = s->default_node >= 0;
}

/* Node n's own pool: its per-node areas from sysfs, else its CMA less the
 * default area and hugetlb_cma= there. */
static void node_local_pool(Status *s, NodeStatus *n) {
        const CmaState *c = s->cma;
        uint64_t ps = s->page_size;
        uint64_t on_node_default = n->node == s->default_node ? s->default_area : 0;
        const CmaArea *a = cma_state_area(c, AREA_NUMA, n->node);
        const CmaArea *b = cma_state_area(c, AREA_PERNUMA, n->node);
        if (c->has_sysfs && (a || b) && (!a || a->has_total) && (!b || b->has_total)) {
                n->local_pool = (a ? a->total_pages : 0) * ps + (b ? b->total_pages : 0) * ps;
                n->has_local_pool = n->local_pool > 0;
                if ((!a || a->has_available) && (!b || b->has_available)) {
                        n->local_pool_free = ((a ? a->available_pages : 0) + (b ? b->available_pages : 0)) * ps;
                        n->local_pool_free_known = true;
                }
                return;
        }
        if (c->has_sysfs && !a && !b) {
                n->has_local_pool = false;
                return;
        }
        uint64_t not_pool = on_node_default + hugetlb_on(s, n->node);
        n->local_pool = n->cma > not_pool ? n->cma - not_pool : 0;
        n->has_local_pool = n->local_pool > 0;
        if (!on_node_default) {
                n->local_pool_free = n->cma_free;
                n->local_pool_free_known = true;
        }
}

static int compute_active(Status *s) {
        active_default_area(s);
        /* Per-node areas known by size from sysfs. */
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                const ZoneCma *z = cma_state_zone(s->cma, n->node);
                if (z) {
                        n->cma = z->cma_pages * s->page_size;
                        n->cma_free = z->free_cma_pages * s->page_size;
                }
        }
        find_default_node(s);
        for (size_t i = 0; i < s->n_nodes; i++)
                node_local_pool(s, &s->nodes[i]);
        return 0;
}

static const NodeStatus *node_of(const Status *s, int node) {
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].node == node)
                        return &s->nodes[i];
        return NULL;
}

/* Is a pool used? The CMA sysfs counters (kernel/cma_usage.h). */
static void compute_usage(Status *s) {
        const CmaState *c = s->cma;
        uint64_t ps = s->page_size;
        if (!s->usage || !s->usage->known) {
                /* No CMA sysfs (Debian's 6.12): where the default area is
                 * all the CMA of its node, zoneinfo's free count is its
                 * usage (movable pages go there only under pressure). */
                const NodeStatus *n = s->default_area && s->default_node_known ? node_of(s, s->default_node) : NULL;
                if (n && n->cma == s->default_area && n->cma >= n->cma_free) {
                        s->default_usage_known = s->default_usage_zoneinfo = true;
                        s->default_used = n->cma - n->cma_free;
                }
                return;
        }
        const CmaAreaUsage *d = cma_usage_area(s->usage, c, AREA_DEFAULT, -1);
        if (d && d->has_used) {
                s->default_usage_known = true;
                s->default_used = d->used_pages * ps;
                s->default_alloc_failures = d->has_fail ? d->alloc_fail : 0;
        }
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                const CmaAreaUsage *a = cma_usage_area(s->usage, c, AREA_NUMA, n->node);
                const CmaAreaUsage *b = cma_usage_area(s->usage, c, AREA_PERNUMA, n->node);
                if ((!a && !b) || (a && !a->has_used) || (b && !b->has_used))
                        continue;
                n->usage_known = true;
                n->local_pool_used = ((a ? a->used_pages : 0) + (b ? b->used_pages : 0)) * ps;
                n->local_pool_alloc_failures = (a && a->has_fail ? a->alloc_fail : 0) + (b && b->has_fail ? b->alloc_fail : 0);
                if (n->local_pool_alloc_failures)
                        n->suggested = pool_suggested_size(n->local_pool, n->local_pool_used,
                                                           n->local_pool_alloc_failures * ps, s->running->cma_align);
        }
}

static char *node_list(const Status *s, bool (*pick)(const Status *s, const NodeStatus *n)) {
        StrBuf b = {0};
        for (size_t i = 0; i < s->n_nodes; i++)
                if (pick(s, &s->nodes[i]))
                        strbuf_printf(&b, "%s%d", b.len ? ", " : "", s->nodes[i].node);
        return b.oom ? (strbuf_done(&b), NULL) : b.buf ? strbuf_steal(&b) : strdup("");
}

/* A node the slots ran out before, unless the default area lies on it:
 * that area serves it locally (as for patch 0003's implicit areas). */
static bool pick_no_slot(const Status *s, const NodeStatus *n) {
        return n->booted_no_slot && !n->has_local_pool &&
               !(s->default_area && s->default_node_known && n->node == s->default_node);
}

/* A failed default area: 7.2's dma_contiguous_reserve() returns before
 * dma_numa_cma_reserve() (kernel/dma/contiguous.c), so no per-node area is
 * made either; earlier releases reserve the per-node areas first. */
static int judge_default_area(Status *s, bool *failed) {
        if (!s->cma->zoneinfo_has_cma || !s->booted_pred.default_area || s->default_area)
                return 0;
        bool any_pool = false;
        for (size_t i = 0; i < s->n_nodes; i++)
                any_pool |= s->nodes[i].has_local_pool;
        /* What the default area took with it (kernel_rules.h): every per-node
         * area where the kernel returns early, the implicit ones anywhere
         * (they copy its size). */
        bool stopped = nodeset_count(s->booted_limits.default_failed) > 0;
        bool implicit_lost = s->running->implicit_per_node && !s->booted_pred.explicit_args && s->booted_pred.early_online > 1;
        _cleanup_free_ char *d = format_mib(s->booted_pred.default_area);
        if ((stopped || implicit_lost) && !any_pool) {
                s->default_area_failed = *failed = true;
                if (s->running->rules->default_failure_stops_per_node)
                        PROBLEM(s, PROBLEM_DEFAULT_AREA_FAILED, "the kernel could not reserve its %s default CMA area and so made no per-node pool at all: %s returns from dma_contiguous_reserve() before dma_numa_cma_reserve() when the default area fails (see 'dmesg | grep -i cma'); a cma= that fits below the DMA limit brings both back",
                                d, strna(s->running->release));
                else
                        PROBLEM(s, PROBLEM_DEFAULT_AREA_FAILED, "the kernel could not reserve its %s default CMA area and so made none of its implicit per-node areas (they copy its size; %s makes explicit ones either way: numa_cma= would): see 'dmesg | grep -i cma'; a cma= that fits below the DMA limit brings them back",
                                d, strna(s->running->release));
                return 0;
        }
        PROBLEM(s, PROBLEM_DEFAULT_AREA_FAILED, "the kernel did not reserve its default CMA area (%" PRIu64 " MiB asked): see 'dmesg | grep -i cma'",
                s->booted_pred.default_area / MIB);
        return 0;
}

static int judge_limits(Status *s, bool *failed) {
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                if (!n->has_memory || n->boot_memory)
                        continue;
                PROBLEM(s, PROBLEM_NODE_NO_BOOT_MEMORY, "node %d cannot hold a CMA pool: %s; the kernel reserves CMA areas from early-boot memory only%s",
                        n->node, strna(n->boot_memory_why),
                        n->booted_not_boot ? " (the pool the booted command line asks for there is not made, as expected)" : "");
        }
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                if (n->booted_no_slot && !n->has_local_pool && !pick_no_slot(s, n))
                        PROBLEM(s, PROBLEM_SLOTS_DEFAULT_NODE, "node %d: the kernel's CMA slots ran out before its per-node area, but the default area lies on it and serves it locally",
                                n->node);
        }
        _cleanup_free_ char *cut = node_list(s, pick_no_slot);
        if (!cut)
                return -ENOMEM;
        if (*cut) {
                const CmaSlots *sl = &s->booted_slots;
                _cleanup_free_ char *order = kernel_rules_order_string(s->running->rules);
                if (!order)
                        return -ENOMEM;
                *failed = true;
                PROBLEM(s, PROBLEM_CMA_SLOTS_EXHAUSTED, "node%s %s: the booted command line asks for pools there, but the kernel's CMA slots ran out first (CONFIG_CMA_AREAS=%u: the default area %u, hugetlb_cma= %u, other areas %u; %s %s reserves %s, the per-node ones in node order)%s; %s",
                        strchr(cut, ',') ? "s" : "", cut, sl->config_areas, sl->default_area, sl->hugetlb, sl->other,
                        strna(s->running->release), s->running->rules->releases, order,
                        s->log && s->log->slots_exhausted ? ": 'Not enough slots for CMA reserved regions!'" : "",
                        sl->per_node ? "'numacmactl apply' writes a numa_cma= within the slots" :
                                       "no per-node pool fits in them: fewer hugetlb_cma= areas, or a kernel built with a larger CONFIG_CMA_AREAS, make room");
        }
        return 0;
}

static int judge_usage(Status *s) {
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                if (!n->local_pool_alloc_failures)
                        continue;
                _cleanup_free_ char *sz = format_mib(n->local_pool), *sug = format_mib(n->suggested);
                PROBLEM(s, PROBLEM_POOL_TOO_SMALL, "node %d: the %s pool is too small: %" PRIu64 " pages of allocations failed there this boot (they fell back to the default area or the page allocator); suggested size %s (see 'numacmactl plan --explain')",
                        n->node, sz, n->local_pool_alloc_failures, sug);
        }
        if (s->default_alloc_failures) {
                _cleanup_free_ char *sz = format_mib(s->default_area);
                PROBLEM(s, PROBLEM_DEFAULT_AREA_ALLOC_FAILED, "the %s default area had %" PRIu64 " pages of failed allocations this boot", sz, s->default_alloc_failures);
        }
        return 0;
}

/* What the running kernel did not take from the booted line: unknown or
 * ignored arguments, and CMA arguments after "--". */
static int judge_booted_args(Status *s, bool *failed) {
        const char *rel = strna(s->running->release);
        for (char **i = s->booted_pred.ignored; i && *i; i++)
                PROBLEM(s, PROBLEM_BOOTED_ARG_UNKNOWN, "the running kernel %s does not know '%s': it passed it to init and made no pool for it", rel, *i);
        for (char **i = s->booted_pred.notes; i && *i; i++)
                PROBLEM(s, PROBLEM_BOOTED_ARG_IGNORED, "%s", *i);

        /* After "--" a token is init's: the kernel never saw it. */
        for (size_t i = 0; i < s->booted->n; i++) {
                const CmdlineToken *t = &s->booted->tokens[i];
                if (!t->init || !t->key || !cma_key_is_cma(t->key))
                        continue;
                bool ours = strv_contains(s->next->owned, t->text);
                *failed = *failed || ours;
                PROBLEM(s, PROBLEM_ARG_AFTER_DASHDASH, "'%s' comes after '--' on the booted command line: the kernel passed it to init and made no area for it%s",
                        t->text, ours ? " (numacma's own: run 'numacmactl apply' to write it before '--')" : "");
        }
        return 0;
}

/* A pool the booted line asks for that the kernel made smaller: a failure
 * where the node's memory was there at early boot. */
static int judge_reservations(Status *s, bool *failed) {
        for (size_t i = 0; i < s->n_nodes && !s->default_area_failed; i++) {
                NodeStatus *n = &s->nodes[i];
                if (!n->has_memory || !n->booted || n->local_pool >= n->booted)
                        continue;
                _cleanup_free_ char *want = format_mib(n->booted), *have = format_mib(n->local_pool);
                /* A failure only when the node's memory was there at
                 * early boot: else the kernel could not have made it. */
                if (!n->boot_memory_known) {
                        PROBLEM(s, PROBLEM_BOOT_MEMORY_UNKNOWN, "node %d: the booted command line asks for a %s pool and the kernel reserved %s; whether the node's memory was there at early boot is unknown (%s), so this is no known failure: if it was hot-added, no pool can be made there",
                                n->node, want, have, s->log && s->log->unknown_why ? s->log->unknown_why : "nothing this boot left tells");
                        continue;
                }
                *failed = true;
                PROBLEM(s, PROBLEM_POOL_RESERVATION_FAILED, "node %d: the booted command line asks for a %s pool but the kernel reserved %s (reservation failed: see 'dmesg | grep -i cma')",
                        n->node, want, have);
        }
        return 0;
}

/* An accelerator no pool can serve (no node) or served from the default
 * area on another node. */
static int judge_accelerators(Status *s, size_t n_online, bool *remote) {
        for (size_t i = 0; i < s->n_accels; i++) {
                AccelStatus *a = &s->accels[i];
                int node = a->dev->numa_node;
                if (node < 0 && n_online > 1) {
                        PROBLEM(s, PROBLEM_ACCELERATOR_NO_NODE, "accelerator %s has no NUMA node (numa_node -1): no per-node pool can serve it; its coherent DMA %s",
                                a->dev->address, s->default_area ? "comes from the default area" : "comes from the page allocator");
                        continue;
                }
                if (node >= 0 && a->remote_default) {
                        _cleanup_free_ char *d = format_mib(s->default_area);
                        *remote = true;
                        PROBLEM(s, PROBLEM_ACCELERATOR_REMOTE, "accelerator %s on node %d has no local CMA pool: its coherent DMA comes from the %s default area on node %d",
                                a->dev->address, node, d, s->default_node);
                }
        }
        return 0;
}

/* A node the plan gives a pool that has none, while the default area
 * is elsewhere: whatever comes there later is served remotely. */
static int judge_nodes_without_pool(Status *s, bool *remote) {
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                /* Not for a node without devices whose memory may have come
                 * after boot: nothing is served remotely there now, and
                 * whether a pool can ever be made is unknown. */
                if (!n->has_memory || !n->desired || n->has_local_pool || !s->default_area || n->n_remote_devices ||
                    !s->default_node_known || n->node == s->default_node || s->running->per_node == PERNODE_NONE ||
                    (!n->boot_memory_known && !n->n_devices))
                        continue;
                _cleanup_free_ char *d = format_mib(s->default_area);
                *remote = true;
                PROBLEM(s, PROBLEM_NODE_NO_POOL, "node %d has no local CMA pool: its devices' coherent DMA comes from the %s default area on node %d",
                        n->node, d, s->default_node);
        }
        return 0;
}

/* The next boot: whether its CMA arguments differ from the booted ones
 * (*ret_pending), and what is known to be wrong with its configuration. */
static int judge_next_boot(Status *s, bool *ret_pending) {
        bool pending = false;
        if (s->next->cmdline) {
                int r = cma_args_differ(s->next->cmdline, s->booted_cmdline);
                if (r < 0)
                        return r;
                pending = r > 0;
        }
        s->reboot_required = *ret_pending = pending;
        if (s->next->last_error)
                PROBLEM(s, PROBLEM_APPLY_FAILED, "the last update of the boot configuration failed: %s", s->next->last_error);
        if (!s->next->cmdline && s->next->unknown_reason)
                PROBLEM(s, PROBLEM_NEXT_BOOT_UNKNOWN, "the next boot's command line is unknown: %s", s->next->unknown_reason);
        if (s->next->stale)
                PROBLEM(s, PROBLEM_GRUB_CFG_STALE, "%s", s->next->stale);
        FOREACH_PROBLEM(p, &s->next->problems)
                PROBLEM(s, p->code, "%s", p->text);
        if (!s->next->has_record && s->plan->admin_conflict)
                PROBLEM(s, PROBLEM_NO_OWNERSHIP_RECORD, "there is no ownership record (/var/lib/numacma/owned): the per-node arguments of the next boot are kept as the administrator's, since numacma removes only what its record proves it wrote; to let numacma manage them, remove them and run 'numacmactl apply'");
        for (char **t = s->next->record_ignored; t && *t; t++)
                PROBLEM(s, PROBLEM_RECORD_IGNORED, "the ownership record names '%s', which numacma never writes: ignored, and never removed", *t);
        return 0;
}

/* The plan's problems, unless the status said the same (the same text, or
 * the same code: a failed default area seen by both). */
static int adopt_plan_problems(Status *s) {
        size_t own = s->problems.n;
        FOREACH_PROBLEM(p, &s->plan->problems) {
                bool said = problems_contain_text(&s->problems, p->text);
                for (size_t i = 0; i < own && !said; i++)
                        said = s->problems.items[i].code == p->code && p->node < 0;
                if (!said && problems_addf_node(&s->problems, p->code, p->node, "%s", p->text) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* The policy asks for pools the next boot does not have: apply, or (not
 * managed) write them yourself. */
static int judge_apply_needed(Status *s) {
        bool differs = false;
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].has_memory && s->nodes[i].desired != (s->nodes[i].next_known ? s->nodes[i].next_boot : s->nodes[i].booted))
                        differs = true;
        if (!differs || s->plan->refused)
                return 0;
        _cleanup_free_ char *args = plan_args_string(s->plan);
        if (!args)
                return -ENOMEM;
        if (s->policy->manage)
                PROBLEM(s, PROBLEM_APPLY_NEEDED, "the policy asks for pools the %s does not have%s%s%s: run 'numacmactl apply' (or set [daemon] apply = yes)",
                        s->next->cmdline ? "boot configuration" : "booted command line",
                        *args ? " (" : "", args, *args ? ")" : "");
        else
                PROBLEM(s, PROBLEM_BOOT_NOT_MANAGED, "the policy asks for pools the %s does not have%s%s%s, and numacma may not change it ([boot] manage = no; Debian: dpkg-reconfigure numacma): write them yourself, or let numacma",
                        s->next->cmdline ? "boot configuration" : "booted command line",
                        *args ? " (" : "", args, *args ? ")" : "");
        return 0;
}

/* The state: a failure first, then a pending reboot, a kernel without
 * per-node pools, remote DMA; else ok. */
static State decide_state(const Status *s, size_t n_online, bool failed, bool pending, bool remote) {
        bool unsupported = n_online > 1 && s->default_area && s->running->per_node == PERNODE_NONE;
        if (failed || s->next->last_error)
                return STATE_DEGRADED;
        if (pending)
                return STATE_PENDING_REBOOT;
        if (unsupported)
                return STATE_UNSUPPORTED;
        if (remote)
                return STATE_DEGRADED;
        return STATE_OK;
}

static int judge(Status *s) {
        size_t n_online = 0;
        bool failed = false, remote = false, pending = false;
        int r;

        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].online)
                        n_online++;
        if ((r = judge_booted_args(s, &failed)) < 0 || (r = judge_default_area(s, &failed)) < 0 ||
            (r = judge_limits(s, &failed)) < 0 || (r = judge_reservations(s, &failed)) < 0 ||
            (r = judge_accelerators(s, n_online, &remote)) < 0)
                return r;
        /* Not only accelerators: every device's coherent DMA above a page
         * comes from the default area when its node has no pool. */
        if ((r = status_judge_devices(s, &remote)) < 0 || (r = judge_usage(s)) < 0 ||
            (r = judge_nodes_without_pool(s, &remote)) < 0 || (r = judge_next_boot(s, &pending)) < 0 ||
            (r = adopt_plan_problems(s)) < 0 || (r = judge_apply_needed(s)) < 0)
                return r;
        s->state = decide_state(s, n_online, failed, pending, remote);
        return 0;
}

/* The first problem (not a note): the headline's one thing to do. */
static const Problem *first_problem(const Status *s, size_t *ret_n) {
        const Problem *first = NULL;
        size_t n = 0;
        FOREACH_PROBLEM(p, &s->problems)
                if (problem_info(p->code)->kind == PROBLEM_KIND_PROBLEM && !n++)
                        first = p;
        *ret_n = n;
        return first;
}

/* The first candidate that fits max, else the last one cut with "...". */
static char *fit(char *const *candidates, size_t n, size_t max) {
        for (size_t i = 0; i < n; i++)
                if (candidates[i] && strlen(candidates[i]) <= max)
                        return strdup(candidates[i]);
        const char *last = candidates[n - 1];
        return last ? strdup_printf("%.*s...", (int) max - 3, last) : NULL;
}

/* What is true of the pools when the state is ok. *ret_moot: numacma has
 * nothing to do here whatever else is listed (one node, no default area). */
static char *ok_fact(const Status *s, bool *ret_moot) {
        size_t acc_nodes = 0, acc_nodes_local = 0, pools = 0, mem_nodes = 0;
        for (size_t i = 0; i < s->n_nodes; i++) {
                const NodeStatus *n = &s->nodes[i];
                if (n->online && n->has_memory && n->boot_memory)
                        mem_nodes++;
                if (n->has_local_pool || (s->default_area && n->node == s->default_node))
                        pools++;
                if (n->n_accelerators) {
                        acc_nodes++;
                        if (n->has_local_pool || n->node == s->default_node || !s->default_area)
                                acc_nodes_local++;
                }
        }
        *ret_moot = mem_nodes <= 1 || (!s->default_area && !pools);
        if (mem_nodes <= 1)
                return strdup("one NUMA node: all memory is local");
        if (!s->default_area && !pools)
                return strdup_printf("no default CMA area: DMA is node-local on all %zu nodes", mem_nodes);
        if (acc_nodes)
                return strdup_printf("%zu/%zu accelerator nodes have local pools", acc_nodes_local, acc_nodes);
        return strdup_printf("%zu/%zu nodes have local CMA pools", pools, mem_nodes);
}

/* The headline: the state's fact and the one thing to do, in one short
 * line (systemctl status' STATUS=, the first line of numacmactl status);
 * the problems below say the rest. */
static int summarize(Status *s) {
        size_t n_problems = 0;
        const Problem *p = first_problem(s, &n_problems);
        const ProblemInfo *pi = p ? problem_info(p->code) : NULL;
        _cleanup_free_ char *fact = NULL, *more = n_problems > 1 ? strdup_printf(" (+%zu more)", n_problems - 1) : strdup("");
        char *c[3] = {};
        bool moot = false;

        switch (s->state) {
        case STATE_PENDING_REBOOT:
                /* "written" only of what numacma's record says it wrote. */
                if (next_boot_written(s->next, s->plan->args)) {
                        _cleanup_free_ char *args = plan_args_string(s->plan);
                        const char *b = s->next->backend ? s->next->backend : "the boot configuration";
                        if (!args)
                                return -ENOMEM;
                        c[0] = strdup_printf("reboot pending: %s written to %s", args, b);
                        c[1] = strdup_printf("reboot pending: CMA arguments written to %s", b);
                } else
                        c[0] = strdup("reboot pending: the next boot's CMA arguments differ from the booted ones");
                break;
        case STATE_UNSUPPORTED:
                c[0] = strdup_printf("kernel %s cannot make per-node CMA pools: see numacma-kernel-patches",
                                     strna(s->running->release));
                c[1] = strdup("the kernel cannot make per-node CMA pools: see numacma-kernel-patches");
                break;
        case STATE_DEGRADED:
                c[0] = pi ? strdup_printf("%s: %s%s", pi->title, pi->action, strempty(more)) : NULL;
                c[1] = pi ? strdup_printf("%s: %s", pi->title, pi->action) : strdup("degraded: see 'numacmactl status'");
                break;
        default:
                if (!(fact = ok_fact(s, &moot)))
                        return -ENOMEM;
                if (moot)
                        pi = NULL;
                c[0] = pi ? strdup_printf("%s; %s: %s", fact, pi->title, pi->action) : strdup_printf("%s, nothing to do", fact);
                c[1] = pi ? strdup_printf("%s; to do: %s", fact, pi->action) : NULL;
                break;
        }
        /* "× numacma: STATE - " and the headline make a line under 100 characters. */
        s->summary = fit(c, c[2] ? 3 : c[1] ? 2 : 1, STATUS_LINE_MAX - strlen("x numacma:  - ") - strlen(state_to_string(s->state)));
        for (size_t i = 0; i < ELEMENTSOF(c); i++)
                free(c[i]);
        return s->summary ? 0 : -ENOMEM;
}

/* What the running kernel made of the booted line, and what the next
 * boot's kernel will make of its line and of the desired one (each by its
 * release's rules: plan/predict.h). */
static int predict(Status *s, const StatusInput *in, Prediction *ret_desired) {
        PredictEnv env = { .boot_memory = s->boot_memory, .running = s->cma,
                           .default_node = cma_state_default_node(s->cma) };
        int r = cmdline_parse(strempty(s->booted_cmdline), &s->booted);
        if (r < 0)
                return r;
        r = predict_pools(s->running, s->booted, s->topology, &env, &s->booted_pred);
        if (r < 0)
                return r;
        /* What the kernel cannot make at boot is not asked for. */
        s->booted_limits = s->booted_pred.limits;
        s->booted_pred.limits = (PredictionLimits){0};
        s->booted_slots = s->booted_limits.slots;
        r = predict_pools(&s->targets[0], in->desired, s->topology, &env, ret_desired);
        if (r < 0 || !s->next->cmdline)
                return r;
        _cleanup_cmdline_ Cmdline *nc = NULL;
        r = cmdline_parse(s->next->cmdline, &nc);
        if (r >= 0)
                r = predict_pools(&s->targets[0], nc, s->topology, &env, &s->next_pred);
        s->next_pred_valid = r >= 0;
        return r;
}

static int build_nodes(Status *s, const Prediction *desired) {
        const Topology *t = s->topology;
        s->nodes = calloc(MAX(t->n_nodes, (size_t) 1), sizeof(NodeStatus));
        if (!s->nodes)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_nodes; i++) {
                const NumaNode *tn = &t->nodes[i];
                if (!tn->online)
                        continue;
                s->nodes[s->n_nodes++] = (NodeStatus){
                        .node = tn->id, .online = tn->online, .has_memory = tn->has_memory,
                        .memory = tn->mem_total,
                        .desired = prediction_pool(desired, tn->id),
                        .next_known = s->next_pred_valid,
                        .next_boot = s->next_pred_valid ? prediction_pool(&s->next_pred, tn->id) : 0,
                        .booted = prediction_pool(&s->booted_pred, tn->id),
                        .n_accelerators = (unsigned) topology_accelerators_on(t, tn->id),
                };
                NodeStatus *n = &s->nodes[s->n_nodes - 1];
                const NodeBootMemory *bm = boot_memory_node(s->boot_memory, tn->id);
                n->boot_memory = tn->has_memory && (!s->boot_memory || (bm && bm->boot));
                n->boot_memory_known = !tn->has_memory || !s->boot_memory || (bm && bm->known);
                n->boot_memory_why = bm ? bm->why : NULL;
                /* The plan's count: accelerators a pool would serve. */
                const PlanNode *pn = plan_node(s->plan, tn->id);
                n->covered = n->boot_memory && plan_policy_covers(s->policy, tn->id, pn ? pn->n_accelerators : n->n_accelerators);
                n->booted_not_boot = nodeset_contains(s->booted_limits.not_boot, tn->id);
                n->booted_no_slot = nodeset_contains(s->booted_limits.no_slot, tn->id);
        }
        return 0;
}

static int build_accels(Status *s) {
        const Topology *t = s->topology;
        s->accels = calloc(MAX(t->n_devices, (size_t) 1), sizeof(AccelStatus));
        if (!s->accels)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_devices; i++) {
                const PciDevice *d = &t->devices[i];
                if (!d->accelerator)
                        continue;
                AccelStatus *a = &s->accels[s->n_accels++];
                const DeviceStatus *ds = status_device(s, d->address);
                a->dev = d;
                if (ds && ds->dev->accelerator) {
                        /* Its path: a device that bypasses the pools has its own line. */
                        a->local_pool = ds->local_pool;
                        a->remote_default = ds->remote_default && !ds->path.bypass;
                        continue;
                }
                for (size_t j = 0; j < s->n_nodes; j++)
                        if (s->nodes[j].node == d->numa_node)
                                a->local_pool = s->nodes[j].has_local_pool;
                a->remote_default = d->numa_node >= 0 && !a->local_pool && s->default_area &&
                                    s->default_node_known && s->default_node != d->numa_node;
        }
        return 0;
}

/* What the booted line made, once the active areas are known: patch 0003
 * skips the default area's node, which sysfs alone may not name (6.12 has
 * no total_pages); a default area that did not fit makes no implicit areas
 * (and on 7.2 no per-node area at all). */
static int repredict_booted(Status *s) {
        bool skip = s->running->numacma_0003 == TRI_YES && s->booted_pred.implicit && s->default_node_known &&
                    s->booted_pred.skipped_default_node != s->default_node;
        bool fails = s->booted_pred.default_area && !s->default_area && s->cma->zoneinfo_has_cma;
        if (!skip && !fails)
                return 0;
        PredictEnv env = { .boot_memory = s->boot_memory, .running = s->cma,
                           .default_node = s->default_node_known ? s->default_node : -1, .default_fails = fails };
        prediction_done(&s->booted_pred);
        prediction_limits_done(&s->booted_limits);
        int r = predict_pools(s->running, s->booted, s->topology, &env, &s->booted_pred);
        if (r < 0)
                return r;
        s->booted_limits = s->booted_pred.limits;
        s->booted_pred.limits = (PredictionLimits){0};
        s->booted_slots = s->booted_limits.slots;
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                n->booted = prediction_pool(&s->booted_pred, n->node);
                n->booted_not_boot = nodeset_contains(s->booted_limits.not_boot, n->node);
                n->booted_no_slot = nodeset_contains(s->booted_limits.no_slot, n->node);
        }
        return 0;
}

static int judge_all(Status *s, const StatusInput *in) {
        Prediction desired = {0};
        int r = predict(s, in, &desired);
        if (r >= 0)
                r = build_nodes(s, &desired);
        prediction_done(&desired);
        if (r >= 0)
                r = compute_active(s);
        if (r >= 0)
                r = repredict_booted(s);
        if (r >= 0)
                r = status_build_devices(s);
        if (r >= 0)
                r = build_accels(s);
        if (r < 0)
                return r;
        compute_usage(s);
        if (!in->running_config_found)
                PROBLEM(s, PROBLEM_KERNEL_CONFIG_MISSING, "no build configuration found for the running kernel %s (/boot/config-%s or /proc/config.gz): its CMA capabilities are unknown",
                        strna(s->running->release), strna(s->running->release));
        r = judge(s);
        if (r < 0)
                return r;
        return summarize(s);
}

int status_judge(const StatusInput *in, Status **ret) {
        Status *s = calloc(1, sizeof(Status));
        if (!s)
                return -ENOMEM;
        *s = (Status){
                .policy = in->policy, .topology = in->topology, .running = in->running,
                .targets = in->targets, .n_targets = in->n_targets, .cma = in->cma,
                .booted_cmdline = in->booted_cmdline, .next = in->next, .plan = in->plan,
                .boot_memory = in->boot_memory, .dma = in->dma, .zones = in->zones, .usage = in->usage, .log = in->log,
        };
        s->page_size = page_size_of(s);
        int r = judge_all(s, in);
        if (r < 0) {
                status_free(s);
                return r;
        }
        *ret = s;
        return 0;
}
