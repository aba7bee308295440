/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The next boot of a BLS layout, as its loader reads the entries. */
#pragma once

#include "bootcfg/apply_ctx.h"
#include "bootcfg/bls_entries.h"

/* The default entry's command line, the releases the entries boot, the
 * one-shot and the record; problems for entries numacma cannot write. */
int bls_read_next(const char *root, BlsLoader loader, NextBoot *n);
/* The command line GRUB gives the kernel for the entry. */
char *bls_grub_cmdline(const EntryFile *f, const GrubVars *vars);
/* GRUB's grubenv of a BLS layout (NULL: none), and its path. */
char *bls_grubenv(const char *root, const char **ret_path);
/* Why numacma does not write to an entry GRUB reads no options line of. */
char *bls_no_options_why(const EntryFile *f);
