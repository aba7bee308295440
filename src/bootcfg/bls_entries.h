/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The BLS entries of a root, read once for the backends that use them
 * (bls, grubby, systemd-boot): each entry file with the views of it that
 * matter, the way each loader reads it. */
#pragma once

#include "bootcfg/bls_parse.h"
#include "bootcfg/loader_blscfg.h"
#include "bootcfg/loader_sdboot.h"

/* Which loader boots the entries. */
typedef enum {
        BLS_BY_GRUB,    /* GRUB's blscfg (Fedora, RHEL) */
        BLS_BY_SDBOOT,  /* systemd-boot */
} BlsLoader;

typedef struct {
        char *path;     /* below the root */
        char *text;     /* the file as read: edits start from it, it is not read again */
        BlsEntry e;     /* every line (the edits' view) */
        BlscfgEntry g;  /* as GRUB's blscfg reads it */
        SdbootEntry s;  /* as systemd-boot reads it */
} EntryFile;

typedef struct {
        EntryFile *f;
        size_t n;
        char **skipped;  /* what is not an entry a loader reads, one sentence each */
} Entries;

extern const char *const bls_entry_dirs[];     /* GRUB's blscfg and grubby */
extern const char *const sdboot_entry_dirs[];  /* the ESP, XBOOTLDR */

/* The entries in dirs below root in the loader's menu order. Files that
 * are not regular files (a directory, a FIFO, a dangling link), or that no
 * loader can read (a NUL byte), are left out and said in skipped, as the
 * loaders skip them; nothing blocks on a FIFO. */
int bls_load_entries(const char *root, char *const *dirs, BlsLoader loader, Entries *ret);
void entries_done(Entries *e);
bool bls_entries_exist(const char *root);
/* The loader's view: the entries it shows in its menu (GRUB: a linux line;
 * systemd-boot: a linux, efi or uki line and that file on the partition). */
bool entry_booted(const EntryFile *f, BlsLoader loader, const char *root);
