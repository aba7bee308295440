/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "basic/fileio.h"
#include "basic/util.h"
#include "machine/memory_maps.h"

#define MEMMAP_DIR "/sys/firmware/memmap"
#define MEMMAP_MAX 65536  /* far above any e820 table (E820_MAX_ENTRIES is 3200) */

void driver_ranges_free(DriverRange *r, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(r[i].driver);
        free(r);
}

int iomem_driver_ranges(const char *text, DriverRange **ret, size_t *ret_n) {
        DriverRange *r = NULL;
        size_t n = 0;
        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                if (!isxdigit((unsigned char) *l))
                        continue;  /* nested resources are indented */
                char *e;
                uint64_t start = strtoull(l, &e, 16), end;
                if (*e != '-')
                        continue;
                end = strtoull(e + 1, &e, 16);
                const char *name = startswith(e, " : System RAM (");
                const char *close = name ? strchr(name, ')') : NULL;
                const char *nl = strchr(l, '\n');
                if (!close || (nl && close > nl) || end <= start)
                        continue;  /* not driver-managed, or addresses hidden (not root) */
                DriverRange *nr = realloc(r, (n + 1) * sizeof(DriverRange));
                if (!nr)
                        goto oom;
                r = nr;
                r[n] = (DriverRange){ .start = start, .end = end, .driver = strndup(name, (size_t) (close - name)) };
                if (!r[n++].driver)
                        goto oom;
        }
        *ret = r;
        *ret_n = n;
        return 0;
oom:
        driver_ranges_free(r, n);
        return -ENOMEM;
}

/* "0x1000" as the memmap files write it (%llx with 0x). */
static int hex(const char *s, uint64_t *ret) {
        const char *h = startswith(s, "0x");
        if (!h || !*h || strlen(h) > 16)
                return -EINVAL;
        for (const char *c = h; *c; c++)
                if (!isxdigit((unsigned char) *c))
                        return -EINVAL;
        return safe_atou64(h, 16, ret);
}

int memmap_entry_parse(unsigned index, const char *start, const char *end, const char *type, MemmapEntry *ret) {
        MemmapEntry e = { .index = index };
        if (!start || !end || !type || hex(start, &e.start) < 0 || hex(end, &e.end) < 0 || e.end < e.start)
                return -EINVAL;
        e.ram = streq(type, "System RAM");
        *ret = e;
        return 0;
}

static int by_index(const void *a, const void *b) {
        const MemmapEntry *x = a, *y = b;
        return x->index < y->index ? -1 : x->index > y->index;
}

bool memmap_mark_boot(MemmapEntry *e, size_t n) {
        size_t first = n;
        qsort(e, n, sizeof(*e), by_index);
        for (size_t i = 0; i < n; i++) {
                e[i].boot = false;
                if (e[i].start == 0 && first == n)
                        first = i;
        }
        if (first == n)
                return false;
        size_t last = first, last_other = n;
        e[first].boot = true;
        for (size_t i = first + 1; i < n && e[i].index == e[i - 1].index + 1 && e[i].start > e[i - 1].end; i++)
                e[last = i].boot = true;
        for (size_t i = first; i <= last; i++)
                if (!e[i].ram)
                        last_other = i;
        for (size_t i = first; last_other < n && i < last_other; i++)
                e[i].boot_certain = true;
        return true;
}

static bool is_index(const char *name) {
        if (!*name)
                return false;
        for (const char *c = name; *c; c++)
                if (!isdigit((unsigned char) *c))
                        return false;
        return true;
}

int memmap_load(const char *root, MemmapEntry **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **names = NULL;
        *ret = NULL;
        *ret_n = 0;
        int r = list_dir_root(root, MEMMAP_DIR, is_index, &names);
        if (r == -ENOMEM)
                return r;
        size_t n = r < 0 ? 0 : strv_length(names);
        if (!n || n > MEMMAP_MAX)
                return 0;
        MemmapEntry *e = calloc(n, sizeof(MemmapEntry));
        if (!e)
                return -ENOMEM;
        size_t k = 0;
        for (char **name = names; *name; name++) {
                _cleanup_free_ char *s = NULL, *en = NULL, *t = NULL;
                _cleanup_free_ char *ps = strdup_printf(MEMMAP_DIR "/%s/start", *name);
                _cleanup_free_ char *pe = strdup_printf(MEMMAP_DIR "/%s/end", *name);
                _cleanup_free_ char *pt = strdup_printf(MEMMAP_DIR "/%s/type", *name);
                uint64_t idx;
                if (!ps || !pe || !pt) {
                        free(e);
                        return -ENOMEM;
                }
                if (safe_atou64(*name, 10, &idx) < 0 || idx > MEMMAP_MAX ||
                    read_line_root(root, ps, &s) < 0 || read_line_root(root, pe, &en) < 0 || read_line_root(root, pt, &t) < 0)
                        continue;
                if (memmap_entry_parse((unsigned) idx, s, en, t, &e[k]) >= 0)
                        k++;
        }
        *ret = e;
        *ret_n = k;
        return 0;
}

/* "   0: 0x0000000040000000..0x000000007fffffff    0 NONE" */
static bool memblock_line(const char *l, const char *eol, MemblockRange *ret) {
        char buf[256];
        size_t n = (size_t) (eol - l);
        if (n >= sizeof(buf))
                return false;
        memcpy(buf, l, n);
        buf[n] = 0;
        char *s = strchr(buf, ':'), *dots, *rest;
        if (!s)
                return false;
        s++;
        while (*s == ' ')
                s++;
        if (!(dots = strstr(s, "..")))
                return false;
        *dots = 0;
        MemblockRange m = { .node = -1 };
        rest = strchr(dots + 2, ' ');
        if (!rest)
                return false;
        *rest++ = 0;
        if (hex(s, &m.start) < 0 || hex(dots + 2, &m.end) < 0 || m.end < m.start)
                return false;
        while (*rest == ' ')
                rest++;
        char *flags = strchr(rest, ' ');
        if (!flags)
                return false;
        *flags++ = 0;
        if (!streq(rest, "x") && (safe_atoi(rest, &m.node) < 0 || m.node < 0))
                return false;
        while (*flags == ' ')
                flags++;
        m.driver_managed = strstr(flags, "DRV_MNG") != NULL;
        m.hotplug = strstr(flags, "HOTPLUG") != NULL;
        *ret = m;
        return true;
}

int memblock_parse(const char *text, MemblockRange **ret, size_t *ret_n) {
        MemblockRange *r = NULL;
        size_t n = 0;
        for (const char *l = text; l && *l;) {
                const char *eol = strchr(l, '\n');
                if (!eol)
                        eol = l + strlen(l);
                MemblockRange m;
                if (memblock_line(l, eol, &m)) {
                        MemblockRange *nr = realloc(r, (n + 1) * sizeof(MemblockRange));
                        if (!nr) {
                                free(r);
                                return -ENOMEM;
                        }
                        r = nr;
                        r[n++] = m;
                }
                l = *eol ? eol + 1 : eol;
        }
        *ret = r;
        *ret_n = n;
        return 0;
}
