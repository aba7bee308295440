/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>

#include "bootcfg/grub_cfg_parse.h"
#include "basic/util.h"

static void entry_done(GrubEntry *e) {
        free(e->title);
        free(e->id);
        free(e->path);
        free(e->kernel);
        free(e->args);
        free(e->release);
}

void grub_cfg_done(GrubCfg *c) {
        for (size_t i = 0; i < c->n; i++)
                entry_done(&c->entries[i]);
        free(c->entries);
        for (size_t i = 0; i < c->n_items; i++) {
                free(c->items[i].title);
                free(c->items[i].id);
        }
        free(c->items);
        strv_free(c->top);
        strv_free(c->errors);
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

/* The quote a line leaves open for GRUB's lexer (which would read on into
 * the next lines), or 0. */
static char open_quote(const char *s) {
        char q = 0;
        for (; *s; s++) {
                if (q == '\'') {
                        if (*s == '\'')
                                q = 0;
                } else if (q == '"') {
                        if (*s == '\\' && s[1])
                                s++;
                        else if (*s == '"')
                                q = 0;
                } else if (*s == '\\' && s[1])
                        s++;
                else if (*s == '\'' || *s == '"')
                        q = *s;
        }
        return q;
}

typedef enum { BLOCK_OTHER, BLOCK_ENTRY, BLOCK_SUBMENU } BlockKind;

typedef struct {
        BlockKind kind;
        char *path;       /* of this entry or submenu */
        char *title, *id;
        unsigned children;
        unsigned line;    /* where it opens */
        long entry;       /* index into entries once a linux line was seen, else -1 */
        long item;        /* index into items, -1 for other blocks */
} Block;

#define DEPTH_MAX 64

typedef struct {
        GrubCfg cfg;
        Block stack[DEPTH_MAX];
        size_t depth;
        unsigned skipped;       /* blocks open past DEPTH_MAX: not read */
        unsigned top_children;
        unsigned line;
        int r;
} Parser;

static const char *kind_name(BlockKind k) {
        return k == BLOCK_SUBMENU ? "submenu" : k == BLOCK_ENTRY ? "menuentry" : "block";
}

_printf_(3, 4)
static void report(Parser *ps, unsigned line, const char *fmt, ...) {
        va_list ap;
        char *what;

        ps->cfg.n_errors++;
        if (ps->cfg.n_errors > GRUB_CFG_ERRORS_MAX || ps->r < 0)
                return;
        va_start(ap, fmt);
        int k = vasprintf(&what, fmt, ap);
        va_end(ap);
        if (k < 0 || strv_extendf(&ps->cfg.errors, "line %u: %s", line, what) < 0)
                ps->r = -ENOMEM;
        if (k >= 0)
                free(what);
}

static void block_done(Block *b) {
        free(b->path);
        free(b->title);
        free(b->id);
}

/* Pops the top block; at the end of the file or before another entry an
 * entry or submenu that was not closed is reported. */
static void pop_block(Parser *ps, const char *why) {
        Block *b = &ps->stack[--ps->depth];
        if (why && b->kind != BLOCK_OTHER)
                report(ps, b->line, "%s '%s' is not closed %s", kind_name(b->kind), strempty(b->title), why);
        block_done(b);
}

static Block *innermost(Parser *ps, BlockKind kind) {
        for (size_t i = ps->depth; i-- > 0;)
                if (ps->stack[i].kind == kind)
                        return &ps->stack[i];
        return NULL;
}

/* True when the block fits; past DEPTH_MAX it is skipped to its '}'. */
static bool room_for_block(Parser *ps) {
        if (ps->depth < DEPTH_MAX)
                return true;
        if (ps->skipped++ == 0)
                report(ps, ps->line, "blocks nested deeper than %d: skipped up to its '}'", DEPTH_MAX);
        return false;
}

/* The menu item of a block that opens: -1 for lack of memory. */
static long add_item(Parser *ps, const Block *b, const Block *parent) {
        GrubItem *n = realloc(ps->cfg.items, (ps->cfg.n_items + 1) * sizeof(GrubItem));
        if (!n)
                return -1;
        ps->cfg.items = n;
        GrubItem it = { .parent = parent ? parent->item : -1, .submenu = b->kind == BLOCK_SUBMENU, .entry = -1 };
        if ((b->title && !(it.title = strdup(b->title))) || (b->id && !(it.id = strdup(b->id)))) {
                free(it.title);
                return -1;
        }
        n[ps->cfg.n_items] = it;
        return (long) ps->cfg.n_items++;
}

static void open_entry(Parser *ps, BlockKind kind, const char *p) {
        /* Entries do not nest (grub-mkconfig never writes that): a new one
         * inside an entry means that entry lacks its '}'. */
        Block *e = innermost(ps, BLOCK_ENTRY);
        if (e) {
                _cleanup_free_ char *why = strdup_printf("before the %s on line %u", kind_name(kind), ps->line);
                size_t keep = (size_t) (e - ps->stack);
                while (ps->depth > keep)
                        pop_block(ps, why ? why : "");
        }
        if (!room_for_block(ps))
                return;
        Block *parent = innermost(ps, BLOCK_SUBMENU);
        Block b = { .kind = kind, .entry = -1, .item = -1, .line = ps->line };
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
                        : strdup_printf("%u", ps->top_children++);
        if (!b.path || (b.item = add_item(ps, &b, parent)) < 0) {
                block_done(&b);
                ps->r = -ENOMEM;
                return;
        }
        ps->stack[ps->depth++] = b;
}

/* A linux line: the entry's kernel and arguments (the last such line is
 * the one GRUB boots). */
static void add_linux(Parser *ps, const char *p, const char *end) {
        Block *e = innermost(ps, BLOCK_ENTRY);
        if (!e)
                return;
        _cleanup_free_ char *kernel = next_word(&p);
        if (!kernel || !*kernel) {
                report(ps, ps->line, "linux line without a kernel image in menuentry '%s'", strempty(e->title));
                return;
        }
        while (*p == ' ' || *p == '\t')
                p++;
        GrubEntry g = {
                .title = e->title ? strdup(e->title) : NULL,
                .id = e->id ? strdup(e->id) : NULL,
                .path = strdup(e->path),
                .kernel = TAKE_PTR(kernel),
                .args = p < end ? strndup(p, (size_t) (end - p)) : strdup(""),
        };
        g.release = kernel_release_of_image(g.kernel);
        g.item = e->item;
        if (!g.path || !g.args || (e->title && !g.title) || (e->id && !g.id)) {
                entry_done(&g);
                ps->r = -ENOMEM;
                return;
        }
        if (e->entry >= 0) {
                report(ps, ps->line, "another linux line in menuentry '%s' (line %u): this one is used",
                       strempty(e->title), e->line);
                entry_done(&ps->cfg.entries[e->entry]);
                ps->cfg.entries[e->entry] = g;
                return;
        }
        GrubEntry *ne = realloc(ps->cfg.entries, (ps->cfg.n + 1) * sizeof(GrubEntry));
        if (!ne) {
                entry_done(&g);
                ps->r = -ENOMEM;
                return;
        }
        ps->cfg.entries = ne;
        ne[ps->cfg.n] = g;
        e->entry = (long) ps->cfg.n++;
        if (e->item >= 0)
                ps->cfg.items[e->item].entry = e->entry;
}

static void parse_line(Parser *ps, const char *l) {
        const char *p = l;
        _cleanup_free_ char *cmd = next_word(&p);
        if (!cmd || cmd[0] == '#')
                return;
        size_t ll = strlen(l);
        while (ll > 0 && (l[ll - 1] == ' ' || l[ll - 1] == '\t' || l[ll - 1] == '\r'))
                ll--;
        bool opens = ll > 0 && l[ll - 1] == '{';
        bool entry = streq(cmd, "menuentry") || streq(cmd, "submenu");
        bool kernel = streq(cmd, "linux") || streq(cmd, "linux16") || streq(cmd, "linuxefi");

        if (streq(cmd, "}")) {
                if (ps->skipped)
                        ps->skipped--;
                else if (ps->depth > 0)
                        pop_block(ps, NULL);
                else
                        report(ps, ps->line, "'}' without a block to close");
                return;
        }
        if (ps->skipped) {
                /* Inside a skipped block only its nesting counts. */
                if (opens && (entry || streq(cmd, "function") || streq(cmd, "{")))
                        ps->skipped++;
                return;
        }
        if (ps->depth == 0 && !entry && !opens && strv_extend(&ps->cfg.top, l) < 0) {
                ps->r = -ENOMEM;
                return;
        }
        if ((entry || kernel) && open_quote(l))
                report(ps, ps->line, "the %s line leaves a quote open", cmd);
        if (entry) {
                if (opens)
                        open_entry(ps, streq(cmd, "submenu") ? BLOCK_SUBMENU : BLOCK_ENTRY, p);
                else
                        report(ps, ps->line, "%s without '{' at the end of its line: not read", cmd);
                return;
        }
        /* Other blocks with braces: functions, and a bare '{'. A '{' at the
         * end of any other command (a kernel argument, say) opens nothing. */
        if (opens && (streq(cmd, "function") || streq(cmd, "{"))) {
                if (room_for_block(ps))
                        ps->stack[ps->depth++] = (Block){ .kind = BLOCK_OTHER, .entry = -1, .item = -1, .line = ps->line };
                return;
        }
        if (kernel)
                add_linux(ps, p, l + ll);
}

int grub_cfg_parse(const char *text, GrubCfg *ret) {
        Parser ps = {0};

        for (const char *line = text; *line && ps.r >= 0;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                _cleanup_free_ char *l = strndup(line, len);
                line += len + (nl ? 1 : 0);
                ps.line++;
                if (!l) {
                        ps.r = -ENOMEM;
                        break;
                }
                parse_line(&ps, l);
        }
        while (ps.depth > 0)
                pop_block(&ps, "at the end of the file");
        if (ps.r >= 0 && ps.cfg.n_errors > GRUB_CFG_ERRORS_MAX &&
            strv_extendf(&ps.cfg.errors, "... and %u more errors not shown", ps.cfg.n_errors - GRUB_CFG_ERRORS_MAX) < 0)
                ps.r = -ENOMEM;
        if (ps.r < 0) {
                grub_cfg_done(&ps.cfg);
                return ps.r;
        }
        *ret = ps.cfg;
        return 0;
}
