/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd-boot and kernel-install: /etc/kernel/cmdline (what kernel-install
 * writes into entries of kernels installed later) and the options lines of
 * the type #1 entries that exist, in the ESP or XBOOTLDR, read as
 * systemd-boot reads them (loader_sdboot.h). Type #2 entries (unified
 * kernel images) carry their command line inside the image: only
 * rebuilding them with kernel-install changes it. */
#include "basic/chase.h"
#include "basic/fileio.h"
#include "bootcfg/backend.h"
#include "bootcfg/bls_apply.h"
#include "bootcfg/bls_next.h"

static const char *const loader_confs[] = { "/efi/loader/loader.conf", "/boot/efi/loader/loader.conf", "/boot/loader/loader.conf" };
static const char *const uki_dirs[] = { "/efi/EFI/Linux", "/boot/efi/EFI/Linux", "/boot/EFI/Linux" };

static bool sdboot_detect(const char *root) {
        for (size_t i = 0; i < ELEMENTSOF(loader_confs); i++)
                if (exists_root(root, loader_confs[i]))
                        return true;
        /* Entries in an ESP without a loader.conf: still systemd-boot's. */
        for (size_t i = 0; i < 2; i++) {
                _cleanup_strv_free_ char **names = NULL;
                if (list_dir_below_root(root, sdboot_entry_dirs[i], NULL, &names) >= 0 && names[0])
                        return true;
        }
        return false;
}

static bool is_efi(const char *name) {
        size_t l = strlen(name);
        return name[0] != '.' && l > 4 && strcasecmp(name + l - 4, ".efi") == 0;
}

static bool have_ukis(const char *root) {
        for (size_t i = 0; i < ELEMENTSOF(uki_dirs); i++) {
                _cleanup_strv_free_ char **names = NULL;
                if (list_dir_below_root(root, uki_dirs[i], is_efi, &names) >= 0 && names[0])
                        return true;
        }
        return false;
}

static int sdboot_read(const char *root, NextBoot *n) {
        return bls_read_next(root, BLS_BY_SDBOOT, n);
}

/* Type #1 entries were edited, the same line kernel-install would write;
 * rebuilding every entry would also rebuild every initrd. Unified kernel
 * images can only be rebuilt. */
static int sdboot_after(BootCtx *c, bool changed) {
        int r;
        if (!exists_root(c->root, KERNEL_CMDLINE_PATH) && c->want && *c->want &&
            (r = boot_ctx_note(c, "there is no %s: kernels installed later get numacma's arguments from its kernel-install plugin",
                               KERNEL_CMDLINE_PATH)) < 0)
                return r;
        if ((changed || (c->next && c->next->last_error)) && have_ukis(c->root)) {
                char *argv[] = { (char *) "kernel-install", (char *) "add-all", NULL };
                return boot_ctx_run(c, argv);
        }
        return 0;
}

static const BlsFamily sdboot_family = {
        .dirs = sdboot_entry_dirs,
        .loader = BLS_BY_SDBOOT,
        .after = sdboot_after,
};

static int sdboot_apply(BootCtx *c) {
        return bls_family_apply(c, &sdboot_family);
}

const BootBackendOps sdboot_backend = {
        .kind = BACKEND_SYSTEMD_BOOT,
        .detect = sdboot_detect,
        .read_next = sdboot_read,
        .apply = sdboot_apply,
        .dirs = (const char *const[]){ "/efi/loader/entries", "/boot/efi/loader/entries", "/boot/loader/entries", "/etc/kernel", NULL },
};
