/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmad: keeps the per-node CMA arguments in the boot configuration in
 * step with the policy and the accelerators present, and tells systemd (and
 * so the administrator) the truth in one STATUS= line. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <time.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "basic/chase.h"
#include "basic/fileio.h"
#include "basic/log.h"
#include "basic/time_util.h"
#include "basic/util.h"
#include "bootcfg/writer_lock.h"
#include "build-config.h"
#include "numacmad/counters.h"
#include "kernel/boot_facts.h"
#include "kernel/journal_log.h"
#include "kernel/kernel_log.h"
#include "numacmad/settle.h"
#include "numacmad/udev_monitor.h"
#include "report/metrics_file.h"
#include "report/report.h"
#include "status/status_prometheus.h"
#include "snapshot/snapshot.h"


#define EXIT_CONFIG 78 /* EX_CONFIG: the unit does not restart on it */

static const char *arg_root = "/";
static bool arg_once = false;
static bool arg_json = false;  /* --once: print the status as numacmactl status --json does */
static int arg_udev = -1; /* -1 auto: only for the live system */

/* ---- small helpers ---- */

static char *one_line(const char *s) {
        char *l = strdup(strempty(s));
        if (l)
                for (char *c = l; *c; c++)
                        if (*c == '\n' || *c == '\r')
                                *c = ' ';
        return l;
}

/* ---- the manager ---- */

typedef struct {
        sd_event *event;
        const char *root;
        bool live;

        Policy *policy;              /* the last good policy */
        bool policy_fresh;           /* just loaded: the next recompute need not read it again */
        char *policy_error;          /* the first error of a rejected reload, NULL when the files are good */
        Snapshot *snap;              /* the last computation */
        char *compute_error;         /* the last computation failed: why */
        char *apply_error;           /* the last apply failed: why */
        char **known;                /* PCI addresses of the accelerators that counted */

        UdevWatch *udev;
        Settle settle;
        sd_event_source *settle_timer;

        char *sent_status;           /* the last STATUS= sent */
        char *logged_summary;        /* the last summary logged */
        bool metrics_failed;         /* the last metrics write failed (logged once) */
        sd_event_source *metrics_timer;  /* [daemon] metrics_interval; none with metrics off */
        char *counters;              /* the CMA counters as the last snapshot read them */
        bool facts_done;             /* this boot's facts are recorded, or cannot be any more */

        unsigned long n_events, n_relevant, n_recomputes, n_applies, n_refreshes;
} Manager;

static Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        sd_event_source_disable_unref(m->settle_timer);
        sd_event_source_disable_unref(m->metrics_timer);
        free(m->counters);
        udev_watch_free(m->udev);
        sd_event_unref(m->event);
        policy_free(m->policy);
        free(m->policy_error);
        snapshot_free(m->snap);
        free(m->compute_error);
        free(m->apply_error);
        strv_free(m->known);
        free(m->sent_status);
        free(m->logged_summary);
        free(m);
        return NULL;
}
static inline void manager_freep(Manager **m) { manager_free(*m); }

static void set_string(char **p, char *v) {
        free(*p);
        *p = v;
}

/* Load the policy (the snapshot module's loader). A bad one is rejected
 * whole: each error is logged with its file:line, and the last good policy
 * stays. */
static int manager_load_policy(Manager *m) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        Policy *p = NULL;
        int r = snapshot_load_policy(m->root, &p, &errs);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                _cleanup_free_ char *e = errs.messages ? one_line(errs.messages[0]) : strdup_printf("cannot read the policy: %s", strerror(-r));
                /* Read again at every recompute: said once per new error. */
                if (!streq_ptr(e, m->policy_error)) {
                        report_policy_errors(&errs, r);
                        if (m->policy)
                                log_warning("Keeping the last good policy.");
                }
                set_string(&m->policy_error, TAKE_PTR(e));
                return r == -EINVAL ? r : -EIO;
        }
        policy_free(m->policy);
        m->policy = p;
        m->policy_fresh = true;
        set_string(&m->policy_error, NULL);
        settle_set_delay(&m->settle, p->settle_usec);
        _cleanup_free_ char *files = strv_join(p->sources, ", ");
        log_debug("Policy loaded from %s.", files && *files ? files : "built-in defaults");
        return 0;
}

/* The one place the boot configuration is written (with a root other than
 * "/", files below it only; no command runs there). On failure
 * *ret_error says why. */
