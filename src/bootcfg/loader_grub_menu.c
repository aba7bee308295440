/* SPDX-License-Identifier: GPL-2.0-or-later */
/* GRUB at boot: the menu entry it picks and the command line the kernel
 * gets. The rules are GRUB's own (2.06 and 2.12, Debian's and Fedora's
 * rhboot tree alike), cited where they are not obvious. */
#include "basic/util.h"
#include "bootcfg/grubenv.h"
#include "bootcfg/loader_grub_menu.h"

void grub_vars_done(GrubVars *v) {
        strv_free(v->vars);
        v->vars = NULL;
}

const char *grub_vars_get(const GrubVars *v, const char *name) {
        size_t nl = strlen(name);
        const char *found = NULL;
        for (char **s = v->vars; s && *s; s++)
                if (strncmp(*s, name, nl) == 0 && (*s)[nl] == '=')
                        found = *s + nl + 1;
        return found;
}

int grub_vars_set(GrubVars *v, const char *name, const char *value) {
        return strv_extendf(&v->vars, "%s=%s", name, value);
}

int grub_vars_load_env(GrubVars *v, const char *text) {
        /* NAME=VALUE lines after the signature; grubenv_get() unescapes. */
        for (const char *l = text; l && *l;) {
                const char *nl = strchr(l, '\n'), *eq = strchr(l, '=');
                if (*l != '#' && eq && (!nl || eq < nl)) {
                        _cleanup_free_ char *name = strndup(l, (size_t) (eq - l));
                        _cleanup_free_ char *val = name ? grubenv_get(text, name) : NULL;
                        if (!name || (val && grub_vars_set(v, name, val) < 0))
                                return -ENOMEM;
                }
                /* An escaped newline continues the value. */
                while (nl && nl > l && nl[-1] == '\\')
                        nl = strchr(nl + 1, '\n');
                l = nl ? nl + 1 : NULL;
        }
        return 0;
}

static bool name_char(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* After '$' at *p: the variable's name (and *p past it), NULL when '$'
 * starts none (then it is a plain '$'). ${...} is GRUB's braced form. */
static char *var_name(const char **p) {
        const char *s = *p;
        if (*s == '{') {
                const char *e = strchr(s + 1, '}');
                if (!e || e == s + 1)
                        return NULL;
                *p = e + 1;
                return strndup(s + 1, (size_t) (e - s - 1));
        }
        const char *e = s;
        while (name_char(*e))
                e++;
        if (e == s)
                return NULL;
        *p = e;
        return strndup(s, (size_t) (e - s));
}

typedef struct {
        StrBuf word;
        bool started;  /* a word is being built (an empty quoted one counts) */
        char **words;
        int r;
} Words;

static void word_end(Words *w) {
        if (!w->started)
                return;
        char *s = strbuf_steal(&w->word);
        if (!s || strv_push(&w->words, s) < 0)
                w->r = -ENOMEM;
        w->started = false;
        strbuf_append(&w->word, "");
}

/* An unquoted expansion: split at blanks (grub-core/script/execute.c
 * parses the value into words again). */
static void unquoted_value(Words *w, const char *v) {
        for (; *v; v++) {
                if (*v == ' ' || *v == '\t' || *v == '\n')
                        word_end(w);
                else {
                        strbuf_appendn(&w->word, v, 1);
                        w->started = true;
                }
        }
}

int grub_script_words(const char *line, const GrubVars *vars, char ***ret) {
        Words w = {0};
        char q = 0;
        strbuf_append(&w.word, "");
        for (const char *p = line; *p && w.r >= 0;) {
                char c = *p;
                if (q == '\'') {
                        if (c == '\'')
                                q = 0;
                        else
                                strbuf_appendn(&w.word, p, 1);
                        p++;
                } else if (c == '\\' && p[1] && (!q || strchr("$\"\\\n", p[1]))) {
                        /* Unquoted, a backslash keeps any character; in
                         * double quotes only these. */
                        if (p[1] != '\n')
                                strbuf_appendn(&w.word, p + 1, 1);
                        w.started = true;
                        p += 2;
                } else if (c == '$') {
                        const char *after = p + 1;
                        _cleanup_free_ char *name = var_name(&after);
                        if (!name) {
                                strbuf_appendn(&w.word, p++, 1);
                                w.started = true;
                                continue;
                        }
                        const char *val = grub_vars_get(vars, name);
                        if (q)
                                strbuf_append(&w.word, strempty(val));
                        else
                                unquoted_value(&w, strempty(val));
                        p = after;
                } else if (q == '"') {
                        if (c == '"')
                                q = 0;
                        else
                                strbuf_appendn(&w.word, p, 1);
                        p++;
                } else if (c == '"' || c == '\'') {
                        q = c;
                        w.started = true;
                        p++;
                } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                        word_end(&w);
                        p++;
                } else {
                        strbuf_appendn(&w.word, p++, 1);
                        w.started = true;
                }
        }
        word_end(&w);
        strbuf_done(&w.word);
        if (w.r >= 0 && w.word.oom)
                w.r = -ENOMEM;
        if (w.r >= 0 && !w.words && !(w.words = calloc(1, sizeof(char *))))
                w.r = -ENOMEM;
        if (w.r < 0) {
                strv_free(w.words);
                return w.r;
        }
        *ret = w.words;
        return 0;
}

