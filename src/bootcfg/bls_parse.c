/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Boot Loader Specification type #1 entries: the parser, the menu order,
 * and the edit of their options lines as tokens. */
#include "bootcfg/bls_parse.h"
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

/* First pass: the tokens present where they count (target's line, or all
 * lines joined), whether a quote stays open there, and the last options
 * line. */
typedef struct {
        char **present;
        size_t quotes, last;
        bool last_quoted;  /* the last options line's value is one quoted string */
} EditScan;

static bool wholly_quoted(const char *v, size_t len) {
        return len >= 2 && v[0] == '"' && v[len - 1] == '"';
}

static int edit_scan(const char *text, char *const *remove, size_t target, EditScan *ret) {
        _cleanup_(strbuf_done) StrBuf joined = {0};
        size_t size = strlen(text);
        EditScan sc = { .last = SIZE_MAX };
        EntryLine ln;
        strbuf_append(&joined, "");
        for (size_t pos = 0; next_line(text, size, &pos, &ln);) {
                if (!line_key(&ln, "options"))
                        continue;
                const char *v = ln.l + ln.val_off;
                if (memchr(v, '$', ln.val_len) && !vars_whole(v, ln.val_len))
                        return -EOPNOTSUPP;
                sc.last = ln.pos;
                if (target != SIZE_MAX && ln.pos != target)
                        continue;
                size_t line_quotes = 0;
                for (size_t q = 0; q < ln.val_len; q++)
                        line_quotes += v[q] == '"';
                /* A quote open at a line's end: whether the loader joins it
                 * with the next line decides what the kernel sees; numacma
                 * does not guess. */
                sc.quotes += line_quotes % 2;
                /* systemd-boot takes the quotes off a value that is one
                 * double-quoted string (line_get_key_value()). */
                bool whole = target == SIZE_MAX && wholly_quoted(v, ln.val_len);
                sc.last_quoted = whole;
                if (ln.val_len - 2 * whole) {
                        if (joined.len)
                                strbuf_append(&joined, " ");
                        strbuf_appendn(&joined, v + whole, ln.val_len - 2 * whole);
                }
        }
        _cleanup_free_ char *all = strbuf_steal(&joined);
        _cleanup_strv_free_ char **toks = NULL;
        int r = all ? tokens_of(all, &toks) : -ENOMEM;
        for (char **t = toks; r >= 0 && *t; t++)
                if (!strv_contains(remove, *t))
                        r = strv_extend(&sc.present, *t);
        if (r < 0) {
                strv_free(sc.present);
                return r;
        }
        *ret = sc;
        return 0;
}

/* One options line with remove taken out and add appended; the key and
 * its separator as written (an empty value gets one blank after the key). */
static int edit_line(StrBuf *out, const EntryLine *ln, char *const *remove, char *const *add) {
        _cleanup_free_ char *v = strndup(ln->l + ln->val_off, ln->val_len), *nv = NULL;
        if (!v)
                return -ENOMEM;
        int r = tokens_edit(v, remove, add, &nv);
        if (r < 0)
                return r;
        /* A line that held only tokens taken out goes whole: numacma made
         * it (an entry without an options line, or after a quoted one). */
        if (*v && !*nv)
                return 0;
        strbuf_appendn(out, ln->l, ln->val_off);
        if (ln->val_off == (size_t) (ln->key - ln->l) + ln->key_len && *nv)
                strbuf_append(out, " ");
        strbuf_append(out, nv);
        strbuf_appendn(out, ln->l + ln->val_off + ln->val_len, ln->full - ln->val_off - ln->val_len);
        return 0;
}

int bls_entry_edit_at(const char *text, char *const *remove, char *const *want, char *const *move, size_t target,
                      char **ret) {
        _cleanup_strv_free_ char **add = NULL, **rm_other = NULL;
        EditScan sc;
        StrBuf out = {0};
        int r = edit_scan(text, remove, target, &sc);
        if (r < 0)
                return r;
        for (char *const *t = want; r >= 0 && t && *t; t++)
                if (!strv_contains(sc.present, *t))
                        r = strv_extend(&add, *t);
        strv_free(sc.present);
        /* After a quote left open an appended token would become part of
         * the quoted value. */
        if (r >= 0 && add && sc.quotes)
                r = -EINVAL;
        for (char *const *t = remove; r >= 0 && t && *t; t++)
                r = strv_extend(&rm_other, *t);
        /* Moved: numacma's own tokens that the target line gets now. */
        for (char *const *t = move; r >= 0 && t && *t; t++)
                if (strv_contains(add, *t))
                        r = strv_extend(&rm_other, *t);
        if (r < 0)
                return r;
        /* systemd-boot: a token after a quoted value would keep it from
         * being unquoted; the tokens get a line of their own then. */
        size_t at = target != SIZE_MAX ? target : sc.last_quoted ? SIZE_MAX : sc.last;
        strbuf_append(&out, "");
        EntryLine ln;
        for (size_t pos = 0; r >= 0 && next_line(text, strlen(text), &pos, &ln);) {
                if (!line_key(&ln, "options"))
                        strbuf_appendn(&out, ln.l, ln.full);
                else
                        r = edit_line(&out, &ln, ln.pos == at ? remove : rm_other, ln.pos == at ? add : NULL);
        }
        if (r >= 0 && at == SIZE_MAX && add) {
                _cleanup_free_ char *line = strv_join(add, " ");
                if (out.len && out.buf[out.len - 1] != '\n')
                        strbuf_append(&out, "\n");
                strbuf_printf(&out, "options %s\n", strempty(line));
                if (!line)
                        r = -ENOMEM;
        }
        char *s = strbuf_steal(&out);
        if (r < 0 || !s) {
                free(s);
                return r < 0 ? r : -ENOMEM;
        }
        *ret = s;
        return 0;
}

int bls_entry_edit(const char *text, char *const *remove, char *const *want, char **ret) {
        return bls_entry_edit_at(text, remove, want, NULL, SIZE_MAX, ret);
}
