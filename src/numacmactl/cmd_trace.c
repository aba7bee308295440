/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacmactl trace: the kernel's own record of each device's coherent DMA
 * memory (dma:dma_alloc/dma_free from 6.12, cma:cma_alloc_finish and
 * cma_release), attributed to device, CMA area and node
 * (machine/dma_trace.h), next to the CMA areas' counters. Live: a private
 * tracefs instance while a command runs, for some seconds, or until
 * Ctrl-C. --boot: what trace_event= recorded since early boot (probe-time
 * allocations; the policy's trace_at_boot = yes writes it). */
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/json.h"
#include "basic/log.h"
#include "basic/util.h"
#include "kernel/trace_events.h"
#include "machine/dma_trace.h"
#include "machine/memory_blocks.h"
#include "machine/tracefs.h"
#include "numacmactl/verb.h"
#include "snapshot/snapshot.h"

#define CMA_SYSFS_DIR "/sys/kernel/mm/cma"

typedef struct {
        bool boot;                /* the top-level buffer, from boot */
        uint64_t seconds;         /* live: stop after this long (0: the command, or Ctrl-C) */
        char **command;           /* live: run this while tracing (NULL: none) */
        bool json;
} TraceOptions;

static TraceOptions arg_trace = {0};
extern const Verb verb_trace;

/* The CMA areas' counters (CONFIG_CMA_SYSFS): before and after a live
 * trace, or since boot. */
typedef struct {
        bool known;
        uint64_t success, fail;
} AreaCounters;

static void read_counters(const char *root, const char *name, AreaCounters *ret) {
        _cleanup_free_ char *s = strdup_printf(CMA_SYSFS_DIR "/%s/alloc_pages_success", name);
        _cleanup_free_ char *f = strdup_printf(CMA_SYSFS_DIR "/%s/alloc_pages_fail", name);
        *ret = (AreaCounters){0};
        ret->known = s && f && read_u64_root(root, s, &ret->success) >= 0 && read_u64_root(root, f, &ret->fail) >= 0;
}

typedef struct {
        const char *root;
        const TraceOptions *o;
        Snapshot *snap;
        Tracefs fs;
        DmaTrace trace;
        double seconds;           /* live: how long it recorded */
        AreaCounters *before, *after;  /* per area of the snapshot's CMA state */
        char **notes;             /* what the reader must know about the numbers */
} Run;

static int feed_line(char *l, void *userdata) {
        return dma_trace_feed(userdata, l, strlen(l));
}

static double now_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The command, or the seconds, or until SIGINT/SIGTERM: the signals are
 * blocked here (Ctrl-C reaches the command and ends the wait, not us). */
static int wait_while_tracing(const TraceOptions *o) {
        sigset_t set, old;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &set, &old) < 0)
                return -errno;
        int r = 0;
        if (o->command) {
                pid_t pid = fork();
                if (pid < 0)
                        r = -errno;
                else if (pid == 0) {
                        (void) sigprocmask(SIG_SETMASK, &old, NULL);
                        execvp(o->command[0], o->command);
                        fprintf(stderr, "Failed to run '%s': %s\n", o->command[0], strerror(errno));
                        _exit(127);
                } else {
                        int status;
                        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                                ;
                }
        } else {
                struct timespec ts = { .tv_sec = (time_t) o->seconds };
                if (!o->seconds)
                        fprintf(stderr, "Tracing coherent DMA allocations; Ctrl-C to stop.\n");
                while (sigtimedwait(&set, NULL, o->seconds ? &ts : NULL) < 0 && errno == EINTR)
                        ;
        }
        (void) sigprocmask(SIG_SETMASK, &old, NULL);
        return r;
}

static int counters_all(Run *run, AreaCounters **ret) {
        const CmaState *c = &run->snap->cma;
        AreaCounters *a = calloc(MAX(c->n_areas, (size_t) 1), sizeof(AreaCounters));
        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_areas; i++)
                read_counters(run->root, c->areas[i].name, &a[i]);
        *ret = a;
        return 0;
}