char *grub_loader_cmdline(char *const *args) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (char *const *a = args; a && *a; a++) {
                bool space = strchr(*a, ' ') != NULL;
                if (a != args)
                        strbuf_append(&b, " ");
                if (space)
                        strbuf_append(&b, "\"");
                for (const char *c = *a; *c; c++) {
                        if (*c == '\\' || *c == '\'' || *c == '"')
                                strbuf_append(&b, "\\");
                        strbuf_appendn(&b, c, 1);
                }
                if (space)
                        strbuf_append(&b, "\"");
        }
        return strbuf_steal(&b);
}

void grub_choice_done(GrubChoice *c) {
        free(c->once);
        free(c->then);
        *c = (GrubChoice){0};
}

/* menu.c's menuentry_eq(): id equals spec up to spec's first '>' that is
 * not doubled ('>>' is a '>' of the title). */
static bool menuentry_eq(const char *id, const char *spec) {
        if (!id)
                return false;
        for (;;) {
                if (*spec == '>' && spec[1] != '>')
                        return *id == 0;
                if (*spec == '>')
                        spec++;
                if (*id != *spec)
                        return false;
                if (*id == 0)
                        return true;
                id++;
                spec++;
        }
}

/* grub_strtoul(val, 0, 0) as get_entry_number() uses it: blanks skipped,
 * "0x" hexadecimal, a leading 0 octal; digits up to the first other byte;
 * false when there is no digit (GRUB_ERR_BAD_NUMBER). */
static bool grub_number(const char *s, unsigned long long *ret) {
        unsigned base = 10;
        unsigned long long n = 0;
        bool found = false;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                s++;
        if (s[0] == '0' && s[1] == 'x')
                base = 16, s += 2;
        else if (s[0] == '0' && s[1] >= '0' && s[1] <= '7')
                base = 8;
        for (;; s++) {
                unsigned d;
                char c = (char) (*s | 0x20);
                if (*s >= '0' && *s <= '9')
                        d = (unsigned) (*s - '0');
                else if (c >= 'a' && c <= 'z')
                        d = (unsigned) (c - 'a' + 10);
                else
                        break;
                if (d >= base)
                        break;
                found = true;
                if (n > (~0ULL - d) / base)
                        return false;  /* GRUB_ERR_OUT_OF_RANGE: no entry */
                n = n * base + d;
        }
        *ret = n;
        return found;
}

/* Upstream GRUB's get_entry_number() (Debian's, Ubuntu's): a number first
 * (its digits, whatever follows), else a title or an id. */
static long pick_upstream(const char *value, char *const *titles, char *const *ids, size_t n) {
        unsigned long long k;
        if (grub_number(value, &k))
                return k < n ? (long) k : -1;
        for (size_t i = 0; i < n; i++)
                if (menuentry_eq(titles[i], value) || menuentry_eq(ids[i], value))
                        return (long) i;
        return -1;
}

/* rhboot's menuentry_eq(): with a limit, id may end where spec has a
 * blank. Nonzero on a match. */
static long menuentry_eq_rh(const char *id, const char *spec, long limit) {
        const char *p1 = id, *p2 = spec;
        if (!id)
                return 0;
        while (limit == -1 || p1 - id <= limit) {
                if (*p2 == '>' && p2[1] != '>' && *p1 == 0)
                        return p2 - spec;
                if (*p2 == '>' && p2[1] != '>')
                        return 0;
                if (*p2 == '>')
                        p2++;
                if (*p1 != *p2) {
                        if (limit > -1 && p1 - id == limit && !*p1 && (*p2 == ' ' || *p2 == '\t' || *p2 == '\n'))
                                return p1 - id - 1;
                        return 0;
                }
                if (*p1 == 0)
                        return p1 - id;
                p1++, p2++;
        }
        return 0;
}

/* Fedora's and RHEL's GRUB (rhboot's get_entry_number_helper()): an id up
 * to the first blank, then a title, then a number that is all there is;
 * anything after the id makes it none. */
