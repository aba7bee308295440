/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bootcfg/grub_cfg.h"
#include "basic/util.h"

void grub_cfg_done(GrubCfg *c) {
        for (size_t i = 0; i < c->n; i++) {
                GrubEntry *e = &c->entries[i];
                free(e->title);
                free(e->id);
                free(e->path);
                free(e->kernel);
                free(e->args);
                free(e->release);
        }
        free(c->entries);
        *c = (GrubCfg){0};
}

char *kernel_release_of_image(const char *image) {
        const char *b = strrchr(image, '/');
        b = b ? b + 1 : image;
        static const char *const prefixes[] = { "vmlinuz-", "vmlinux-", "kernel-", "Image-", "bzImage-" };
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++) {
                const char *r = startswith(b, prefixes[i]);
                if (r && *r)
                        return strdup(r);
        }
        return NULL;
}

/* One word of GRUB script: quotes and backslashes as GRUB's lexer reads
 * them (enough for titles and ids). *p advances past it. */
static char *next_word(const char **p) {
        const char *s = *p;
        StrBuf b = {0};
        while (*s == ' ' || *s == '\t')
                s++;
        if (!*s || *s == '\n') {
                *p = s;
                return NULL;
        }
        strbuf_append(&b, "");
        while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
                if (*s == '\'') {
                        const char *e = strchr(s + 1, '\'');
                        if (!e)
                                e = s + strlen(s);
                        strbuf_appendn(&b, s + 1, (size_t) (e - s - 1));
                        s = *e ? e + 1 : e;
                } else if (*s == '"') {
                        s++;
                        while (*s && *s != '"') {
                                if (*s == '\\' && s[1])
                                        s++;
                                strbuf_appendn(&b, s++, 1);
                        }
                        if (*s)
                                s++;
                } else if (*s == '\\' && s[1]) {
                        strbuf_appendn(&b, s + 1, 1);
                        s += 2;
                } else
                        strbuf_appendn(&b, s++, 1);
        }
        *p = s;
        return strbuf_steal(&b);
}

typedef struct {
        enum { BLOCK_OTHER, BLOCK_ENTRY, BLOCK_SUBMENU } kind;
        char *path;       /* of this entry or submenu */
        char *title, *id;
        unsigned children;
        long entry;       /* index into entries once a linux line was seen, else -1 */
} Block;

#define DEPTH_MAX 64

int grub_cfg_parse(const char *text, GrubCfg *ret) {
        GrubCfg c = {0};
        Block stack[DEPTH_MAX];
        size_t depth = 0;
        unsigned top_children = 0;
        int r = 0;

        for (const char *line = text; *line && r >= 0;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                _cleanup_free_ char *l = strndup(line, len);
                line += len + (nl ? 1 : 0);
                if (!l) {
                        r = -ENOMEM;
                        break;
                }
                const char *p = l;
                _cleanup_free_ char *cmd = next_word(&p);
                if (!cmd)
                        continue;
                size_t ll = strlen(l);
                while (ll > 0 && (l[ll - 1] == ' ' || l[ll - 1] == '\t' || l[ll - 1] == '\r'))
                        ll--;
                bool opens = ll > 0 && l[ll - 1] == '{';

                if (streq(cmd, "}")) {
                        if (depth > 0) {
                                Block *b = &stack[--depth];
                                free(b->path);
                                free(b->title);
                                free(b->id);
                        }
                        continue;
                }
                if ((streq(cmd, "menuentry") || streq(cmd, "submenu")) && opens) {
                        if (depth >= DEPTH_MAX) {
                                r = -E2BIG;
                                break;
                        }
                        Block *parent = NULL;
                        for (size_t i = depth; i-- > 0;)
                                if (stack[i].kind == BLOCK_SUBMENU) {
                                        parent = &stack[i];
                                        break;
                                }
                        Block b = { .kind = streq(cmd, "submenu") ? BLOCK_SUBMENU : BLOCK_ENTRY, .entry = -1 };
                        b.title = next_word(&p);
                        for (char *w; (w = next_word(&p));) {
                                bool id_next = streq(w, "$menuentry_id_option") || streq(w, "--id");
                                free(w);
                                if (id_next) {
                                        free(b.id);
                                        b.id = next_word(&p);
                                }
                        }
                        b.path = parent ? strdup_printf("%s>%u", parent->path, parent->children++)
                                        : strdup_printf("%u", top_children++);
                        if (!b.path) {
                                free(b.title);
                                free(b.id);
                                r = -ENOMEM;
                                break;
                        }
                        stack[depth++] = b;
                        continue;
                }
                if (opens) {
                        if (depth >= DEPTH_MAX) {
                                r = -E2BIG;
                                break;
                        }
                        stack[depth++] = (Block){ .kind = BLOCK_OTHER, .entry = -1 };
                        continue;
                }
                if (!(streq(cmd, "linux") || streq(cmd, "linux16") || streq(cmd, "linuxefi")))
                        continue;
                Block *e = NULL;
                for (size_t i = depth; i-- > 0;)
                        if (stack[i].kind == BLOCK_ENTRY) {
                                e = &stack[i];
                                break;
                        }
                if (!e || e->entry >= 0)
                        continue;
                _cleanup_free_ char *kernel = next_word(&p);
                if (!kernel)
                        continue;
                while (*p == ' ' || *p == '\t')
                        p++;
                GrubEntry *ne = realloc(c.entries, (c.n + 1) * sizeof(GrubEntry));
                if (!ne) {
                        r = -ENOMEM;
                        break;
                }
                c.entries = ne;
                GrubEntry *g = &c.entries[c.n];
                *g = (GrubEntry){
                        .title = e->title ? strdup(e->title) : NULL,
                        .id = e->id ? strdup(e->id) : NULL,
                        .path = strdup(e->path),
                        .kernel = TAKE_PTR(kernel),
                        .args = p < l + ll ? strndup(p, (size_t) (l + ll - p)) : strdup(""),
                        .release = NULL,
                };
                g->release = kernel_release_of_image(g->kernel);
                c.n++;
                e->entry = (long) c.n - 1;
                if (!g->path || !g->args || (e->title && !g->title) || (e->id && !g->id))
                        r = -ENOMEM;
        }
        while (depth > 0) {
                Block *b = &stack[--depth];
                free(b->path);
                free(b->title);
                free(b->id);
        }
        if (r < 0) {
                grub_cfg_done(&c);
                return r;
        }
        *ret = c;
        return 0;
}

const GrubEntry *grub_cfg_default(const GrubCfg *c, const char *grub_default, const char *saved_entry) {
        if (c->n == 0)
                return NULL;
        const char *want = grub_default && *grub_default ? grub_default : "0";
        if (streq(want, "saved"))
                want = saved_entry && *saved_entry ? saved_entry : "0";
        for (size_t i = 0; i < c->n; i++) {
                const GrubEntry *e = &c->entries[i];
                if (streq(e->path, want) || streq_ptr(e->id, want) || streq_ptr(e->title, want))
                        return e;
        }
        /* "1>Debian, with Linux 6.1" mixes forms; a title or id after '>'. */
        const char *gt = strrchr(want, '>');
        if (gt)
                for (size_t i = 0; i < c->n; i++)
                        if (streq_ptr(c->entries[i].id, gt + 1) || streq_ptr(c->entries[i].title, gt + 1))
                                return &c->entries[i];
        return &c->entries[0];
}

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
