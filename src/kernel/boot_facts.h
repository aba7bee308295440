/* SPDX-License-Identifier: GPL-2.0-or-later */
/* This boot's facts, kept once per boot while the kernel's ring buffer
 * still holds them: the early memory node ranges (which nodes had memory
 * at early boot) and the CMA reservation lines. On a server up for months
 * /dev/kmsg has wrapped; numacmad records them at its first start after
 * boot, keyed by /proc/sys/kernel/random/boot_id, and numacmactl and
 * later recomputes read the record (kernel_log.h puts the sources in
 * order). The record is the kernel's own lines, as /dev/kmsg records:
 *
 *   # numacma boot facts (numacmad(8)): the kernel's early memory and CMA lines
 *   boot-id 8d67c90e-1dc2-4717-87aa-255c9b649867
 *   source /dev/kmsg
 *   6,85,0,-;Early memory node ranges
 *   6,86,0,-;  node   0: [mem 0x0000000000001000-0x000000000009efff]
 *   6,54,0,-;cma: Reserved 64 MiB at 0x000000007be00000
 */
#pragma once

#include <stdbool.h>

#define BOOT_FACTS_PATH "/run/numacma/boot-facts"
#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define BOOT_FACTS_MAX (256u * 1024)

/* This boot's id below root (a UUID, lower case), or -ENOENT. */
int boot_id_read(const char *root, char **ret);

/* The lines of a kernel log text ("PRIO,SEQ,USEC,FLAGS;message" records,
 * or dmesg's "[ time] message") that the record keeps: the early memory
 * node ranges, "Initmem setup node", the firmware's NUMA lines and every
 * "cma:" and "hugetlb_cma:" line; as /dev/kmsg records. NULL text: "". */
char *boot_facts_lines(const char *log_text);

/* The record's text for this boot. */
char *boot_facts_format(const char *boot_id, const char *source, const char *lines);

/* Parse a record. -EBADMSG: not a record (no header); -ESTALE: another
 * boot's (its id differs from boot_id). On success *ret_lines is the
 * records' text (for kernel_log_parse()), *ret_source where they came from. */
int boot_facts_parse(const char *text, const char *boot_id, char **ret_lines, char **ret_source);

/* Is this boot's record below root already? */
bool boot_facts_recorded(const char *root);
/* numacmad: keep this boot's facts from log_text (what /dev/kmsg or the
 * journal still holds) below root, unless a record of this boot exists.
 * Returns 1 when written, 0 when it was there already, -ENODATA when
 * log_text no longer has the early ranges (too late), <0 errno. */
int boot_facts_record(const char *root, const char *log_text, const char *source);
