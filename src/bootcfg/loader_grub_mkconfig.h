/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What update-grub (grub-mkconfig with the root's /etc/grub.d/10_linux)
 * writes on each linux line of grub.cfg, from the merged defaults: the
 * model of Debian's and Ubuntu's 10_linux (util/grub.d/10_linux.in with
 * Debian's patches: mkconfig-ubuntu-recovery, vt-handoff; the two are on
 * where the package was built for Ubuntu). */
#pragma once

#include <stdbool.h>

#include "bootcfg/grub_cfg_parse.h"
#include "bootcfg/grub_shell.h"

typedef struct {
        bool ubuntu_recovery;  /* recovery entries get nomodeset too */
        bool vt_handoff;       /* normal entries get $vt_handoff when the defaults say splash */
        bool recovery_menu;    /* /lib/recovery-mode/recovery-menu (friendly-recovery): "recovery", not "single" */
        char **inits;          /* "NAME:PATH" of SUPPORTED_INITS that 10_linux gives entries (init=PATH) */
} Linux10;

void linux10_done(Linux10 *l);
/* The root's 10_linux as configured (a root without one: Debian's). */
int linux10_load(const char *root, Linux10 *ret);

typedef enum {
        LINUX10_SIMPLE,    /* the top entry */
        LINUX10_ADVANCED,  /* "with Linux VERSION" in the submenu */
        LINUX10_INIT,      /* "(NAME)": init=PATH */
        LINUX10_RECOVERY,
        LINUX10_OTHER,     /* not an entry of 10_linux's (its id says) */
} Linux10Kind;

/* The kind of a menu entry from the id 10_linux gives it:
 * gnulinux-simple-DEV, gnulinux-VERSION-advanced-DEV,
 * gnulinux-VERSION-recovery-DEV, gnulinux-VERSION-init-NAME-DEV.
 * *ret_init: NAME (LINUX10_INIT). */
Linux10Kind linux10_kind(const char *id, char **ret_init);

/* What 10_linux writes after "root=DEVICE ro " for an entry of this kind,
 * from the merged defaults; NULL with -ENOENT when a variable it needs is
 * not known (set by a command substitution). */
int linux10_args(const Linux10 *l, const ShellVars *merged, Linux10Kind kind, const char *init, char **ret);

/* A linux line's arguments of grub.cfg (as written) without what
 * grub-mkconfig puts there from the file system, not from the defaults:
 * "root=... ro" first, btrfs's "rootflags=subvol=..." after them. */
int linux10_strip_generated(const char *args, char ***ret_tokens);

/* Which kind of 10_linux's entry a value of GRUB's 'default' names in the
 * menu update-grub will write, for n_kernels kernels: by its id (the last
 * part of a path of ids), or by numbers through 10_linux's layout (the top
 * entry and "Advanced options" with, per kernel, the advanced entry, the
 * init entries and the recovery one; flat with GRUB_DISABLE_SUBMENU).
 * LINUX10_OTHER: it cannot tell (a title, another script's entry). */
Linux10Kind linux10_kind_of_default(const Linux10 *l, const ShellVars *merged, size_t n_kernels, const char *def,
                                    char **ret_init);

/* The kernels 10_linux makes entries for: /boot/vmlinuz-* and the like
 * (grub_file_is_not_garbage()), as release strings. */
int linux10_kernels(const char *root, char ***ret);
