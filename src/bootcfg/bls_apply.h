/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one apply of the BLS family (bls, grubby, systemd-boot): the intent
 * record, the entries, the other files, the record. A backend says which
 * loader reads its entries and what else it edits, and may make the
 * entries' edits its own way (grubby runs grubby). */
#pragma once

#include "bootcfg/apply_ctx.h"
#include "bootcfg/bls_edit.h"

typedef struct BlsFamily BlsFamily;
struct BlsFamily {
        const char *const *dirs;  /* the entry directories (below the root) */
        BlsLoader loader;         /* who reads them */
        unsigned other;           /* BLS_GRUB, BLS_DEFAULT_GRUB: what else is edited */
        /* Write the planned edits; NULL: bls_write_edits(). */
        int (*write_entries)(BootCtx *c, const EntryEdits *e, bool *changed);
        /* After every file is written (systemd-boot rebuilds unified
         * kernel images); NULL: nothing. */
        int (*after)(BootCtx *c, bool changed);
};

/* Write c->want, take out c->remove: first the record naming old and new
 * tokens (once a dry run of every edit succeeded and every file it changes
 * is writable), then the entries and the other files, then the record
 * with the new tokens alone. A failure in between leaves a record that
 * names every token numacma may have written. */
int bls_family_apply(BootCtx *c, const BlsFamily *f);
