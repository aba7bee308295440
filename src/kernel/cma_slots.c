/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <limits.h>

#include "basic/nodeset.h"
#include "basic/util.h"
#include "kernel/cma_slots.h"
#include "kernel/memparse.h"

/* hugetlb_cma_reserve(): a size a node may take. 6.12: "should be at
 * least" one gigantic page (then rounded up); 7.2: "must be a multiple". */
static bool hugetlb_size_ok(const KernelRules *r, uint64_t size, uint64_t g) {
        return r->hugetlb == HUGETLB_BOOTMEM_MULTIPLE ? size && size % g == 0 : size >= g;
}

/* The nodes hugetlb_cma_reserve() walks: the online ones (6.12), those with
 * memblock memory (7.2, hugetlb_bootmem_nodes); an online node without
 * memory fails there and takes no slot. */
static bool hugetlb_walks(const KernelRules *r, const NodeSet *online, const NodeSet *boot, int n) {
        return r->hugetlb == HUGETLB_BOOTMEM_MULTIPLE ? nodeset_contains(boot, n) : nodeset_contains(online, n);
}

unsigned hugetlb_cma_sizes(const KernelCaps *k, const char *value, const NodeSet *online, const NodeSet *boot,
                           uint64_t *sizes, int n_sizes) {
        uint64_t g = kernel_rules_gigantic_page(k->arch, k->page_size);
        const KernelRules *r = k->rules;
        unsigned n = 0;
        bool per_node = false;

        if (!value || !k->cma || !k->hugetlb_page || !g || !r)
                return 0;
        /* cmdline_parse_hugetlb_cma(): "%lu" then ':' names a node. */
        for (const char *s = value; *s;) {
                const char *d = s;
                unsigned long node = 0;
                for (; *d >= '0' && *d <= '9' && node < NODESET_MAX; d++)
                        node = node * 10 + (unsigned long) (*d - '0');
                if (d == s || *d != ':')
                        break;
                per_node = true;
                const char *e;
                uint64_t size = kernel_memparse(d + 1, &e);
                if (node < NODESET_MAX && hugetlb_walks(r, online, boot, (int) node) &&
                    nodeset_contains(boot, (int) node) && hugetlb_size_ok(r, size, g)) {
                        n++;
                        if (sizes && (int) node < n_sizes)
                                sizes[node] = ALIGN_UP(size, g);
                }
                if (*e != ',')
                        break;
                s = e + 1;
        }
        if (per_node)
                return n;

        uint64_t size = kernel_memparse(value, NULL);
        bool multiple = r->hugetlb == HUGETLB_BOOTMEM_MULTIPLE;
        unsigned shared = (unsigned) (multiple ? nodeset_count(boot) : nodeset_count(online));
        if (!shared || !hugetlb_size_ok(r, size, g))
                return 0;
        /* "If 3 GB area is requested on a machine with 4 numa nodes,
         * let's allocate 1 GB on first three nodes and ignore the last one." */
        uint64_t per = ALIGN_UP((size + shared - 1) / shared, g), reserved = 0;
        for (int node = -1; (node = nodeset_next(multiple ? boot : online, node)) >= 0 && reserved < size;) {
                if (!nodeset_contains(boot, node))
                        continue;
                uint64_t got = ALIGN_UP(MIN(per, size - reserved), g);
                reserved += got;
                n++;
                if (sizes && node < n_sizes)
                        sizes[node] = got;
        }
        return n;
}

unsigned hugetlb_cma_areas(const KernelCaps *k, const char *value, const NodeSet *online, const NodeSet *boot) {
        return hugetlb_cma_sizes(k, value, online, boot, NULL, 0);
}

