/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the BLS-based backends (bls, grubby, systemd-boot) share. */
#pragma once

#include "bootcfg/apply_ctx.h"
#include "bootcfg/bls.h"

typedef struct {
        char *path;   /* below the root */
        char *text;   /* the file as read: edits start from it, it is not read again */
        BlsEntry e;
} EntryFile;

/* What an apply of BLS entries edits besides the entries and
 * /etc/kernel/cmdline: GRUB boots them (BOOT_IMAGE= counted, $kernelopts
 * from grubenv); GRUB_CMDLINE_LINUX in /etc/default/grub (grubby's layouts). */
enum {
        BLS_GRUB = 1 << 0,
        BLS_DEFAULT_GRUB = 1 << 1,
};

typedef struct {
        EntryFile *f;
        size_t n;
        char **edited;  /* n of them: each entry's new text, NULL when it stays */
} EntryEdits;

extern const char *const bls_entry_dirs[];     /* GRUB's blscfg and grubby */
extern const char *const sdboot_entry_dirs[];  /* the ESP, XBOOTLDR */

/* The entries in dirs (below root) in menu order. Files that are not
 * entries numacma can read are left out. */
int bls_load_entries(const char *root, char *const *dirs, EntryFile **ret, size_t *ret_n);
void entry_files_free(EntryFile *f, size_t n);
bool bls_entries_exist(const char *root);

/* The default entry's options and the releases the entries boot, and the
 * ownership record. */
int bls_read_next(const char *root, bool sdboot, NextBoot *n);

/* Edit the options lines of every entry in dirs (below root): numacma's
 * old tokens out, its new ones in, except on an entry that carries the
 * administrator's own per-node argument (which keeps it alone, when the
 * policy respects them); grub: GRUB boots them (it adds BOOT_IMAGE=,
 * counted against the kernel's limit). Nothing is written when one entry
 * cannot take the change. */
int bls_edit_entries(BootCtx *c, char *const *dirs, bool grub, bool *ret_changed);
/* The same edits, computed and not written. */
int bls_plan_edits(BootCtx *c, char *const *dirs, bool grub, EntryEdits *ret);
void entry_edits_done(EntryEdits *e);
/* The options use $kernelopts (RHEL 8): GRUB takes them from grubenv. */
bool bls_uses_kernelopts(const char *options);
/* line has a per-node argument numacma did not write (and the policy
 * respects the administrator's): *ret_token names it. */
bool bls_admin_pernode(BootCtx *c, const char *line, char **ret_token);
/* /etc/kernel/cmdline as tokens, when it exists. */
int bls_kernel_cmdline(BootCtx *c, bool *changed);
/* /etc/kernel/cmdline, and as flags say grubenv's kernelopts (when an
 * entry in dirs uses it; numacma's tokens are taken out of it anyway) and
 * GRUB_CMDLINE_LINUX in /etc/default/grub. */
int bls_other_files(BootCtx *c, char *const *dirs, unsigned flags, bool *changed);
/* The ownership record naming old and new tokens, before any edit, once
 * a dry run of the edits of dirs and of the other files (flags) succeeded
 * and every file it changes is writable. */
int bls_record_intent(BootCtx *c, char *const *dirs, unsigned flags);
