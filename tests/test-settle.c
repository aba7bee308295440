/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's event logic with synthetic uevent sequences and a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "policy/config.h"
#include "numacmad/settle.h"
#include "basic/util.h"

#define MS UINT64_C(1000)
#define SEC (1000 * MS)

/* A fake event loop: events at the given times feed the settle logic
 * through the classifier, the timer fires at its deadline, and each expiry
 * is one recompute; a recompute whose plan differs from the last one is
 * one apply. */
typedef struct {
        uint64_t at;
        DeviceEvent ev;
} TimedEvent;

typedef struct {
        unsigned recomputes, applies, relevant;
        unsigned events_in_first;
        uint64_t recompute_at[64];
} Outcome;

static Policy *default_policy(void) {
        Policy *p = NULL;
        assert_int_equal(policy_new_default(&p), 0);
        return p;
}

static void fire(Settle *s, uint64_t now, Outcome *o, char **known, bool *plan_changed) {
        unsigned n = 0;
        uint64_t next;
        if (!settle_expired(s, now, &n, &next))
                return;
        if (o->recomputes == 0)
                o->events_in_first = n;
        if (o->recomputes < ELEMENTSOF(o->recompute_at))
                o->recompute_at[o->recomputes] = now;
        o->recomputes++;
        if (*plan_changed) {
                o->applies++;
                *plan_changed = false;
        }
        (void) known;
}

static void run_loop(const Policy *p, char **known, const TimedEvent *evs, size_t n, uint64_t settle_usec,
                     uint64_t end, Outcome *o) {
        Settle s;
        bool plan_changed = false;
        uint64_t deadline = 0;

        settle_init(&s, settle_usec);
        *o = (Outcome){0};
        for (size_t i = 0; i < n; i++) {
                /* The timer fires before the next event when it is due. */
                if (deadline && deadline <= evs[i].at) {
                        fire(&s, deadline, o, known, &plan_changed);
                        deadline = s.pending ? s.deadline_usec : 0;
                }
                _cleanup_free_ char *addr = NULL;
                int r = device_event_relevant(p, known, &evs[i].ev, &addr);
                assert_true(r >= 0);
                if (r > 0) {
                        o->relevant++;
                        plan_changed = true;
                        deadline = settle_event(&s, evs[i].at);
                }
        }
        while (deadline && deadline <= end) {
                fire(&s, deadline, o, known, &plan_changed);
                deadline = s.pending ? s.deadline_usec : 0;
        }
}

static const char *gpu_path = "/devices/pci0000:80/0000:80:00.0/0000:81:00.0";

static void test_burst_1000(void **state) {
        _cleanup_policy_ Policy *p = default_policy();
        char *known[] = { (char *) "0000:81:00.0", NULL };
        TimedEvent *evs = calloc(1000, sizeof(TimedEvent));
        Outcome o;
        assert_non_null(evs);
        for (size_t i = 0; i < 1000; i++)
                evs[i] = (TimedEvent){
                        .at = 10 * SEC + i * MS,
                        .ev = { .action = i % 2 ? "remove" : "add", .subsystem = "pci", .devpath = gpu_path,
                                .has_class = true, .class_code = 0x030200 },
                };
        run_loop(p, known, evs, 1000, 2 * SEC, 3600 * SEC, &o);
        assert_int_equal(o.relevant, 1000);
        assert_int_equal(o.recomputes, 1);
        assert_true(o.applies <= 1);
        assert_int_equal(o.events_in_first, 1000);
        /* Once the burst is over: 2 s after the last event. */
        assert_int_equal(o.recompute_at[0], 10 * SEC + 999 * MS + 2 * SEC);
        free(evs);
}

static void test_burst_same_instant(void **state) {
        _cleanup_policy_ Policy *p = default_policy();
        TimedEvent *evs = calloc(1000, sizeof(TimedEvent));
        Outcome o;
        assert_non_null(evs);
        for (size_t i = 0; i < 1000; i++)
                evs[i] = (TimedEvent){
                        .at = 5 * SEC,
                        .ev = { .action = i % 2 ? "unbind" : "bind", .subsystem = "pci", .devpath = gpu_path,
                                .has_class = true, .class_code = 0x120000, .driver = i % 2 ? NULL : "amdxdna" },
                };
        run_loop(p, NULL, evs, 1000, 2 * SEC, 3600 * SEC, &o);
        /* unbind of a device not known to count changes nothing; bind counts. */
        assert_int_equal(o.relevant, 500);
        assert_int_equal(o.recomputes, 1);
        assert_true(o.applies <= 1);
        free(evs);
}

static void test_two_bursts(void **state) {
        _cleanup_policy_ Policy *p = default_policy();
        TimedEvent evs[20];
        Outcome o;
        for (size_t i = 0; i < 20; i++)
                evs[i] = (TimedEvent){
                        .at = (i < 10 ? 0 : 100 * SEC) + i * 100 * MS,
                        .ev = { .action = "add", .subsystem = "pci", .devpath = gpu_path,
                                .has_class = true, .class_code = 0x038000 },
                };
        run_loop(p, NULL, evs, 20, 2 * SEC, 3600 * SEC, &o);
        assert_int_equal(o.recomputes, 2);
        assert_int_equal(o.applies, 2);
}

