/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>

#include "kernel/pci_address.h"
#include "basic/util.h"

/* Between min and max hex digits from *p, not past end. */
static bool scan_hex(const char **p, const char *end, size_t min, size_t max, uint32_t *ret) {
        const char *s = *p;
        uint32_t v = 0;
        size_t n = 0;
        int d;
        for (; s < end && (d = unhexchar(*s)) >= 0; s++, n++) {
                if (n == max)
                        return false;
                v = v << 4 | (uint32_t) d;
        }
        if (n < min)
                return false;
        *p = s;
        *ret = v;
        return true;
}

int pci_address_parse_n(const char *s, size_t n, PciAddress *ret) {
        const char *p = s, *end = s + n;
        uint32_t domain, bus, slot, fn;

        if (!s)
                return -EINVAL;
        if (!scan_hex(&p, end, 4, 8, &domain) || p == end || *p++ != ':' ||
            !scan_hex(&p, end, 2, 2, &bus) || p == end || *p++ != ':' ||
            !scan_hex(&p, end, 2, 2, &slot) || p == end || *p++ != '.' ||
            !scan_hex(&p, end, 1, 1, &fn) || p != end)
                return -EINVAL;
        /* PCI_SLOT() and PCI_FUNC() split devfn into 5 and 3 bits. */
        if (slot > 0x1f || fn > 7)
                return -EINVAL;
        if (ret)
                *ret = (PciAddress){ .domain = domain, .bus = (uint8_t) bus, .slot = (uint8_t) slot,
                                     .function = (uint8_t) fn };
        return 0;
}

int pci_address_parse(const char *s, PciAddress *ret) {
        return s ? pci_address_parse_n(s, strlen(s), ret) : -EINVAL;
}

void pci_address_format(const PciAddress *a, char buf[static PCI_ADDRESS_MAX]) {
        snprintf(buf, PCI_ADDRESS_MAX, "%04x:%02x:%02x.%u", a->domain, a->bus, a->slot, a->function);
}

int pci_address_normalize(const char *s, char **ret) {
        PciAddress a;
        char buf[PCI_ADDRESS_MAX];
        if (pci_address_parse(s, &a) < 0)
                return -EINVAL;
        pci_address_format(&a, buf);
        char *r = strdup(buf);
        if (!r)
                return -ENOMEM;
        *ret = r;
        return 0;
}
