/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot Loader Specification type #1 entries: the parser, the menu order,
 * and the edit of their options lines as tokens. */
#include "bootcfg/bls.h"
#include "basic/util.h"
#include "kernel/cmdline.h"
#include "kernel/cmdline_tokens.h"

void bls_entry_done(BlsEntry *e) {
        free(e->id);
        free(e->title);
        free(e->version);
        free(e->linux_path);
        free(e->sort_key);
        free(e->machine_id);
        free(e->options);
        *e = (BlsEntry){0};
}

static bool bls_space(char c) {
        return c == ' ' || c == '\t';
}

/* One line: key, then whitespace, then the value (trailing whitespace off). */
void bls_line_split(const char *l, size_t len, size_t *key_len, size_t *val_off, size_t *val_len) {
        size_t i = 0;
        while (i < len && bls_space(l[i]))
                i++;
        size_t ks = i;
        while (i < len && !bls_space(l[i]))
                i++;
        *key_len = i - ks;
        while (i < len && bls_space(l[i]))
                i++;
        *val_off = i;
        size_t e = len;
        while (e > i && (bls_space(l[e - 1]) || l[e - 1] == '\r'))
                e--;
        *val_len = e - i;
}

/* One line of an entry, split: the walk every reader of entries makes. */
typedef struct {
        const char *l;       /* the line, without its newline */
        size_t len;
        size_t full;         /* with the newline, when there is one */
        size_t pos;          /* where it starts in the text */
        const char *key;
        size_t key_len, val_off, val_len;
} EntryLine;

static bool next_line(const char *text, size_t size, size_t *pos, EntryLine *ret) {
        if (*pos >= size)
                return false;
        const char *l = text + *pos;
        const char *nl = memchr(l, '\n', size - *pos);
        EntryLine e = { .l = l, .len = nl ? (size_t) (nl - l) : size - *pos, .pos = *pos };
        e.full = e.len + (nl ? 1 : 0);
        bls_line_split(l, e.len, &e.key_len, &e.val_off, &e.val_len);
        e.key = l;
        while (e.key < l + e.len && bls_space(*e.key))
                e.key++;
        *pos += e.full;
        *ret = e;
        return true;
}

static bool line_key(const EntryLine *e, const char *key) {
        return e->key_len == strlen(key) && memcmp(e->key, key, e->key_len) == 0;
}

