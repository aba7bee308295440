/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "machine/tracefs.h"

static const char *const event_paths[_TRACEFS_EVENT_MAX] = {
        [TRACEFS_DMA_ALLOC] = "dma/dma_alloc",
        [TRACEFS_DMA_FREE] = "dma/dma_free",
        [TRACEFS_DMA_ALLOC_PAGES] = "dma/dma_alloc_pages",
        [TRACEFS_DMA_FREE_PAGES] = "dma/dma_free_pages",
        [TRACEFS_CMA_ALLOC_FINISH] = "cma/cma_alloc_finish",
        [TRACEFS_CMA_RELEASE] = "cma/cma_release",
};

const char *tracefs_event_name(TracefsEvent e) {
        static const char *const names[_TRACEFS_EVENT_MAX] = {
                [TRACEFS_DMA_ALLOC] = "dma:dma_alloc",
                [TRACEFS_DMA_FREE] = "dma:dma_free",
                [TRACEFS_DMA_ALLOC_PAGES] = "dma:dma_alloc_pages",
                [TRACEFS_DMA_FREE_PAGES] = "dma:dma_free_pages",
                [TRACEFS_CMA_ALLOC_FINISH] = "cma:cma_alloc_finish",
                [TRACEFS_CMA_RELEASE] = "cma:cma_release",
        };
        return (unsigned) e < _TRACEFS_EVENT_MAX ? names[e] : "?";
}

void tracefs_done(Tracefs *t) {
        free(t->root);
        free(t->dir);
        *t = (Tracefs){0};
}

/* The mount point of today, then the one below debugfs. */
static const char *const tracefs_dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static int probe(const char *root, const char *dir) {
        _cleanup_free_ char *trace = strdup_printf("%s/trace", dir), *p = trace ? root_join(root, trace) : NULL;
        if (!p)
                return -ENOMEM;
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        return fd < 0 ? -errno : 0;
}

static void read_events(const char *root, Tracefs *t) {
        for (TracefsEvent e = 0; e < _TRACEFS_EVENT_MAX; e++) {
                _cleanup_free_ char *p = strdup_printf("%s/events/%s/enable", t->dir, event_paths[e]), *v = NULL;
                t->has[e] = p && read_line_root(root, p, &v) >= 0;
                t->enabled[e] = v && streq(v, "1");
        }
}

int tracefs_open(const char *root, Tracefs *ret, char **ret_why) {
        int r = -ENOENT;
        for (size_t i = 0; i < ELEMENTSOF(tracefs_dirs); i++) {
                int q = probe(root, tracefs_dirs[i]);
                if (q == -ENOMEM)
                        return q;
                if (q == 0) {
                        Tracefs t = { .root = strdup(root), .dir = strdup(tracefs_dirs[i]) };
                        if (!t.root || !t.dir) {
                                tracefs_done(&t);
                                return -ENOMEM;
                        }
                        read_events(root, &t);
                        *ret = t;
                        return 0;
                }
                if (q == -EACCES || q == -EPERM)
                        r = -EACCES;
        }
        *ret_why = r == -EACCES ?
                strdup("tracefs is readable by root only (/sys/kernel/tracing is mode 0700): run 'numacmactl trace' as root") :
                strdup("no tracefs: neither /sys/kernel/tracing nor /sys/kernel/debug/tracing holds a trace file; "
                       "mount it ('mount -t tracefs nodev /sys/kernel/tracing') on a kernel built with CONFIG_TRACING");
        return *ret_why ? r : -ENOMEM;
}

static int write_value(const char *root, const char *path, const char *value) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_TRUNC);
        if (fd < 0)
                return -errno;
        size_t n = strlen(value);
        ssize_t w = write(fd, value, n);
        return w < 0 ? -errno : (size_t) w == n ? 0 : -EIO;
}

int trace_session_start(const Tracefs *fs, TraceSession *ret, char **ret_why) {
        TraceSession s = { .fs = fs, .instance = strdup_printf("%s/instances/numacma-%d", fs->dir, (int) getpid()) };
        _cleanup_free_ char *p = s.instance ? root_join(fs->root, s.instance) : NULL;
        int r = 0;
        if (!p) {
                free(s.instance);
                return -ENOMEM;
        }
        /* mkdir in instances/ makes a whole tracefs instance. */
        if (mkdir(p, 0700) < 0) {
                r = -errno;
                *ret_why = strdup_printf("cannot make the trace instance '%s': %s", s.instance, strerror(-r));
                free(s.instance);
                return r;
        }
        for (TracefsEvent e = 0; e < _TRACEFS_EVENT_MAX && r >= 0; e++) {
                if (!fs->has[e])
                        continue;
                _cleanup_free_ char *en = strdup_printf("%s/events/%s/enable", s.instance, event_paths[e]);
                r = en ? write_value(fs->root, en, "1") : -ENOMEM;
                if (r < 0)
                        *ret_why = strdup_printf("cannot enable %s in '%s': %s", tracefs_event_name(e), s.instance, strerror(-r));
        }
        if (r < 0) {
                trace_session_end(&s);
                return r;
        }
        *ret = s;
        return 0;
}

int trace_session_stop(TraceSession *s) {
        _cleanup_free_ char *on = strdup_printf("%s/tracing_on", s->instance);
        return on ? write_value(s->fs->root, on, "0") : -ENOMEM;
}

int trace_session_read(TraceSession *s, int (*line)(char *l, void *userdata), void *userdata) {
        _cleanup_free_ char *t = strdup_printf("%s/trace", s->instance);
        return t ? read_lines_root(s->fs->root, t, line, userdata) : -ENOMEM;
}

void trace_session_end(TraceSession *s) {
        if (!s->instance)
                return;
        _cleanup_free_ char *p = root_join(s->fs->root, s->instance);
        if (p)
                (void) rmdir(p);
        free(s->instance);
        s->instance = NULL;
}

int tracefs_read_top(const Tracefs *fs, int (*line)(char *l, void *userdata), void *userdata) {
        _cleanup_free_ char *t = strdup_printf("%s/trace", fs->dir);
        return t ? read_lines_root(fs->root, t, line, userdata) : -ENOMEM;
}
