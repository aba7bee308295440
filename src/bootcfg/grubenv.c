/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GRUB's environment block (grubenv): what grub-editenv, grub-reboot and
 * grub-set-default write and GRUB's load_env reads. */
#include "basic/util.h"
#include "bootcfg/grubenv.h"

/* The line of key in a grubenv block: where its value starts and ends (at
 * the newline that is not escaped). NULL when key is not set. */
static const char *grubenv_find(const char *text, const char *key, const char **ret_end) {
        size_t kl = strlen(key);
        for (const char *l = text; l && *l;) {
                const char *e = l;
                while (*e && *e != '\n')
                        e += e[0] == '\\' && e[1] ? 2 : 1;
                if (strncmp(l, key, kl) == 0 && l[kl] == '=') {
                        *ret_end = e;
                        return l + kl + 1;
                }
                l = *e ? e + 1 : NULL;
        }
        return NULL;
}

/* GRUB's envblk (grub-core/lib/envblk.c) escapes '\' and newline with a
 * backslash. */
char *grubenv_get(const char *text, const char *key) {
        const char *end, *v = grubenv_find(text, key, &end);
        if (!v)
                return NULL;
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (; v < end; v++) {
                if (*v == '\\' && v + 1 < end)
                        v++;
                strbuf_appendn(&b, v, 1);
        }
        return strbuf_steal(&b);
}

int grubenv_set(const char *text, size_t size, const char *key, const char *value, char **ret) {
        static const char sig[] = "# GRUB Environment Block\n";
        if (size != strlen(text) || strncmp(text, sig, strlen(sig)) != 0)
                return -EBADMSG;
        const char *end, *v = grubenv_find(text + strlen(sig), key, &end);
        if (!v)
                return -ENOENT;
        StrBuf b = {0};
        strbuf_appendn(&b, text, (size_t) (v - text));
        for (const char *p = value; *p; p++) {
                if (*p == '\\' || *p == '\n')
                        strbuf_append(&b, "\\");
                strbuf_appendn(&b, p, 1);
        }
        strbuf_append(&b, end);
        char *s = strbuf_steal(&b);
        if (!s)
                return -ENOMEM;
        /* The block keeps its size: the '#' after the last line pad it. */
        size_t len = strlen(s), data = len;
        while (data > 0 && s[data - 1] == '#')
                data--;
        if (data > size || (data > 0 && s[data - 1] != '\n')) {
                free(s);
                return data > size ? -ENOSPC : -EBADMSG;
        }
        char *n = realloc(s, size + 1);
        if (!n) {
                free(s);
                return -ENOMEM;
        }
        memset(n + data, '#', size - data);
        n[size] = 0;
        *ret = n;
        return 0;
}
