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

/* read(), again when a signal came first; -errno on failure. */
static ssize_t read_retry(int fd, char *buf, size_t n) {
        for (;;) {
                ssize_t r = read(fd, buf, n);
                if (r >= 0 || errno != EINTR)
                        return r < 0 ? -errno : r;
        }
}

/* The next buffer size: doubled, or at once the size of a regular file
 * longer than a page (a kernel config), with room for the read that sees
 * the end. sysfs and procfs files say nothing useful here. */
static size_t next_cap(int fd, size_t cap) {
        struct stat st;
        if (cap != 4096 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
            (uint64_t) st.st_size > READ_FULL_MAX)
                return MAX(cap * 2, (size_t) 4096);
        return MAX(cap * 2, (size_t) st.st_size + 2);
}

/* Read to the end straight into a buffer that grows: one copy less than
 * chunks appended, and a few reads for a 4 MiB file instead of 256. */
int read_full_fd(int fd, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;

        for (;;) {
                if (cap - len < 2) {
                        if (cap > READ_FULL_MAX)
                                return -EFBIG;
                        /* A page first: a sysfs attribute is one read. */
                        size_t ncap = next_cap(fd, cap);
                        char *nb = realloc(buf, ncap);
                        if (!nb)
                                return -ENOMEM;
                        buf = nb;
                        cap = ncap;
                }
                ssize_t n = read_retry(fd, buf + len, cap - len - 1);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        if (len > READ_FULL_MAX)
                return -EFBIG;
        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = len;
        return 0;
}

/* Hand the complete lines in buf[0, *len) to line(), keep the rest at the front. */
static int feed_lines(char *buf, size_t *len, bool last, int (*line)(char *l, void *userdata), void *userdata) {
        size_t start = 0;
        for (;;) {
                char *nl = memchr(buf + start, '\n', *len - start);
                if (!nl && !(last && start < *len))
                        break;
                size_t end = nl ? (size_t) (nl - buf) : *len;
                buf[end] = 0;
                int r = line(buf + start, userdata);
                if (r < 0)
                        return r;
                start = end + 1;
                if (start >= *len)
                        break;
        }
        start = MIN(start, *len);
        memmove(buf, buf + start, *len - start);
        *len -= start;
        return 0;
}

int read_lines_root(const char *root, const char *path, int (*line)(char *l, void *userdata), void *userdata) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        /* 64 KiB stays in the cache while it is parsed; it grows only for a longer line. */
        size_t cap = 65536, len = 0, total = 0;
        _cleanup_free_ char *buf = malloc(cap);
        bool eof = false;
        int r;
        if (!buf)
                return -ENOMEM;
        while (!eof) {
                if (cap - len < 2) {
                        char *nb = cap > READ_FULL_MAX ? NULL : realloc(buf, cap * 2);
                        if (!nb)
                                return cap > READ_FULL_MAX ? -EFBIG : -ENOMEM;
                        buf = nb;
                        cap *= 2;
                }
                ssize_t n = read_retry(fd, buf + len, cap - len - 1);
                if (n < 0)
                        return (int) n;
                /* A NUL ends the text, as it does for a file read whole. */
                char *nul = memchr(buf + len, 0, (size_t) n);
                eof = n == 0 || nul;
                len = nul ? (size_t) (nul - buf) : len + (size_t) n;
                if ((total += (size_t) n) > READ_LINES_MAX)
                        return -EFBIG;
                if ((r = feed_lines(buf, &len, eof, line, userdata)) < 0)
                        return r;
        }
        return 0;
}

const char *path_join_buf(char *buf, size_t size, const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        if (la + 1 + lb + 1 > size)
                return NULL;
        memcpy(buf, a, la);
        buf[la] = '/';
        memcpy(buf + la + 1, b, lb + 1);
        return buf;
}

int open_dir_root(const char *root, const char *path) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int read_full_file_at(int dfd, const char *path, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_full_fd(fd, ret, ret_size);
}

