/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "numacmad/settle.h"
#include "kernel/pci_address.h"
#include "machine/dma_devices.h"
#include "machine/topology.h"
#include "basic/util.h"

static uint64_t max_delay(const Settle *s) {
        uint64_t m = s->settle_usec > UINT64_MAX / SETTLE_MAX_FACTOR ? UINT64_MAX : s->settle_usec * SETTLE_MAX_FACTOR;
        return MAX(m, (uint64_t) SETTLE_MAX_DELAY_USEC);
}

static uint64_t add_clamped(uint64_t a, uint64_t b) {
        return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void settle_init(Settle *s, uint64_t settle_usec) {
        *s = (Settle){ .settle_usec = settle_usec };
}

void settle_set_delay(Settle *s, uint64_t settle_usec) {
        s->settle_usec = settle_usec;
}

uint64_t settle_event(Settle *s, uint64_t now) {
        if (!s->pending) {
                s->pending = true;
                s->first_usec = now;
                s->n_events = 0;
        }
        if (s->n_events < UINT32_MAX)
                s->n_events++;
        s->deadline_usec = MIN(add_clamped(now, s->settle_usec), add_clamped(s->first_usec, max_delay(s)));
        return s->deadline_usec;
}

bool settle_expired(Settle *s, uint64_t now, unsigned *ret_events, uint64_t *ret_deadline) {
        if (!s->pending) {
                if (ret_deadline)
                        *ret_deadline = 0;
                return false;
        }
        if (now < s->deadline_usec) {
                if (ret_deadline)
                        *ret_deadline = s->deadline_usec;
                return false;
        }
        if (ret_events)
                *ret_events = s->n_events;
        if (ret_deadline)
                *ret_deadline = 0;
        s->pending = false;
        s->n_events = 0;
        return true;
}

static size_t hex_run(const char *s, size_t n) {
        size_t i = 0;
        while (i < n && isxdigit((unsigned char) s[i]))
                i++;
        return i;
}

int devpath_pci_address(const char *devpath, char **ret) {
        PciAddress best = {0};
        bool found = false;

        if (!devpath)
                return -ENOENT;
        for (const char *p = devpath; *p;) {
                while (*p == '/')
                        p++;
                size_t n = strcspn(p, "/");
                if (n && pci_address_parse_n(p, n, &best) == 0)
                        found = true;
                p += n;
        }
        if (!found)
                return -ENOENT;
        char buf[PCI_ADDRESS_MAX];
        pci_address_format(&best, buf);
        char *a = strdup(buf);
        if (!a)
                return -ENOMEM;
        *ret = a;
        return 0;
}

int parse_pci_class_code(const char *s, uint32_t *ret) {
        uint64_t v;
        if (isempty(s))
                return -EINVAL;
        const char *h = startswith(s, "0x") ? s + 2 : s;
        if (isempty(h) || hex_run(h, strlen(h)) != strlen(h))
                return -EINVAL;
        int r = safe_atou64(h, 16, &v);
        if (r < 0)
                return r;
        if (v > 0xffffff)
                return -ERANGE;
        *ret = (uint32_t) v;
        return 0;
}

static bool action_counts(const DeviceEvent *ev) {
        const char *a = ev->action;
        if (!a)
                return false;
        if (streq_ptr(ev->subsystem, "pci"))
                return streq(a, "add") || streq(a, "remove") || streq(a, "change") ||
                       streq(a, "bind") || streq(a, "unbind");
        /* drm and accel nodes: created and destroyed by a driver. drm "change"
         * events are connector hotplug (a monitor plugged in), never a change
         * of the device's node or driver. */
        if (streq_ptr(ev->subsystem, "drm") || streq_ptr(ev->subsystem, "accel"))
                return streq(a, "add") || streq(a, "remove");
        return false;
}

/* A PCI function that is not a bridge getting a driver: a device that
 * allocates coherent memory (machine/dma_devices.h), whatever its class;
 * the plan ranks and sizes nodes by such devices. */
static bool dma_device_arrives(const DeviceEvent *ev) {
        return streq_ptr(ev->subsystem, "pci") && ev->driver && ev->has_class && !pci_class_is_bridge(ev->class_code) &&
               (streq(ev->action, "add") || streq(ev->action, "bind"));
}

int device_event_relevant(const Policy *p, char *const *known, const DeviceEvent *ev, char **ret_address) {
        _cleanup_free_ char *addr = NULL;
        int r;

        if (!action_counts(ev))
                return 0;
        r = devpath_pci_address(ev->devpath, &addr);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;

        bool relevant = strv_contains(known, addr);
        /* A device that was not counted and is leaving changes nothing. */
        if (!relevant && !streq(ev->action, "remove") && !streq(ev->action, "unbind"))
                relevant = dma_device_arrives(ev) ||
                           accelerator_rule(p, addr, ev->has_class ? ev->class_code : 0,
                                            ev->driver, streq_ptr(ev->subsystem, "accel")) != NULL;
        if (!relevant)
                return 0;
        if (ret_address)
                *ret_address = TAKE_PTR(addr);
        return 1;
}