static int apply_plan(Manager *m, char **ret_error) {
        _cleanup_(boot_apply_result_done) BootApplyResult res = {0};
        _cleanup_free_ char *args = plan_args_string(m->snap->plan);
        if (!args)
                return -ENOMEM;

        int r = snapshot_apply(m->snap, false, 0, NULL, &res);
        for (char **n = res.notes; n && *n; n++)
                log_debug("%s", *n);
        if (r < 0) {
                *ret_error = one_line(res.error ? res.error : strerror(-r));
                if (res.output && *res.output)
                        log_debug("Bootloader command output: %s", res.output);
                return r;
        }
        m->n_applies++;
        if (!res.changed && !res.commands) {
                log_debug("The boot configuration already holds '%s'.", args);
                return 0;
        }
        _cleanup_free_ char *line = report_apply_written(&res, args);
        if (!line)
                return -ENOMEM;
        log_notice("%s", line);
        return 1;
}

/* node_exporter's textfile: where (NULL: nowhere), below the root. */
static char *metrics_dir(const Manager *m) {
        const char *d = m->policy ? m->policy->metrics_dir : NULL;
        _cleanup_free_ char *full = NULL;
        if (d && !*d)
                return NULL;
        if (chase_for_write(m->root, d ? d : METRICS_TEXTFILE_DIR_DEFAULT, &full) < 0)
                return NULL;
        /* auto: only where Debian's node exporter is installed. */
        if (!d && access(full, F_OK) < 0)
                return NULL;
        return TAKE_PTR(full);
}

/* The metrics, from the same status as STATUS=, written when they changed
 * (write_file_atomic keeps an identical file as it is): at start, and after
 * every recompute; never on a timer. */
static void manager_write_metrics(Manager *m) {
        _cleanup_free_ char *dir = metrics_dir(m), *text = NULL;
        if (!dir || !m->snap)
                return;
        MetricsExtra x = {
                .last_apply_known = m->snap->next.last_apply_known,
                .last_apply_seconds = m->snap->next.last_apply,
                .last_apply_failed = m->apply_error != NULL,
        };
        if (!(text = status_format_prometheus(m->snap->status, &x))) {
                (void) log_oom();
                return;
        }
        int r = metrics_write_textfile(dir, text);
        if (r < 0 && !m->metrics_failed)
                (void) log_warning_errno(r, "Failed to write the metrics into '%s': %m", dir);
        m->metrics_failed = r < 0;
}

static int manager_send_status(Manager *m, const char *prefix) {
        StrBuf b = {0};
        if (m->policy_error)
                strbuf_printf(&b, "policy rejected (%s), running with the last good one; ", m->policy_error);
        if (m->compute_error)
                strbuf_printf(&b, "cannot read the system (%s); ", m->compute_error);
        if (m->apply_error)
                strbuf_printf(&b, "boot configuration not updated (%s); ", m->apply_error);
        strbuf_append(&b, m->snap ? m->snap->status->summary : "no status yet");
        _cleanup_free_ char *line = strbuf_steal(&b);
        if (!line)
                return log_oom();
        manager_write_metrics(m);
        if (!prefix && streq_ptr(line, m->sent_status))
                return 0;
        int r = sd_notifyf(false, "%sSTATUS=%s", strempty(prefix), line);
        if (r < 0)
                (void) log_warning_errno(r, "Failed to notify the service manager: %m");
        set_string(&m->sent_status, TAKE_PTR(line));
        return 0;
}

/* The devices whose events matter from now on: the accelerators and DMA
 * devices of the computation, and (when listening to udev) those in udev's
 * database, so that the removal of one is recognized though sysfs no
 * longer has it. */
static int cmp_strp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int manager_update_known(Manager *m) {
        _cleanup_strv_free_ char **known = NULL;
        const Topology *t = m->snap->topology;
        int r;

        if (m->udev) {
                r = udev_watch_enumerate(m->udev, m->policy, &known);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        (void) log_warning_errno(r, "Failed to enumerate devices through udev: %m");
        }
        for (size_t i = 0; i < t->n_devices; i++)
                if (t->devices[i].accelerator && strv_extend(&known, t->devices[i].address) < 0)
                        return -ENOMEM;
        for (size_t i = 0; i < m->snap->dma.n_devices; i++)
                if (strv_extend(&known, m->snap->dma.devices[i].address) < 0)
                        return -ENOMEM;
        /* Sorted once, duplicates dropped: thousands of devices, no
         * quadratic search. */
        size_t n = strv_length(known), u = 0;
        if (n > 1)
                qsort(known, n, sizeof(char *), cmp_strp);
        for (size_t i = 0; i < n; i++) {
                if (u > 0 && streq(known[u - 1], known[i])) {
                        free(known[i]);
                        continue;
                }
                known[u++] = known[i];
        }
        if (known)
                known[u] = NULL;
        strv_free(m->known);
        m->known = TAKE_PTR(known);
        log_debug("%zu device%s followed (accelerators and DMA devices).", strv_length(m->known), strv_length(m->known) == 1 ? "" : "s");
        return 0;
}