static int record_live(Run *run, DmaTraceBuilder *b) {
        _cleanup_free_ char *why = NULL;
        TraceSession s;
        int r = counters_all(run, &run->before);
        if (r < 0)
                return r;
        if ((r = trace_session_start(&run->fs, &s, &why)) < 0) {
                log_error("%s", why ? why : strerror(-r));
                return r;
        }
        double t0 = now_seconds();
        r = wait_while_tracing(run->o);
        run->seconds = now_seconds() - t0;
        if (r >= 0)
                r = trace_session_stop(&s);
        if (r >= 0)
                r = counters_all(run, &run->after);
        if (r >= 0)
                r = trace_session_read(&s, feed_line, b);
        trace_session_end(&s);
        if (r < 0 && r != -ENOMEM)
                log_error("Failed to trace in '%s': %s", run->fs.dir, strerror(-r));
        return r;
}

static int record_boot(Run *run, DmaTraceBuilder *b) {
        if (!run->fs.enabled[TRACEFS_DMA_ALLOC]) {
                log_error("The kernel has not been recording dma:dma_alloc since boot: set 'trace_at_boot = yes' under [kernel] in "
                          "/etc/numacma.conf (numacma then writes %s on the command line) and reboot; "
                          "or trace while something allocates: 'numacmactl trace -- COMMAND'.", TRACE_BOOT_TOKEN);
                return -ENOENT;
        }
        int r = counters_all(run, &run->after);
        if (r >= 0)
                r = tracefs_read_top(&run->fs, feed_line, b);
        if (r < 0 && r != -ENOMEM)
                log_error("Failed to read '%s/trace': %s", run->fs.dir, strerror(-r));
        return r;
}

static int area_match(const Run *run, size_t i, uint64_t *ret_counter);

/* What the numbers cannot show, said before them. */
static int add_notes(Run *run) {
        const Tracefs *fs = &run->fs;
        const DmaTrace *t = &run->trace;
        if (!fs->has[TRACEFS_CMA_ALLOC_FINISH] &&
            strv_extend(&run->notes, "the kernel has no cma:cma_alloc_finish event (no CONFIG_CMA): every allocation is the page allocator's") < 0)
                return -ENOMEM;
        if (t->has_header && t->written > t->entries &&
            strv_extendf(&run->notes, "the trace buffer overwrote %" PRIu64 " of %" PRIu64 " events: the totals are short "
                         "(the boot-time buffer: trace_buf_size= on the command line; live: a shorter command)",
                         t->written - t->entries, t->written) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_rows; i++)
                if (t->rows[i].kind == TRACE_FROM_IOMMU && (i == 0 || !streq(t->rows[i - 1].device, t->rows[i].device)) &&
                    strv_extendf(&run->notes, "%s: an IOMMU translates its DMA addresses: they are not physical, so neither its memory's node nor its area "
                                 "can be read from them (with a translating domain, coherent memory comes from the page allocator of the device's node)",
                                 t->rows[i].device) < 0)
                        return -ENOMEM;
        for (size_t i = 0; run->o->boot && i < run->snap->cma.n_areas; i++) {
                const DmaTraceArea *a = dma_trace_area(t, run->snap->cma.areas[i].name);
                uint64_t counter, traced = a ? a->alloc_pages : 0;
                if (area_match(run, i, &counter) == 0 && counter > traced &&
                    strv_extendf(&run->notes, "the kernel counted %" PRIu64 " more pages allocated from '%s' than the boot trace holds: "
                                 "allocations before the events recorded, or before the kernel emptied the buffer (with an unstable "
                                 "scheduler clock, as in many virtual machines, it switches the trace clock at the end of boot and "
                                 "resets the buffer: 'Unstable clock detected' in its log; trace_clock=global on the command line keeps "
                                 "the early events)", counter - traced, run->snap->cma.areas[i].name) < 0)
                        return -ENOMEM;
        }
        if (run->o->boot && t->unmatched_frees &&
            strv_extendf(&run->notes, "%" PRIu64 " frees match no traced allocation (made before tracing began)", t->unmatched_frees) < 0)
                return -ENOMEM;
        return 0;
}

static char *format_bytes(uint64_t b) {
        if (b < KIB)
                return strdup_printf("%" PRIu64 " B", b);
        if (b < MIB)
                return b % KIB ? strdup_printf("%.1f KiB", (double) b / KIB) : strdup_printf("%" PRIu64 " KiB", b / KIB);
        return b % MIB ? strdup_printf("%.1f MiB", (double) b / MIB) : strdup_printf("%" PRIu64 " MiB", b / MIB);
}

