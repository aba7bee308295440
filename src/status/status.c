/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>

#include "basic/fileio.h"
#include "status/status.h"
#include "basic/util.h"

const char *state_to_string(State s) {
        switch (s) {
        case STATE_OK: return "ok";
        case STATE_PENDING_REBOOT: return "pending-reboot";
        case STATE_DEGRADED: return "degraded";
        default: return "unsupported";
        }
}

void next_boot_done(NextBoot *n) {
        free(n->backend);
        free(n->cmdline);
        free(n->release);
        strv_free(n->releases);
        strv_free(n->owned);
        free(n->last_error);
        *n = (NextBoot){0};
}

void status_free(Status *s) {
        if (!s)
                return;
        free(s->root);
        policy_free(s->policy);
        topology_free(s->topology);
        kernel_caps_done(&s->running);
        for (size_t i = 0; i < s->n_targets; i++)
                kernel_caps_done(&s->targets[i]);
        free(s->targets);
        cma_state_done(&s->cma);
        free(s->booted_cmdline);
        cmdline_free(s->booted);
        prediction_done(&s->booted_pred);
        next_boot_done(&s->next);
        prediction_done(&s->next_pred);
        plan_free(s->plan);
        free(s->nodes);
        free(s->accels);
        free(s->summary);
        strv_free(s->problems);
        free(s);
}

static char *mib(uint64_t bytes) {
        if (bytes % MIB == 0)
                return strdup_printf("%" PRIu64 " MiB", bytes / MIB);
        return strdup_printf("%.1f MiB", (double) bytes / (double) MIB);
}

#define PROBLEM(s, ...) do { if (strv_extendf(&(s)->problems, __VA_ARGS__) < 0) return -ENOMEM; } while (0)

static bool is_config_file(const char *name) {
        return startswith(name, "config-") && name[7];
}

/* The plan's targets: the kernels the boot configuration boots (the
 * default entry's first), or, when those are unknown, the running kernel
 * and every kernel with a config under /boot. */
static int load_targets(Status *s, const char *release) {
        _cleanup_strv_free_ char **configs = NULL;
        char **list;
        size_t skip = 0;
        int r;

        if (s->next.releases)
                list = s->next.releases;
        else {
                r = list_dir_root(s->root, "/boot", is_config_file, &configs);
                if (r < 0 && r != -ENOENT)
                        return r;
                list = configs;
                skip = strlen("config-");
        }
        size_t n = strv_length(list);
        s->targets = calloc(n + 1, sizeof(KernelCaps));
        if (!s->targets)
                return -ENOMEM;
        if (!s->next.releases) {
                r = kernel_caps_copy(&s->running, &s->targets[s->n_targets++]);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < n; i++) {
                const char *rel = list[i] + skip;
                if (!s->next.releases && streq(rel, release))
                        continue;
                r = kernel_caps_load(s->root, rel, streq(rel, release), &s->targets[s->n_targets]);
                if (r < 0 && r != -ENOENT)
                        return r;
                s->n_targets++;
        }
        if (s->n_targets == 0)
                return kernel_caps_copy(&s->running, &s->targets[s->n_targets++]);
        return 0;
}

/* numacma's view of the CMA-related arguments: same keys, same values, same order. */
static char *cma_args_of(const Cmdline *c) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (size_t i = 0; i < c->n; i++) {
                const CmdlineToken *t = &c->tokens[i];
                if (t->init)
                        continue;
                if (cmdline_key_eq(t->key, "cma") || cmdline_key_eq(t->key, "numa_cma") ||
                    cmdline_key_eq(t->key, "cma_pernuma")) {
                        if (b.len)
                                strbuf_append(&b, " ");
                        strbuf_append(&b, t->text);
                }
        }
        return strbuf_steal(&b);
}

static uint64_t page_size_of(const Status *s) {
        uint64_t pages = 0;
        for (size_t i = 0; i < s->cma.n_nodes; i++)
                pages += s->cma.nodes[i].cma_pages;
        if (s->cma.has_meminfo && pages && s->cma.cma_total_kb) {
                uint64_t ps = s->cma.cma_total_kb * KIB / pages;
                for (uint64_t p = 4096; p <= 65536; p <<= 1)
                        if (ps == p)
                                return p;
        }
        return s->running.page_size ? s->running.page_size : 4096;
}

