/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Status as JSON, as a dense human summary, and as a monitoring-plugin line. */
#include <inttypes.h>
#include <limits.h>

#include "basic/json.h"
#include "status/status.h"
#include "basic/util.h"

static uint64_t to_mib(uint64_t b) {
        return b / MIB;
}

static char *class_string(uint32_t c) {
        return strdup_printf("0x%06x", c);
}

int status_print_json(FILE *f, const Status *s) {
        JsonWriter w = { .f = f, .pretty = true };
        _cleanup_free_ char *args = plan_args_string(s->plan);

        json_begin_object(&w, NULL);
        json_string(&w, "state", state_to_string(s->state));
        json_string(&w, "summary", s->summary);

        json_begin_object(&w, "kernel");
        json_string(&w, "release", s->running->release);
        json_string(&w, "arch", s->running->arch);
        json_string(&w, "config", s->running->config_source);
        json_string(&w, "per_node_cma", per_node_param_to_string(s->running->per_node));
        json_bool(&w, "implicit_per_node", s->running->implicit_per_node);
        /* zoneinfo prints "cma 0" even without CMA: the config is the better witness. */
        json_bool(&w, "cma", s->running->config_source ? s->running->cma : s->cma->zoneinfo_has_cma);
        json_bool(&w, "cma_sysfs", s->cma->has_sysfs);
        json_end_object(&w);

        json_begin_object(&w, "default_area");
        json_u64(&w, "mib", to_mib(s->default_area));
        if (s->default_area && s->default_node_known)
                json_int(&w, "node", s->default_node);
        else
                json_null(&w, "node");
        if (s->default_usage_known) {
                json_u64(&w, "used_kib", s->default_used / KIB);
                if (s->default_usage_zoneinfo)
                        json_null(&w, "alloc_failures");
                else
                        json_u64(&w, "alloc_failures", s->default_alloc_failures);
        } else {
                json_null(&w, "used_kib");
                json_null(&w, "alloc_failures");
        }
        json_bool(&w, "failed", s->default_area_failed);
        json_end_object(&w);

        json_begin_object(&w, "slots");
        if (s->booted_slots.areas)
                json_u64(&w, "cma_areas", s->booted_slots.areas);
        else
                json_null(&w, "cma_areas");
        json_u64(&w, "default_area", s->booted_slots.default_area);
        json_u64(&w, "hugetlb", s->booted_slots.hugetlb);
        json_u64(&w, "other", s->booted_slots.other);
        if (s->plan->slot_budget != UINT_MAX)
                json_u64(&w, "plan_budget", s->plan->slot_budget);
        else
                json_null(&w, "plan_budget");
        json_end_object(&w);

        json_begin_object(&w, "boot");
        json_string(&w, "booted", s->booted_cmdline);
        json_string(&w, "next_backend", s->next->backend);
        json_string(&w, "next", s->next->cmdline);
        json_string(&w, "next_release", s->next->release);
        json_end_object(&w);

        json_begin_object(&w, "plan");
        json_begin_array(&w, "args");
        for (char **a = s->plan->args; a && *a; a++)
                json_string(&w, NULL, *a);
        json_end_array(&w);
        json_bool(&w, "implicit", s->plan->implicit);
        json_bool(&w, "refused", s->plan->refused);
        json_bool(&w, "admin_conflict", s->plan->admin_conflict);
        json_begin_array(&w, "targets");
        for (size_t i = 0; i < s->n_targets; i++)
                json_string(&w, NULL, s->targets[i].release);
        json_end_array(&w);
        json_end_object(&w);

        json_begin_array(&w, "nodes");
        for (size_t i = 0; i < s->n_nodes; i++) {
                const NodeStatus *n = &s->nodes[i];
                json_begin_object(&w, NULL);
                json_int(&w, "node", n->node);
                json_bool(&w, "has_memory", n->has_memory);
                json_u64(&w, "memory_mib", to_mib(n->memory));
                json_u64(&w, "cma_mib", to_mib(n->cma));
                json_u64(&w, "local_pool_mib", to_mib(n->local_pool));
                if (n->local_pool_free_known)
                        json_u64(&w, "local_pool_free_mib", to_mib(n->local_pool_free));
                else
                        json_null(&w, "local_pool_free_mib");
                json_u64(&w, "desired_mib", to_mib(n->desired));
                if (n->next_known)
                        json_u64(&w, "next_boot_mib", to_mib(n->next_boot));
                else
                        json_null(&w, "next_boot_mib");
                json_u64(&w, "booted_mib", to_mib(n->booted));
                json_bool(&w, "default_area", s->default_area && s->default_node == n->node);
                if (n->usage_known) {
                        json_u64(&w, "local_pool_used_kib", n->local_pool_used / KIB);
                        json_u64(&w, "local_pool_alloc_failures", n->local_pool_alloc_failures);
                } else {
                        json_null(&w, "local_pool_used_kib");
                        json_null(&w, "local_pool_alloc_failures");
                }
                if (n->suggested)
                        json_u64(&w, "suggested_mib", to_mib(n->suggested));
                else
                        json_null(&w, "suggested_mib");
                if (n->boot_memory_known)
                        json_bool(&w, "boot_memory", n->boot_memory);
                else
                        json_null(&w, "boot_memory");  /* unknown: boot_memory_why says why */
                json_string(&w, "boot_memory_why", n->boot_memory_why);
                json_bool(&w, "covered", n->covered);
                json_begin_array(&w, "accelerators");
                for (size_t j = 0; j < s->n_accels; j++)
                        if (s->accels[j].dev->numa_node == n->node)
                                json_string(&w, NULL, s->accels[j].dev->address);
                json_end_array(&w);
                json_begin_array(&w, "devices");
                for (size_t j = 0; j < s->n_devices; j++)
                        if (s->devices[j].dev->node == n->node)
                                json_string(&w, NULL, s->devices[j].dev->address);
                json_end_array(&w);
                json_end_object(&w);
        }
        json_end_array(&w);

        json_begin_array(&w, "accelerators");
        for (size_t i = 0; i < s->n_accels; i++) {
                const AccelStatus *a = &s->accels[i];
                _cleanup_free_ char *cls = class_string(a->dev->class_code);
                json_begin_object(&w, NULL);
                json_string(&w, "address", a->dev->address);
                json_int(&w, "node", a->dev->numa_node);
                json_string(&w, "class", cls);
                json_string(&w, "driver", a->dev->driver);
                json_string(&w, "rule", a->dev->why);
                json_bool(&w, "local_pool", a->local_pool);
                json_bool(&w, "remote_default_area", a->remote_default);
                json_end_object(&w);
        }
        json_end_array(&w);

        json_begin_array(&w, "devices");
        for (size_t i = 0; i < s->n_devices; i++) {
                const DeviceStatus *d = &s->devices[i];
                _cleanup_free_ char *cls = class_string(d->dev->class_code);
                json_begin_object(&w, NULL);
                json_string(&w, "address", d->dev->address);
                json_int(&w, "node", d->dev->node);
                json_string(&w, "class", cls);
                json_string(&w, "driver", d->dev->driver);
                json_bool(&w, "accelerator", d->dev->accelerator);
                json_bool(&w, "local_pool", d->local_pool);
                json_bool(&w, "remote_default_area", d->remote_default);
                json_bool(&w, "covered", d->covered);
                json_end_object(&w);
        }
        json_end_array(&w);

        json_begin_array(&w, "problems");
        for (char **p = s->problems; p && *p; p++)
                json_string(&w, NULL, *p);
        json_end_array(&w);
        json_end_object(&w);
        json_finish(&w);
        (void) args;
        return ferror(f) ? -EIO : 0;
}

