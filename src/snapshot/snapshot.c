/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "bootcfg/ownership.h"
#include "kernel/cmdline_tokens.h"
#include "snapshot/snapshot.h"

/* A root that is not there has no policy: that is an error, never the
 * built-in defaults (the daemon keeps its last good policy on it). */
int snapshot_load_policy(const char *root, Policy **ret, PolicyErrors *errs) {
        struct stat st;
        if (stat(root ? root : "/", &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        return policy_load(root, ret, errs);
}

void snapshot_free(Snapshot *s) {
        if (!s)
                return;
        status_free(s->status);
        plan_free(s->plan);
        cmdline_free(s->desired);
        cmdline_free(s->admin);
        free(s->booted_cmdline);
        cma_usage_done(&s->usage);
        dma_devices_done(&s->dma);
        dma_zones_done(&s->zones);
        boot_memory_done(&s->boot_memory);
        kernel_log_done(&s->log);
        cma_state_done(&s->cma);
        for (size_t i = 0; i < s->n_targets; i++)
                kernel_caps_done(&s->targets[i]);
        free(s->targets);
        kernel_caps_done(&s->running);
        topology_free(s->topology);
        next_boot_done(&s->next);
        policy_free(s->policy);
        free(s->root);
        free(s);
}

static bool is_config_file(const char *name) {
        return startswith(name, "config-") && name[7];
}

static int add_target(Snapshot *s, const char *release) {
        for (size_t i = 0; i < s->n_targets; i++)
                if (streq_ptr(s->targets[i].release, release))
                        return 0;
        KernelCaps *k = &s->targets[s->n_targets];
        /* The running kernel's config is read once. */
        int r = streq_ptr(release, s->running.release) ? kernel_caps_copy(&s->running, k)
                                                       : kernel_caps_load(s->root, release, false, k);
        if (r < 0 && r != -ENOENT)
                return r;
        s->n_targets++;
        return 0;
}

/* The plan's targets: the kernels the boot configuration boots (the
 * default entry's first), or, when those are unknown, the running kernel
 * and every kernel with a config under /boot. */
static int load_targets(Snapshot *s) {
        _cleanup_strv_free_ char **configs = NULL;
        char **list = s->next.releases;
        size_t skip = 0;
        int r;

        if (!list) {
                r = list_dir_root(s->root, "/boot", is_config_file, &configs);
                if (r < 0 && r != -ENOENT)
                        return r;
                list = configs;
                skip = strlen("config-");
        }
        s->targets = calloc(strv_length(list) + 1, sizeof(KernelCaps));
        if (!s->targets)
                return -ENOMEM;
        if (!s->next.releases && (r = add_target(s, s->running.release)) < 0)
                return r;
        for (char **l = list; l && *l; l++)
                if ((r = add_target(s, *l + skip)) < 0)
                        return r;
        if (s->n_targets == 0)
                return add_target(s, s->running.release);
        return 0;
}

/* Does the running kernel carry numacma's patch 0003 (no implicit area on
 * the default area's node)? Its release says so (kernel_caps), else what it
 * did at this boot: its log line, else its areas in sysfs. The targets of
 * the same release are the same kernel. */
static int detect_0003(Snapshot *s) {
        KernelCaps *k = &s->running;
        if (k->numacma_0003 == TRI_UNKNOWN && s->log.has_skipped_default) {
                k->numacma_0003 = TRI_YES;
                k->numacma_0003_why = "its log says 'cma: node N holds the default area, no numaN area'";
        } else if (k->numacma_0003 == TRI_UNKNOWN) {
                _cleanup_cmdline_ Cmdline *booted = NULL;
                if (cmdline_parse(strempty(s->booted_cmdline), &booted) < 0)
                        return -ENOMEM;
                PredictEnv env = { .boot_memory = &s->boot_memory, .running = &s->cma,
                                   .default_node = cma_state_default_node(&s->cma) };
                k->numacma_0003 = prediction_running_0003(k, booted, s->topology, &env, &k->numacma_0003_why);
        }
        for (size_t i = 0; i < s->n_targets; i++)
                if (streq_ptr(s->targets[i].release, k->release)) {
                        s->targets[i].numacma_0003 = k->numacma_0003;
                        s->targets[i].numacma_0003_why = k->numacma_0003_why;
                }
        return 0;
}

static int load_machine(Snapshot *s) {
        _cleanup_free_ char *release = NULL;
        int r = topology_load(s->root, s->policy, &s->topology);
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
        if ((r = load_targets(s)) < 0)
                return r;
        if ((r = cma_state_load(s->root, &s->topology->memory, &s->cma)) < 0)
                return r;
        if ((r = read_line_root(s->root, "/proc/cmdline", &s->booted_cmdline)) < 0)
                return r;
        if ((r = cma_usage_load(s->root, &s->cma, &s->usage)) < 0 ||
            (r = kernel_log_load(s->root, &s->log)) < 0 ||
            (r = boot_memory_load(s->root, s->topology, &s->cma, &s->log, s->booted_cmdline, &s->running, &s->boot_memory)) < 0 ||
            (r = detect_0003(s)) < 0)
                return r;
        const KernelMemory *m = &s->topology->memory;
        if ((r = dma_zones_from_memory(m, s->running.arch, m->page_size ? m->page_size : s->running.page_size, &s->zones)) < 0)
                return r;
        return dma_devices_load(s->root, s->topology, &s->dma);
}

/* The plan starts from the line numacma's own update will produce, less
 * numacma's tokens: the administrator's part. */
static int plan_and_judge(Snapshot *s) {
        const char *from = s->next.planned_from ? s->next.planned_from :
                           s->next.cmdline ? s->next.cmdline : s->booted_cmdline;
        int r = cmdline_parse(strempty(from), &s->admin);
        if (r < 0)
                return r;
        for (char **o = s->next.owned; o && *o; o++)
                cmdline_remove_text(s->admin, *o);
        PlanInput in = {
                .policy = s->policy,
                .topology = s->topology,
                .targets = s->targets,
                .n_targets = s->n_targets,
                .admin = s->admin,
                .boot_memory = &s->boot_memory,
                .dma = &s->dma,
                .zones = &s->zones,
                .cma = &s->cma,
                .usage = &s->usage,
        };
        if ((r = plan_compute(&in, &s->plan)) < 0)
                return r;
        _cleanup_free_ char *line = cmdline_to_string(s->admin);
        if (!line)
                return -ENOMEM;
        if ((r = cmdline_parse(line, &s->desired)) < 0)
                return r;
        for (char **a = s->plan->args; a && *a && r >= 0; a++)
                r = cmdline_append(s->desired, *a);
        /* A later drop-in drops what numacma's adds: said, never fought. */
        if (r >= 0 && s->next.override && s->plan->args && *s->plan->args)
                r = problems_addf(&s->next.problems, PROBLEM_DROPIN_OVERRIDDEN, "%s: numacma's arguments would not reach the kernel, so it does not write them; make that assignment append (GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX ...\")",
                                 s->next.override);
        if (r == -EINVAL || r == -EBADMSG)  /* a quote left open: nothing can follow it */
                r = problems_addf(&s->next.problems, PROBLEM_OPEN_QUOTE, "the next boot's command line ends inside a double quote: numacma's '%s' cannot be added to it (it would be part of the quoted value)",
                                 s->plan->args[0]);
        if (r < 0)
                return r;
        StatusInput st = {
                .policy = s->policy,
                .topology = s->topology,
                .running = &s->running,
                .running_config_found = s->running_config_found,
                .targets = s->targets,
                .n_targets = s->n_targets,
                .cma = &s->cma,
                .booted_cmdline = s->booted_cmdline,
                .next = &s->next,
                .plan = s->plan,
                .desired = s->desired,
                .boot_memory = &s->boot_memory,
                .dma = &s->dma,
                .zones = &s->zones,
                .usage = &s->usage,
                .log = &s->log,
        };
        return status_judge(&st, &s->status);
}

/* A next-boot line that does not parse as a command line is unknown, and
 * says why, rather than failing the whole snapshot. */
static int drop_unparsable(NextBoot *n) {
        char **lines[] = { &n->cmdline, &n->planned_from };
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                _cleanup_cmdline_ Cmdline *l = NULL;
                if (!*lines[i] || cmdline_parse(*lines[i], &l) >= 0)
                        continue;
                if (!n->unknown_reason &&
                    !(n->unknown_reason = strdup_printf("its command line does not parse (a double quote left open?): %s", *lines[i])))
                        return -ENOMEM;
                free(*lines[i]);
                *lines[i] = NULL;
        }
        return 0;
}

/* A boot configuration that cannot be read makes the next boot unknown,
 * with the reason; the plan and the rest of the status still hold. */
static int load_boot(Snapshot *s) {
        s->backend = bootcfg_detect(s->root, s->policy->backend);
        int r = bootcfg_read(s->root, s->backend, &s->next);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                const char *name = boot_backend_to_string(s->backend);
                s->next.backend = strdup(name);
                s->next.unknown_reason = strdup_printf("cannot read the %s boot configuration: %s", name, strerror(-r));
                if (!s->next.backend || !s->next.unknown_reason)
                        return -ENOMEM;
        }
        if ((r = drop_unparsable(&s->next)) < 0)
                return r;
        return ownership_decide(&s->next);
}

