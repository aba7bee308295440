/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trees made by a test in a temporary directory: files, directories and
 * links below a root, copies of the captured trees, shell commands on them,
 * then all of it removed. The one set of such helpers for the C tests.
 * Include after cmocka.h. */
#pragma once

#include <ftw.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/util.h"

/* A new empty directory below $TMPDIR (else /tmp). tmpfs: below /dev/shm
 * when $TMPDIR is not set, for tests that write many files, each fsynced. */
static inline char *make_root_below(bool tmpfs) {
        const char *tmp = getenv("TMPDIR");
        if (!tmp)
                tmp = tmpfs && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        char *d = strdup_printf("%s/numacma-test-XXXXXX", tmp);
        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
}

static inline char *make_root(void) {
        return make_root_below(false);
}

/* The parent directory of path below root, made. */
static inline char *prepare(const char *root, const char *path) {
        char *p = root_join(root, path);
        _cleanup_free_ char *dir = p ? strdup(p) : NULL;
        assert_non_null(dir);
        *strrchr(dir, '/') = 0;
        assert_int_equal(mkdir_parents(dir, 0755), 0);
        return p;
}

/* Written plainly (not through write_file_atomic(), which some tests
 * check or wrap): n bytes, NULs too. */
static inline void put_bytes(const char *root, const char *path, const void *content, size_t n) {
        _cleanup_free_ char *p = prepare(root, path);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        assert_int_equal(fwrite(content, 1, n, f), n);
        assert_int_equal(fclose(f), 0);
}

static inline void put(const char *root, const char *path, const char *content) {
        put_bytes(root, path, content, strlen(content));
}

static inline void link_in(const char *root, const char *target, const char *path) {
        _cleanup_free_ char *p = prepare(root, path);
        assert_int_equal(symlink(target, p), 0);
}

static inline void mkdir_in(const char *root, const char *path) {
        _cleanup_free_ char *p = root_join(root, path);
        assert_int_equal(mkdir_parents(p, 0755), 0);
}

static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

/* The tree removed, without following its links out of it. */
static inline void rm_tree(const char *root) {
        assert_int_equal(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static inline void rm_root(char *root) {
        rm_tree(root);
        free(root);
}

/* A shell command, which must succeed. */
static inline void sh(const char *fmt, ...) _printf_(1, 2);
static inline void sh(const char *fmt, ...) {
        va_list ap;
        char *cmd = NULL;
        va_start(ap, fmt);
        assert_true(vasprintf(&cmd, fmt, ap) >= 0);
        va_end(ap);
        int r = system(cmd);
        if (r != 0)
                fail_msg("'%s' failed: %d", cmd, r);
        free(cmd);
}

/* A fresh copy of from/name below base, named name-N; returns its root
 * (caller frees). */
static inline char *copy_tree(const char *base, const char *from, const char *name) {
        static unsigned n;
        char *root = strdup_printf("%s/%s-%u", base, name, n++);
        assert_non_null(root);
        sh("cp -a '%s/%s' '%s'", from, name, root);
        return root;
}
