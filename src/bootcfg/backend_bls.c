/* SPDX-License-Identifier: GPL-2.0-or-later */
/* BLS entries booted by GRUB's blscfg, without grubby (Fedora/RHEL/SUSE
 * layouts where nothing else owns the entries): every entry's first
 * options line that GRUB reads and /etc/kernel/cmdline edited as tokens
 * (grubenv's kernelopts for entries that use it), the ownership record
 * written before and after (bls_apply.h). */
#include "bootcfg/backend.h"
#include "bootcfg/bls_apply.h"
#include "bootcfg/bls_next.h"

static int bls_read(const char *root, NextBoot *n) {
        return bls_read_next(root, BLS_BY_GRUB, n);
}

static const BlsFamily bls_family = {
        .dirs = bls_entry_dirs,
        .loader = BLS_BY_GRUB,
        .other = BLS_GRUB,
};

static int bls_apply(BootCtx *c) {
        return bls_family_apply(c, &bls_family);
}

const BootBackendOps bls_backend = {
        .kind = BACKEND_BLS,
        .detect = bls_entries_exist,
        .read_next = bls_read,
        .apply = bls_apply,
        .dirs = (const char *const[]){ "/boot/loader/entries", "/boot/grub2", "/etc/kernel", NULL },
};
