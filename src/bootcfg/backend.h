/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the boot backends (grub_update.c, bls.c, sdboot.c) and boot.c:
 * one apply's context, and the helpers every write and command goes
 * through (dry run, diff, failure hook, --root). */
#pragma once

#include <sys/types.h>

#include "bootcfg/bootcfg.h"
#include "basic/util.h"

typedef struct {
        const char *root;
        bool live;                /* root is "/" */
        BootApplyFlags flags;
        const Policy *policy;
        const NextBoot *next;
        char **want;              /* the plan's tokens */
        char **remove;            /* numacma's tokens that are no longer wanted */
        BootApplyResult *res;
        StrBuf diff;
        unsigned n_writes;
} BootCtx;

/* Make path (below the root) hold content; NULL content removes it.
 * 0 unchanged, 1 changed (or would be, dry run), negative on failure
 * (res->error set). */
int boot_ctx_write(BootCtx *c, const char *path, const char *content, mode_t mode);
/* Run argv (or list it: dry run, --root, NO_COMMANDS). A non-zero exit is
 * a failure. */
int boot_ctx_run(BootCtx *c, char *const *argv);
bool boot_ctx_runs_commands(const BootCtx *c);
int boot_ctx_fail(BootCtx *c, int r, const char *fmt, ...) _printf_(3, 4);
int boot_ctx_note(BootCtx *c, const char *fmt, ...) _printf_(2, 3);
/* Whether a program exists: in PATH when commands run, else below the root. */
bool boot_ctx_have_program(const BootCtx *c, const char *name);
/* The ownership record for backends other than GRUB. */
int boot_ctx_write_record(BootCtx *c, char *const *tokens);

/* line without the tokens in remove (exact text) and with every token of
 * want that is not already there exactly, appended; the rest byte for byte. */
int tokens_edit(const char *line, char *const *remove, char *const *want, char **ret);
/* The whole-token texts of line, "" -> empty strv. */
int tokens_of(const char *line, char ***ret);

#define GRUB_DROPIN_PATH "/etc/default/grub.d/90-numacma.cfg"
#define KERNEL_CMDLINE_PATH "/etc/kernel/cmdline"

bool grub_detect(const char *root);
int grub_read_next(const char *root, NextBoot *n);
int grub_apply(BootCtx *c);

bool bls_detect(const char *root);
int bls_read_next(const char *root, bool sdboot, NextBoot *n);
int bls_apply(BootCtx *c, bool grubby);

bool sdboot_detect(const char *root);
int sdboot_apply(BootCtx *c);
/* Edit the options lines of every entry in the directories (below root). */
int bls_edit_entries(BootCtx *c, char *const *dirs, bool *ret_changed);
/* /etc/kernel/cmdline as tokens, when it exists. */
int bls_kernel_cmdline(BootCtx *c, bool *changed);
/* The ownership record naming old and new tokens, before any edit. */
int bls_record_intent(BootCtx *c);
extern const char *const sdboot_entry_dirs[];
extern const char *const bls_entry_dirs[];