static int compute_active(Status *s) {
        const CmaState *c = &s->cma;
        uint64_t ps = s->page_size;
        const CmaArea *def = cma_state_area(c, AREA_DEFAULT, -1);

        if (def && def->has_total)
                s->default_area = def->total_pages * ps;
        else if (c->has_sysfs && !def)
                s->default_area = 0;
        else
                s->default_area = s->booted_pred.default_area;
        if (!c->zoneinfo_has_cma)
                s->default_area = 0;

        /* Per-node areas known by size from sysfs. */
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                const ZoneCma *z = cma_state_zone(c, n->node);
                if (z) {
                        n->cma = z->cma_pages * ps;
                        n->cma_free = z->free_cma_pages * ps;
                }
        }

        /* Which node holds the default area: the node whose CMA exceeds its
         * per-node areas by the default area's size. */
        s->default_node = -1;
        if (s->default_area) {
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

        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
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
                        continue;
                }
                if (c->has_sysfs && !a && !b) {
                        n->has_local_pool = false;
                        continue;
                }
                n->local_pool = n->cma > on_node_default ? n->cma - on_node_default : 0;
                n->has_local_pool = n->local_pool > 0;
                if (!on_node_default) {
                        n->local_pool_free = n->cma_free;
                        n->local_pool_free_known = true;
                }
        }
        return 0;
}

static int judge(Status *s) {
        size_t n_online = 0;
        bool failed = false, remote = false;
        const char *rel = strna(s->running.release);

        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].online)
                        n_online++;

        for (char **i = s->booted_pred.ignored; i && *i; i++)
                PROBLEM(s, "the running kernel %s does not know '%s': it passed it to init and made no pool for it", rel, *i);
        for (char **i = s->booted_pred.notes; i && *i; i++)
                PROBLEM(s, "%s", *i);

        if (s->cma.zoneinfo_has_cma && s->booted_pred.default_area && !s->default_area)
                PROBLEM(s, "the kernel did not reserve its default CMA area (%" PRIu64 " MiB asked): see 'dmesg | grep -i cma'",
                        s->booted_pred.default_area / MIB);

        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                if (!n->has_memory || !n->booted)
                        continue;
                /* Implicit areas skip the default area's own node on kernels
                 * with numacma's patch 0003: that area serves the node. */
                if (s->booted_pred.implicit && !n->has_local_pool && s->default_area &&
                    n->node == s->default_node && n->cma >= s->default_area)
                        continue;
                if (n->local_pool < n->booted) {
                        _cleanup_free_ char *want = mib(n->booted), *have = mib(n->local_pool);
                        failed = true;
                        PROBLEM(s, "node %d: the booted command line asks for a %s pool but the kernel reserved %s (reservation failed: see 'dmesg | grep -i cma')",
                                n->node, want, have);
                }
        }

        for (size_t i = 0; i < s->n_accels; i++) {
                AccelStatus *a = &s->accels[i];
                int node = a->dev->numa_node;
                if (node < 0 && n_online > 1) {
                        PROBLEM(s, "accelerator %s has no NUMA node (numa_node -1): no per-node pool can serve it; its coherent DMA %s",
                                a->dev->address, s->default_area ? "comes from the default area" : "comes from the page allocator");
                        continue;
                }
                if (node >= 0 && a->remote_default) {
                        _cleanup_free_ char *d = mib(s->default_area);
                        remote = true;
                        PROBLEM(s, "accelerator %s on node %d has no local CMA pool: its coherent DMA comes from the %s default area on node %d",
                                a->dev->address, node, d, s->default_node);
                }
        }

        /* Not only accelerators: every device's coherent DMA above a page
         * comes from the default area when its node has no pool. */
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                if (!n->has_memory || !n->desired || n->has_local_pool || !s->default_area ||
                    !s->default_node_known || n->node == s->default_node || s->running.per_node == PERNODE_NONE)
                        continue;
                _cleanup_free_ char *d = mib(s->default_area);
                remote = true;
                PROBLEM(s, "node %d has no local CMA pool: its devices' coherent DMA comes from the %s default area on node %d",
                        n->node, d, s->default_node);
        }

        bool pending = false;
        if (s->next.cmdline) {
                _cleanup_cmdline_ Cmdline *next = NULL;
                int r = cmdline_parse(s->next.cmdline, &next);
                if (r < 0)
                        return r;
                _cleanup_free_ char *a = cma_args_of(next), *b = cma_args_of(s->booted);
                if (!a || !b)
                        return -ENOMEM;
                pending = !streq(a, b);
        }
        if (s->next.last_error)
                PROBLEM(s, "the last update of the boot configuration failed: %s", s->next.last_error);
        for (char **p = s->plan->problems; p && *p; p++)
                if (!strv_contains(s->problems, *p))
                        PROBLEM(s, "%s", *p);

        bool differs = false;
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].has_memory && s->nodes[i].desired != (s->nodes[i].next_known ? s->nodes[i].next_boot : s->nodes[i].booted))
                        differs = true;
        if (differs && !s->plan->refused) {
                _cleanup_free_ char *args = plan_args_string(s->plan);
                if (!args)
                        return -ENOMEM;
                PROBLEM(s, "the policy asks for pools the %s does not have%s%s%s: run 'numacmactl apply' (or set [daemon] apply = yes)",
                        s->next.cmdline ? "boot configuration" : "booted command line",
                        *args ? " (" : "", args, *args ? ")" : "");
        }

        bool unsupported = n_online > 1 && s->default_area && s->running.per_node == PERNODE_NONE;
        if (failed || s->next.last_error)
                s->state = STATE_DEGRADED;
        else if (pending)
                s->state = STATE_PENDING_REBOOT;
        else if (unsupported)
                s->state = STATE_UNSUPPORTED;
        else if (remote)
                s->state = STATE_DEGRADED;
        else
                s->state = STATE_OK;
        return 0;
}

