/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/fileio.h"
#include "basic/util.h"
#include "numacmad/counters.h"

#define CMA_SYSFS "/sys/kernel/mm/cma"

static int zone_line(char *l, void *userdata) {
        StrBuf *b = userdata;
        if (strstr(l, "nr_free_cma"))
                strbuf_printf(b, "%s\n", l);
        return 0;
}

int cma_counters_read(const char *root, char **ret) {
        static const char *const files[] = {
                "alloc_pages_success", "alloc_pages_fail", "release_pages_success", "available_pages",
        };
        _cleanup_strv_free_ char **areas = NULL;
        StrBuf b = {0};
        int r = list_dir_root(root, CMA_SYSFS, NULL, &areas);
        if (r < 0 && r != -ENOENT)
                return r;
        for (char **a = areas; a && *a; a++)
                for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                        _cleanup_free_ char *path = strdup_printf(CMA_SYSFS "/%s/%s", *a, files[i]), *v = NULL;
                        if (!path) {
                                strbuf_done(&b);
                                return -ENOMEM;
                        }
                        if (read_line_root(root, path, &v) >= 0)
                                strbuf_printf(&b, "%s/%s=%s\n", *a, files[i], v);
                }
        r = read_lines_root(root, "/proc/zoneinfo", zone_line, &b);
        if (r < 0 && r != -ENOENT) {
                strbuf_done(&b);
                return r;
        }
        if (b.oom) {
                strbuf_done(&b);
                return -ENOMEM;
        }
        *ret = b.buf ? strbuf_steal(&b) : strdup("");
        return *ret ? 0 : -ENOMEM;
}
