/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The operations each boot backend provides. bootcfg.c picks one from the
 * table; a backend never calls back into it: what backends share is below
 * them (apply_ctx.h, bls_entries.h, owned.h). */
#pragma once

#include "bootcfg/apply_ctx.h"
#include "bootcfg/bootcfg.h"

typedef struct {
        BootBackendKind kind;
        /* The layout is this backend's. */
        bool (*detect)(const char *root);
        /* Fill what the next boot uses (cmdline, releases, planned_from,
         * the record). */
        int (*read_next)(const char *root, NextBoot *n);
        /* Write c->want, take out c->remove; removing is apply with no want. */
        int (*apply)(BootCtx *c);
        /* The directories it writes files in (NULL-terminated). */
        const char *const *dirs;
} BootBackendOps;

extern const BootBackendOps grub_backend;
extern const BootBackendOps bls_backend;
extern const BootBackendOps grubby_backend;
extern const BootBackendOps sdboot_backend;