uint64_t crashkernel_cma_size(const Cmdline *line) {
        uint64_t size = 0;
        /* parse_crashkernel_suffix(): "SIZE,cma", the last such token wins. */
        for (size_t i = 0; line && i < line->n; i++) {
                const CmdlineToken *t = &line->tokens[i];
                if (t->init || !t->value || !cmdline_key_eq(t->key, "crashkernel"))
                        continue;
                const char *e;
                uint64_t s = kernel_memparse(t->value, &e);
                if (streq(e, ",cma"))
                        size = s;
        }
        return size;
}

unsigned cma_other_areas(const CmaState *running) {
        unsigned n = 0;
        for (size_t i = 0; running && i < running->n_areas; i++)
                if (running->areas[i].kind == AREA_OTHER && !startswith(running->areas[i].name, "hugetlb") &&
                    !startswith(running->areas[i].name, "crashkernel"))
                        n++;
        return n;
}

void cma_slots_count(const KernelCaps *k, const Cmdline *line, bool default_area,
                     const NodeSet *online, const NodeSet *boot, const CmaState *running, CmaSlots *ret) {
        CmaSlots s = { .areas = k->cma_areas, .config_areas = k->cma_areas_config, .default_area = default_area };
        s.hugetlb = hugetlb_cma_areas(k, line ? cmdline_get(line, "hugetlb_cma") : NULL, online, boot);
        s.crash = k->rules && k->rules->crash_cma && crashkernel_cma_size(line) ? 1 : 0;
        s.other = cma_other_areas(running);
        unsigned taken = s.default_area + s.hugetlb + s.crash + s.other;
        s.per_node = !s.areas ? UINT_MAX : s.areas > taken ? s.areas - taken : 0;
        *ret = s;
}

/* ---- the reservations in order ---- */

const char *area_fate_to_string(AreaFate f) {
        switch (f) {
        case FATE_MADE: return "made";
        case FATE_NOT_ONLINE: return "not online at early boot ('cma: invalid node N specified')";
        case FATE_NO_MEMORY: return "no memory at early boot";
        case FATE_NO_SLOT: return "no CMA slot left ('Not enough slots for CMA reserved regions!')";
        case FATE_NO_ROOM: return "it did not fit ('Failed to reserve')";
        case FATE_DEFAULT_FAILED: return "the default area failed, and with it every per-node area";
        case FATE_DEFAULT_NODE: return "the default area's node: numacma's patch 0003 makes no implicit area there";
        default: return "not asked";
        }
}

void reserve_outcome_done(ReserveOutcome *o) {
        free(o->nodes);
        *o = (ReserveOutcome){0};
}

/* Slots for n more areas: how many get one. */
static unsigned take(ReserveOutcome *o, unsigned n) {
        unsigned left = !o->slots ? n : o->slots > o->used ? o->slots - o->used : 0;
        unsigned t = MIN(n, left);
        o->used += t;
        return t;
}

static AreaFate reserve_one(ReserveOutcome *o, const ReserveNode *n) {
        if (!n->boot_memory)
                return FATE_NO_MEMORY;
        return take(o, 1) ? FATE_MADE : FATE_NO_SLOT;
}

/* dma_numa_cma_reserve() (6.6+; dma_pernuma_cma_reserve() before): for each
 * node, the pernuma%d area then the numa%d one (two arrays), or numa%d of
 * the size that wins (one array). */
