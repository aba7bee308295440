/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths below a root, resolved as the system in that root resolves them:
 * a symlink's absolute target starts at the root, and no ".." climbs above
 * it. What numacma writes below --root never lands outside it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* root + path with every symlink on the way resolved inside root. A part
 * that does not exist ends the walk (the rest is kept as written, for a
 * file about to be made). -EXDEV when a link's target climbs above the
 * root (*ret_link, when given, names the link, below the root), -ELOOP
 * after 40 links. */
int chase_below_root(const char *root, const char *path, char **ret, char **ret_link);

/* For writing: the live system's path as it is, else chase_below_root(). */
int chase_for_write(const char *root, const char *path, char **ret);
/* chase_for_write(), and the directory the file goes in made (mkdir -p). */
int chase_for_write_mkdir(const char *root, const char *path, char **ret);

/* What path below root is, its links followed inside root, when it is not
 * a regular file: "a directory", "a FIFO", "a socket", "a device", "a
 * dangling link"; NULL for a regular file or nothing at all. For messages
 * about files a reader skipped. */
const char *chase_kind_below_root(const char *root, const char *path);
/* Read path below root whole, its links resolved inside root, only when it
 * is a regular file: opened without blocking (O_NONBLOCK), so a FIFO cannot
 * stop the reader; anything else is -EBADFD (chase_kind_below_root() says
 * what it is). -ENOENT when there is nothing (a dangling link too), -EXDEV
 * when a link leads out of root. */
int read_regular_below_root(const char *root, const char *path, char **ret, size_t *ret_size);
/* list_dir_root() of a directory whose path is resolved inside root. */
int list_dir_below_root(const char *root, const char *path, bool (*filter)(const char *name), char ***ret);
