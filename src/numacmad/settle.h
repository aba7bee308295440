/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's reaction to device events, without I/O: which uevents
 * matter, and when a burst of them is over. The daemon feeds it events and
 * the clock; tests feed it synthetic sequences and a fake clock. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "policy/config.h"

/* A burst never delays the recompute longer than this after its first
 * event (or SETTLE_MAX_FACTOR settle times, when that is longer): a device
 * that keeps sending events cannot keep the plan stale forever. */
#define SETTLE_MAX_DELAY_USEC (60u * 1000000u)
#define SETTLE_MAX_FACTOR 10u

typedef struct {
        uint64_t settle_usec;
        bool pending;            /* a burst is in progress */
        uint64_t first_usec;     /* its first event */
        uint64_t deadline_usec;  /* when the timer is to fire */
        unsigned n_events;       /* events in this burst */
} Settle;

void settle_init(Settle *s, uint64_t settle_usec);
/* A new settle time from a reloaded policy; a pending deadline is kept. */
void settle_set_delay(Settle *s, uint64_t settle_usec);
/* An event that counts arrived at now. Returns the time the timer must be
 * armed for (it moves with each event, up to the maximum delay). */
uint64_t settle_event(Settle *s, uint64_t now);
/* The timer fired at now. true: the burst is over, recompute once
 * (*ret_events says how many events it held; the state is idle again).
 * false: not due yet (a spurious or early wakeup); *ret_deadline says when
 * to fire again, or 0 when nothing is pending. */
bool settle_expired(Settle *s, uint64_t now, unsigned *ret_events, uint64_t *ret_deadline);

/* One uevent, as much as the daemon learned of it. */
typedef struct {
        const char *action;      /* "add", "remove", "change", "bind", "unbind", ... */
        const char *subsystem;   /* "pci", "accel", "drm" */
        const char *devpath;     /* "/devices/pci0000:80/0000:80:00.0/0000:81:00.0/drm/card0" */
        bool has_class;
        uint32_t class_code;     /* of the PCI device (itself or the parent) */
        const char *driver;      /* of the PCI device, NULL when unbound or unknown */
} DeviceEvent;

/* The PCI address nearest to the end of a devpath (the device itself for
 * the pci subsystem, the parent for drm/accel nodes), as "0000:81:00.0".
 * -ENOENT when the path holds none. Works for removed devices: only the
 * path is used. */
int devpath_pci_address(const char *devpath, char **ret);

/* Does the event concern a device that counts, or counted (known: strv of
 * PCI addresses of the accelerators and DMA devices in the last
 * computation)? A device counts when it is an accelerator under the
 * policy, or a PCI function other than a bridge that gets a driver. Returns the
 * PCI address it concerns (caller frees) in *ret_address when relevant.
 * Returns 1 relevant, 0 not, negative errno. */
int device_event_relevant(const Policy *p, char *const *known, const DeviceEvent *ev, char **ret_address);

/* "38000" (udev's PCI_CLASS, hex without 0x) or "0x038000" (sysfs class). */
int parse_pci_class_code(const char *s, uint32_t *ret);
