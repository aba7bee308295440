/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The operations each boot backend provides. bootcfg.c picks one from the
 * table; a backend never calls back into it: what backends share is below
 * them (apply_ctx.h, bls_apply.h, the loader models loader_*.h).
 *
 * A new backend, step by step:
 *  1. Its name: a BootBackendKind and its string in src/policy (config.h,
 *     boot_backend_to_string()), so that [boot] backend can name it.
 *  2. What its loader reads, from the loader's own code: a loader_<name>.c
 *     that says which file, which line and which entry the loader takes
 *     (cite the function where a rule is not obvious). read_next fills
 *     NextBoot from it alone: the command line the kernel gets (variables
 *     expanded as the loader expands them), the releases, planned_from
 *     (the line numacma's own update makes before its tokens, for the
 *     persistent default: never a one-shot), once, problems.
 *  3. apply writes only where that loader reads, through the BootCtx (every
 *     read and write below the root, links followed inside it, regular
 *     files only; dry run, diff and the BootIO seam come with it): a
 *     BLS-like layout is a BlsFamily (bls_apply.h: the intent record, the
 *     entries, the other files, the record); anything else keeps its own
 *     record (the GRUB drop-in is its own). An entry or file it cannot
 *     write where the loader reads is left alone and named in a note. It
 *     runs the loader's tool only when the files changed or the tool's
 *     output does not carry numacma's arguments (a second apply runs
 *     nothing).
 *  4. dirs: every directory it writes in (stale temporary files are swept
 *     there; the unit's ReadWritePaths= must cover them: systemd/).
 *  5. Its place in backends[] (bootcfg.c): detection order matters.
 *  6. Tests: a tree made by tests/boot/make-trees with the loader's own
 *     tools, cases in tests/check-boot-loaders.py (the loader's tool run on
 *     the root where it can), tests/test-boot-apply.c, and the layout in
 *     tests/check-one-pipeline.py; a fuzz target for every new parser. */
#pragma once

#include "bootcfg/apply_ctx.h"
#include "bootcfg/bootcfg.h"

typedef struct {
        BootBackendKind kind;
        /* The layout is this backend's. */
        bool (*detect)(const char *root);
        /* Fill what the next boot uses (cmdline, releases, planned_from,
         * once, the record). */
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
