/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Paths below a root, resolved as the system in that root resolves them:
 * a symlink's absolute target starts at the root, and no ".." climbs above
 * it. What numacma writes below --root never lands outside it. */
#pragma once

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
