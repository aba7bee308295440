/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <zlib.h>

#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/util.h"
#include "test-tree.h"


/* Failure injection at each step of write_file_atomic(), through the
 * linker (-Wl,--wrap=..., see tests/meson.build): 1 the temp file,
 * 2 its write, 3 its fsync, 4 the rename, 5 the directory's fsync. */
static int fail_step;
static unsigned n_fsyncs;

static void set_fail_step(int step) {
        fail_step = step;
        n_fsyncs = 0;
}

int __real_mkostemp64(char *template, int flags);
ssize_t __real_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __real_rename(const char *from, const char *to);
int __wrap_mkostemp64(char *template, int flags);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __wrap_fsync(int fd);
int __wrap_rename(const char *from, const char *to);

/* glibc's headers name it mkostemp64 (large-file support). */
int __wrap_mkostemp64(char *template, int flags) {
        if (fail_step == 1)
                return errno = EIO, -1;
        return __real_mkostemp64(template, flags);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n) {
        if (fail_step == 2)
                return errno = EIO, -1;
        return __real_write(fd, buf, n);
}

int __wrap_fsync(int fd) {
        unsigned k = ++n_fsyncs;
        if ((fail_step == 3 && k == 1) || (fail_step == 5 && k == 2))
                return errno = EIO, -1;
        return __real_fsync(fd);
}

int __wrap_rename(const char *from, const char *to) {
        if (fail_step == 4)
                return errno = EIO, -1;
        return __real_rename(from, to);
}

typedef struct {
        char *root;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        if (!f)
                return -1;
        f->root = make_root();
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        set_fail_step(0);
        rm_root(f->root);
        free(f);
        return 0;
}

static char *path_in(const Fixture *f, const char *rel) {
        char *p = strdup_printf("%s/%s", f->root, rel);
        assert_non_null(p);
        return p;
}

static char *slurp(const char *path) {
        char *s = NULL;
        if (read_full_file_root(NULL, path, &s, NULL) < 0)
                return NULL;
        return s;
}

/* Names in dir, sorted, joined by ' '. */
static char *ls(const char *dir) {
        _cleanup_strv_free_ char **l = NULL;
        assert_int_equal(list_dir_root(NULL, dir, NULL, &l), 0);
        return strv_join(l, " ");
}

