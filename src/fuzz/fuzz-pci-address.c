/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for src/kernel/pci_address.c: the input is a would-be PCI
 * address (a sysfs name, a devpath component, a policy value), not
 * NUL-terminated. Checks, abort()ing on any failure:
 *  - pci_address_parse_n() is 0 or -EINVAL and reads nothing past size
 *    (the input is copied to a buffer of exactly that size);
 *  - it agrees with a reference written here from the grammar
 *    (4-8 hex digits ':' 2 ':' 2 '.' 1, slot <= 0x1f, function <= 7);
 *  - an accepted address formats to the kernel's form, which parses back
 *    to the same address and formats the same again. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kernel/pci_address.h"
#include "basic/util.h"

static int hexval(uint8_t c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Digits of a field: [i, i + n) all hex. */
static bool hex_field(const uint8_t *d, size_t i, size_t n, size_t size, uint32_t *v) {
        *v = 0;
        if (i + n > size)
                return false;
        for (size_t k = i; k < i + n; k++) {
                if (hexval(d[k]) < 0)
                        return false;
                *v = *v << 4 | (uint32_t) hexval(d[k]);
        }
        return true;
}

static bool reference(const uint8_t *d, size_t size, PciAddress *ret) {
        /* The domain is everything before the first ':'. */
        const uint8_t *colon = memchr(d, ':', size);
        if (!colon)
                return false;
        size_t dl = (size_t) (colon - d);
        uint32_t dom, bus, slot, fn;
        if (dl < 4 || dl > 8 || !hex_field(d, 0, dl, size, &dom) || size != dl + 8 ||
            !hex_field(d, dl + 1, 2, size, &bus) || d[dl + 3] != ':' || !hex_field(d, dl + 4, 2, size, &slot) ||
            d[dl + 6] != '.' || !hex_field(d, dl + 7, 1, size, &fn) || slot > 0x1f || fn > 7)
                return false;
        *ret = (PciAddress){ .domain = dom, .bus = (uint8_t) bus, .slot = (uint8_t) slot, .function = (uint8_t) fn };
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 64)
                return 0;
        char *in = malloc(size ? size : 1);
        CHECK(in);
        memcpy(in, data, size);

        PciAddress a = {0}, want = {0}, again;
        int r = pci_address_parse_n(in, size, &a);
        CHECK(r == 0 || r == -EINVAL);
        bool ok = reference(data, size, &want);
        CHECK(ok == (r == 0));
        if (ok) {
                CHECK(memcmp(&a, &want, sizeof(a)) == 0);
                char buf[PCI_ADDRESS_MAX], buf2[PCI_ADDRESS_MAX];
                pci_address_format(&a, buf);
                CHECK(pci_address_parse(buf, &again) == 0);
                CHECK(memcmp(&a, &again, sizeof(a)) == 0);
                pci_address_format(&again, buf2);
                CHECK(strcmp(buf, buf2) == 0);
        }
        free(in);
        return 0;
}