static const char *state_bullet(State st) {
        return st == STATE_OK ? "●" : st == STATE_DEGRADED ? "×" : "○";
}

static void size_cell(char *buf, size_t sz, uint64_t b) {
        snprintf(buf, sz, "%" PRIu64 "M", to_mib(b));
}

static bool any_pool(const Status *s) {
        for (size_t i = 0; i < s->n_nodes; i++)
                if (s->nodes[i].has_local_pool)
                        return true;
        return false;
}

int status_print_human(FILE *f, const Status *s) {
        _cleanup_free_ char *args = plan_args_string(s->plan);
        const KernelCaps *k = s->running;

        fprintf(f, "%s numacma: %s - %s\n", state_bullet(s->state), state_to_string(s->state), s->summary);
        fprintf(f, "     Kernel: %s (%s): per-node CMA %s%s%s\n", strna(k->release), strna(k->arch),
                k->per_node == PERNODE_NONE ? "not supported" : per_node_param_to_string(k->per_node),
                k->per_node == PERNODE_NONE ? "" : "=",
                k->implicit_per_node ? ", implicit per-node areas" : "");
        if (s->default_area) {
                if (s->default_node_known)
                        fprintf(f, "    Default: %" PRIu64 " MiB area on node %d\n", to_mib(s->default_area), s->default_node);
                else
                        fprintf(f, "    Default: %" PRIu64 " MiB area, node unknown\n", to_mib(s->default_area));
        } else
                fprintf(f, "    Default: no default CMA area\n");
        fprintf(f, "       Plan: %s%s\n", *args ? args : "no argument",
                s->plan->implicit ? " (the kernel's implicit per-node areas suffice)" :
                s->plan->admin_conflict ? " (the administrator's arguments are kept)" :
                s->plan->refused ? " (refused: see problems)" : "");
        if (s->next->cmdline)
                fprintf(f, "  Next boot: %s (%s)\n", s->next->cmdline, strna(s->next->backend));
        else
                fprintf(f, "  Next boot: unknown (%s: %s)\n", strna(s->next->backend),
                        s->next->unknown_reason ? s->next->unknown_reason : "the boot configuration could not be read");
        fprintf(f, "     Booted: %s\n\n", s->booted_cmdline);

        fprintf(f, "  NODE  MEMORY   CMA      LOCAL POOL  FREE     USED     DESIRED  NEXT     BOOTED   ACCEL\n");
        for (size_t i = 0; i < s->n_nodes; i++) {
                const NodeStatus *n = &s->nodes[i];
                char mem[32], cma[32], pool[32], fr[32], des[32], nx[32], bt[32], used[32];
                size_cell(mem, sizeof mem, n->memory);
                size_cell(cma, sizeof cma, n->cma);
                size_cell(pool, sizeof pool, n->local_pool);
                if (!n->has_local_pool)
                        snprintf(pool, sizeof pool, "-");
                if (n->local_pool_free_known && n->has_local_pool)
                        size_cell(fr, sizeof fr, n->local_pool_free);
                else
                        snprintf(fr, sizeof fr, "-");
                size_cell(des, sizeof des, n->desired);
                if (n->next_known)
                        size_cell(nx, sizeof nx, n->next_boot);
                else
                        snprintf(nx, sizeof nx, "?");
                size_cell(bt, sizeof bt, n->booted);
                if (!n->has_local_pool)
                        snprintf(used, sizeof used, "-");
                else if (!n->usage_known)
                        snprintf(used, sizeof used, "?");
                else
                        snprintf(used, sizeof used, "%" PRIu64 "K", n->local_pool_used / KIB);
                fprintf(f, "  %-4d  %-7s  %-7s  %-10s  %-7s  %-7s  %-7s  %-7s  %-7s  %u%s%s%s\n", n->node, mem, cma, pool, fr,
                        used, des, nx, bt, n->n_accelerators,
                        s->default_area && s->default_node == n->node ? "  (default area)" : "",
                        n->has_memory && !n->boot_memory ? "  (memory after boot: no pool possible)" :
                        !n->boot_memory_known ? "  (memory at early boot: unknown)" : "",
                        n->local_pool_alloc_failures ? "  (allocations failed)" : "");
        }
        if (s->default_area) {
                if (s->default_usage_zoneinfo)
                        fprintf(f, "  default area: %" PRIu64 "K in use (zoneinfo's nr_free_cma: no CMA sysfs, no count of failed allocations)\n",
                                s->default_used / KIB);
                else if (s->default_usage_known)
                        fprintf(f, "  default area: %" PRIu64 "K in use, %" PRIu64 " pages of failed allocations\n",
                                s->default_used / KIB, s->default_alloc_failures);
                else
                        fprintf(f, "  default area: usage unknown (no CMA sysfs: CONFIG_CMA_SYSFS)\n");
        } else if ((!s->usage || !s->usage->known) && any_pool(s))
                fprintf(f, "  pool usage: unknown (no CMA sysfs: CONFIG_CMA_SYSFS)\n");
        if (s->n_devices) {
                fprintf(f, "\n  Devices (coherent DMA):\n");
                for (size_t i = 0; i < s->n_devices; i++) {
                        const DeviceStatus *d = &s->devices[i];
                        const char *where = d->local_pool ? "local pool" :
                                            d->remote_default ? "REMOTE: the default area on node" :
                                            s->default_area ? "the default area on its own node" : "page allocator (local)";
                        fprintf(f, "    node %-3d %s class 0x%06x %s%s: %s", d->dev->node, d->dev->address,
                                d->dev->class_code, d->dev->driver ? d->dev->driver : "(no driver)",
                                d->dev->accelerator ? ", accelerator" : "", where);
                        if (d->remote_default)
                                fprintf(f, " %d%s", s->default_node, d->covered ? "" : " (node not covered by the policy)");
                        fputc('\n', f);
                }
        }
        if (s->n_accels) {
                fprintf(f, "\n  Accelerators:\n");
                for (size_t i = 0; i < s->n_accels; i++) {
                        const AccelStatus *a = &s->accels[i];
                        const char *where = a->dev->numa_node < 0 ? "no NUMA node" :
                                            a->local_pool ? "local pool" :
                                            a->remote_default ? "REMOTE default area" :
                                            s->default_area ? "default area on its own node" : "page allocator (local)";
                        fprintf(f, "    %s class 0x%06x node %d%s%s%s: %s\n", a->dev->address, a->dev->class_code,
                                a->dev->numa_node, a->dev->driver ? " (" : "", strempty(a->dev->driver),
                                a->dev->driver ? ")" : "", where);
                }
        }
        if (s->problems) {
                fprintf(f, "\n  Problems:\n");
                for (char **p = s->problems; *p; p++)
                        fprintf(f, "    - %s\n", *p);
        }
        return ferror(f) ? -EIO : 0;
}

