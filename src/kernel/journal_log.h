/* SPDX-License-Identifier: GPL-2.0-or-later */
/* This boot's kernel messages from the systemd journal below a root
 * (sd-journal, SD_JOURNAL_OS_ROOT: ROOT/var/log/journal and
 * ROOT/run/log/journal), for when /dev/kmsg has wrapped and numacmad kept
 * no record. journald's kernel transport (journald-kmsg.c) stores each
 * /dev/kmsg record with MESSAGE, PRIORITY, _TRANSPORT=kernel, _BOOT_ID and
 * the record's own time as _SOURCE_MONOTONIC_TIMESTAMP; its size limits may
 * have dropped the oldest ones, so the boot's beginning is there only when
 * its first kernel entry of this boot is at about 0 s. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "basic/util.h"

/* The first kernel record of a boot is "Linux version ..." at 0.000000;
 * later than this, the journal lost the early ones. */
#define JOURNAL_BOOT_START_USEC (1000u * 1000u)

/* This boot's kernel messages as /dev/kmsg records ("PRIO,0,USEC,-;text"),
 * in *ret, when the journal holds the boot from its start; else *ret NULL
 * and *ret_why says why (no journal, nothing of this boot, its first kernel
 * entry at N s). boot_id as in /proc/sys/kernel/random/boot_id. */
int journal_kernel_text(const char *root, const char *boot_id, char **ret, char **ret_why);

/* One journal entry's fields (values without "FIELD=", message of len
 * bytes: it may hold newlines or binary) as one /dev/kmsg record line
 * appended to b; control characters become spaces, at most 1023 bytes of
 * text. priority, usec: NULL or digits. */
void journal_entry_to_record(const char *message, size_t len, const char *priority, const char *usec, StrBuf *b);
