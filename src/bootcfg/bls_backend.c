/* SPDX-License-Identifier: GPL-2.0-or-later */
/* BLS entries without grubby (Fedora/RHEL/SUSE layouts where nothing else
 * owns the entries): every entry's options and /etc/kernel/cmdline edited
 * as tokens (grubenv's kernelopts for entries that use it), the ownership
 * record written before and after. */
#include "bootcfg/backend.h"
#include "bootcfg/bls_entries.h"

static int bls_read(const char *root, NextBoot *n) {
        return bls_read_next(root, false, n);
}

static int bls_apply(BootCtx *c) {
        bool changed = false;
        int r = bls_record_intent(c, (char *const *) bls_entry_dirs, BLS_GRUB);
        if (r >= 0)
                r = bls_edit_entries(c, (char *const *) bls_entry_dirs, true, &changed);
        if (r >= 0)
                r = bls_other_files(c, (char *const *) bls_entry_dirs, BLS_GRUB, &changed);
        if (r < 0)
                return r;
        return boot_ctx_write_record(c, c->want ? c->want : (char *[]){ NULL });
}

const BootBackendOps bls_backend = {
        .kind = BACKEND_BLS,
        .detect = bls_entries_exist,
        .read_next = bls_read,
        .apply = bls_apply,
        .dirs = (const char *const[]){ "/boot/loader/entries", "/boot/grub2", "/etc/kernel", NULL },
};
