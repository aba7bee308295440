/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The boot configuration: which layout the root has (Debian GRUB, BLS with
 * or without grubby, systemd-boot), what the next boot will use, and
 * writing the plan's arguments into it. Library code: nothing is printed;
 * what was done is returned in BootApplyResult. */
#pragma once

#include <stdbool.h>

#include "policy/config.h"
#include "plan/plan.h"
#include "status/status.h"

typedef enum {
        BOOT_APPLY_DRY_RUN = 1 << 0,      /* change nothing; fill diff and commands */
        BOOT_APPLY_NO_COMMANDS = 1 << 1,  /* write files, run no command (inside kernel-install) */
} BootApplyFlags;

typedef struct {
        BootBackendKind backend;
        char **changed;        /* files changed (dry run: that would change), as on the live system */
        char **commands;       /* commands run, or that would run */
        bool commands_not_run; /* commands listed but not run: --root, dry run, NO_COMMANDS */
        char *diff;            /* unified diff of every change ("" when none) */
        char **notes;          /* what was and was not done, one sentence each */
        char *output;          /* what the commands printed */
        char *error;           /* why the update failed; NULL on success */
} BootApplyResult;

void boot_apply_result_done(BootApplyResult *r);

/* The layout of root; configured wins unless it is BACKEND_AUTO. */
BootBackendKind boot_detect(const char *root, BootBackendKind configured);

/* What the next boot will use, numacma's tokens in it, and the last
 * failure, from the backend the policy selects (or the detected one). */
int boot_read_next(const char *root, const Policy *p, NextBoot *ret);

/* Policy + next boot + status_compute(), as the CLI and the daemon need it.
 * With no ownership record (lost, or never written) a per-node argument
 * byte-identical to what numacma would write is adopted as numacma's (see
 * boot.c). Policy errors go to errs. */
int boot_load_status(const char *root, PolicyErrors *errs, Status **ret);

/* Write plan into the boot configuration of root. next is the next boot as
 * read with boot_read_next() (its owned tokens are what is removed). On
 * failure the files are each either old or new, the failure is recorded
 * under /var/lib/numacma (NextBoot.last_error) and ret->error says why;
 * success clears that record. With a root other than "/" commands are
 * listed, not run. */
int boot_apply(const char *root, const Policy *p, const Plan *plan, const NextBoot *next,
               BootApplyFlags flags, BootApplyResult *ret);

/* Test hooks. boot_test_fail_write: the n-th file write of an apply (1-based)
 * fails at write_file_atomic step boot_test_fail_step (see fileio.h).
 * boot_test_run_commands: run commands below a root too, found through
 * PATH, with NUMACMA_ROOT set to the root (for fake update-grub/grubby). */
extern unsigned boot_test_fail_write;
extern int boot_test_fail_step;
extern bool boot_test_run_commands;