static int load(Snapshot *s, SnapshotFlags flags) {
        int r = load_boot(s);
        if (r < 0 || (flags & SNAPSHOT_BOOT_ONLY))
                return r;
        if ((r = load_machine(s)) < 0)
                return r;
        return plan_and_judge(s);
}

int snapshot_new(const char *root, const Policy *policy, SnapshotFlags flags, PolicyErrors *errs, Snapshot **ret) {
        Snapshot *s = calloc(1, sizeof(Snapshot));
        int r = s ? 0 : -ENOMEM;
        if (r >= 0 && !(s->root = strdup(root ? root : "/")))
                r = -ENOMEM;
        if (r >= 0)
                r = policy ? policy_copy(policy, &s->policy) : snapshot_load_policy(s->root, &s->policy, errs);
        if (r >= 0)
                r = load(s, flags);
        if (r < 0) {
                snapshot_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

/* Every wanted token is on the next boot's line and no unwanted one of
 * numacma's is. */
static bool next_boot_converged(const Snapshot *s) {
        _cleanup_strv_free_ char **have = NULL;
        if (tokens_of(s->next.cmdline, &have) < 0)
                return false;
        for (char **t = s->plan->args; t && *t; t++)
                if (!strv_contains(have, *t))
                        return false;
        for (char **t = s->next.owned; t && *t; t++)
                if (!strv_contains(s->plan->args, *t) && strv_contains(have, *t))
                        return false;
        /* grub.cfg stale in what numacma wrote; other staleness is the
         * administrator's update-grub to run, not numacma's to chase. */
        return !s->next.stale_cma;
}

bool snapshot_needs_apply(const Snapshot *s) {
        if (!s->plan || s->plan->refused || !s->policy->manage)
                return false;
        /* A later drop-in that drops numacma's arguments is the
         * administrator's to change: reported, not fought. */
        if (s->next.override && s->plan->args && *s->plan->args)
                return false;
        if (!s->next.cmdline || s->next.last_error)
                return true; /* unknown, or the last write failed: write (applying is idempotent) */
        return !strv_equal(s->plan->args, s->next.owned) || !next_boot_converged(s);
}

int snapshot_apply(const Snapshot *s, bool remove_all, BootApplyFlags flags, const BootIO *io, BootApplyResult *ret) {
        _cleanup_strv_free_ char **remove = NULL;
        char *const *want = remove_all || !s->plan ? NULL : s->plan->args;
        int r;

        /* The administrator's answer (debconf, [boot] manage = no): numacma
         * reports and writes nothing; its own arguments can still go. */
        if (!remove_all && !(flags & BOOT_APPLY_DRY_RUN) && !s->policy->manage) {
                *ret = (BootApplyResult){ .backend = s->backend, .diff = strdup("") };
                ret->error = strdup("numacma may not change the boot configuration ([boot] manage = no; Debian: "
                                    "dpkg-reconfigure numacma): nothing is written");
                return -EPERM;
        }
        if (!remove_all && s->plan && s->plan->refused) {
                *ret = (BootApplyResult){ .backend = s->backend, .diff = strdup("") };
                ret->error = strdup_printf("the plan cannot be written: %s", strna(s->plan->refusal));
                return -ECANCELED;
        }
        for (char **t = s->next.owned; t && *t; t++)
                if (!strv_contains(want, *t) && !strv_contains(remove, *t) && (r = strv_extend(&remove, *t)) < 0)
                        return r;
        if (s->policy->respect_admin_args)
                flags |= BOOT_APPLY_RESPECT_ADMIN;
        return bootcfg_apply(s->root, s->backend, want, remove, &s->next, flags, io, ret);
}