static void reserve_per_node(const KernelCaps *k, const ReserveAsk *a, bool skip_default, ReserveOutcome *o) {
        const KernelRules *r = k->rules;
        bool default_made = o->default_fate == FATE_MADE;
        bool stopped = r->default_failure_stops_per_node && a->default_size && !default_made;
        uint64_t implicit = 0;
        if (k->implicit_per_node && a->implicit && default_made && o->early_online > 1) {
                implicit = a->default_size;
                o->implicit = true;
        }
        for (size_t i = 0; i < a->n_nodes; i++) {
                const ReserveNode *n = &a->nodes[i];
                ReserveNodeFate *f = &o->nodes[i];
                uint64_t pernuma = implicit ? implicit : k->honors_cma_pernuma ? n->pernuma : 0;
                uint64_t numa = k->honors_numa_cma ? n->numa : 0;
                if (k->single_array) {
                        f->numa_size = numa ? numa : pernuma;
                        pernuma = 0;
                } else {
                        f->pernuma_size = pernuma;
                        f->numa_size = numa;
                }
                AreaFate none = FATE_NONE, all = FATE_NONE;
                if (stopped)
                        all = FATE_DEFAULT_FAILED;
                else if (!n->early_online)
                        all = FATE_NOT_ONLINE;
                else if (skip_default && implicit && n->node == a->default_node)
                        all = FATE_DEFAULT_NODE;
                if (f->pernuma_size)
                        f->pernuma = all != none ? all : reserve_one(o, n);
                if (f->numa_size)
                        f->numa = all != none ? all : reserve_one(o, n);
        }
}

/* hugetlb_cma_reserve(): one area per node in node order; once the slots
 * are gone the rest fail. */
static int reserve_hugetlb(const KernelCaps *k, const ReserveAsk *a, const NodeSet *online, const NodeSet *boot,
                           ReserveOutcome *o) {
        int max = MAX(nodeset_last(online), nodeset_last(boot)) + 1;
        _cleanup_free_ uint64_t *sizes = calloc((size_t) MAX(max, 1), sizeof(uint64_t));
        if (!sizes)
                return -ENOMEM;
        o->hugetlb_asked = hugetlb_cma_sizes(k, a->hugetlb, online, boot, sizes, max);
        o->hugetlb_made = take(o, o->hugetlb_asked);
        unsigned left = o->hugetlb_made;
        for (size_t i = 0; i < a->n_nodes; i++) {
                int n = a->nodes[i].node;
                if (n >= 0 && n < max && sizes[n] && left) {
                        o->nodes[i].hugetlb_size = sizes[n];
                        left--;
                }
        }
        return 0;
}

int cma_reserve_simulate(const KernelCaps *k, const ReserveAsk *a, bool skip_default_node, ReserveOutcome *ret) {
        ReserveOutcome o = { .slots = k->cma_areas };
        int r;
        _cleanup_nodeset_ NodeSet *online = nodeset_new(), *boot = nodeset_new();
        o.nodes = calloc(MAX(a->n_nodes, (size_t) 1), sizeof(ReserveNodeFate));
        if (!o.nodes || !online || !boot) {
                free(o.nodes);
                return -ENOMEM;
        }
        for (size_t i = 0; i < a->n_nodes; i++) {
                if (a->nodes[i].early_online && (o.early_online++, nodeset_add(online, a->nodes[i].node) < 0))
                        goto oom;
                if (a->nodes[i].boot_memory && nodeset_add(boot, a->nodes[i].node) < 0)
                        goto oom;
        }
        for (size_t i = 0; k->rules && i < ELEMENTSOF(k->rules->order) && k->rules->order[i] != RESERVE_END; i++)
                switch (k->rules->order[i]) {
                case RESERVE_DT:
                        o.dt_areas = take(&o, a->dt_areas);
                        break;
                case RESERVE_HUGETLB:
                        if ((r = reserve_hugetlb(k, a, online, boot, &o)) < 0)
                                goto fail;
                        break;
                case RESERVE_DEFAULT:
                        if (a->default_size && k->dma_cma)
                                o.default_fate = a->default_fails ? FATE_NO_ROOM : take(&o, 1) ? FATE_MADE : FATE_NO_SLOT;
                        break;
                case RESERVE_PER_NODE:
                        reserve_per_node(k, a, skip_default_node, &o);
                        break;
                case RESERVE_CRASH:
                        if (k->rules->crash_cma && a->crash_cma)
                                o.crash_made = take(&o, 1);
                        break;
                default:
                        break;
                }
        *ret = o;
        return 0;
oom:
        r = -ENOMEM;
fail:
        free(o.nodes);
        return r;
}
