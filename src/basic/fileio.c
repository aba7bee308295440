/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <zlib.h>

#include "basic/fileio.h"
#include "basic/util.h"

char *root_join(const char *root, const char *path) {
        if (isempty(root) || streq(root, "/"))
                return strdup(path);
        size_t rl = strlen(root);
        while (rl > 1 && root[rl - 1] == '/')
                rl--;
        if (rl == 1 && root[0] == '/')  /* "//" is "/" too */
                return strdup(path);
        while (*path == '/')
                path++;
        return strdup_printf("%.*s/%s", (int) rl, root, path);
}

bool root_is_live(const char *root) {
        _cleanup_free_ char *p = root_join(root, "/");
        return p && streq(p, "/");
}

static int read_fd_full(int fd, char **ret, size_t *ret_size) {
        StrBuf b = {0};
        char chunk[16384];

        for (;;) {
                ssize_t n = read(fd, chunk, sizeof(chunk));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        int r = -errno;
                        strbuf_done(&b);
                        return r;
                }
                if (n == 0)
                        break;
                if (b.len + (size_t) n > READ_FULL_MAX) {
                        strbuf_done(&b);
                        return -EFBIG;
                }
                strbuf_appendn(&b, chunk, (size_t) n);
        }
        size_t len = b.len;
        char *s = strbuf_steal(&b);
        if (!s)
                return -ENOMEM;
        *ret = s;
        if (ret_size)
                *ret_size = len;
        return 0;
}

int read_full_file_root(const char *root, const char *path, char **ret, size_t *ret_size) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_fd_full(fd, ret, ret_size);
}

int read_line_root(const char *root, const char *path, char **ret) {
        char *s;
        size_t n;
        int r = read_full_file_root(root, path, &s, &n);
        if (r < 0)
                return r;
        char *nl = strchr(s, '\n');
        if (nl)
                *nl = 0;
        n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
                s[--n] = 0;
        *ret = s;
        return 0;
}

int read_u64_root(const char *root, const char *path, uint64_t *ret) {
        _cleanup_free_ char *s = NULL;
        int r = read_line_root(root, path, &s);
        if (r < 0)
                return r;
        return safe_atou64(s, 0, ret);
}

int read_int_root(const char *root, const char *path, int *ret) {
        _cleanup_free_ char *s = NULL;
        int r = read_line_root(root, path, &s);
        if (r < 0)
                return r;
        return safe_atoi(s, ret);
}

int read_link_basename_root(const char *root, const char *path, char **ret) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        _cleanup_free_ char *buf = NULL;
        for (size_t sz = 256;; sz *= 2) {
                free(buf);
                buf = malloc(sz);
                if (!buf)
                        return -ENOMEM;
                ssize_t n = readlink(p, buf, sz);
                if (n < 0)
                        return -errno;
                if ((size_t) n < sz) {
                        buf[n] = 0;
                        break;
                }
                if (sz > 65536)
                        return -ENAMETOOLONG;
        }
        char *b = strrchr(buf, '/');
        *ret = strdup(b ? b + 1 : buf);
        return *ret ? 0 : -ENOMEM;
}

bool exists_root(const char *root, const char *path) {
        _cleanup_free_ char *p = root_join(root, path);
        return p && access(p, F_OK) == 0;
}

int read_gz_file_root(const char *root, const char *path, char **ret, size_t *ret_size) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        gzFile gz = gzdopen(fd, "rb");
        if (!gz) {
                close(fd);
                return -ENOMEM;
        }
        StrBuf b = {0};
        char chunk[16384];
        int n;
        while ((n = gzread(gz, chunk, sizeof(chunk))) > 0) {
                if (b.len + (size_t) n > READ_FULL_MAX) {
                        gzclose(gz);
                        strbuf_done(&b);
                        return -EFBIG;
                }
                strbuf_appendn(&b, chunk, (size_t) n);
        }
        int err;
        gzerror(gz, &err);
        gzclose(gz);
        if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) {
                strbuf_done(&b);
                return -EBADMSG;
        }
        size_t len = b.len;
        char *s = strbuf_steal(&b);
        if (!s)
                return -ENOMEM;
        *ret = s;
        if (ret_size)
                *ret_size = len;
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int list_dir_root(const char *root, const char *path, bool (*filter)(const char *name), char ***ret) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        DIR *d = opendir(p);
        if (!d)
                return -errno;
        char **l = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        int r = 0;
        while ((errno = 0, de = readdir(d))) {
                if (filter ? !filter(de->d_name) : de->d_name[0] == '.')
                        continue;
                if (n + 2 > cap) {
                        cap = MAX(cap * 2, (size_t) 16);
                        char **nl = realloc(l, cap * sizeof(char *));
                        if (!nl) {
                                r = -ENOMEM;
                                break;
                        }
                        l = nl;
                }
                if (!(l[n] = strdup(de->d_name))) {
                        r = -ENOMEM;
                        break;
                }
                l[++n] = NULL;
        }
        if (r == 0 && errno)
                r = -errno;
        closedir(d);
        if (r < 0) {
                strv_free(l);
                return r;
        }
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        qsort(l, n, sizeof(char *), cmp_str);
        *ret = l;
        return 0;
}