static int manager_set_snapshot(Manager *m, Snapshot *snap) {
        snapshot_free(m->snap);
        m->snap = snap;
        return manager_update_known(m) < 0 ? log_oom() : 0;
}

/* Write the plan when the boot configuration does not hold it: under the
 * writer lock, from a snapshot read under it; then read back what it now
 * says (after a failure: bootcfg recorded it). */
static int manager_apply(Manager *m) {
        _cleanup_free_ char *e = NULL, *holder = NULL;
        _cleanup_snapshot_ Snapshot *s = NULL;
        _cleanup_(writer_lock_release) int lock = -1;
        int r = writer_lock_take(m->root, "numacmad", WRITER_LOCK_TIMEOUT_USEC, &lock, &holder);
        if (r < 0) {
                set_string(&m->apply_error, r == -EBUSY ? strdup_printf("another writer holds the lock: %s", strna(holder))
                                                        : strdup_printf("cannot take the writer lock: %s", strerror(-r)));
                return log_error_errno(r, "Failed to take the writer lock '%s': %s", WRITER_LOCK_PATH, strna(m->apply_error));
        }
        r = snapshot_new(m->root, m->policy, 0, NULL, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to read the system below '%s': %m", m->root);
        if ((r = manager_set_snapshot(m, TAKE_PTR(s))) < 0)
                return r;
        if (!snapshot_needs_apply(m->snap))
                return 0; /* another writer did it meanwhile */
        r = apply_plan(m, &e);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0 && !streq_ptr(e, m->apply_error))
                log_error("Failed to write the boot configuration: %s", strna(e));
        set_string(&m->apply_error, r < 0 ? TAKE_PTR(e) : NULL);
        if (r == 0)
                return 0;
        r = snapshot_new(m->root, m->policy, 0, NULL, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to read the system below '%s' after writing: %m", m->root);
        return manager_set_snapshot(m, TAKE_PTR(s));
}

/* The CMA counters, read just before a snapshot: a change after this is
 * seen at the next look. Only while the metrics are refreshed. */
static void manager_note_counters(Manager *m) {
        char *c = NULL;
        if (!m->metrics_timer)
                return;
        if (cma_counters_read(m->root, &c) < 0)
                c = NULL;  /* unreadable: the next look reads again and refreshes */
        set_string(&m->counters, c);
}

/* This boot's early facts (which nodes had memory at early boot, the CMA
 * reservation lines), kept once per boot while /dev/kmsg (or the journal)
 * still has them: numacmactl and later recomputes read the record when
 * the ring buffer has wrapped (kernel/boot_facts.h). */
static void manager_record_boot_facts(Manager *m) {
        _cleanup_free_ char *id = NULL, *text = NULL, *why = NULL;
        const char *source = "/dev/kmsg";
        if (m->facts_done)
                return;
        int r = kmsg_read(m->root, &text);
        if (r >= 0)
                r = boot_facts_record(m->root, text, source);
        if (r == -ENODATA && boot_id_read(m->root, &id) >= 0) {
                free(text);
                text = NULL;
                source = "the journal";
                r = journal_kernel_text(m->root, id, &text, &why);
                r = r < 0 ? r : text ? boot_facts_record(m->root, text, source) : -ENODATA;
        }
        if (r > 0)
                log_info("Recorded this boot's early memory node ranges and CMA lines from %s in %s.", source, BOOT_FACTS_PATH);
        else if (r == -ENODATA)
                log_notice("This boot's early kernel messages are gone from /dev/kmsg%s%s: which nodes had memory at early boot is judged without them.",
                           why ? " and " : "", strempty(why));
        else if (r < 0 && r != -ENOENT)
                (void) log_warning_errno(r, "Failed to record this boot's early facts in '%s': %m", BOOT_FACTS_PATH);
        m->facts_done = r >= 0 || r == -ENODATA || r == -ENOENT;
}

/* Recompute the plan once; apply it when it changed and the policy says so.
 * Logs one line per decision; nothing when nothing changed. */
static int manager_recompute(Manager *m, const char *why) {
        Snapshot *s = NULL;
        int r;

        m->n_recomputes++;
        /* Always the policy on disk: an edit applied with 'numacmactl apply'
         * (no reload) must not be undone by this recompute's write. A policy
         * that does not load leaves the last good one (and says so). */
        if (m->policy && !m->policy_fresh && (r = manager_load_policy(m)) == -ENOMEM)
                return r;
        m->policy_fresh = false;
        manager_note_counters(m);
        manager_record_boot_facts(m);
        r = snapshot_new(m->root, m->policy, 0, NULL, &s);
        if (r < 0) {
                (void) log_error_errno(r, "Failed to read the system below '%s' (%s): %m", m->root, why);
                set_string(&m->compute_error, strdup(strerror(-r)));
                return r;
        }
        set_string(&m->compute_error, NULL);
        if ((r = manager_set_snapshot(m, s)) < 0)
                return r;
        if (m->policy->apply && snapshot_needs_apply(m->snap)) {
                if ((r = manager_apply(m)) == -ENOMEM)
                        return r;
        } else {
                set_string(&m->apply_error, NULL);
                /* What numacmactl apply does when there is nothing to write. */
                if (m->policy->apply && m->policy->manage && !m->snap->plan->refused &&
                    (r = bootcfg_sync_reboot_flags(m->root, &m->snap->next)) < 0)
                        (void) log_warning_errno(r, "Failed to update the reboot-required flags: %m");
        }

        const char *summary = m->snap->status->summary;
        if (!streq_ptr(summary, m->logged_summary)) {
                log_info("%s", summary);
                set_string(&m->logged_summary, strdup(summary));
        } else
                /* Said once per settled burst or reload: that devices were
                 * followed shows in the journal. */
                log_info("Recomputed (%s): unchanged.", why);
        return 0;
}

/* ---- events ---- */

static int on_settle_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        unsigned n = 0;
        uint64_t deadline;

        if (!settle_expired(&m->settle, now_usec(CLOCK_MONOTONIC), &n, &deadline)) {
                if (deadline) {
                        (void) sd_event_source_set_time(s, deadline);
                        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
                }
                return 0;
        }
        _cleanup_free_ char *why = strdup_printf("%u device event%s", n, n == 1 ? "" : "s");
        log_debug("Device events settled after %u event%s: recomputing.", n, n == 1 ? "" : "s");
        (void) manager_recompute(m, why ? why : "device events");
        (void) manager_send_status(m, NULL);
        return 0;
}

