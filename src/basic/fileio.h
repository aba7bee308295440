/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every read of the system goes through a root directory ("/" live, or a
 * captured tree), so the same code runs on both. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Limit for any file we read whole: sysfs/proc/config files are small;
 * this bounds what a hostile or broken tree can make us allocate. */
#define READ_FULL_MAX (64u * 1024 * 1024)
/* Files read line by line need no memory for their size, only time: a
 * zoneinfo lists every CPU in every zone, tens of MiB on a large machine. */
#define READ_LINES_MAX (1024u * 1024 * 1024)

/* "root" + "/abs/path", with no doubled slash. Returns NULL on ENOMEM. */
char *root_join(const char *root, const char *path);
/* The root is the running system ("/", "//", NULL or ""): the one test of
 * it, which decides whether commands run and whether udev is listened to. */
bool root_is_live(const char *root);

/* Read an open file to its end. NUL-terminated; *ret_size excludes the NUL. */
int read_full_fd(int fd, char **ret, size_t *ret_size);
/* Read a whole file below root. NUL-terminated; *ret_size excludes the NUL. */
int read_full_file_root(const char *root, const char *path, char **ret, size_t *ret_size);
/* Call line() for every line of a file, its newline replaced by a NUL (the
 * last line may have none). A NUL byte ends the text, as for a file read
 * whole. Reads in chunks, so memory stays at the longest line; a line()
 * below 0 stops the reading with that error. */
int read_lines_root(const char *root, const char *path, int (*line)(char *l, void *userdata), void *userdata);
/* First line, trailing whitespace stripped. */
int read_line_root(const char *root, const char *path, char **ret);
int read_u64_root(const char *root, const char *path, uint64_t *ret);
int read_int_root(const char *root, const char *path, int *ret);
/* Basename of a symlink's target (e.g. a sysfs "driver" link). */
int read_link_basename_root(const char *root, const char *path, char **ret);
bool exists_root(const char *root, const char *path);

/* The same reads relative to a directory opened once below root (path is
 * relative to dfd, or absolute for AT_FDCWD): a loop over thousands of
 * sysfs files then does not walk the root's path again for each file. */
int open_dir_root(const char *root, const char *path);
int read_full_file_at(int dfd, const char *path, char **ret, size_t *ret_size);
int read_line_at(int dfd, const char *path, char **ret);
int read_u64_at(int dfd, const char *path, uint64_t *ret);
int read_int_at(int dfd, const char *path, int *ret);
int read_link_basename_at(int dfd, const char *path, char **ret);
/* "a/b" into buf, for the files below an open directory read in a loop
 * (a directory entry's name is at most NAME_MAX): no allocation. NULL when
 * it does not fit. */
const char *path_join_buf(char *buf, size_t size, const char *a, const char *b);
/* Sorted entries of the directory dfd itself, as list_dir_root(). */
int list_dir_at(int dfd, bool (*filter)(const char *name), char ***ret);

/* Read a gzip file (proc/config.gz) whole. */
int read_gz_file_root(const char *root, const char *path, char **ret, size_t *ret_size);

/* Sorted entries of a directory below root whose name passes filter (NULL:
 * all but dot files). Returns -ENOENT if the directory does not exist. */
int list_dir_root(const char *root, const char *path, bool (*filter)(const char *name), char ***ret);
