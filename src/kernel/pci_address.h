/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI addresses as the kernel names devices. pci_setup_device()
 * (drivers/pci/probe.c) names each device "%04x:%02x:%02x.%d" (domain,
 * bus, slot, function); that name is pci_name(), the sysfs directory and
 * the /sys/bus/pci/devices link. The domain has at least 4 hex digits and
 * up to 8: Intel VMD's domains start at 0x10000 (drivers/pci/controller/vmd.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
        uint32_t domain;
        uint8_t bus;
        uint8_t slot;      /* 0x00-0x1f */
        uint8_t function;  /* 0-7 */
} PciAddress;

/* "ffffffff:ff:1f.7" and its NUL */
#define PCI_ADDRESS_MAX 17

/* Exactly n bytes of s: DOMAIN:BUS:SLOT.FUNCTION with a domain of 4 to 8
 * hex digits, bus and slot of 2, a function of 1; either case. ret may be
 * NULL to only check. -EINVAL otherwise, ret untouched. */
int pci_address_parse_n(const char *s, size_t n, PciAddress *ret);
/* The whole string. */
int pci_address_parse(const char *s, PciAddress *ret);
/* The kernel's form (lower case, the domain as %04x) into buf. */
void pci_address_format(const PciAddress *a, char buf[static PCI_ADDRESS_MAX]);
/* Parse and give the kernel's form back as a new string: -EINVAL, -ENOMEM. */
int pci_address_normalize(const char *s, char **ret);