/* Once per [daemon] metrics_interval: when the kernel's CMA counters
 * changed (a driver allocated, an allocation failed), the status is read
 * again and the metrics written; nothing is applied (that waits for a
 * device event or a reload). */
static int on_metrics_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        _cleanup_free_ char *now = NULL;
        /* From the time it was due, not from now: one wakeup per interval. */
        int r = sd_event_source_set_time(s, usec + m->policy->metrics_interval_usec);
        if (r >= 0)
                r = sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        if (r < 0)
                (void) log_warning_errno(r, "Failed to arm the metrics timer again: %m");
        if (cma_counters_read(m->root, &now) < 0 || streq_ptr(now, m->counters))
                return 0;
        Snapshot *snap = NULL;
        set_string(&m->counters, TAKE_PTR(now));
        m->n_refreshes++;
        r = snapshot_new(m->root, m->policy, 0, NULL, &snap);
        if (r < 0) {
                (void) log_warning_errno(r, "Failed to read the system below '%s' for the metrics: %m", m->root);
                return 0;
        }
        log_debug("The CMA counters changed: the metrics are written again.");
        if (manager_set_snapshot(m, snap) >= 0)
                (void) manager_send_status(m, NULL);
        return 0;
}

/* The metrics timer runs when the metrics are written somewhere and the
 * policy gives an interval; otherwise there is none (no wakeup). */
