/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run a program and capture what it prints: the one place numacma starts
 * another process (update-grub, grubby, kernel-install, sh for the GRUB
 * defaults). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct {
        char *const *envp;     /* NULL: an empty environment */
        bool search_path;      /* argv[0] is looked up in PATH (posix_spawnp) */
        bool with_stderr;      /* stderr goes into the output too */
        int stderr_fd;         /* else: > 0, stderr goes there; 0 or -1, inherited */
        size_t max_output;     /* bytes kept; the rest is read and dropped */
} SpawnOptions;

/* Runs argv with stdin from /dev/null and stdout (and stderr) captured.
 * *ret_output (may be NULL) gets what it printed, NUL-terminated, with
 * *ret_size bytes (NUL bytes kept); *ret_status its wait status.
 * Negative errno when it could not be started or waited for. */
int spawn_capture(char *const *argv, const SpawnOptions *o, char **ret_output, size_t *ret_size, int *ret_status);

/* "name" found as an executable in PATH (or the default search path). */
bool spawn_in_path(const char *name);
/* argv as a shell would need it typed, for messages. NULL on ENOMEM. */
char *spawn_command_string(char *const *argv);
/* One sentence for a wait status that is not a clean exit 0; NULL if it is. */
char *spawn_status_string(int status);