static const char *locality_word(DmaLocality l) {
        return l == DMA_LOCAL ? "local" : l == DMA_REMOTE ? "REMOTE" : "unknown";
}

static void print_rows(const DmaTrace *t) {
        printf("  %-14s %-12s %-5s %-16s %-8s %7s %11s %11s  %s\n", "DEVICE", "DRIVER", "NODE", "FROM", "MEMORY", "ALLOCS",
               "BYTES", "FREED", "LOCALITY");
        for (size_t i = 0; i < t->n_rows; i++) {
                const DmaTraceRow *r = &t->rows[i];
                _cleanup_free_ char *node = r->dev_node >= 0 ? strdup_printf("%d", r->dev_node) : strdup("-");
                _cleanup_free_ char *mem = r->mem_node >= 0 ? strdup_printf("node %d", r->mem_node) : strdup("?");
                _cleanup_free_ char *bytes = format_bytes(r->bytes), *freed = format_bytes(r->freed_bytes);
                printf("  %-14s %-12s %-5s %-16s %-8s %7" PRIu64 " %11s %11s  %s\n", r->device,
                       r->dev && r->dev->driver ? r->dev->driver : "-", strna(node), r->source, strna(mem), r->allocs,
                       strna(bytes), strna(freed), r->kind == TRACE_FROM_FAILED ? "-" : locality_word(r->locality));
        }
}

/* The traced pages of each area against its counter's change (live) or
 * total (boot): the same numbers when nothing was lost. */
static int area_match(const Run *run, size_t i, uint64_t *ret_counter) {
        const AreaCounters *a = run->after ? &run->after[i] : NULL;
        const AreaCounters *b = run->before ? &run->before[i] : NULL;
        const DmaTraceArea *t = dma_trace_area(&run->trace, run->snap->cma.areas[i].name);
        if (!a || !a->known || (b && (!b->known || b->success > a->success)))
                return -1;
        *ret_counter = a->success - (b ? b->success : 0);
        return (t ? t->alloc_pages : 0) == *ret_counter;
}

/* One line of the areas' summary: an area, what the trace saw of it, and
 * its counter (match < 0: none to compare with). */
typedef struct {
        const char *name;
        const DmaTraceArea *traced;  /* NULL: nothing traced */
        int match;
        uint64_t counter;
} AreaLine;

static bool in_sysfs(const CmaState *c, const char *name) {
        for (size_t i = 0; i < c->n_areas; i++)
                if (streq(c->areas[i].name, name))
                        return true;
        return false;
}

/* The K-th area to show: the kernel's (CMA sysfs) first, then those only
 * the trace names: a kernel without CONFIG_CMA_SYSFS (Debian's 6.12)
 * lists none, and its areas must not vanish. False past the last. */
static bool area_line(const Run *run, size_t k, AreaLine *ret) {
        const CmaState *c = &run->snap->cma;
        if (k < c->n_areas) {
                *ret = (AreaLine){ .name = c->areas[k].name, .traced = dma_trace_area(&run->trace, c->areas[k].name) };
                ret->match = area_match(run, k, &ret->counter);
                return true;
        }
        k -= c->n_areas;
        for (size_t i = 0; i < run->trace.n_areas; i++) {
                const DmaTraceArea *a = &run->trace.areas[i];
                if (!in_sysfs(c, a->name) && k-- == 0) {
                        *ret = (AreaLine){ .name = a->name, .traced = a, .match = -1 };
                        return true;
                }
        }
        return false;
}

static void print_areas(const Run *run) {
        AreaLine l;
        if (!area_line(run, 0, &l))
                return;
        printf("\n  CMA areas: pages cma:cma_alloc_finish traced (of them for coherent DMA) and the kernel's alloc_pages_success %s:\n",
               run->o->boot ? "since boot" : "while tracing");
        for (size_t k = 0; area_line(run, k, &l); k++) {
                printf("    %-10s traced %" PRIu64 " (%" PRIu64 ")", l.name, l.traced ? l.traced->alloc_pages : 0,
                       l.traced ? l.traced->dma_pages : 0);
                if (l.match < 0)
                        printf(", counter unknown (no CMA sysfs)\n");
                else
                        printf(", counter %s%" PRIu64 ": %s\n", run->o->boot ? "" : "+", l.counter, l.match ? "match" : "DIFFERENT");
        }
}