static int manager_arm_metrics(Manager *m) {
        _cleanup_free_ char *dir = m->event ? metrics_dir(m) : NULL;
        uint64_t usec = dir && m->policy ? m->policy->metrics_interval_usec : 0;
        int r;
        if (!usec) {
                m->metrics_timer = sd_event_source_disable_unref(m->metrics_timer);
                set_string(&m->counters, NULL);
                return 0;
        }
        if (!m->metrics_timer) {
                /* Within a tenth of the interval (at most 1 s) sd-event may
                 * join it to another wakeup. */
                r = sd_event_add_time_relative(m->event, &m->metrics_timer, CLOCK_MONOTONIC, usec,
                                               MIN(usec / 10, USEC_PER_SEC), on_metrics_timer, m);
                if (r < 0)
                        return log_error_errno(r, "Failed to create the metrics timer: %m");
                (void) sd_event_source_set_description(m->metrics_timer, "metrics");
        } else if ((r = sd_event_source_set_time_relative(m->metrics_timer, usec)) < 0)
                return log_error_errno(r, "Failed to arm the metrics timer: %m");
        r = sd_event_source_set_enabled(m->metrics_timer, SD_EVENT_ONESHOT);
        if (r < 0)
                return log_error_errno(r, "Failed to enable the metrics timer: %m");
        manager_note_counters(m);
        return 0;
}

static void manager_device_changed(Manager *m) {
        uint64_t deadline = settle_event(&m->settle, now_usec(CLOCK_MONOTONIC));
        int r = sd_event_source_set_time(m->settle_timer, deadline);
        if (r >= 0)
                r = sd_event_source_set_enabled(m->settle_timer, SD_EVENT_ONESHOT);
        if (r < 0)
                (void) log_error_errno(r, "Failed to arm the settle timer: %m");
}

static void on_device(UdevWatch *w, const DeviceEvent *ev, void *userdata) {
        Manager *m = userdata;
        _cleanup_free_ char *addr = NULL;

        m->n_events++;
        if (!ev) {
                log_warning("Device events were lost (receive buffer overrun): recomputing to be sure.");
                manager_device_changed(m);
                return;
        }
        int r = device_event_relevant(m->policy, m->known, ev, &addr);
        if (r < 0) {
                (void) log_error_errno(r, "Failed to judge a device event: %m");
                return;
        }
        if (r == 0)
                return;
        m->n_relevant++;
        log_debug("%s %s (%s): settling.", ev->action, addr, strna(ev->subsystem));
        manager_device_changed(m);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;
        (void) sd_notifyf(false, "RELOADING=1\nSTATUS=Reloading the policy\nMONOTONIC_USEC=%" PRIu64,
                          now_usec(CLOCK_MONOTONIC));
        log_info("Reloading the policy.");
        (void) manager_load_policy(m);
        (void) manager_arm_metrics(m);
        (void) manager_recompute(m, "reload");
        (void) manager_send_status(m, "READY=1\n");
        return 0;
}

static int on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        /* The boot configuration is never touched on the way out: what was
         * written stays for the next boot, a pending burst is recomputed at
         * the next start. */
        (void) sd_notify(false, "STOPPING=1\nSTATUS=Stopping");
        log_debug("Stopping on signal %u.", si->ssi_signo);
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

/* ---- setup ---- */

static int manager_new(Manager **ret) {
        _cleanup_(manager_freep) Manager *m = calloc(1, sizeof(Manager));
        int r;
        if (!m)
                return log_oom();
        m->root = arg_root;
        m->live = root_is_live(arg_root);
        settle_init(&m->settle, 0);
        if (arg_once) {
                *ret = TAKE_PTR(m);
                return 0;
        }

        r = sd_event_default(&m->event);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the event loop: %m");
        sigset_t ss;
        sigemptyset(&ss);
        sigaddset(&ss, SIGTERM);
        sigaddset(&ss, SIGINT);
        sigaddset(&ss, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0)
                return log_error_errno(-errno, "Failed to block signals: %m");
        if ((r = sd_event_add_signal(m->event, NULL, SIGTERM, on_sigterm, m)) < 0 ||
            (r = sd_event_add_signal(m->event, NULL, SIGINT, on_sigterm, m)) < 0 ||
            (r = sd_event_add_signal(m->event, NULL, SIGHUP, on_sighup, m)) < 0)
                return log_error_errno(r, "Failed to watch signals: %m");
        r = sd_event_set_watchdog(m->event, true);
        if (r < 0)
                return log_error_errno(r, "Failed to enable the watchdog: %m");
        r = sd_event_add_time(m->event, &m->settle_timer, CLOCK_MONOTONIC, UINT64_MAX, 1000, on_settle_timer, m);
        if (r < 0)
                return log_error_errno(r, "Failed to create the settle timer: %m");
        (void) sd_event_source_set_enabled(m->settle_timer, SD_EVENT_OFF);
        (void) sd_event_source_set_description(m->settle_timer, "settle");

        if (arg_udev > 0 || (arg_udev < 0 && m->live)) {
                /* Listen before looking, so nothing between the two is missed. */
                r = udev_watch_new(m->event, on_device, m, &m->udev);
                if (r < 0)
                        return log_error_errno(r, "Failed to listen to udev: %m");
        }
        *ret = TAKE_PTR(m);
        return 0;
}

