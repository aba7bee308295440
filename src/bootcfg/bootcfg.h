/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The boot configuration: which layout the root has (Debian GRUB, BLS with
 * or without grubby, systemd-boot), what the next boot will use, and
 * writing numacma's tokens into it. Library code: nothing is printed;
 * what was done is returned in BootApplyResult. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "basic/problem.h"
#include "policy/config.h"

/* COMMAND_LINE_SIZE on x86 and arm64, the NUL included. */
#define COMMAND_LINE_MAX 2048u

/* What the boot configuration says the next boot will use. */
typedef struct {
        char *backend;             /* "grub", "bls", ... */
        char *cmdline;             /* the default entry's kernel arguments; NULL = unknown */
        char *unknown_reason;      /* why cmdline is NULL, when it is */
        char *release;             /* the default entry's kernel, NULL = the running one */
        char **releases;           /* every kernel the configuration boots (NULL: unknown,
                                    * then the running one and every /boot/config-*) */
        char *planned_from;        /* the line numacma's own update produces before its
                                    * tokens: GRUB's merged defaults (grub-mkconfig's input),
                                    * else the default entry's; NULL = unknown */
        char *stale;               /* GRUB: how grub.cfg differs from its sources; NULL if not */
        bool stale_cma;            /* GRUB: and numacma's arguments are among the differences */
        char *once;                /* the next boot is a one-shot (grub-reboot, LoaderEntryOneShot):
                                    * what picks it and what boots after; NULL: none */
        char *entry;               /* the title (or id) of the entry that boots next, when known */
        char *override;            /* GRUB: a later assignment drops what numacma's drop-in adds
                                    * (file and line); NULL: none */
        bool has_record;           /* a backend with a record file, and the file exists */
        char **record;             /* the tokens the record names (GRUB: the drop-in's) */
        char **owned;              /* numacma's tokens: decided by ownership_decide() */
        char **record_ignored;     /* tokens a record names that numacma never writes */
        char *last_error;          /* the last apply failed: why */
        bool last_apply_known;
        int64_t last_apply;        /* the last successful apply, seconds since the epoch */
        ProblemList problems;      /* what could not be read, naming the file */
} NextBoot;

void next_boot_done(NextBoot *n);
/* numacma wrote args into the boot configuration (its record names each,
 * after ownership_decide()) and the next boot carries them: what "written"
 * may be said of. When: n->last_apply. */
bool next_boot_written(const NextBoot *n, char *const *args);

typedef enum {
        BOOT_APPLY_DRY_RUN = 1 << 0,      /* change nothing; fill diff and commands */
        BOOT_APPLY_NO_COMMANDS = 1 << 1,  /* write files, run no command (inside kernel-install) */
        BOOT_APPLY_RESPECT_ADMIN = 1 << 2, /* leave alone a line with the administrator's per-node argument */
} BootApplyFlags;

/* How an apply touches the system: files and commands. The default writes
 * files atomically and runs commands only for the live root; tests pass
 * their own (a writer that fails on purpose, fake tools in PATH). */
typedef struct {
        /* Make full_path hold content (NULL: remove it). */
        int (*write)(void *userdata, const char *full_path, const char *content, mode_t mode);
        /* Run argv with envp; *ret_output what it printed, *ret_status its wait status. */
        int (*run)(void *userdata, char *const *argv, char *const *envp, char **ret_output, int *ret_status);
        bool run_below_root;  /* run commands for a root other than "/" too, found in PATH */
        void *userdata;
} BootIO;

extern const BootIO boot_io_default;

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
BootBackendKind bootcfg_detect(const char *root, BootBackendKind configured);

/* What the next boot will use and the record of numacma's tokens, from the
 * backend kind (see bootcfg_detect()); owned is left for ownership_decide(). */
int bootcfg_read(const char *root, BootBackendKind kind, NextBoot *ret);

/* The reboot flags (/run/reboot-required and the like) from next, for a
 * writer that found nothing to write. */
int bootcfg_sync_reboot_flags(const char *root, const NextBoot *next);

/* Write want into the boot configuration of root, taking out remove (the
 * owned tokens no longer wanted). next is what bootcfg_read() returned.
 * On failure the files are each either old or new, the failure is recorded
 * under /var/lib/numacma (NextBoot.last_error) and ret->error says why;
 * success clears that record. io NULL: boot_io_default. */
int bootcfg_apply(const char *root, BootBackendKind kind, char *const *want, char *const *remove,
                  const NextBoot *next, BootApplyFlags flags, const BootIO *io, BootApplyResult *ret);