static void print_human(const Run *run) {
        const DmaTrace *t = &run->trace;
        if (run->o->boot)
                printf("Coherent DMA allocations since boot (trace_event=, the top-level trace buffer):\n\n");
        else
                printf("Coherent DMA allocations while tracing (%.1f s):\n\n", run->seconds);
        if (t->n_rows)
                print_rows(t);
        else
                printf("  none traced\n");
        print_areas(run);
        if (run->notes)
                printf("\n");
        for (char **n = run->notes; n && *n; n++)
                printf("  note: %s\n", *n);
}

static void json_rows(JsonWriter *w, const DmaTrace *t) {
        json_begin_array(w, "devices");
        for (size_t i = 0; i < t->n_rows; i++) {
                const DmaTraceRow *r = &t->rows[i];
                json_begin_object(w, NULL);
                json_string(w, "device", r->device);
                json_string(w, "driver", r->dev ? r->dev->driver : NULL);
                if (r->dev_node >= 0)
                        json_int(w, "node", r->dev_node);
                else
                        json_null(w, "node");
                json_string(w, "from", trace_source_to_string(r->kind));
                json_string(w, "area", r->kind == TRACE_FROM_AREA ? r->source : NULL);
                if (r->mem_node >= 0)
                        json_int(w, "memory_node", r->mem_node);
                else
                        json_null(w, "memory_node");
                json_string(w, "locality", r->kind == TRACE_FROM_FAILED ? NULL : dma_locality_to_string(r->locality));
                json_u64(w, "allocations", r->allocs);
                json_u64(w, "bytes", r->bytes);
                json_u64(w, "frees", r->frees);
                json_u64(w, "freed_bytes", r->freed_bytes);
                json_u64(w, "cma_pages", r->cma_pages);
                json_end_object(w);
        }
        json_end_array(w);
}

static void print_json(const Run *run) {
        JsonWriter w = { .f = stdout, .pretty = true };
        const DmaTrace *t = &run->trace;
        json_begin_object(&w, NULL);
        json_u64(&w, "schema_version", NUMACMA_JSON_SCHEMA_VERSION);
        json_string(&w, "mode", run->o->boot ? "boot" : "live");
        if (run->o->boot)
                json_null(&w, "milliseconds");
        else
                json_u64(&w, "milliseconds", (uint64_t) (run->seconds * 1000));
        json_u64(&w, "lost_events", t->has_header && t->written > t->entries ? t->written - t->entries : 0);
        json_rows(&w, t);
        json_begin_array(&w, "areas");
        AreaLine l;
        for (size_t k = 0; area_line(run, k, &l); k++) {
                const DmaTraceArea *a = l.traced;
                json_begin_object(&w, NULL);
                json_string(&w, "name", l.name);
                json_u64(&w, "traced_alloc_pages", a ? a->alloc_pages : 0);
                json_u64(&w, "traced_dma_pages", a ? a->dma_pages : 0);
                json_u64(&w, "traced_fail_pages", a ? a->fail_pages : 0);
                json_u64(&w, "traced_release_pages", a ? a->release_pages : 0);
                if (l.match < 0) {
                        json_null(&w, "counter_alloc_pages");
                        json_null(&w, "match");
                } else {
                        json_u64(&w, "counter_alloc_pages", l.counter);
                        json_bool(&w, "match", l.match);
                }
                json_end_object(&w);
        }
        json_end_array(&w);
        json_begin_array(&w, "notes");
        for (char **n = run->notes; n && *n; n++)
                json_string(&w, NULL, *n);
        json_end_array(&w);
        json_end_object(&w);
        json_finish(&w);
}

