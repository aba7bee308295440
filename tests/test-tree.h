/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Trees made by a test below /tmp: files, directories and links below a
 * root, then all of it removed. Include after cmocka.h. */
#pragma once

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/atomic_write.h"
#include "basic/fileio.h"
#include "basic/util.h"

static inline char *make_root(void) {
        char *d = strdup("/tmp/numacma-tree-XXXXXX");
        assert_non_null(d);
        assert_non_null(mkdtemp(d));
        return d;
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

static inline void put(const char *root, const char *path, const char *content) {
        _cleanup_free_ char *p = prepare(root, path);
        FILE *f = fopen(p, "we");
        assert_non_null(f);
        fputs(content, f);
        assert_int_equal(fclose(f), 0);
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

static inline void rm_root(char *root) {
        assert_int_equal(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
        free(root);
}