static void test_root_join(void **state) {
        static const struct {
                const char *root, *path, *want;
        } t[] = {
                { NULL, "/sys/x", "/sys/x" },
                { "", "/sys/x", "/sys/x" },
                { "/", "/sys/x", "/sys/x" },
                { "//", "/sys/x", "/sys/x" },
                { "/tmp/x", "/sys/x", "/tmp/x/sys/x" },
                { "/tmp/x/", "/sys/x", "/tmp/x/sys/x" },
                { "/tmp/x//", "//sys/x", "/tmp/x/sys/x" },
                { "/tmp/x", "sys/x", "/tmp/x/sys/x" },
                { "rel", "/sys", "rel/sys" },
                { "/tmp/x", "/", "/tmp/x/" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *s = root_join(t[i].root, t[i].path);
                assert_non_null(s);
                if (!streq(s, t[i].want))
                        fail_msg("root_join(\"%s\", \"%s\") = \"%s\", expected \"%s\"",
                                 strna(t[i].root), t[i].path, s, t[i].want);
        }
}

static void test_read(void **state) {
        Fixture *f = *state;
        put(f->root, "sys/a", "hello\nworld\n");
        put(f->root, "sys/u64", "42\n");
        put(f->root, "sys/hex", "0x030200\n");
        put(f->root, "sys/oct", "010\n");
        put(f->root, "sys/neg", "-1\n");
        put(f->root, "sys/sp", "17 \t\r\nx");
        put(f->root, "sys/lead", " 5\n");
        put(f->root, "sys/bad", "12abc\n");
        put(f->root, "sys/empty", "");
        put(f->root, "sys/big", "99999999999999999999999\n");

        _cleanup_free_ char *s = NULL;
        size_t n = 0;
        assert_int_equal(read_full_file_root(f->root, "/sys/a", &s, &n), 0);
        assert_string_equal(s, "hello\nworld\n");
        assert_int_equal(n, 12);

        _cleanup_free_ char *e = NULL;
        assert_int_equal(read_full_file_root(f->root, "/sys/empty", &e, &n), 0);
        assert_string_equal(e, "");
        assert_int_equal(n, 0);

        char *x = NULL;
        assert_int_equal(read_full_file_root(f->root, "/sys/nosuch", &x, &n), -ENOENT);
        assert_null(x);
        assert_int_equal(read_full_file_root(f->root, "/sys", &x, &n), -EISDIR);

        _cleanup_free_ char *line = NULL, *line2 = NULL, *line3 = NULL;
        assert_int_equal(read_line_root(f->root, "/sys/a", &line), 0);
        assert_string_equal(line, "hello");
        assert_int_equal(read_line_root(f->root, "/sys/sp", &line2), 0);
        assert_string_equal(line2, "17");
        assert_int_equal(read_line_root(f->root, "/sys/empty", &line3), 0);
        assert_string_equal(line3, "");

        uint64_t u = 0;
        assert_int_equal(read_u64_root(f->root, "/sys/u64", &u), 0);
        assert_true(u == 42);
        assert_int_equal(read_u64_root(f->root, "/sys/sp", &u), 0);
        assert_true(u == 17);
        /* Base 0: "0x" is hex (sysfs PCI class), and a leading 0 is octal. */
        assert_int_equal(read_u64_root(f->root, "/sys/hex", &u), 0);
        assert_true(u == 0x030200);
        assert_int_equal(read_u64_root(f->root, "/sys/oct", &u), 0);
        assert_true(u == 8);
        u = 7;
        assert_int_equal(read_u64_root(f->root, "/sys/neg", &u), -EINVAL);
        assert_int_equal(read_u64_root(f->root, "/sys/lead", &u), -EINVAL);
        assert_int_equal(read_u64_root(f->root, "/sys/bad", &u), -EINVAL);
        assert_int_equal(read_u64_root(f->root, "/sys/empty", &u), -EINVAL);
        assert_int_equal(read_u64_root(f->root, "/sys/big", &u), -ERANGE);
        assert_int_equal(read_u64_root(f->root, "/sys/nosuch", &u), -ENOENT);
        assert_true(u == 7);

        int i = 0;
        assert_int_equal(read_int_root(f->root, "/sys/neg", &i), 0);
        assert_int_equal(i, -1);
        assert_int_equal(read_int_root(f->root, "/sys/oct", &i), 0);
        assert_int_equal(i, 10);
        assert_int_equal(read_int_root(f->root, "/sys/hex", &i), -EINVAL);
        assert_int_equal(read_int_root(f->root, "/sys/big", &i), -ERANGE);
        assert_int_equal(read_int_root(f->root, "/sys/nosuch", &i), -ENOENT);

        assert_true(exists_root(f->root, "/sys/a"));
        assert_true(exists_root(f->root, "/sys"));
        assert_false(exists_root(f->root, "/sys/nosuch"));

        /* Without a root, paths are used as they are. */
        _cleanup_free_ char *abs = path_in(f, "sys/u64");
        assert_int_equal(read_u64_root(NULL, abs, &u), 0);
        assert_true(u == 42);
        assert_int_equal(read_u64_root("/", abs, &u), 0);
        assert_true(u == 42);
}

/* Reads relative to a directory opened once; numbers longer than the
 * small buffer; a file longer than a page. */
static void test_read_at(void **state) {
        Fixture *f = *state;
        StrBuf long_num = {0}, big = {0};
        strbuf_append(&long_num, "0x");
        for (int i = 0; i < 300; i++)
                strbuf_append(&long_num, "0");
        strbuf_append(&long_num, "1f \n2\n");
        for (int i = 0; i < 20000; i++)
                strbuf_printf(&big, "CONFIG_X%d=y\n", i);
        assert_false(long_num.oom || big.oom);
        put(f->root, "sys/bus/pci/devices/0000:81:00.0/class", "0x038000\n");
        put(f->root, "sys/bus/pci/devices/0000:81:00.0/numa_node", "-1\n");
        put(f->root, "sys/bus/pci/devices/0000:81:00.0/long", long_num.buf);
        put(f->root, "boot/config", big.buf);
        _cleanup_free_ char *link = path_in(f, "sys/bus/pci/devices/0000:81:00.0/driver");
        assert_int_equal(symlink("../../../bus/pci/drivers/nvme", link), 0);

        _cleanup_close_ int dfd = open_dir_root(f->root, "/sys/bus/pci/devices");
        assert_true(dfd >= 0);
        _cleanup_strv_free_ char **l = NULL;
        assert_int_equal(list_dir_at(dfd, NULL, &l), 0);
        assert_string_equal(l[0], "0000:81:00.0");
        assert_null(l[1]);
        /* dfd is still open after the listing. */
        uint64_t u = 0;
        int i = 0;
        assert_int_equal(read_u64_at(dfd, "0000:81:00.0/class", &u), 0);
        assert_true(u == 0x038000);
        assert_int_equal(read_int_at(dfd, "0000:81:00.0/numa_node", &i), 0);
        assert_int_equal(i, -1);
        assert_int_equal(read_u64_at(dfd, "0000:81:00.0/long", &u), 0);
        assert_true(u == 0x1f);
        assert_int_equal(read_u64_at(dfd, "0000:81:00.0/nosuch", &u), -ENOENT);
        _cleanup_free_ char *drv = NULL;
        assert_int_equal(read_link_basename_at(dfd, "0000:81:00.0/driver", &drv), 0);
        assert_string_equal(drv, "nvme");
        assert_int_equal(open_dir_root(f->root, "/nosuch"), -ENOENT);
        char jb[8];
        assert_string_equal(path_join_buf(jb, sizeof(jb), "abc", "def"), "abc/def");
        assert_null(path_join_buf(jb, sizeof(jb), "abcd", "def"));

        _cleanup_free_ char *text = NULL;
        size_t n = 0;
        assert_int_equal(read_full_file_root(f->root, "/boot/config", &text, &n), 0);
        assert_int_equal(n, big.len);
        assert_string_equal(text, big.buf);
        strbuf_done(&long_num);
        strbuf_done(&big);
}

typedef struct {
        char **lines;
        int stop_at;
} Lines;

static int collect(char *l, void *userdata) {
        Lines *c = userdata;
        if (c->stop_at >= 0 && (int) strv_length(c->lines) == c->stop_at)
                return -ECANCELED;
        return strv_extend(&c->lines, l);
}

/* read_lines_root(): every line once, in order, the last one with or
 * without a newline, a line longer than the 64 KiB chunk, a NUL as the end,
 * and an error from the callback. */
static void test_read_lines(void **state) {
        Fixture *f = *state;
        StrBuf longline = {0};
        for (int i = 0; i < 100000; i++)
                strbuf_append(&longline, "x");
        assert_false(longline.oom);
        _cleanup_free_ char *text = strdup_printf("a\n\nb c\n%s\nlast", longline.buf);
        put(f->root, "proc/zoneinfo", text);
        put(f->root, "proc/nl", "one\ntwo\n");
        put(f->root, "proc/empty", "");

        Lines c = { .stop_at = -1 };
        assert_int_equal(read_lines_root(f->root, "/proc/zoneinfo", collect, &c), 0);
        assert_int_equal(strv_length(c.lines), 5);
        assert_string_equal(c.lines[0], "a");
        assert_string_equal(c.lines[1], "");
        assert_string_equal(c.lines[2], "b c");
        assert_string_equal(c.lines[3], longline.buf);
        assert_string_equal(c.lines[4], "last");
        strv_free(c.lines);

        c = (Lines){ .stop_at = -1 };
        assert_int_equal(read_lines_root(f->root, "/proc/nl", collect, &c), 0);
        assert_int_equal(strv_length(c.lines), 2);
        assert_string_equal(c.lines[1], "two");
        strv_free(c.lines);

        c = (Lines){ .stop_at = -1 };
        assert_int_equal(read_lines_root(f->root, "/proc/empty", collect, &c), 0);
        assert_null(c.lines);

        c = (Lines){ .stop_at = 2 };
        assert_int_equal(read_lines_root(f->root, "/proc/zoneinfo", collect, &c), -ECANCELED);
        assert_int_equal(strv_length(c.lines), 2);
        strv_free(c.lines);

        /* A NUL ends the text, as for a file read whole. */
        put_bytes(f->root, "proc/nul", "one\ntw\0o\nthree\n", 15);
        c = (Lines){ .stop_at = -1 };
        assert_int_equal(read_lines_root(f->root, "/proc/nul", collect, &c), 0);
        assert_int_equal(strv_length(c.lines), 2);
        assert_string_equal(c.lines[0], "one");
        assert_string_equal(c.lines[1], "tw");
        strv_free(c.lines);

        c = (Lines){ .stop_at = -1 };
        assert_int_equal(read_lines_root(f->root, "/proc/nosuch", collect, &c), -ENOENT);
        strbuf_done(&longline);
}

static void test_read_link(void **state) {
        Fixture *f = *state;
        put(f->root, "sys/devices/pci0000:00/0000:00:01.0/vendor", "0x10de\n");
        _cleanup_free_ char *l1 = path_in(f, "sys/devices/pci0000:00/0000:00:01.0/driver");
        _cleanup_free_ char *l2 = path_in(f, "sys/plain");
        _cleanup_free_ char *l3 = path_in(f, "sys/long");
        assert_int_equal(symlink("../../../bus/pci/drivers/nvidia", l1), 0);
        assert_int_equal(symlink("target", l2), 0);
        /* A target longer than the first buffer. */
        char target[1200];
        memset(target, 'd', sizeof(target) - 1);
        target[sizeof(target) - 1] = 0;
        memcpy(target + 1100, "/drvname", 8);
        assert_int_equal(symlink(target, l3), 0);

        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
        assert_int_equal(read_link_basename_root(f->root, "/sys/devices/pci0000:00/0000:00:01.0/driver", &a), 0);
        assert_string_equal(a, "nvidia");
        assert_int_equal(read_link_basename_root(f->root, "/sys/plain", &b), 0);
        assert_string_equal(b, "target");
        assert_int_equal(read_link_basename_root(f->root, "/sys/long", &c), 0);
        assert_string_equal(c, target + 1101);

        char *x = NULL;
        assert_int_equal(read_link_basename_root(f->root, "/sys/nosuch", &x), -ENOENT);
        /* Not a link. */
        assert_int_equal(read_link_basename_root(f->root, "/sys/devices/pci0000:00/0000:00:01.0/vendor", &x), -EINVAL);
        assert_null(x);
}

static bool only_node(const char *name) {
        return startswith(name, "node") != NULL;
}

static void test_list_dir(void **state) {
        Fixture *f = *state;
        put(f->root, "sys/devices/system/node/node10/x", "");
        put(f->root, "sys/devices/system/node/node2/x", "");
        put(f->root, "sys/devices/system/node/node0/x", "");
        put(f->root, "sys/devices/system/node/possible", "0-10\n");
        put(f->root, "sys/devices/system/node/.hidden", "");
        put(f->root, "sys/devices/system/node/Apple", "");

        _cleanup_strv_free_ char **all = NULL, **nodes = NULL, **empty = NULL;
        assert_int_equal(list_dir_root(f->root, "/sys/devices/system/node", NULL, &all), 0);
        _cleanup_free_ char *j = strv_join(all, " ");
        /* strcmp order; dot files left out when no filter is given. */
        assert_string_equal(j, "Apple node0 node10 node2 possible");

        assert_int_equal(list_dir_root(f->root, "/sys/devices/system/node", only_node, &nodes), 0);
        _cleanup_free_ char *jn = strv_join(nodes, " ");
        assert_string_equal(jn, "node0 node10 node2");

        _cleanup_free_ char *ed = path_in(f, "emptydir");
        assert_int_equal(mkdir(ed, 0755), 0);
        assert_int_equal(list_dir_root(f->root, "/emptydir", NULL, &empty), 0);
        assert_non_null(empty);
        assert_null(empty[0]);

        char **x = NULL;
        assert_int_equal(list_dir_root(f->root, "/nosuch", NULL, &x), -ENOENT);
        assert_int_equal(list_dir_root(f->root, "/sys/devices/system/node/possible", NULL, &x), -ENOTDIR);
        assert_null(x);
}

static void write_gz(const char *path, const char *data, size_t len) {
        gzFile gz = gzopen(path, "wb");
        assert_non_null(gz);
        assert_int_equal(gzwrite(gz, data, (unsigned) len), (int) len);
        assert_int_equal(gzclose(gz), Z_OK);
}

static void test_read_gz(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *dir = path_in(f, "proc");
        assert_int_equal(mkdir(dir, 0755), 0);

        /* Larger than one read chunk, with NUL bytes. */
        size_t len = 100000;
        _cleanup_free_ char *data = malloc(len);
        for (size_t i = 0; i < len; i++)
                data[i] = (char) (i % 251);
        _cleanup_free_ char *gzp = path_in(f, "proc/config.gz");
        write_gz(gzp, data, len);

        _cleanup_free_ char *s = NULL;
        size_t n = 0;
        assert_int_equal(read_gz_file_root(f->root, "/proc/config.gz", &s, &n), 0);
        assert_int_equal(n, len);
        assert_memory_equal(s, data, len);
        assert_int_equal(s[n], 0);

        const char *cfg = "CONFIG_CMA=y\nCONFIG_DMA_NUMA_CMA=y\n";
        _cleanup_free_ char *gz2 = path_in(f, "proc/small.gz");
        write_gz(gz2, cfg, strlen(cfg));
        _cleanup_free_ char *s2 = NULL;
        assert_int_equal(read_gz_file_root(f->root, "/proc/small.gz", &s2, NULL), 0);
        assert_string_equal(s2, cfg);

        /* A truncated stream is an error, not a short read. */
        _cleanup_free_ char *whole = NULL;
        size_t wn = 0;
        assert_int_equal(read_full_file_root(NULL, gzp, &whole, &wn), 0);
        put_bytes(f->root, "proc/trunc.gz", whole, wn / 2);
        char *x = NULL;
        assert_int_equal(read_gz_file_root(f->root, "/proc/trunc.gz", &x, &n), -EBADMSG);
        assert_null(x);

        assert_int_equal(read_gz_file_root(f->root, "/proc/nosuch.gz", &x, &n), -ENOENT);

        /* zlib reads a file that is not gzip as it is ("transparent"). */
        put(f->root, "proc/plain", "CONFIG_CMA=y\n");
        _cleanup_free_ char *s3 = NULL;
        assert_int_equal(read_gz_file_root(f->root, "/proc/plain", &s3, &n), 0);
        assert_string_equal(s3, "CONFIG_CMA=y\n");
}

static mode_t mode_of(const char *p) {
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        return st.st_mode & 07777;
}

static void test_write_new_and_mode(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *p = path_in(f, "new.cfg");

        assert_int_equal(write_file_atomic(p, "abc\n", 4, 0640), 1);
        _cleanup_free_ char *s = slurp(p);
        assert_string_equal(s, "abc\n");
        /* The mode asked for, not the umask's idea of it. */
        assert_int_equal(mode_of(p), 0640);

        /* An existing file keeps its mode; content replaced. */
        assert_int_equal(chmod(p, 0600), 0);
        assert_int_equal(write_file_atomic(p, "new content\n", 12, 0644), 1);
        _cleanup_free_ char *s2 = slurp(p);
        assert_string_equal(s2, "new content\n");
        assert_int_equal(mode_of(p), 0600);

        /* Shorter content and empty content. */
        assert_int_equal(write_file_atomic(p, "x", 1, 0644), 1);
        _cleanup_free_ char *s3 = slurp(p);
        assert_string_equal(s3, "x");
        assert_int_equal(write_file_atomic(p, "", 0, 0644), 1);
        _cleanup_free_ char *s4 = slurp(p);
        assert_string_equal(s4, "");
        assert_int_equal(write_file_atomic(p, "", 0, 0644), 0);

        /* Only the len bytes count, NULs included. */
        assert_int_equal(write_file_atomic(p, "a\0b", 3, 0644), 1);
        _cleanup_free_ char *s5 = NULL;
        size_t n;
        assert_int_equal(read_full_file_root(NULL, p, &s5, &n), 0);
        assert_int_equal(n, 3);
        assert_memory_equal(s5, "a\0b", 3);

        _cleanup_free_ char *names = ls(f->root);
        assert_string_equal(names, "new.cfg");

        _cleanup_free_ char *nodir = path_in(f, "nosuchdir/x");
        assert_int_equal(write_file_atomic(nodir, "x", 1, 0644), -ENOENT);
}

static void test_write_identical_keeps_mtime(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *p = path_in(f, "grub");
        const char *c = "GRUB_CMDLINE_LINUX=\"quiet\"\n";
        assert_int_equal(write_file_atomic(p, c, strlen(c), 0644), 1);

        struct timespec old[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
        assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
        struct stat st1, st2, st3;
        assert_int_equal(stat(p, &st1), 0);

        assert_int_equal(write_file_atomic(p, c, strlen(c), 0644), 0);
        assert_int_equal(stat(p, &st2), 0);
        assert_int_equal(st2.st_mtim.tv_sec, 1000000000);
        assert_int_equal(st2.st_ino, st1.st_ino);  /* not even replaced */

        /* Same prefix, different length: changed. */
        assert_int_equal(write_file_atomic(p, c, strlen(c) - 1, 0644), 1);
        assert_int_equal(stat(p, &st3), 0);
        assert_true(st3.st_mtim.tv_sec > 1000000000);
}

static void test_write_fail_steps(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *p = path_in(f, "etc/default/grub");
        _cleanup_free_ char *d = path_in(f, "etc/default");
        const char *old = "GRUB_CMDLINE_LINUX=\"quiet numa_cma=0:64M\"\n";
        const char *new = "GRUB_CMDLINE_LINUX=\"quiet numa_cma=0:128M\"\n";
        put(f->root, "etc/default/grub", old);
        assert_int_equal(chmod(p, 0600), 0);

        for (int step = 1; step <= 4; step++) {
                set_fail_step(step);
                int r = write_file_atomic(p, new, strlen(new), 0644);
                set_fail_step(0);
                if (r != -EIO)
                        fail_msg("fail step %d: r=%d", step, r);
                _cleanup_free_ char *s = slurp(p);
                assert_string_equal(s, old);
                assert_int_equal(mode_of(p), 0600);
                _cleanup_free_ char *names = ls(d);
                if (!streq(names, "grub"))
                        fail_msg("fail step %d left: %s", step, names);
        }

        /* Step 5 (directory fsync) comes after the rename: the contract's
         * "old file left whole" cannot hold there. What is true: the error
         * is returned, the new content is in place whole (with the old
         * mode), and no temp file is left. */
        set_fail_step(5);
        int r = write_file_atomic(p, new, strlen(new), 0644);
        set_fail_step(0);
        assert_int_equal(r, -EIO);
        _cleanup_free_ char *s = slurp(p);
        assert_string_equal(s, new);
        assert_int_equal(mode_of(p), 0600);
        _cleanup_free_ char *names = ls(d);
        assert_string_equal(names, "grub");

        /* A new file: on failure before the rename nothing appears. */
        _cleanup_free_ char *q = path_in(f, "etc/default/other");
        for (int step = 1; step <= 4; step++) {
                set_fail_step(step);
                assert_int_equal(write_file_atomic(q, new, strlen(new), 0644), -EIO);
                set_fail_step(0);
                assert_false(exists_root(NULL, q));
                _cleanup_free_ char *n2 = ls(d);
                assert_string_equal(n2, "grub");
        }

        /* Identical content returns 0 before any step can fail. */
        set_fail_step(1);
        assert_int_equal(write_file_atomic(p, new, strlen(new), 0644), 0);
        set_fail_step(0);
}

static void test_remove_file_synced(void **state) {
        Fixture *f = *state;
        put(f->root, "a/b", "x");
        _cleanup_free_ char *p = path_in(f, "a/b");
        _cleanup_free_ char *d = path_in(f, "a");
        assert_int_equal(remove_file_synced(p), 1);
        assert_false(exists_root(NULL, p));
        assert_int_equal(remove_file_synced(p), 0);
        assert_int_equal(remove_file_synced(d), -EISDIR);
        _cleanup_free_ char *n = path_in(f, "nosuch/b");
        assert_int_equal(remove_file_synced(n), 0);
}

static void test_mkdir_parents(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *p = path_in(f, "x/y/z");
        assert_int_equal(mkdir_parents(p, 0755), 0);
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        /* Again: fine. Trailing and doubled slashes: fine. */
        assert_int_equal(mkdir_parents(p, 0755), 0);
        _cleanup_free_ char *p2 = path_in(f, "x//y2/z2/");
        assert_int_equal(mkdir_parents(p2, 0755), 0);
        _cleanup_free_ char *p2b = path_in(f, "x/y2/z2");
        assert_int_equal(stat(p2b, &st), 0);
        assert_true(S_ISDIR(st.st_mode));

        /* A file in the way, as a parent or as the last component. */
        put(f->root, "file", "");
        _cleanup_free_ char *p3 = path_in(f, "file/sub");
        assert_int_equal(mkdir_parents(p3, 0755), -ENOTDIR);
        _cleanup_free_ char *p4 = path_in(f, "file");
        assert_int_equal(mkdir_parents(p4, 0755), -ENOTDIR);
}

/* SELinux labels, IMA and POSIX ACLs stay with the file when it is
 * replaced; user.* attributes are the owner's and are not copied. Parts the
 * filesystem here cannot hold are skipped, and say so. */
static void test_write_keeps_xattrs(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *p = path_in(f, "etc/kernel/cmdline");
        put(f->root, "etc/kernel/cmdline", "quiet\n");
        /* An ACL granting uid 65534 read: USER_OBJ rw, USER r, GROUP_OBJ r, MASK r, OTHER r. */
        struct { uint32_t version; struct { uint16_t tag, perm; uint32_t id; } e[5]; } __attribute__((packed)) acl = {
                2, { { 0x01, 6, UINT32_MAX }, { 0x02, 4, 65534 }, { 0x04, 4, UINT32_MAX }, { 0x10, 4, UINT32_MAX }, { 0x20, 4, UINT32_MAX } }
        };
        bool have_acl = setxattr(p, "system.posix_acl_access", &acl, sizeof(acl), 0) == 0;
        bool have_sec = setxattr(p, "security.numacma-test", "label", 5, 0) == 0;
        bool have_user = setxattr(p, "user.numacma-test", "x", 1, 0) == 0;
        if (!have_acl && !have_sec)
                skip();
        assert_int_equal(write_file_atomic(p, "quiet numa_cma=1:64M\n", 21, 0644), 1);
        char buf[128];
        if (have_acl) {
                ssize_t n = getxattr(p, "system.posix_acl_access", buf, sizeof(buf));
                assert_int_equal(n, sizeof(acl));
                assert_memory_equal(buf, &acl, sizeof(acl));
        } else
                print_message("# no POSIX ACLs on this filesystem: that part is not checked\n");
        if (have_sec) {
                ssize_t n = getxattr(p, "security.numacma-test", buf, sizeof(buf));
                assert_int_equal(n, 5);
                assert_memory_equal(buf, "label", 5);
        } else
                print_message("# no security.* attributes on this filesystem: that part is not checked\n");
        if (have_user)
                assert_true(getxattr(p, "user.numacma-test", buf, sizeof(buf)) < 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_root_join),
                cmocka_unit_test_setup_teardown(test_read, setup, teardown),
                cmocka_unit_test_setup_teardown(test_read_at, setup, teardown),
                cmocka_unit_test_setup_teardown(test_read_lines, setup, teardown),
                cmocka_unit_test_setup_teardown(test_read_link, setup, teardown),
                cmocka_unit_test_setup_teardown(test_list_dir, setup, teardown),
                cmocka_unit_test_setup_teardown(test_read_gz, setup, teardown),
                cmocka_unit_test_setup_teardown(test_write_new_and_mode, setup, teardown),
                cmocka_unit_test_setup_teardown(test_write_identical_keeps_mtime, setup, teardown),
                cmocka_unit_test_setup_teardown(test_write_fail_steps, setup, teardown),
                cmocka_unit_test_setup_teardown(test_remove_file_synced, setup, teardown),
                cmocka_unit_test_setup_teardown(test_mkdir_parents, setup, teardown),
                cmocka_unit_test_setup_teardown(test_write_keeps_xattrs, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
