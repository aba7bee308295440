/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot Loader Specification entries as GRUB's blscfg command reads them
 * (Fedora's and RHEL's GRUB, rhboot/grub2 grub-core/commands/blscfg.c):
 * which lines it reads, the one options line it takes, the menu order. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "bootcfg/loader_grub_menu.h"

typedef struct {
        char *title, *version, *linux_path;
        char *options;       /* the first "options" key read, as GRUB keeps it; NULL: none */
        size_t options_at;   /* where that line starts in the text */
        size_t options_len;  /* its length, without the newline */
        size_t read_end;     /* where read_entry() stopped: the start of a line without a
                              * value, else the size (every line read) */
        unsigned stop_line;  /* that line's number, 0: it read every line */
} BlscfgEntry;

void blscfg_entry_done(BlscfgEntry *e);
/* text of size bytes, as read_entry() reads it: grub_file_getline() drops
 * every '\r'; blanks before the key go; a '#' line is skipped; the key
 * ends at the first space, else the first tab; a line with no separator
 * or nothing after it ends the entry (reading stops there). -EBADMSG: a
 * NUL byte. */
int blscfg_parse(const char *text, size_t size, BlscfgEntry *ret);
/* The options GRUB passes (expand_val() of the first options value, or of
 * $default_kernelopts when the entry has none), from vars. */
char *blscfg_options(const BlscfgEntry *e, const GrubVars *vars);
/* blscfg's menu order (bls_cmp(): rpm's version comparison of the file
 * names split as NAME-VERSION-RELEASE, newest first): <0 when id a comes
 * first. */
int blscfg_compare(const char *id_a, const char *id_b);
