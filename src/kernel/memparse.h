/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes as the kernel reads them on its command line (memparse()), and
 * written so that it reads them back. */
#pragma once

#include <stdint.h>

/* "64M", "1G", "512K" when exact, else "1536K" etc.: the largest suffix
 * that leaves a whole number, which memparse() reads back. NULL on ENOMEM. */
char *format_size_kernel(uint64_t bytes);
/* The kernel's memparse() (lib/cmdline.c, as in 7.2): a number (base
 * auto: 0x hex, 0 octal, else decimal; no sign, no leading whitespace),
 * then at most one K/M/G/T/P/E suffix (case-insensitive), taken only after
 * a number. A number or a suffix that overflows saturates at UINT64_MAX
 * (older kernels wrapped: numacma never writes such a value). *ret_end
 * points after what was used (at s when there is no number). */
uint64_t kernel_memparse(const char *s, const char **ret_end);