int bls_entry_parse(const char *text, size_t size, BlsEntry *ret) {
        BlsEntry e = {0};
        StrBuf opts = {0};
        int r = 0;

        if (memchr(text, 0, size))
                return -EBADMSG;
        strbuf_append(&opts, "");
        EntryLine ln;
        for (size_t pos = 0; r >= 0 && next_line(text, size, &pos, &ln);) {
                if (ln.key_len == 0 || *ln.key == '#')
                        continue;
                char **field = NULL;
                if (line_key(&ln, "title"))
                        field = &e.title;
                else if (line_key(&ln, "version"))
                        field = &e.version;
                else if (line_key(&ln, "linux"))
                        field = &e.linux_path;
                else if (line_key(&ln, "sort-key"))
                        field = &e.sort_key;
                else if (line_key(&ln, "machine-id"))
                        field = &e.machine_id;
                else if (line_key(&ln, "options")) {
                        if (ln.val_len) {
                                if (opts.len)
                                        strbuf_append(&opts, " ");
                                strbuf_appendn(&opts, ln.l + ln.val_off, ln.val_len);
                        }
                        e.n_options++;
                }
                if (field) {
                        free(*field);
                        if (!(*field = strndup(ln.l + ln.val_off, ln.val_len)))
                                r = -ENOMEM;
                }
        }
        e.options = strbuf_steal(&opts);
        if (r >= 0 && !e.options)
                r = -ENOMEM;
        if (r < 0) {
                bls_entry_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

const char *bls_entry_release(const BlsEntry *e) {
        return e->version;
}

static int strcmp_ptr(const char *a, const char *b) {
        return strcmp(strempty(a), strempty(b));
}

int bls_entry_compare(const BlsEntry *a, const BlsEntry *b) {
        if (!a->sort_key != !b->sort_key)
                return a->sort_key ? -1 : 1;
        if (a->sort_key) {
                int k = strcmp(a->sort_key, b->sort_key);
                if (k)
                        return k;
                if ((k = strcmp_ptr(a->machine_id, b->machine_id)))
                        return k;
                if ((k = strverscmp(strempty(b->version), strempty(a->version))))
                        return k;
        }
        return strverscmp(strempty(b->id), strempty(a->id));
}

static bool var_char(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Every '$' starts a whole token $NAME or ${NAME} (RHEL's $tuned_params):
 * the loader's variable, a token of its own that an edit keeps. */
static bool vars_whole(const char *v, size_t len) {
        for (size_t i = 0; i < len; i++) {
                if (v[i] != '$')
                        continue;
                if (i > 0 && v[i - 1] != ' ' && v[i - 1] != '\t')
                        return false;
                size_t j = i + 1;
                bool brace = j < len && v[j] == '{';
                j += brace;
                size_t s = j;
                while (j < len && var_char(v[j]))
                        j++;
                if (j == s || (brace && (j >= len || v[j++] != '}')) || (j < len && v[j] != ' ' && v[j] != '\t'))
                        return false;
                i = j;
        }
        return true;
}

int bls_entry_edit(const char *text, char *const *remove, char *const *want, char **ret) {
        StrBuf out = {0};
        size_t size = strlen(text), last_opt_end = SIZE_MAX, quotes = 0;
        _cleanup_strv_free_ char **present = NULL;
        _cleanup_(strbuf_done) StrBuf joined = {0};
        int r = 0;

        /* First pass: where the last options line ends, what is present. */
        strbuf_append(&joined, "");
        EntryLine ln;
        for (size_t pos = 0; next_line(text, size, &pos, &ln);) {
                if (!line_key(&ln, "options"))
                        continue;
                const char *v = ln.l + ln.val_off;
                if (memchr(v, '$', ln.val_len) && !vars_whole(v, ln.val_len))
                        return -EOPNOTSUPP;
                size_t line_quotes = 0;
                for (size_t q = 0; q < ln.val_len; q++)
                        line_quotes += v[q] == '"';
                /* A quote open at a line's end: whether the loader
                 * joins it with the next line decides what the
                 * kernel sees; numacma does not guess. */
                quotes += line_quotes % 2;
                if (ln.val_len) {
                        if (joined.len)
                                strbuf_append(&joined, " ");
                        strbuf_appendn(&joined, v, ln.val_len);
                }
                last_opt_end = ln.pos;
        }
        /* What is present is what the loader passes: the lines joined. */
        _cleanup_free_ char *all = strbuf_steal(&joined);
        _cleanup_strv_free_ char **toks = NULL;
        if (!all || (r = tokens_of(all, &toks)) < 0)
                return r < 0 ? r : -ENOMEM;
        for (char **t = toks; *t; t++)
                if (!strv_contains(remove, *t) && (r = strv_extend(&present, *t)) < 0)
                        return r;
        _cleanup_strv_free_ char **add = NULL;
        for (char *const *t = want; t && *t; t++)
                if (!strv_contains(present, *t) && (r = strv_extend(&add, *t)) < 0)
                        return r;
        /* After a quote left open an appended token would become part of
         * the quoted value. With every line's quotes closed, each line's
         * tokens are the joined line's. */
        if (add && quotes)
                return -EINVAL;

        strbuf_append(&out, "");
        for (size_t pos = 0; next_line(text, size, &pos, &ln);) {
                if (!line_key(&ln, "options")) {
                        strbuf_appendn(&out, ln.l, ln.full);
                        continue;
                }
                _cleanup_free_ char *v = strndup(ln.l + ln.val_off, ln.val_len), *nv = NULL;
                if (!v)
                        return -ENOMEM;
                r = tokens_edit(v, remove, ln.pos == last_opt_end ? add : NULL, &nv);
                if (r < 0) {
                        strbuf_done(&out);
                        return r;
                }
                /* Keep the key and its separator as written; a value that
                 * was empty gets one space after the key. */
                strbuf_appendn(&out, ln.l, ln.val_off);
                if (ln.val_off == (size_t) (ln.key - ln.l) + ln.key_len && *nv)
                        strbuf_append(&out, " ");
                strbuf_append(&out, nv);
                strbuf_appendn(&out, ln.l + ln.val_off + ln.val_len, ln.full - ln.val_off - ln.val_len);
        }
        if (last_opt_end == SIZE_MAX && add) {
                _cleanup_free_ char *line = strv_join(add, " ");
                if (!line) {
                        strbuf_done(&out);
                        return -ENOMEM;
                }
                if (out.len && out.buf[out.len - 1] != '\n')
                        strbuf_append(&out, "\n");
                strbuf_printf(&out, "options %s\n", line);
        }
        char *s = strbuf_steal(&out);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
