/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "basic/atomic_write.h"
#include "basic/chase.h"
#include "basic/fileio.h"
#include "basic/util.h"

#define LINKS_MAX 40

/* Push the components of s (in order) in front of the pending ones. */
static int push_front(char ***todo, const char *s) {
        _cleanup_strv_free_ char **parts = NULL;
        _cleanup_free_ char *copy = strdup(s);
        int r = copy ? 0 : -ENOMEM;
        for (char *save = NULL, *c = copy ? strtok_r(copy, "/", &save) : NULL; r >= 0 && c; c = strtok_r(NULL, "/", &save))
                r = strv_extend(&parts, c);
        for (char **t = *todo; r >= 0 && t && *t; t++)
                r = strv_extend(&parts, *t);
        if (r < 0)
                return r;
        strv_free(*todo);
        *todo = TAKE_PTR(parts);
        if (!*todo && !(*todo = calloc(1, sizeof(char *))))
                return -ENOMEM;
        return 0;
}

static char *pop_front(char **todo) {
        char *first = todo[0];
        memmove(todo, todo + 1, strv_length(todo) * sizeof(char *));
        return first;
}

static int readlink_malloc(const char *p, char **ret) {
        for (size_t size = 256; size <= 65536; size *= 2) {
                _cleanup_free_ char *buf = malloc(size);
                if (!buf)
                        return -ENOMEM;
                ssize_t n = readlink(p, buf, size);
                if (n < 0)
                        return -errno;
                if ((size_t) n < size) {
                        buf[n] = 0;
                        *ret = TAKE_PTR(buf);
                        return 0;
                }
        }
        return -ENAMETOOLONG;
}

int chase_below_root(const char *root, const char *path, char **ret, char **ret_link) {
        _cleanup_strv_free_ char **todo = NULL, **done = NULL;
        unsigned links = 0;
        bool missing = false;
        int r = push_front(&todo, path);
        if (r < 0)
                return r;
        while (todo[0]) {
                _cleanup_free_ char *c = pop_front(todo);
                if (streq(c, "."))
                        continue;
                if (streq(c, "..")) {
                        /* Only a link's target can say ".." here: numacma's
                         * own paths are absolute and clean. */
                        size_t n = strv_length(done);
                        if (n == 0)
                                return -EXDEV;
                        free(done[n - 1]);
                        done[n - 1] = NULL;
                        continue;
                }
                if (missing) {  /* below a missing part nothing is a link */
                        if ((r = strv_extend(&done, c)) < 0)
                                return r;
                        continue;
                }
                _cleanup_free_ char *rel = NULL, *sofar = strv_join(done, "/");
                if (!sofar || !(rel = strdup_printf("/%s%s%s", sofar, *sofar ? "/" : "", c)))
                        return -ENOMEM;
                _cleanup_free_ char *full = root_join(root, rel);
                struct stat st;
                if (!full)
                        return -ENOMEM;
                if (lstat(full, &st) < 0) {
                        if (errno != ENOENT)
                                return -errno;
                        missing = true;
                } else if (S_ISLNK(st.st_mode)) {
                        _cleanup_free_ char *target = NULL;
                        if (++links > LINKS_MAX)
                                return -ELOOP;
                        if ((r = readlink_malloc(full, &target)) < 0)
                                return r;
                        if (target[0] == '/') {
                                strv_free(done);
                                done = NULL;
                        }
                        if ((r = push_front(&todo, target)) < 0)
                                return r;
                        if (ret_link) {
                                free(*ret_link);
                                *ret_link = TAKE_PTR(rel);
                        }
                        continue;
                }
                if ((r = strv_extend(&done, c)) < 0)
                        return r;
        }
        _cleanup_free_ char *j = strv_join(done, "/"), *rel = j ? strdup_printf("/%s", j) : NULL;
        if (!rel)
                return -ENOMEM;
        char *full = root_join(root, rel);
        if (!full)
                return -ENOMEM;
        *ret = full;
        return 0;
}

int chase_for_write(const char *root, const char *path, char **ret) {
        if (root_is_live(root))
                return (*ret = strdup(path)) ? 0 : -ENOMEM;
        return chase_below_root(root, path, ret, NULL);
}

int chase_for_write_mkdir(const char *root, const char *path, char **ret) {
        _cleanup_free_ char *full = NULL;
        int r = chase_for_write(root, path, &full);
        if (r < 0)
                return r;
        char *slash = strrchr(full, '/');
        if (slash && slash != full) {
                *slash = 0;
                r = mkdir_parents(full, 0755);
                *slash = '/';
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(full);
        return 0;
}

const char *chase_kind_below_root(const char *root, const char *path) {
        _cleanup_free_ char *full = NULL, *unresolved = NULL;
        struct stat st;
        if (chase_below_root(root, path, &full, NULL) < 0)
                return NULL;
        if (lstat(full, &st) < 0) {
                unresolved = root_join(root, path);
                return unresolved && lstat(unresolved, &st) >= 0 && S_ISLNK(st.st_mode) ? "a dangling link" : NULL;
        }
        if (S_ISREG(st.st_mode))
                return NULL;
        return S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
               S_ISSOCK(st.st_mode) ? "a socket" : S_ISLNK(st.st_mode) ? "a link" : "a device";
}

int read_regular_below_root(const char *root, const char *path, char **ret, size_t *ret_size) {
        _cleanup_free_ char *full = NULL;
        int r = chase_below_root(root, path, &full, NULL);
        if (r < 0)
                return r;
        /* O_NONBLOCK: opening a FIFO waits for a writer otherwise. The
         * links are resolved: one put there since is not followed. */
        _cleanup_close_ int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
        if (fd < 0)
                return errno == ELOOP ? -EBADFD : -errno;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
                return -errno;
        return read_full_fd(fd, ret, ret_size);
}

int list_dir_below_root(const char *root, const char *path, bool (*filter)(const char *name), char ***ret) {
        _cleanup_free_ char *full = NULL;
        int r = chase_below_root(root, path, &full, NULL);
        if (r < 0)
                return r;
        return list_dir_root(NULL, full, filter, ret);
}
