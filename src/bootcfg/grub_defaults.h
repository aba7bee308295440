/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The variables /etc/default/grub and /etc/default/grub.d/ *.cfg set,
 * merged in the order grub-mkconfig sources them. */
#pragma once

#include "bootcfg/grub_shell.h"

#define GRUB_DEFAULT_PATH "/etc/default/grub"
#define GRUB_DEFAULT_DIR "/etc/default/grub.d"

/* The merge: root/etc/default/grub, then root/etc/default/grub.d/ *.cfg in
 * C-locale order. Without use_shell every error names the file and line. When override_path is set, override_text is read in its
 * place (NULL: as if that file did not exist), to check a file before it is
 * written. With use_shell, the files are sourced by /bin/sh in a child
 * with an empty environment, as grub-mkconfig does (only for the live
 * system: it runs what those files run); without, shell_eval().
 * On failure *ret_error says why. */
int grub_defaults_merge(const char *root, bool use_shell, const char *override_path,
                        const char *override_text, ShellVars *ret, char **ret_error);

/* The files among /etc/default/grub and grub.d/ *.cfg that are not
 * regular files (grub_defaults_merge() leaves them out): "PATH\tKIND" with
 * KIND as chase_kind_below_root() says it ("a FIFO", "a directory", ...). */
int grub_defaults_odd(const char *root, char ***ret);