static long pick_rhboot(const char *value, char *const *titles, char *const *ids, size_t n) {
        size_t l = strcspn(value, " \t\n\r");
        for (size_t i = 0; i < n; i++)
                if (menuentry_eq_rh(ids[i], value, (long) l))
                        return value[l] ? -1 : (long) i;
        for (size_t i = 0; i < n; i++)
                if (menuentry_eq_rh(titles[i], value, -1))
                        return (long) i;
        char *end;
        const char *s = value + strspn(value, " \t\n\r");
        if (!(*s >= '0' && *s <= '9'))
                return -1;
        unsigned long long k = strtoull(s, &end, 0);
        if (*end && !strchr(" \t\n\r", *end))
                return -1;
        return k < n ? (long) k : -1;
}

long grub_menu_pick(const char *value, char *const *titles, char *const *ids, size_t n, GrubFlavor flavor) {
        return flavor == GRUB_RHBOOT ? pick_rhboot(value, titles, ids, n) : pick_upstream(value, titles, ids, n);
}

/* The items of one level of the menu (parent -1: the top). */
static size_t level_items(const GrubCfg *cfg, long parent, long *idx, char **titles, char **ids) {
        size_t n = 0;
        for (size_t i = 0; i < cfg->n_items; i++)
                if (cfg->items[i].parent == parent) {
                        idx[n] = (long) i;
                        titles[n] = cfg->items[i].title;
                        ids[n++] = cfg->items[i].id;
                }
        return n;
}

/* What 'default' is at the next level: the rest after the first '>' that
 * is not doubled (grub_menu_execute_entry()), NULL: unset. */
static const char *next_level(const char *def) {
        for (const char *p = def; p && *p; p++) {
                if (p[0] == '>' && p[1] == '>') {
                        p++;
                        continue;
                }
                if (p[0] == '>')
                        return p[1] ? p + 1 : NULL;
        }
        return NULL;
}

/* The entry 'default' leads to, submenu by submenu; a number out of range
 * or a name nothing has is the level's first item (run_menu()). */
const GrubEntry *grub_menu_resolve(const GrubCfg *cfg, const char *def) {
        _cleanup_free_ long *idx = calloc(cfg->n_items + 1, sizeof(long));
        _cleanup_free_ char **titles = calloc(cfg->n_items + 1, sizeof(char *));
        _cleanup_free_ char **ids = calloc(cfg->n_items + 1, sizeof(char *));
        long parent = -1;
        if (!idx || !titles || !ids)
                return NULL;
        for (;;) {
                size_t n = level_items(cfg, parent, idx, titles, ids);
                if (n == 0)
                        return NULL;
                long k = def ? grub_menu_pick(def, titles, ids, n, GRUB_UPSTREAM) : -1;
                const GrubItem *it = &cfg->items[idx[k < 0 ? 0 : k]];
                if (!it->submenu)
                        return it->entry >= 0 ? &cfg->entries[it->entry] : NULL;
                parent = idx[k < 0 ? 0 : k];
                def = next_level(def);
        }
}

/* A header line "set default=VALUE" (00_header): VALUE as written. */
static const char *set_default(const char *l) {
        while (*l == ' ' || *l == '\t')
                l++;
        return startswith(l, "set default=");
}

/* GRUB's single-quoted string at *p ('\'' for a quote inside, as
 * grub_quote writes it); *p moves past it. */
static char *single_quoted(const char **p) {
        StrBuf b = {0};
        const char *s = *p;
        strbuf_append(&b, "");
        while (*s == '\'') {
                const char *e = strchr(s + 1, '\'');
                if (!e) {
                        strbuf_done(&b);
                        return NULL;
                }
                strbuf_appendn(&b, s + 1, (size_t) (e - s - 1));
                s = e + 1;
                if (s[0] == '\\' && s[1] == '\'') {
                        strbuf_append(&b, "'");
                        s += 2;
                } else
                        break;
        }
        *p = s;
        return strbuf_steal(&b);
}

/* 10_linux's title corrections at the end of grub.cfg: if [ "x$default" =
 * 'OLD' ]; then default='NEW'; fi; (for titles of GRUB before 2.00). */
static int title_corrections(char *const *top, char **def) {
        static const char head[] = "if [ \"x$default\" = ";
        for (char *const *l = top; l && *l; l++)
                for (const char *p = strstr(*l, head); p; p = strstr(p, head)) {
                        p += strlen(head);
                        _cleanup_free_ char *old = single_quoted(&p), *new = NULL;
                        const char *q = old ? startswith(p, " ]; then default=") : NULL;
                        if (q && (new = single_quoted(&q)) && *def && streq(*def, old)) {
                                free(*def);
                                *def = TAKE_PTR(new);
                        }
                        if (!old)
                                break;
                }
        return 0;
}

/* The header's facts: whether it loads grubenv, honours next_entry, and
 * the value it gives 'default' otherwise (the last "set default=" that is
 * not next_entry's: after cmostest's button default, the plain one). */