static int open_tracefs(Run *run) {
        _cleanup_free_ char *why = NULL;
        int r = tracefs_open(run->root, &run->fs, &why);
        if (r < 0) {
                log_error("%s", why ? why : strerror(-r));
                return r;
        }
        if (!run->fs.has[TRACEFS_DMA_ALLOC]) {
                log_error("The running kernel %s has no dma:dma_alloc event (include/trace/events/dma.h came with Linux 6.12): "
                          "coherent allocations cannot be attributed to devices. Its CMA areas' counters "
                          "(numacmactl status) still say whether a pool is used.", strna(run->snap->running.release));
                return -EOPNOTSUPP;
        }
        return 0;
}

static int trace_command(const char *root, const TraceOptions *o) {
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        _cleanup_(memory_blocks_done) MemoryBlocks blocks = {0};
        _cleanup_(dma_trace_builder_freep) DmaTraceBuilder *b = dma_trace_builder_new();
        Run run = { .root = root, .o = o };
        int r = b ? snapshot_new(root, NULL, 0, &errs, &run.snap) : -ENOMEM;
        if (r < 0) {
                (void) log_error_errno(r, "Failed to read the system below '%s': %m", root);
                return 1;
        }
        if ((r = open_tracefs(&run)) >= 0 && (r = o->boot ? record_boot(&run, b) : record_live(&run, b)) >= 0 &&
            (r = memory_blocks_load(root, &run.snap->topology->memory, &blocks)) >= 0) {
                const KernelMemory *m = &run.snap->topology->memory;
                DmaTraceInput in = { .page_size = m->page_size ? m->page_size : run.snap->running.page_size,
                                     .dma = &run.snap->dma, .blocks = &blocks };
                r = dma_trace_finish(TAKE_PTR(b), &in, &run.trace);
                if (r >= 0)
                        r = add_notes(&run);
                if (r >= 0 && o->json)
                        print_json(&run);
                else if (r >= 0)
                        print_human(&run);
        }
        if (r == -ENOMEM)
                (void) log_oom();
        dma_trace_done(&run.trace);
        tracefs_done(&run.fs);
        free(run.before);
        free(run.after);
        strv_free(run.notes);
        snapshot_free(run.snap);
        return r < 0 ? 1 : 0;
}

enum { ARG_BOOT = 0x100, ARG_SECONDS, ARG_FORMAT, ARG_JSON };

static const VerbOption options[] = {
        { "boot", no_argument, ARG_BOOT, NULL, "what trace_event= recorded since boot (the policy's trace_at_boot = yes)" },
        { "seconds", required_argument, ARG_SECONDS, "N", "trace for N seconds (1 to 86400)" },
        { "format", required_argument, ARG_FORMAT, "FMT", "human (default) or json" },
        { "json", no_argument, ARG_JSON, NULL, "the same as --format=json" },
        {}
};

static int option(const Verb *v, int id, const char *arg) {
        switch (id) {
        case ARG_BOOT:
                arg_trace.boot = true;
                return 0;
        case ARG_SECONDS:
                if (safe_atou64(arg, 10, &arg_trace.seconds) < 0 || !arg_trace.seconds || arg_trace.seconds > 86400)
                        return verb_usage_error(v, "--seconds takes 1 to 86400: '%s'", arg);
                return 0;
        case ARG_JSON:
                arg_trace.json = true;
                return 0;
        default:
                if (streq(arg, "json") || streq(arg, "human")) {
                        arg_trace.json = streq(arg, "json");
                        return 0;
                }
                return verb_usage_error(v, "unknown format '%s': human or json", arg);
        }
}

static int run(char **args, unsigned n_args) {
        arg_trace.command = n_args ? args : NULL;
        if ((arg_trace.boot && (arg_trace.command || arg_trace.seconds)) || (arg_trace.command && arg_trace.seconds)) {
                (void) verb_usage_error(&verb_trace, "give one of --boot, --seconds N and -- COMMAND");
                return 2;
        }
        return trace_command(arg_root, &arg_trace);
}

const Verb verb_trace = {
        .name = "trace",
        .args = "[-- COMMAND...]",
        .max_args = UINT_MAX,
        .summary = "Which memory each device's coherent DMA allocations get, from the kernel's tracepoints: while COMMAND "
                   "runs, for --seconds N, until Ctrl-C, or since boot (--boot). Needs root.",
        .options = options,
        .option = option,
        .run = run,
};