static void test_endless_stream_bounded(void **state) {
        /* An event every second for 200 s with settle = 2 s: the plan is
         * never more than SETTLE_MAX_DELAY_USEC behind. */
        _cleanup_policy_ Policy *p = default_policy();
        TimedEvent evs[200];
        Outcome o;
        for (size_t i = 0; i < 200; i++)
                evs[i] = (TimedEvent){
                        .at = SEC + i * SEC,
                        .ev = { .action = "change", .subsystem = "pci", .devpath = gpu_path,
                                .has_class = true, .class_code = 0x030200 },
                };
        run_loop(p, NULL, evs, 200, 2 * SEC, 3600 * SEC, &o);
        assert_int_equal(o.recomputes, 4);
        assert_int_equal(o.recompute_at[0], SEC + SETTLE_MAX_DELAY_USEC);
        for (unsigned i = 1; i < 3; i++)
                assert_true(o.recompute_at[i] - o.recompute_at[i - 1] <= SETTLE_MAX_DELAY_USEC + SEC);
}

static void test_settle_zero_and_spurious(void **state) {
        Settle s;
        unsigned n;
        uint64_t next;

        settle_init(&s, 0);
        assert_false(settle_expired(&s, 5, &n, &next));
        assert_int_equal(next, 0);
        assert_int_equal(settle_event(&s, 100), 100);
        assert_true(settle_expired(&s, 100, &n, &next));
        assert_int_equal(n, 1);
        assert_false(s.pending);

        settle_init(&s, 2 * SEC);
        assert_int_equal(settle_event(&s, SEC), 3 * SEC);
        /* Woken early: not due, re-arm at the same deadline. */
        assert_false(settle_expired(&s, 2 * SEC, &n, &next));
        assert_int_equal(next, 3 * SEC);
        assert_int_equal(settle_event(&s, 2 * SEC), 4 * SEC);
        /* A reload shortens the settle time: the next event uses it. */
        settle_set_delay(&s, 100 * MS);
        assert_int_equal(settle_event(&s, 2 * SEC + 1), 2 * SEC + 1 + 100 * MS);
        assert_true(settle_expired(&s, 5 * SEC, &n, &next));
        assert_int_equal(n, 3);

        /* Huge settle times do not overflow. */
        settle_init(&s, UINT64_MAX / 2);
        assert_int_equal(settle_event(&s, UINT64_MAX - 10), UINT64_MAX);
}

