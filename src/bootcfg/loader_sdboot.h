/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Type #1 entries as systemd-boot reads them, and the entry it boots
 * (systemd src/boot/boot.c: line_get_key_value(), boot_entry_add_type1(),
 * boot_entry_compare(), config_load_defaults(),
 * config_select_default_entry()). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct {
        char *id;          /* the file name, its boot counter ("+LEFT-DONE") taken out, lower case */
        char *file;        /* the file name as it is */
        char *title, *version, *sort_key, *machine_id, *linux_path;
        char *options;     /* every options line's value, joined with one blank */
        bool bootable;     /* a linux (or efi, uki) line: not an entry systemd-boot drops */
        int tries_left, tries_done;  /* -1: no boot counting */
} SdbootEntry;

void sdboot_entry_done(SdbootEntry *e);
/* A file name systemd-boot takes as an entry: not hidden, not "auto-*",
 * ending in ".conf" in any case (valid_type1_filename()). */
bool sdboot_entry_name(const char *name);
/* One entry file: lines split at '\n' and '\r', blanks trimmed, '#' lines
 * and lines without a value skipped, key and value split at blanks, a
 * value in double quotes unquoted; options lines joined. */
int sdboot_entry_parse(const char *file_name, const char *text, SdbootEntry *ret);
/* systemd-boot's menu order: <0 when a comes first. */
int sdboot_compare(const SdbootEntry *a, const SdbootEntry *b);
/* systemd's strverscmp_improved(). */
int sdboot_verscmp(const char *a, const char *b);

/* What picks the default: the EFI variables of systemd-boot's vendor
 * (LoaderEntryOneShot, LoaderEntryDefault, LoaderEntryLastBooted) and
 * loader.conf's "default", lower case. */
typedef struct {
        char *oneshot, *efi_default, *conf_default, *last_booted;
} SdbootDefaults;

void sdboot_defaults_done(SdbootDefaults *d);
/* From below root: /sys/firmware/efi/efivars and loader.conf (text, NULL:
 * none). */
int sdboot_defaults_load(const char *root, const char *loader_conf, SdbootDefaults *ret);
/* The index (into entries, in menu order) systemd-boot boots; -1: none.
 * *ret_once: the entry comes from LoaderEntryOneShot. */
long sdboot_choose(const SdbootEntry *entries, size_t n, const SdbootDefaults *d, bool *ret_once);
