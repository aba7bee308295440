/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one PCI address parser (src/kernel/pci_address.c): the kernel's
 * pci_name() form "%04x:%02x:%02x.%d", domains of 4 to 8 hex digits (Intel
 * VMD's start at 0x10000), and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/pci_address.h"
#include "basic/util.h"

static void test_valid(void **state) {
        static const struct {
                const char *s, *canonical;
                uint32_t domain;
                uint8_t bus, slot, fn;
        } t[] = {
                { "0000:81:00.0", "0000:81:00.0", 0, 0x81, 0, 0 },
                { "0000:00:1f.7", "0000:00:1f.7", 0, 0, 0x1f, 7 },
                { "abcd:ef:01.3", "abcd:ef:01.3", 0xabcd, 0xef, 1, 3 },
                { "ABCD:EF:1F.3", "abcd:ef:1f.3", 0xabcd, 0xef, 0x1f, 3 },
                /* VMD: the first domain it makes, and later ones. */
                { "10000:01:00.0", "10000:01:00.0", 0x10000, 1, 0, 0 },
                { "10001:e1:00.0", "10001:e1:00.0", 0x10001, 0xe1, 0, 0 },
                { "ffffffff:ff:1f.7", "ffffffff:ff:1f.7", 0xffffffff, 0xff, 0x1f, 7 },
                /* More digits than %04x prints: the same address. */
                { "00000:01:00.0", "0000:01:00.0", 0, 1, 0, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                PciAddress a = { .domain = 42 };
                char buf[PCI_ADDRESS_MAX];
                if (pci_address_parse(t[i].s, &a) != 0)
                        fail_msg("'%s' refused", t[i].s);
                assert_int_equal(a.domain, t[i].domain);
                assert_int_equal(a.bus, t[i].bus);
                assert_int_equal(a.slot, t[i].slot);
                assert_int_equal(a.function, t[i].fn);
                pci_address_format(&a, buf);
                assert_string_equal(buf, t[i].canonical);
                _cleanup_free_ char *n = NULL;
                assert_int_equal(pci_address_normalize(t[i].s, &n), 0);
                assert_string_equal(n, t[i].canonical);
                assert_int_equal(pci_address_parse(t[i].s, NULL), 0);
        }
}

static void test_malformed(void **state) {
        static const char *const bad[] = {
                "",
                "000:81:00.0",          /* domain of 3 digits */
                "123456789:81:00.0",    /* 9 digits */
                "81:00.0",              /* no domain (the policy adds one, not this parser) */
                "0000:1:00.0",          /* bus of 1 digit */
                "0000:081:00.0",        /* bus of 3 */
                "0000:81:0.0",          /* slot of 1 */
                "0000:81:20.0",         /* slot above 0x1f */
                "0000:81:00.8",         /* function above 7 */
                "0000:81:00.a",
                "0000:81:00.00",
                "0000:81:00.",
                "0000:81:00",
                "0000:81",
                "0000:81:00:0",
                "0000.81:00.0",
                "0000:81:00.0.1",
                "0000:81:00.0 ",
                " 0000:81:00.0",
                "0x0000:81:00.0",
                "-000:81:00.0",
                "g000:81:00.0",
                "10000:01:00.0/",
                "pci10000:00",          /* the VMD bus directory, not a device */
                "10000:00",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                PciAddress a = { .domain = 42, .bus = 1, .slot = 2, .function = 3 };
                if (pci_address_parse(bad[i], &a) != -EINVAL)
                        fail_msg("'%s' accepted", bad[i]);
                /* Untouched on failure. */
                assert_int_equal(a.domain, 42);
                assert_int_equal(a.function, 3);
                char *n = (char *) "x";
                assert_int_equal(pci_address_normalize(bad[i], &n), -EINVAL);
                assert_string_equal(n, "x");
        }
        assert_int_equal(pci_address_parse(NULL, NULL), -EINVAL);
        assert_int_equal(pci_address_parse_n(NULL, 0, NULL), -EINVAL);
}

/* Parsing a length-delimited part, as the daemon does with devpath components. */
static void test_parse_n(void **state) {
        const char *path = "pci10000:00/10000:00:02.0/10000:01:00.0/nvme";
        PciAddress a;
        assert_int_equal(pci_address_parse_n(path, 11, &a), -EINVAL);
        assert_int_equal(pci_address_parse_n(path + 12, 13, &a), 0);
        assert_int_equal(a.domain, 0x10000);
        assert_int_equal(a.slot, 2);
        assert_int_equal(pci_address_parse_n(path + 26, 13, &a), 0);
        assert_int_equal(a.bus, 1);
        /* One byte short, one byte long. */
        assert_int_equal(pci_address_parse_n(path + 26, 12, &a), -EINVAL);
        assert_int_equal(pci_address_parse_n(path + 26, 14, &a), -EINVAL);
        /* Not NUL-terminated where it ends: nothing past n is read. */
        char buf[] = { '0', '0', '0', '0', ':', '8', '1', ':', '0', '0', '.', '1', '7' };
        assert_int_equal(pci_address_parse_n(buf, 12, &a), 0);
        assert_int_equal(a.function, 1);
        assert_int_equal(pci_address_parse_n(buf, 13, &a), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_parse_n),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