int read_full_file_root(const char *root, const char *path, char **ret, size_t *ret_size) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        return read_full_file_at(AT_FDCWD, p, ret, ret_size);
}

int read_line_at(int dfd, const char *path, char **ret) {
        char *s;
        size_t n;
        int r = read_full_file_at(dfd, path, &s, &n);
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

int read_line_root(const char *root, const char *path, char **ret) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        return read_line_at(AT_FDCWD, p, ret);
}

/* The first line of a file, for a number: read into buf while it fits
 * (a sysfs attribute is a few bytes: no allocation, and thousands of them on
 * a large machine), else whole into *ret_heap. Newline and trailing blanks
 * cut, as read_line_at(). */
static int read_short_line_at(int dfd, const char *path, char *buf, size_t size, char **ret_heap, char **ret_line) {
        _cleanup_close_ int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        size_t len = 0;
        char *text = buf;
        if (fd < 0)
                return -errno;
        for (;;) {
                ssize_t n = read_retry(fd, buf + len, size - 1 - len);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len < size - 1)
                        continue;
                /* Longer than buf: what came so far, then the rest. */
                _cleanup_free_ char *rest = NULL;
                size_t rlen;
                int r = read_full_fd(fd, &rest, &rlen);
                if (r < 0)
                        return r;
                if (!(text = *ret_heap = malloc(len + rlen + 1)))
                        return -ENOMEM;
                memcpy(text, buf, len);
                memcpy(text + len, rest, rlen);
                len += rlen;
                break;
        }
        text[len] = 0;
        text[strcspn(text, "\n")] = 0;
        for (len = strlen(text); len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r');)
                text[--len] = 0;
        *ret_line = text;
        return 0;
}

int read_u64_at(int dfd, const char *path, uint64_t *ret) {
        char buf[128], *line;
        _cleanup_free_ char *heap = NULL;
        int r = read_short_line_at(dfd, path, buf, sizeof(buf), &heap, &line);
        if (r < 0)
                return r;
        return safe_atou64(line, 0, ret);
}

int read_u64_root(const char *root, const char *path, uint64_t *ret) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        return read_u64_at(AT_FDCWD, p, ret);
}

int read_int_at(int dfd, const char *path, int *ret) {
        char buf[128], *line;
        _cleanup_free_ char *heap = NULL;
        int r = read_short_line_at(dfd, path, buf, sizeof(buf), &heap, &line);
        if (r < 0)
                return r;
        return safe_atoi(line, ret);
}

int read_int_root(const char *root, const char *path, int *ret) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        return read_int_at(AT_FDCWD, p, ret);
}

int read_link_basename_at(int dfd, const char *path, char **ret) {
        _cleanup_free_ char *buf = NULL;
        for (size_t sz = 256;; sz *= 2) {
                free(buf);
                buf = malloc(sz);
                if (!buf)
                        return -ENOMEM;
                ssize_t n = readlinkat(dfd, path, buf, sz);
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

int read_link_basename_root(const char *root, const char *path, char **ret) {
        _cleanup_free_ char *p = root_join(root, path);
        if (!p)
                return -ENOMEM;
        return read_link_basename_at(AT_FDCWD, p, ret);
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

/* Takes fd (closedir() closes it). */
static int list_dir_fd(int fd, bool (*filter)(const char *name), char ***ret) {
        DIR *d = fdopendir(fd);
        if (!d) {
                int r = -errno;
                close(fd);
                return r;
        }
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

int list_dir_at(int dfd, bool (*filter)(const char *name), char ***ret) {
        /* fdopendir() takes the fd it is given: a copy leaves dfd open. */
        int copy = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0)
                return -errno;
        return list_dir_fd(copy, filter, ret);
}

int list_dir_root(const char *root, const char *path, bool (*filter)(const char *name), char ***ret) {
        int fd = open_dir_root(root, path);
        if (fd < 0)
                return fd;
        return list_dir_fd(fd, filter, ret);
}
