/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libudev: a monitor of the pci, accel and drm subsystems attached to an
 * sd-event loop, and the enumeration of accelerators on the live system.
 * No logging here: errors are returned, events handed to a callback. */
#pragma once

#include <systemd/sd-event.h>

#include "policy/config.h"
#include "numacmad/settle.h"
#include "basic/util.h"

typedef struct UdevWatch UdevWatch;

/* ev is NULL when events were lost (receive buffer overrun or a receive
 * error): the caller must assume something relevant happened. */
typedef void (*udev_watch_handler_t)(UdevWatch *w, const DeviceEvent *ev, void *userdata);

/* Connect to udev's monitor ("udev" source: events after udev's rules ran)
 * and start receiving. Call before enumerating, so that nothing that
 * happens in between is missed. */
int udev_watch_new(sd_event *e, udev_watch_handler_t handler, void *userdata, UdevWatch **ret);
UdevWatch *udev_watch_free(UdevWatch *w);
static inline void udev_watch_freep(UdevWatch **w) { udev_watch_free(*w); }
#define _cleanup_udev_watch_ _cleanup_(udev_watch_freep)

/* PCI addresses of the devices that count: accelerators under the policy
 * and DMA devices (bound to a driver, not bridges), from udev's database
 * (pci and accel subsystems). Sorted, no duplicates. */
int udev_watch_enumerate(UdevWatch *w, const Policy *p, char ***ret_known);

/* Statistics for tests and the benchmark. */
unsigned long udev_watch_received(const UdevWatch *w);
