/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GRUB's environment block (grubenv, grub-core/lib/envblk.c): a 1024-byte
 * file "# GRUB Environment Block\n" NAME=VALUE lines, '\\' and newline
 * escaped with a backslash, '#' padding. */
#pragma once

#include <stddef.h>

/* A variable of a grubenv block (saved_entry, kernelopts), unescaped;
 * NULL when not set. */
char *grubenv_get(const char *text, const char *key);
/* The block (size bytes, as read) with key's value replaced, escaped as
 * GRUB does; the '#' padding after the last line keeps the size. -ENOENT:
 * key is not set; -ENOSPC: no room; -EBADMSG: not a grubenv block. */
int grubenv_set(const char *text, size_t size, const char *key, const char *value, char **ret);