typedef struct {
        bool load_env, next_entry, has_default;
        const char *default_expr;
} Header;

static Header read_header(char *const *top) {
        Header h = {0};
        for (char *const *l = top; l && *l; l++) {
                const char *s = *l;
                while (*s == ' ' || *s == '\t')
                        s++;
                const char *v = set_default(s);
                if (startswith(s, "load_env"))
                        h.load_env = true;
                else if (v && (streq(v, "\"${next_entry}\"") || streq(v, "${next_entry}")))
                        h.next_entry = true;
                else if (v) {
                        h.has_default = true;
                        h.default_expr = v;
                }
        }
        return h;
}

/* Top-level "set NAME=VALUE" of grub.cfg that grubenv did not set. */
static int top_level_vars(char *const *top, GrubVars *vars) {
        for (char *const *l = top; l && *l; l++) {
                const char *s = *l;
                while (*s == ' ' || *s == '\t')
                        s++;
                const char *a = startswith(s, "set ");
                const char *eq = a ? strchr(a, '=') : NULL;
                if (!eq || eq == a)
                        continue;
                _cleanup_free_ char *name = strndup(a, (size_t) (eq - a));
                _cleanup_strv_free_ char **w = NULL;
                if (!name)
                        return -ENOMEM;
                bool plain = true;
                for (const char *c = name; *c; c++)
                        plain = plain && name_char(*c);
                if (!plain || streq(name, "default") || grub_vars_get(vars, name))
                        continue;
                int r = grub_script_words(eq + 1, vars, &w);
                if (r < 0)
                        return r;
                if ((r = grub_vars_set(vars, name, w[0] ? w[0] : "")) < 0)
                        return r;
        }
        return 0;
}

int grub_menu_default(const GrubCfg *cfg, const char *grubenv, const char *grub_default, GrubVars *vars,
                         char **ret, char **ret_once) {
        Header h = cfg && cfg->top ? read_header(cfg->top) : (Header){ .load_env = true, .next_entry = true };
        _cleanup_free_ char *expr = NULL;
        int r = 0;
        if (h.load_env && grubenv && (r = grub_vars_load_env(vars, grubenv)) < 0)
                return r;
        if (cfg && (r = top_level_vars(cfg->top, vars)) < 0)
                return r;
        const char *next = h.next_entry ? grub_vars_get(vars, "next_entry") : NULL;
        if (next && *next) {
                /* 00_header: set default="${next_entry}", then clears it
                 * with save_env: this boot only. */
                if (!(*ret = strdup(next)) || !(*ret_once = strdup(next)))
                        return -ENOMEM;
                return 0;
        }
        if (h.has_default)
                expr = strdup(h.default_expr);
        else if (!cfg || !cfg->top)  /* 00_header's own rules: empty is 0, saved is ${saved_entry} */
                expr = strdup(!grub_default || !*grub_default ? "0" : streq(grub_default, "saved") ? "${saved_entry}" : grub_default);
        if ((h.has_default || !cfg || !cfg->top) && !expr)
                return -ENOMEM;
        _cleanup_strv_free_ char **w = NULL;
        if (expr && (r = grub_script_words(expr, vars, &w)) < 0)
                return r;
        if (w && w[0] && !(*ret = strdup(w[0])))
                return -ENOMEM;
        return cfg ? title_corrections(cfg->top, ret) : 0;
}

int grub_menu_choose(const GrubCfg *cfg, const char *grubenv_text, const char *grub_default, GrubVars *vars,
                     GrubChoice *ret) {
        _cleanup_free_ char *def = NULL, *once = NULL;
        int r = grub_menu_default(cfg, grubenv_text, grub_default, vars, &def, &once);
        if (r < 0)
                return r;
        GrubChoice c = { .entry = cfg ? grub_menu_resolve(cfg, def) : NULL, .once = TAKE_PTR(once) };
        if (c.once && cfg) {
                /* The boots after it: the header's default. */
                GrubVars rest = {0};
                char *const *saved = vars->vars;
                _cleanup_free_ char *d2 = NULL, *o2 = NULL;
                for (char *const *s = saved; s && *s && r >= 0; s++)
                        if (!startswith(*s, "next_entry="))
                                r = strv_extend(&rest.vars, *s);
                if (r >= 0)
                        r = grub_menu_default(cfg, NULL, grub_default, &rest, &d2, &o2);
                const GrubEntry *then = r >= 0 ? grub_menu_resolve(cfg, d2) : NULL;
                if (then && !(c.then = strdup(strempty(then->title))))
                        r = -ENOMEM;
                grub_vars_done(&rest);
        }
        if (r < 0) {
                grub_choice_done(&c);
                return r;
        }
        *ret = c;
        return 0;
}
