/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The syntax of the policy's values: sizes, shares, time spans, PCI
 * addresses and classes, booleans, driver names, boot backends. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "basic/time_util.h" /* parse_timespan()'s unit */
#include "policy/config.h"

#define DRIVER_NAME_MAX 64

bool strcaseeq(const char *a, const char *b);
/* 1 yes, 0 no, -EINVAL otherwise. */
int parse_boolean(const char *s);
int parse_pci_class(const char *s, PciClassPrefix *ret);
/* "auto", "grub", ... (any case, as boot_backend_to_string() names them);
 * -EINVAL otherwise. */
int boot_backend_from_string(const char *s, BootBackendKind *ret);
bool driver_name_valid(const char *s);
