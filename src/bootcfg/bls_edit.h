/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The edits of a BLS layout, as tokens, where each loader reads them. */
#pragma once

#include "bootcfg/apply_ctx.h"
#include "bootcfg/bls_entries.h"

/* What an apply edits besides the entries and /etc/kernel/cmdline. */
enum {
        BLS_GRUB = 1 << 0,          /* GRUB boots the entries: grubenv's kernelopts (RHEL 8) */
        BLS_DEFAULT_GRUB = 1 << 1,  /* GRUB_CMDLINE_LINUX in /etc/default/grub (grubby's layouts) */
};

typedef struct {
        Entries es;
        char **edited;  /* es.n of them: each entry's new text, NULL when it stays */
} EntryEdits;

/* Every entry's edit, computed and not written: numacma's old tokens out,
 * its new ones in where the loader reads them; an entry that carries the
 * administrator's own per-node argument (when the policy respects them)
 * keeps it alone; one GRUB reads no options line of gets nothing. Nothing
 * is written when one entry cannot take the change. */
int bls_plan_edits(BootCtx *c, char *const *dirs, BlsLoader loader, EntryEdits *ret);
void entry_edits_done(EntryEdits *e);
/* Write the edits (*changed set when a file changed). */
int bls_write_edits(BootCtx *c, const EntryEdits *e, bool *changed);

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
