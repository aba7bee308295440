/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <libudev.h>
#include <sys/epoll.h>

#include "machine/dma_devices.h"
#include "machine/topology.h"
#include "numacmad/udev_monitor.h"
#include "basic/util.h"

/* Room for a burst of hotplug events; above rmem_max the kernel caps it
 * unless we hold CAP_NET_ADMIN, and an overrun is handled anyway. */
#define RCVBUF_SIZE (4 * 1024 * 1024)

struct UdevWatch {
        struct udev *udev;
        struct udev_monitor *monitor;
        sd_event_source *io;
        udev_watch_handler_t handler;
        void *userdata;
        unsigned long received;
};

static inline void udev_device_unrefp(struct udev_device **d) { if (*d) udev_device_unref(*d); }
static inline void udev_enumerate_unrefp(struct udev_enumerate **e) { if (*e) udev_enumerate_unref(*e); }

UdevWatch *udev_watch_free(UdevWatch *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->io);
        if (w->monitor)
                udev_monitor_unref(w->monitor);
        if (w->udev)
                udev_unref(w->udev);
        free(w);
        return NULL;
}

static uint32_t class_of(struct udev_device *pci, bool *ret_has) {
        uint32_t c;
        const char *s = udev_device_get_property_value(pci, "PCI_CLASS");
        if (s && parse_pci_class_code(s, &c) >= 0) {
                *ret_has = true;
                return c;
        }
        s = udev_device_get_sysattr_value(pci, "class");
        if (s && parse_pci_class_code(s, &c) >= 0) {
                *ret_has = true;
                return c;
        }
        *ret_has = false;
        return 0;
}

static void dispatch(UdevWatch *w, struct udev_device *d) {
        DeviceEvent ev = {
                .action = udev_device_get_action(d),
                .subsystem = udev_device_get_subsystem(d),
                .devpath = udev_device_get_devpath(d),
        };
        struct udev_device *pci = NULL;

        if (streq_ptr(ev.subsystem, "pci"))
                pci = d;
        else if (!streq_ptr(ev.action, "remove"))
                /* drm/accel node: its PCI device (the parent is still there
                 * for add; for remove only the devpath is used). Owned by d. */
                pci = udev_device_get_parent_with_subsystem_devtype(d, "pci", NULL);
        if (pci) {
                ev.class_code = class_of(pci, &ev.has_class);
                ev.driver = udev_device_get_driver(pci);
        }
        w->handler(w, &ev, w->userdata);
}

static int on_monitor(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        UdevWatch *w = userdata;

        /* Drain what is queued: a burst is handled in one wakeup. */
        for (;;) {
                errno = 0;
                _cleanup_(udev_device_unrefp) struct udev_device *d = udev_monitor_receive_device(w->monitor);
                if (!d) {
                        if (errno == EAGAIN || errno == EINTR || errno == 0) /* EWOULDBLOCK == EAGAIN */
                                break;
                        /* ENOBUFS (overrun) or another receive error: events
                         * may be lost. */
                        w->handler(w, NULL, w->userdata);
                        break;
                }
                w->received++;
                dispatch(w, d);
        }
        return 0;
}

int udev_watch_new(sd_event *e, udev_watch_handler_t handler, void *userdata, UdevWatch **ret) {
        _cleanup_(udev_watch_freep) UdevWatch *w = calloc(1, sizeof(UdevWatch));
        int r;

        if (!w)
                return -ENOMEM;
        w->handler = handler;
        w->userdata = userdata;
        w->udev = udev_new();
        if (!w->udev)
                return errno > 0 ? -errno : -ENOMEM;
        w->monitor = udev_monitor_new_from_netlink(w->udev, "udev");
        if (!w->monitor)
                return errno > 0 ? -errno : -ENOMEM;
        static const char *const subsystems[] = { "pci", "accel", "drm" };
        for (size_t i = 0; i < ELEMENTSOF(subsystems); i++) {
                r = udev_monitor_filter_add_match_subsystem_devtype(w->monitor, subsystems[i], NULL);
                if (r < 0)
                        return r;
        }
        (void) udev_monitor_set_receive_buffer_size(w->monitor, RCVBUF_SIZE);
        r = udev_monitor_enable_receiving(w->monitor);
        if (r < 0)
                return r;
        r = sd_event_add_io(e, &w->io, udev_monitor_get_fd(w->monitor), EPOLLIN, on_monitor, w);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(w->io, "udev-monitor");
        *ret = TAKE_PTR(w);
        return 0;
}

static int enumerate(struct udev *udev, const char *subsystem, struct udev_enumerate **ret) {
        _cleanup_(udev_enumerate_unrefp) struct udev_enumerate *en = udev_enumerate_new(udev);
        int r;
        if (!en)
                return errno > 0 ? -errno : -ENOMEM;
        r = udev_enumerate_add_match_subsystem(en, subsystem);
        if (r < 0)
                return r;
        r = udev_enumerate_scan_devices(en);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(en);
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int udev_watch_enumerate(UdevWatch *w, const Policy *p, char ***ret_known) {
        _cleanup_(udev_enumerate_unrefp) struct udev_enumerate *pci = NULL, *accel = NULL;
        _cleanup_strv_free_ char **accel_parents = NULL, **known = NULL;
        struct udev_list_entry *i;
        int r;

        /* accel nodes first: "has a DRM accel device" is one of the rules. */
        r = enumerate(w->udev, "accel", &accel);
        if (r < 0)
                return r;
        udev_list_entry_foreach(i, udev_enumerate_get_list_entry(accel)) {
                _cleanup_free_ char *addr = NULL;
                const char *syspath = udev_list_entry_get_name(i);
                /* syspath is below /sys: the devpath part names the parent. */
                if (devpath_pci_address(syspath, &addr) < 0)
                        continue;
                if (strv_push(&accel_parents, TAKE_PTR(addr)) < 0)
                        return -ENOMEM;
        }

        r = enumerate(w->udev, "pci", &pci);
        if (r < 0)
                return r;
        udev_list_entry_foreach(i, udev_enumerate_get_list_entry(pci)) {
                _cleanup_(udev_device_unrefp) struct udev_device *d =
                        udev_device_new_from_syspath(w->udev, udev_list_entry_get_name(i));
                _cleanup_free_ char *addr = NULL;
                bool has_class;
                if (!d)
                        continue; /* gone meanwhile: its remove event is queued */
                if (devpath_pci_address(udev_device_get_devpath(d), &addr) < 0)
                        continue;
                uint32_t c = class_of(d, &has_class);
                const char *driver = udev_device_get_driver(d);
                /* A DMA device (bound, no bridge) or an accelerator. */
                bool dma = driver && has_class && !pci_class_is_bridge(c);
                if (!dma && !accelerator_rule(p, addr, c, driver, strv_contains(accel_parents, addr)))
                        continue;
                if (strv_push(&known, TAKE_PTR(addr)) < 0)
                        return -ENOMEM;
        }
        if (known)
                qsort(known, strv_length(known), sizeof(char *), cmp_str);
        *ret_known = TAKE_PTR(known);
        return 0;
}

unsigned long udev_watch_received(const UdevWatch *w) {
        return w ? w->received : 0;
}