static int manager_start(Manager *m) {
        int r = manager_load_policy(m);
        if (r < 0)
                return r;
        if ((r = manager_arm_metrics(m)) < 0)
                return r;
        return manager_recompute(m, "start");
}

static void help(void) {
        printf("numacmad [OPTIONS]\n\n"
               "Keeps per-NUMA-node CMA kernel arguments in the boot configuration in step\n"
               "with the policy and the accelerators present.\n\n"
               "  --root DIR         read the system below DIR (a captured tree); no udev, no commands\n"
               "  --once             compute, apply (when the policy says so), print the status, exit\n"
               "  --json             with --once: print the status as 'numacmactl status --json' does\n"
               "  --udev=yes|no|auto listen to udev (auto: only when the root is /)\n"
               "  --log-level=LEVEL  debug, info, notice, warning or err (default info)\n"
               "  -h --help          this help\n"
               "  --version          the version\n");
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_ROOT = 0x100, ARG_ONCE, ARG_JSON, ARG_UDEV, ARG_LOG_LEVEL, ARG_VERSION };
        static const struct option options[] = {
                { "root", required_argument, NULL, ARG_ROOT },
                { "once", no_argument, NULL, ARG_ONCE },
                { "json", no_argument, NULL, ARG_JSON },
                { "udev", required_argument, NULL, ARG_UDEV },
                { "log-level", required_argument, NULL, ARG_LOG_LEVEL },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        int c, r;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_ROOT:
                        if (optarg[0] != '/') {
                                log_error("--root needs an absolute path: '%s'", optarg);
                                return -EINVAL;
                        }
                        arg_root = optarg;
                        break;
                case ARG_ONCE:
                        arg_once = true;
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_UDEV:
                        if (streq(optarg, "auto"))
                                arg_udev = -1;
                        else if (streq(optarg, "yes"))
                                arg_udev = 1;
                        else if (streq(optarg, "no"))
                                arg_udev = 0;
                        else {
                                log_error("--udev takes yes, no or auto: '%s'", optarg);
                                return -EINVAL;
                        }
                        break;
                case ARG_LOG_LEVEL:
                        if ((r = log_level_from_string(optarg)) < 0) {
                                log_error("Unknown log level '%s'", optarg);
                                return -EINVAL;
                        }
                        log_setup(LOG_TARGET_JOURNAL, r);
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("numacmad %s\n", PACKAGE_VERSION);
                        return 0;
                default:
                        return -EINVAL;
                }
        if (optind < argc) {
                log_error("Unexpected argument '%s'. See 'numacmad --help'.", argv[optind]);
                return -EINVAL;
        }
        return 1;
}

static int run(int argc, char *argv[]) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        log_setup(LOG_TARGET_JOURNAL, LOG_INFO);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;

        r = manager_new(&m);
        if (r < 0)
                return EXIT_FAILURE;
        r = manager_start(m);
        if (r < 0) {
                (void) sd_notifyf(false, "STATUS=%s",
                                  m->policy_error ? m->policy_error : "failed to start, see the log");
                return r == -EINVAL ? EXIT_CONFIG : EXIT_FAILURE;
        }
        if (arg_once) {
                (void) manager_send_status(m, NULL);
                if (arg_json && m->snap)
                        (void) status_print_json(stdout, m->snap->status);
                else
                        printf("%s\n", m->sent_status);
                return m->apply_error ? EXIT_FAILURE : EXIT_SUCCESS;
        }

        (void) manager_send_status(m, "READY=1\n");
        r = sd_event_loop(m->event);
        if (r < 0) {
                (void) log_error_errno(r, "Event loop failed: %m");
                return EXIT_FAILURE;
        }
        return r;
}

int main(int argc, char *argv[]) {
        return run(argc, argv);
}
