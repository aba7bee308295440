/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/util.h"

static int fsync_dir_of(const char *path) {
        _cleanup_free_ char *copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        _cleanup_close_ int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        if (fsync(dfd) < 0)
                return -errno;
        return 0;
}

static int file_has_content(const char *path, const char *content, size_t len) {
        _cleanup_free_ char *old = NULL;
        size_t n;
        int r = read_full_file_root(NULL, path, &old, &n);
        if (r < 0)
                return r;
        return n == len && memcmp(old, content, len) == 0;
}

/* The attributes that say who may do what with the file: SELinux/IMA
 * labels and POSIX ACLs. user.* and trusted.* are the owner's business. */
static bool xattr_kept(const char *name) {
        return startswith(name, "security.") || streq(name, "system.posix_acl_access") ||
               streq(name, "system.posix_acl_default");
}

/* Copy the kept attributes of path onto fd (a file about to replace it). */
static int copy_xattrs(const char *path, int fd) {
        ssize_t n = listxattr(path, NULL, 0);
        if (n < 0)
                return errno == ENOTSUP || errno == ENOENT ? 0 : -errno;
        if (n == 0)
                return 0;
        _cleanup_free_ char *names = malloc((size_t) n);
        if (!names)
                return -ENOMEM;
        if ((n = listxattr(path, names, (size_t) n)) < 0)
                return -errno;
        for (const char *name = names; name < names + n; name += strlen(name) + 1) {
                if (!xattr_kept(name))
                        continue;
                ssize_t vn = getxattr(path, name, NULL, 0);
                if (vn < 0)
                        return -errno;
                _cleanup_free_ char *v = malloc((size_t) vn + 1);
                if (!v)
                        return -ENOMEM;
                if ((vn = getxattr(path, name, v, (size_t) vn)) < 0)
                        return -errno;
                if (fsetxattr(fd, name, v, (size_t) vn, 0) < 0)
                        return -errno;
        }
        return 0;
}

int write_file_atomic(const char *path, const char *content, size_t len, mode_t mode) {
        struct stat st;
        bool have_old = stat(path, &st) == 0;
        int r;

        if (have_old && file_has_content(path, content, len) > 0)
                return 0;

        _cleanup_free_ char *tmp = strdup_printf("%s" ATOMIC_TMP_INFIX "XXXXXX", path);
        if (!tmp)
                return -ENOMEM;
        _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;

        const char *p = content;
        size_t left = len;
        while (left > 0) {
                ssize_t n = write(fd, p, left);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        goto fail;
                }
                p += n;
                left -= (size_t) n;
        }
        if (fchmod(fd, have_old ? (st.st_mode & 07777) : mode) < 0) {
                r = -errno;
                goto fail;
        }
        if (have_old && (st.st_uid != geteuid() || st.st_gid != getegid()) &&
            fchown(fd, st.st_uid, st.st_gid) < 0) {
                r = -errno;
                goto fail;
        }
        /* After fchown, which would drop security.capability. */
        if (have_old && (r = copy_xattrs(path, fd)) < 0)
                goto fail;
        if (fsync(fd) < 0) {
                r = -errno;
                goto fail;
        }
        if (rename(tmp, path) < 0) {
                r = -errno;
                goto fail;
        }
        r = fsync_dir_of(path);
        return r < 0 ? r : 1;
fail:
        unlink(tmp);
        return r;
}

int remove_file_synced(const char *path) {
        if (unlink(path) < 0)
                return errno == ENOENT ? 0 : -errno;
        int r = fsync_dir_of(path);
        return r < 0 ? r : 1;
}

int mkdir_parents(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) < 0) {
                if (errno != EEXIST)
                        return -errno;
                /* Like mkdir -p: an existing non-directory is an error. */
                struct stat st;
                if (stat(p, &st) < 0)
                        return -errno;
                if (!S_ISDIR(st.st_mode))
                        return -ENOTDIR;
        }
        return 0;
}

/* NAME.numacma-XXXXXX, XXXXXX from mkostemp's alphabet. */
static bool is_stale_temp(const char *name) {
        const char *p = strstr(name, ATOMIC_TMP_INFIX);
        if (!p || p == name)
                return false;
        p += strlen(ATOMIC_TMP_INFIX);
        if (strlen(p) != 6)
                return false;
        for (; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
                        return false;
        return true;
}

int remove_stale_temps(const char *dir, char ***removed) {
        _cleanup_strv_free_ char **names = NULL;
        int r = list_dir_root(NULL, dir, is_stale_temp, &names);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        for (char **n = names; *n; n++) {
                _cleanup_free_ char *p = strdup_printf("%s/%s", dir, *n);
                if (!p)
                        return -ENOMEM;
                struct stat st;
                if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode))
                        continue;
                if (unlink(p) < 0 && errno != ENOENT)
                        return -errno;
                if ((r = strv_extend(removed, p)) < 0)
                        return r;
        }
        return 0;
}
