/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Replacing files so that a crash at any point leaves the old file or the
 * new one whole, with the old one's mode, owner and security attributes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The temporary files write_file_atomic() makes: "<name>.numacma-XXXXXX". */
#define ATOMIC_TMP_INFIX ".numacma-"

/* Replace path atomically: temp file in the same directory, write, keep the
 * old file's mode, owner, security.* and ACL extended attributes (SELinux
 * labels, IMA, POSIX ACLs; or use mode for a new file), fsync, rename,
 * fsync the directory. A failure before the rename leaves the old file
 * whole; a failure of the final directory fsync (the rename happened)
 * leaves the new file whole. Either way the error is returned. A symlink at
 * path is replaced by a regular file. If the content is identical, nothing
 * is written (keeps mtime) and 0 is returned; 1 means the file was changed. */
int write_file_atomic(const char *path, const char *content, size_t len, mode_t mode);
/* Remove a file and fsync its directory; 0 if it did not exist. */
int remove_file_synced(const char *path);
/* mkdir -p */
int mkdir_parents(const char *path, mode_t mode);
/* Remove the temporary files an interrupted write_file_atomic() left in
 * dir (only numacma's own naming: NAME.numacma-XXXXXX); the names removed
 * are appended to *removed. Only for a writer that holds numacma's lock.
 * A missing dir is not an error. */
int remove_stale_temps(const char *dir, char ***removed);
