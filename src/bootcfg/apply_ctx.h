/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One apply's context, shared by the backends: every write and command of
 * an apply goes through it (dry run, diff, --root, the BootIO seam). */
#pragma once

#include <sys/types.h>

#include "basic/util.h"
#include "bootcfg/bootcfg.h"

#define KERNEL_CMDLINE_PATH "/etc/kernel/cmdline"

typedef struct {
        const char *root;
        bool live;                /* root is the running system */
        BootApplyFlags flags;
        const BootIO *io;
        const NextBoot *next;
        char *const *want;        /* the plan's tokens */
        char *const *remove;      /* numacma's tokens that are no longer wanted */
        BootApplyResult *res;
        StrBuf diff;
        bool check_writable;      /* dry run: a file that cannot be written is a failure */
} BootCtx;

/* Read path below the root, links resolved inside it; -ENOENT quietly,
 * other failures with res->error set. */
int boot_ctx_read(BootCtx *c, const char *path, char **ret);
/* The same with the size read (a NUL byte makes it differ from strlen). */
int boot_ctx_read_size(BootCtx *c, const char *path, char **ret, size_t *ret_size);
/* Make path (below the root) hold content; NULL content removes it.
 * 0 unchanged, 1 changed (or would be, dry run), negative on failure
 * (res->error set). */
int boot_ctx_write(BootCtx *c, const char *path, const char *content, mode_t mode);
/* The same for a file whose content (old, NULL: absent) was just read. */
int boot_ctx_replace(BootCtx *c, const char *path, const char *old, const char *content, mode_t mode);
/* A command changed path from old to content: said as a change (diff,
 * changed) without writing it. 1 when it differs. */
int boot_ctx_note_command_edit(BootCtx *c, const char *path, const char *old, const char *content);
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
/* The same context in dry-run mode with its own result: to see whether an
 * edit would change anything before running a command for it. */
void boot_ctx_probe(const BootCtx *c, BootCtx *ret_probe, BootApplyResult *probe_res);
void boot_ctx_probe_done(BootCtx *probe);