int status_print_check(FILE *f, const Status *s) {
        static const char *const label[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
        int code;
        switch (s->state) {
        case STATE_OK: code = 0; break;
        case STATE_DEGRADED: code = 2; break;
        default: code = 1; break;
        }
        /* A pool too small is a warning (status says which and a size). */
        for (size_t i = 0; code == 0 && i < s->n_nodes; i++)
                if (s->nodes[i].local_pool_alloc_failures)
                        code = 1;
        fprintf(f, "NUMACMA %s - %s |", label[code], s->summary);
        for (size_t i = 0; i < s->n_nodes; i++) {
                const NodeStatus *n = &s->nodes[i];
                fprintf(f, " 'node%d_pool'=%" PRIu64 "MB;;;0;%" PRIu64, n->node, to_mib(n->local_pool), to_mib(n->memory));
                if (n->local_pool_free_known && n->has_local_pool)
                        fprintf(f, " 'node%d_pool_free'=%" PRIu64 "MB;;;0;%" PRIu64, n->node,
                                to_mib(n->local_pool_free), to_mib(n->local_pool));
                fprintf(f, " 'node%d_cma'=%" PRIu64 "MB;;;0;%" PRIu64, n->node, to_mib(n->cma), to_mib(n->memory));
                if (n->usage_known && n->has_local_pool) {
                        fprintf(f, " 'node%d_pool_used'=%" PRIu64 "KB;;;0;%" PRIu64, n->node,
                                n->local_pool_used / KIB, n->local_pool / KIB);
                        fprintf(f, " 'node%d_pool_alloc_failures'=%" PRIu64 "c", n->node, n->local_pool_alloc_failures);
                }
        }
        if (s->default_area && s->default_usage_known) {
                fprintf(f, " 'default_used'=%" PRIu64 "KB;;;0;%" PRIu64, s->default_used / KIB, s->default_area / KIB);
                fprintf(f, " 'default_alloc_failures'=%" PRIu64 "c", s->default_alloc_failures);
        }
        fputc('\n', f);
        return code;
}

int plan_print_json(FILE *f, const Plan *p) {
        JsonWriter w = { .f = f, .pretty = true };
        json_begin_object(&w, NULL);
        json_begin_array(&w, "args");
        for (char **a = p->args; a && *a; a++)
                json_string(&w, NULL, *a);
        json_end_array(&w);
        json_string(&w, "param", p->param);
        json_bool(&w, "implicit", p->implicit);
        json_bool(&w, "refused", p->refused);
        json_bool(&w, "admin_conflict", p->admin_conflict);
        json_u64(&w, "default_area_mib", to_mib(p->default_area));
        if (p->slot_budget != UINT_MAX)
                json_u64(&w, "slot_budget", p->slot_budget);
        else
                json_null(&w, "slot_budget");
        json_begin_array(&w, "nodes");
        for (size_t i = 0; i < p->n_nodes; i++) {
                const PlanNode *n = &p->nodes[i];
                json_begin_object(&w, NULL);
                json_int(&w, "node", n->node);
                json_bool(&w, "wanted", n->wanted);
                json_u64(&w, "size_mib", to_mib(n->size));
                json_u64(&w, "accelerators", n->n_accelerators);
                json_u64(&w, "dma_devices", n->n_dma_devices);
                json_bool(&w, "boot_memory", n->boot_memory);
                json_bool(&w, "left_out", n->left_out);
                json_string(&w, "why", n->why);
                json_end_object(&w);
        }
        json_end_array(&w);
        json_begin_array(&w, "problems");
        for (char **e = p->problems; e && *e; e++)
                json_string(&w, NULL, *e);
        json_end_array(&w);
        json_begin_array(&w, "explain");
        for (char **e = p->explain; e && *e; e++)
                json_string(&w, NULL, *e);
        json_end_array(&w);
        json_end_object(&w);
        json_finish(&w);
        return ferror(f) ? -EIO : 0;
}