static void test_devpath(void **state) {
        static const struct {
                const char *path, *want;
        } cases[] = {
                { "/devices/pci0000:80/0000:80:00.0/0000:81:00.0", "0000:81:00.0" },
                { "/devices/pci0000:80/0000:80:00.0/0000:81:00.0/drm/card1", "0000:81:00.0" },
                { "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:08.0/0000:03:00.1/accel/accel0", "0000:03:00.1" },
                { "/sys/devices/pci0000:a0/0000:a0:00.0/0000:A1:00.0/drm/renderD128", "0000:a1:00.0" },
                { "/devices/pci10000:00/10000:00:02.0/10000:01:00.0", "10000:01:00.0" },
                { "/devices/platform/vkms/drm/card0", NULL },
                { "/devices/pci0000:00", NULL },
                { "/devices/pci0000:00/0000:00:01.8", NULL },
                { "", NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *a = NULL;
                int r = devpath_pci_address(cases[i].path, &a);
                if (cases[i].want) {
                        assert_int_equal(r, 0);
                        assert_string_equal(a, cases[i].want);
                } else
                        assert_int_equal(r, -ENOENT);
                free(a);
        }
        assert_int_equal(devpath_pci_address(NULL, &(char *){ NULL }), -ENOENT);
}

static void test_relevance(void **state) {
        _cleanup_policy_ Policy *p = default_policy();
        _cleanup_(policy_errors_done) PolicyErrors errs = {0};
        char *known[] = { (char *) "0000:81:00.0", NULL };
        assert_int_equal(policy_parse_string(p, "test.conf", "[accelerators]\ndrivers = nvidia\nexclude = 0000:05:00.0\n", &errs), 0);

        static const struct {
                DeviceEvent ev;
                int want;
        } cases[] = {
                /* A 3D controller appears: counts by class. */
                { { "add", "pci", "/devices/pci0000:00/0000:00:02.0/0000:03:00.0", true, 0x030200, NULL }, 1 },
                /* VGA (a BMC) is no accelerator: its arrival without a driver
                 * and its drm node do not count... */
                { { "add", "pci", "/devices/pci0000:00/0000:00:1c.0/0000:02:00.0", true, 0x030000, NULL }, 0 },
                { { "add", "drm", "/devices/pci0000:00/0000:00:1c.0/0000:02:00.0/drm/card0", true, 0x030000, "ast" }, 0 },
                /* ... its driver binding does: a DMA device the plan counts on its node. */
                { { "bind", "pci", "/devices/pci0000:00/0000:00:1c.0/0000:02:00.0", true, 0x030000, "ast" }, 1 },
                /* A hot-added NVMe controller: its add (no driver yet) changes
                 * nothing, nvme binding it does; a bridge's port driver does not. */
                { { "add", "pci", "/devices/pci0000:80/0000:80:01.0/0000:82:00.0", true, 0x010802, NULL }, 0 },
                { { "bind", "pci", "/devices/pci0000:80/0000:80:01.0/0000:82:00.0", true, 0x010802, "nvme" }, 1 },
                { { "add", "pci", "/devices/pci0000:80/0000:80:01.0/0000:82:00.0", true, 0x010802, "nvme" }, 1 },
                { { "bind", "pci", "/devices/pci0000:80/0000:80:01.0", true, 0x060400, "pcieport" }, 0 },
                /* The known accelerator leaves: counts, though sysfs no longer knows it. */
                { { "remove", "pci", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0", false, 0, NULL }, 1 },
                { { "remove", "drm", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0/drm/card1", false, 0, NULL }, 1 },
                /* An unknown device leaving changes nothing. */
                { { "remove", "pci", "/devices/pci0000:00/0000:00:02.0/0000:03:00.0", false, 0, NULL }, 0 },
                { { "unbind", "pci", "/devices/pci0000:00/0000:00:02.0/0000:03:00.0", true, 0x030200, NULL }, 0 },
                /* Its driver goes: counts (known). */
                { { "unbind", "pci", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0", true, 0x030000, NULL }, 1 },
                /* VGA bound to a driver listed in drivers=: counts. */
                { { "bind", "pci", "/devices/pci0000:00/0000:00:03.0/0000:04:00.0", true, 0x030000, "nvidia" }, 1 },
                /* ... excluded as an accelerator, it still counts as a DMA device. */
                { { "bind", "pci", "/devices/pci0000:00/0000:00:03.0/0000:05:00.0", true, 0x030200, "nvidia" }, 1 },
                /* ... and without a driver it is nothing. */
                { { "add", "pci", "/devices/pci0000:00/0000:00:03.0/0000:05:00.0", true, 0x030200, NULL }, 0 },
                /* An accel node makes any device count. */
                { { "add", "accel", "/devices/pci0000:00/0000:00:04.0/0000:06:00.0/accel/accel0", true, 0x048000, "x" }, 1 },
                /* drm connector hotplug ("change") is not a device change. */
                { { "change", "drm", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0/drm/card1", true, 0x030200, "x" }, 0 },
                /* pci change of a known one counts. */
                { { "change", "pci", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0", true, 0x030200, "x" }, 1 },
                /* Other actions and subsystems, and paths without PCI device. */
                { { "move", "pci", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0", true, 0x030200, NULL }, 0 },
                { { "online", "pci", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0", true, 0x030200, NULL }, 0 },
                { { "add", "usb", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0/usb1", true, 0x030200, NULL }, 0 },
                { { "add", "drm", "/devices/platform/vkms/drm/card0", false, 0, NULL }, 0 },
                { { NULL, "pci", "/devices/pci0000:80/0000:80:00.0/0000:81:00.0", true, 0x030200, NULL }, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *a = NULL;
                int r = device_event_relevant(p, known, &cases[i].ev, &a);
                if (r != cases[i].want)
                        fail_msg("case %zu (%s %s %s): got %d, want %d", i, cases[i].ev.action, cases[i].ev.subsystem,
                                 cases[i].ev.devpath, r, cases[i].want);
                assert_true((r == 1) == (a != NULL));
                free(a);
        }
}

static void test_class_code(void **state) {
        uint32_t c;
        assert_int_equal(parse_pci_class_code("38000", &c), 0);
        assert_int_equal(c, 0x038000);
        assert_int_equal(parse_pci_class_code("0x120000", &c), 0);
        assert_int_equal(c, 0x120000);
        assert_int_equal(parse_pci_class_code("0x1000000", &c), -ERANGE);
        assert_int_equal(parse_pci_class_code("", &c), -EINVAL);
        assert_int_equal(parse_pci_class_code("0x", &c), -EINVAL);
        assert_int_equal(parse_pci_class_code("-1", &c), -EINVAL);
        assert_int_equal(parse_pci_class_code("3g", &c), -EINVAL);
        assert_int_equal(parse_pci_class_code(NULL, &c), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_burst_1000),
                cmocka_unit_test(test_burst_same_instant),
                cmocka_unit_test(test_two_bursts),
                cmocka_unit_test(test_endless_stream_bounded),
                cmocka_unit_test(test_settle_zero_and_spurious),
                cmocka_unit_test(test_devpath),
                cmocka_unit_test(test_relevance),
                cmocka_unit_test(test_class_code),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
