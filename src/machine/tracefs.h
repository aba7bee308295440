/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's tracing file system, below a root: which of the events that
 * show coherent DMA memory the kernel has, a private instance that records
 * them while something runs (Documentation/trace/ftrace.rst "Instances":
 * its own ring buffer and event switches, so nothing of the system's own
 * tracing is touched), and the top-level buffer that trace_event= on the
 * command line filled from early boot (kernel/trace/trace_events.c
 * setup_trace_event()). Errors say what the administrator can do. */
#pragma once

#include <stdbool.h>

typedef enum {
        TRACEFS_DMA_ALLOC,
        TRACEFS_DMA_FREE,
        TRACEFS_DMA_ALLOC_PAGES,
        TRACEFS_DMA_FREE_PAGES,
        TRACEFS_CMA_ALLOC_FINISH,
        TRACEFS_CMA_RELEASE,
        _TRACEFS_EVENT_MAX,
} TracefsEvent;

/* "dma:dma_alloc" and so on, as trace_event= and set_event spell them. */
const char *tracefs_event_name(TracefsEvent e);

typedef struct {
        char *root;
        char *dir;                  /* "/sys/kernel/tracing" (or below debugfs), below root */
        bool has[_TRACEFS_EVENT_MAX];
        bool enabled[_TRACEFS_EVENT_MAX];  /* top-level switches: on since boot (trace_event=) */
} Tracefs;

/* Find tracefs. -ENOENT: not mounted (or no CONFIG_TRACING); -EACCES: not
 * root. *ret_why: one sentence for the administrator (on failure). */
int tracefs_open(const char *root, Tracefs *ret, char **ret_why);
void tracefs_done(Tracefs *t);

/* A private instance recording every event tracefs has of the list. */
typedef struct {
        const Tracefs *fs;
        char *instance;             /* "<dir>/instances/numacma-<pid>", below root */
} TraceSession;

int trace_session_start(const Tracefs *fs, TraceSession *ret, char **ret_why);
/* Stop recording (the buffer stays readable). */
int trace_session_stop(TraceSession *s);
/* Each line of the instance's "trace" file. */
int trace_session_read(TraceSession *s, int (*line)(char *l, void *userdata), void *userdata);
/* Remove the instance (and its buffer). */
void trace_session_end(TraceSession *s);
/* Each line of the top-level "trace" file (the boot-time events). */
int tracefs_read_top(const Tracefs *fs, int (*line)(char *l, void *userdata), void *userdata);