static int summarize(Status *s) {
        _cleanup_free_ char *args = plan_args_string(s->plan);
        size_t acc_nodes = 0, acc_nodes_local = 0, pools = 0, mem_nodes = 0;
        if (!args)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_nodes; i++) {
                NodeStatus *n = &s->nodes[i];
                if (n->online && n->has_memory)
                        mem_nodes++;
                if (n->has_local_pool || (s->default_area && n->node == s->default_node))
                        pools++;
                if (n->n_accelerators) {
                        acc_nodes++;
                        if (n->has_local_pool || n->node == s->default_node || !s->default_area)
                                acc_nodes_local++;
                }
        }
        _cleanup_free_ char *d = mib(s->default_area);
        _cleanup_free_ char *booted_args = cma_args_of(s->booted);
        if (!booted_args)
                return -ENOMEM;
        /* Say what is active, never what is only planned. */
        const char *shown = booted_args;
        switch (s->state) {
        case STATE_PENDING_REBOOT:
                if (*args)
                        s->summary = strdup_printf("reboot pending: %s written to %s", args,
                                                   s->next.backend ? s->next.backend : "the boot configuration");
                else {
                        _cleanup_cmdline_ Cmdline *nc = NULL;
                        _cleanup_free_ char *na = NULL;
                        if (s->next.cmdline && cmdline_parse(s->next.cmdline, &nc) >= 0)
                                na = cma_args_of(nc);
                        s->summary = strdup_printf("reboot pending: the next boot's CMA arguments (%s) differ from the booted ones (%s)",
                                                   na && *na ? na : "none", *booted_args ? booted_args : "none");
                }
                break;
        case STATE_UNSUPPORTED:
                if (s->default_node_known)
                        s->summary = strdup_printf("kernel %s cannot make per-node CMA pools; the %s default area on node %d serves all devices",
                                                   strna(s->running.release), d, s->default_node);
                else
                        s->summary = strdup_printf("kernel %s cannot make per-node CMA pools; the %s default area serves all devices",
                                                   strna(s->running.release), d);
                break;
        case STATE_DEGRADED:
                s->summary = strdup_printf("degraded: %s", s->problems ? s->problems[0] : "see numacmactl status");
                break;
        default:
                if (mem_nodes <= 1)
                        s->summary = strdup_printf("one NUMA node: all memory is local, nothing to do");
                else if (!s->default_area && !pools)
                        s->summary = strdup_printf("no default CMA area: coherent DMA is node-local on all %zu nodes", mem_nodes);
                else if (acc_nodes)
                        s->summary = strdup_printf("%zu/%zu accelerator nodes have local CMA pools%s%s%s", acc_nodes_local, acc_nodes,
                                                   *shown ? " (" : "", shown, *shown ? ")" : "");
                else
                        s->summary = strdup_printf("%zu/%zu nodes have local CMA pools%s%s%s", pools, mem_nodes,
                                                   *shown ? " (" : "", shown, *shown ? ")" : "");
                break;
        }
        return s->summary ? 0 : -ENOMEM;
}

static int compute(Status *s, NextBoot *next) {
        _cleanup_free_ char *release = NULL;
        int r;

        if (next) {
                s->next = *next;
                *next = (NextBoot){0};
        }

        r = topology_load(s->root, s->policy, &s->topology);
        if (r < 0)
                return r;
        topology_classify(s->topology, s->policy);

        r = read_line_root(s->root, "/proc/sys/kernel/osrelease", &release);
        if (r < 0)
                return r;
        r = kernel_caps_load(s->root, release, true, &s->running);
        if (r < 0 && r != -ENOENT)
                return r;
        s->running_config_found = r >= 0;
        r = load_targets(s, release);
        if (r < 0)
                return r;

        r = cma_state_load(s->root, &s->topology->memory, &s->cma);
        if (r < 0)
                return r;
        s->page_size = page_size_of(s);

        r = read_line_root(s->root, "/proc/cmdline", &s->booted_cmdline);
        if (r < 0)
                return r;
        r = cmdline_parse(s->booted_cmdline, &s->booted);
        if (r < 0)
                return r;
        r = predict_pools(&s->running, s->booted, s->topology, &s->booted_pred);
        if (r < 0)
                return r;

        /* The administrator's line: the next boot's (or the booted) minus numacma's tokens. */
        _cleanup_cmdline_ Cmdline *admin = NULL;
        r = cmdline_parse(s->next.cmdline ? s->next.cmdline : s->booted_cmdline, &admin);
        if (r < 0)
                return r;
        for (char **o = s->next.owned; o && *o; o++)
                cmdline_remove_text(admin, *o);

        PlanInput in = {
                .policy = s->policy,
                .topology = s->topology,
                .targets = s->targets,
                .n_targets = s->n_targets,
                .admin = admin,
        };
        r = plan_compute(&in, &s->plan);
        if (r < 0)
                return r;

        /* Desired: what the target kernel makes from the admin's line plus the plan. */
        Prediction desired;
        for (char **a = s->plan->args; a && *a; a++)
                if ((r = cmdline_append(admin, *a)) < 0)
                        return r;
        r = predict_pools(&s->targets[0], admin, s->topology, &desired);
        if (r < 0)
                return r;
        if (s->next.cmdline) {
                _cleanup_cmdline_ Cmdline *nc = NULL;
                r = cmdline_parse(s->next.cmdline, &nc);
                if (r >= 0)
                        r = predict_pools(&s->targets[0], nc, s->topology, &s->next_pred);
                if (r < 0) {
                        prediction_done(&desired);
                        return r;
                }
                s->next_pred_valid = true;
        }

        const Topology *t = s->topology;
        s->nodes = calloc(MAX(t->n_nodes, (size_t) 1), sizeof(NodeStatus));
        if (!s->nodes) {
                prediction_done(&desired);
                return -ENOMEM;
        }
        for (size_t i = 0; i < t->n_nodes; i++) {
                const NumaNode *tn = &t->nodes[i];
                if (!tn->online)
                        continue;
                NodeStatus *n = &s->nodes[s->n_nodes++];
                *n = (NodeStatus){
                        .node = tn->id, .online = tn->online, .has_memory = tn->has_memory,
                        .memory = tn->mem_total,
                        .desired = prediction_pool(&desired, tn->id),
                        .next_known = s->next_pred_valid,
                        .next_boot = s->next_pred_valid ? prediction_pool(&s->next_pred, tn->id) : 0,
                        .booted = prediction_pool(&s->booted_pred, tn->id),
                        .n_accelerators = (unsigned) topology_accelerators_on(t, tn->id),
                };
        }
        prediction_done(&desired);

        r = compute_active(s);
        if (r < 0)
                return r;

        size_t n_acc = 0;
        for (size_t i = 0; i < t->n_devices; i++)
                if (t->devices[i].accelerator)
                        n_acc++;
        s->accels = calloc(MAX(n_acc, (size_t) 1), sizeof(AccelStatus));
        if (!s->accels)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_devices; i++) {
                const PciDevice *d = &t->devices[i];
                if (!d->accelerator)
                        continue;
                AccelStatus *a = &s->accels[s->n_accels++];
                a->dev = d;
                for (size_t j = 0; j < s->n_nodes; j++)
                        if (s->nodes[j].node == d->numa_node)
                                a->local_pool = s->nodes[j].has_local_pool;
                a->remote_default = d->numa_node >= 0 && !a->local_pool && s->default_area &&
                                    s->default_node_known && s->default_node != d->numa_node;
        }

        if (!s->running_config_found)
                PROBLEM(s, "no build configuration found for the running kernel %s (/boot/config-%s or /proc/config.gz): its CMA capabilities are unknown",
                        release, release);
        r = judge(s);
        if (r < 0)
                return r;
        return summarize(s);
}

int status_compute(const char *root, Policy *policy, NextBoot *next, Status **ret) {
        Status *s = calloc(1, sizeof(Status));
        if (!s) {
                policy_free(policy);
                return -ENOMEM;
        }
        s->policy = policy;
        s->root = strdup(root ? root : "/");
        if (!s->root) {
                status_free(s);
                return -ENOMEM;
        }
        int r = compute(s, next);
        if (r < 0) {
                status_free(s);
                return r;
        }
        *ret = s;
        return 0;
}
