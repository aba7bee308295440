/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shell that /etc/default/grub and its drop-ins are written in, read
 * without running it: assignments (quoting, $VAR and ${VAR}, "export",
 * "unset"), comments and blank lines; anything else is a command only sh
 * would know the effect of. */
#include <stdarg.h>

#include "basic/util.h"
#include "bootcfg/grub_shell.h"
#include "kernel/cmdline.h"

/* Limits on what a hostile file can make the reader build: "A=$A$A"
 * repeated doubles a value per line. */
#define VALUE_MAX (64u * 1024)
#define VARS_MAX 1024u

void shell_vars_done(ShellVars *v) {
        for (size_t i = 0; i < v->n; i++) {
                free(v->vars[i].name);
                free(v->vars[i].value);
                free(v->vars[i].file);
                free(v->vars[i].quote_file);
        }
        free(v->vars);
        *v = (ShellVars){0};
}

const ShellVar *shell_vars_find(const ShellVars *v, const char *name) {
        for (size_t i = 0; i < v->n; i++)
                if (streq(v->vars[i].name, name))
                        return &v->vars[i];
        return NULL;
}

/* Values that are checked for an open quote at every assignment: a kernel
 * command line is at most 2 KiB; on a longer one (which the kernel cuts
 * anyway) grub_cmdline_var_check() still finds it, once, at the end. */
#define QUOTE_CHECK_MAX 4096u

/* Takes value (NULL = unknown); file (may be NULL) is copied. */
static int vars_set_take(ShellVars *v, const char *name, char *value, const char *file, unsigned line) {
        ShellVar *sv = NULL;
        for (size_t i = 0; i < v->n; i++)
                if (streq(v->vars[i].name, name)) {
                        sv = &v->vars[i];
                        break;
                }
        if (!sv) {
                if (v->n >= VARS_MAX) {
                        free(value);
                        return -E2BIG;
                }
                ShellVar *nv = realloc(v->vars, (v->n + 1) * sizeof(ShellVar));
                if (!nv) {
                        free(value);
                        return -ENOMEM;
                }
                v->vars = nv;
                char *n = strdup(name);
                if (!n) {
                        free(value);
                        return -ENOMEM;
                }
                sv = &v->vars[v->n++];
                *sv = (ShellVar){ .name = n };
        }
        char *f = NULL;
        if (file && !(f = strdup(file))) {
                free(value);
                return -ENOMEM;
        }
        free(sv->value);
        sv->value = value;
        free(sv->file);
        sv->file = f;
        sv->line = line;
        /* The assignment that opens a quote is the one to name; later ones
         * that only add to the value keep it. */
        bool open = value && startswith(name, "GRUB_CMDLINE_") && strnlen(value, QUOTE_CHECK_MAX + 1) <= QUOTE_CHECK_MAX &&
                    cmdline_text_open_quote(value, NULL) < 0;
        if (!open) {
                free(sv->quote_file);
                sv->quote_file = NULL;
                sv->quote_line = 0;
        } else if (!sv->quote_line) {
                if (file && !(sv->quote_file = strdup(file)))
                        return -ENOMEM;
                sv->quote_line = line ? line : 1;
        }
        return 0;
}

/* name: len bytes, not terminated. */
static void vars_unset(ShellVars *v, const char *name, size_t len) {
        for (size_t i = 0; i < v->n; i++)
                if (strlen(v->vars[i].name) == len && memcmp(v->vars[i].name, name, len) == 0) {
                        free(v->vars[i].name);
                        free(v->vars[i].value);
                        free(v->vars[i].file);
                        free(v->vars[i].quote_file);
                        memmove(&v->vars[i], &v->vars[i + 1], (v->n - i - 1) * sizeof(ShellVar));
                        v->n--;
                        return;
                }
}

int shell_vars_set(ShellVars *v, const char *name, const char *value) {
        char *c = NULL;
        if (value && !(c = strdup(value)))
                return -ENOMEM;
        return vars_set_take(v, name, c, NULL, 0);
}

int grub_cmdline_var_check(const ShellVars *v, const char *name, char **ret_error) {
        const ShellVar *sv = shell_vars_find(v, name);
        size_t off;

        if (!sv || !sv->value)
                return 0;
        int r = cmdline_text_open_quote(sv->value, &off);
        if (r != -EBADMSG)
                return r;
        if (ret_error) {
                /* Where it was opened; for a value too long to follow, where
                 * it was set last. */
                const char *file = sv->quote_line ? sv->quote_file : sv->file;
                unsigned line = sv->quote_line ? sv->quote_line : sv->line;
                _cleanup_free_ char *where = NULL;
                if (file)
                        where = strdup_printf("'%s' line %u: ", file, line);
                else if (line)
                        where = strdup_printf("line %u: ", line);
                else
                        where = strdup("");
                /* Shown from the start of the token the quote is in. */
                while (off > 0 && sv->value[off - 1] != ' ' && sv->value[off - 1] != '\t')
                        off--;
                *ret_error = where ? strdup_printf("%s%s leaves a double quote open at '%.40s': the kernel would take "
                                                   "every argument after it into that one",
                                                   where, name, sv->value + off) : NULL;
                if (!*ret_error)
                        return -ENOMEM;
        }
        return -EBADMSG;
}

char *shell_dquote_escape(const char *s) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (; *s; s++) {
                if (strchr("\\\"$`", *s))
                        strbuf_append(&b, "\\");
                strbuf_appendn(&b, s, 1);
        }
        return strbuf_steal(&b);
}

/* ---- the reader ---- */

typedef struct {
        const char *p, *end;
        unsigned line;
        ShellVars *v;
        const char *file;
        char *error;
        const char *assigning;  /* the variable whose value is being read */
        unsigned assign_line;   /* where that value began */
        unsigned dquote_line;   /* where the double quote being read opened, 0: none */
        const char *track;              /* a variable whose last assignment is wanted */
        const char *track_start, *track_end;  /* its value as written */
        bool after_export, after_unset;       /* in an "export" or "unset" command */
} Reader;

static bool is_name_start(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_name_char(char c) {
        return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

_printf_(2, 3)
static int fail(Reader *r, const char *fmt, ...) {
        va_list ap;
        _cleanup_free_ char *msg = NULL;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (r->error)
                return -EBADMSG;
        /* An error lines below the start of the value it is in: a quote
         * there was probably meant to close on its own line. */
        _cleanup_free_ char *in = NULL;
        if (r->assigning && r->assign_line != r->line)
                in = strdup_printf(" (in the value of %s, which began on line %u and is still open here)",
                                   r->assigning, r->assign_line);
        else if (r->assigning)
                in = strdup_printf(" (in the value of %s)", r->assigning);
        r->error = strdup_printf("line %u: %s%s", r->line, msg ? msg : "error", strempty(in));
        return -EBADMSG;
}

/* After "$(" or "`": skip to the end of the command substitution. */
static int skip_subst(Reader *r, char close) {
        unsigned depth = 1, start = r->line;
        while (r->p < r->end) {
                char c = *r->p++;
                if (c == '\n')
                        r->line++;
                else if (c == '\\' && r->p < r->end) {
                        if (*r->p == '\n')
                                r->line++;
                        r->p++;
                } else if (close == ')' && c == '(')
                        depth++;
                else if (c == close && --depth == 0)
                        return 0;
        }
        r->line = start;
        return fail(r, "unterminated command substitution");
}

/* r->p is after '$'. */
static int expand(Reader *r, StrBuf *b, bool *unknown) {
        if (r->p >= r->end) {
                strbuf_append(b, "$");
                return 0;
        }
        char c = *r->p;
        _cleanup_free_ char *name = NULL;
        if (c == '{') {
                unsigned start = r->line;
                const char *s = ++r->p;
                while (r->p < r->end && is_name_char(*r->p))
                        r->p++;
                if (r->p < r->end && *r->p == '}' && r->p > s && is_name_start(*s)) {
                        name = strndup(s, (size_t) (r->p - s));
                        r->p++;
                } else {
                        /* ${VAR:-word} and the like: known to the shell, not
                         * evaluated here. */
                        unsigned depth = 1;
                        while (r->p < r->end && depth) {
                                if (*r->p == '{')
                                        depth++;
                                else if (*r->p == '}')
                                        depth--;
                                else if (*r->p == '\n')
                                        r->line++;
                                r->p++;
                        }
                        if (depth) {
                                r->line = start;
                                return fail(r, "unterminated ${");
                        }
                        *unknown = true;
                        return 0;
                }
        } else if (is_name_start(c)) {
                const char *s = r->p;
                while (r->p < r->end && is_name_char(*r->p))
                        r->p++;
                name = strndup(s, (size_t) (r->p - s));
        } else if (c == '(') {
                r->p++;
                *unknown = true;
                return skip_subst(r, ')');
        } else if (is_blank(c) || c == '\n' || c == '"' || c == '\'') {
                strbuf_append(b, "$");
                return 0;
        } else {
                r->p++;  /* $1, $$, $? ...: set by the shell */
                *unknown = true;
                return 0;
        }
        if (!name)
                return -ENOMEM;
        const ShellVar *v = shell_vars_find(r->v, name);
        if (v && !v->value)
                *unknown = true;
        else if (v)
                strbuf_append(b, v->value);
        return 0;
}

/* r->p is after the opening '. */
static int read_squote(Reader *r, StrBuf *b) {
        const char *e = memchr(r->p, '\'', (size_t) (r->end - r->p));
        if (!e)
                return fail(r, "unterminated '");
        for (const char *q = r->p; q < e; q++)
                r->line += *q == '\n';
        strbuf_appendn(b, r->p, (size_t) (e - r->p));
        r->p = e + 1;
        return 0;
}

/* r->p is after the opening ". */
static int read_dquote(Reader *r, StrBuf *b, bool *unknown) {
        int k;
        r->dquote_line = r->line;
        for (;;) {
                if (r->p >= r->end) {
                        r->line = r->dquote_line;
                        return fail(r, "unterminated \"");
                }
                char d = *r->p++;
                if (d == '"') {
                        r->dquote_line = 0;
                        return 0;
                }
                if (d == '\\' && r->p < r->end && strchr("$`\"\\\n", *r->p)) {
                        if (*r->p == '\n')
                                r->line++;
                        else
                                strbuf_appendn(b, r->p, 1);
                        r->p++;
                } else if (d == '$') {
                        if ((k = expand(r, b, unknown)) < 0)
                                return k;
                } else if (d == '`') {
                        *unknown = true;
                        if ((k = skip_subst(r, '`')) < 0)
                                return k;
                } else {
                        r->line += d == '\n';
                        strbuf_appendn(b, &d, 1);
                }
        }
}

/* One character c of an unquoted word (r->p after it), or the quoted
 * string, escape or expansion it opens. */
static int read_unquoted(Reader *r, char c, StrBuf *b, bool *unknown) {
        switch (c) {
        case '\'':
                return read_squote(r, b);
        case '"':
                return read_dquote(r, b, unknown);
        case '\\':
                if (r->p < r->end) {
                        if (*r->p == '\n')
                                r->line++;
                        else
                                strbuf_appendn(b, r->p, 1);
                        r->p++;
                }
                return 0;
        case '$':
                return expand(r, b, unknown);
        case '`':
                *unknown = true;
                return skip_subst(r, '`');
        default:
                strbuf_appendn(b, &c, 1);
                return 0;
        }
}

/* The value of an assignment, up to the blank, newline or ';' that ends
 * it; *ret NULL: unknown (a command substitution, $1, ${VAR:-word} ...). */
static int read_value(Reader *r, char **ret) {
        StrBuf b = {0};
        bool unknown = false;
        int k = 0;

        strbuf_append(&b, "");
        while (r->p < r->end && k >= 0) {
                char c = *r->p;
                if (is_blank(c) || c == '\n' || c == ';')
                        break;
                if (strchr("|&<>()", c)) {
                        k = fail(r, "shell operator '%c'", c);
                        break;
                }
                r->p++;
                k = read_unquoted(r, c, &b, &unknown);
                if (k >= 0 && b.len > VALUE_MAX)
                        k = fail(r, "value longer than %u bytes", VALUE_MAX);
        }
        if (k >= 0 && b.oom)
                k = -ENOMEM;
        if (k < 0 || unknown) {
                strbuf_done(&b);
                *ret = NULL;
                return k < 0 ? k : 0;
        }
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

static int eval_reader(Reader *rd, char **ret_error);

int shell_eval(ShellVars *v, const char *text, size_t size, char **ret_error) {
        return shell_eval_file(v, NULL, text, size, ret_error);
}

int shell_eval_file(ShellVars *v, const char *file, const char *text, size_t size, char **ret_error) {
        Reader r = { .p = text, .end = text + size, .line = 1, .v = v, .file = file };
        return eval_reader(&r, ret_error);
}

/* Blanks, newlines and ';' (which end an "export" or "unset"), comments
 * and line continuations: true when one was skipped. */
static bool skip_space(Reader *r) {
        char c = *r->p;
        if (is_blank(c))
                r->p++;
        else if (c == '\n' || c == ';') {
                r->line += c == '\n';
                r->after_export = r->after_unset = false;
                r->p++;
        } else if (c == '#') {
                while (r->p < r->end && *r->p != '\n')
                        r->p++;
        } else if (c == '\\' && r->p + 1 < r->end && r->p[1] == '\n') {
                r->p += 2;
                r->line++;
        } else
                return false;
        return true;
}

/* The word s (len bytes, standing alone) as "export", "unset" or a name
 * after them: true when it was one. "unset NAME...": images' drop-ins use
 * it for obsolete variables (GRUB_HIDDEN_TIMEOUT). */
static bool builtin_word(Reader *r, const char *s, size_t len) {
        if (len == 6 && memcmp(s, "export", 6) == 0) {
                r->after_export = true;
                return true;
        }
        if (len == 5 && memcmp(s, "unset", 5) == 0 && !r->after_export) {
                r->after_unset = true;
                return true;
        }
        if (len == 0 || !is_name_start(*s))
                return false;
        if (r->after_unset) {
                vars_unset(r->v, s, len);
                return true;
        }
        return r->after_export;
}

/* NAME=VALUE, r->p at the '=': the value read and set. */
static int assignment(Reader *r, const char *name) {
        char *value = NULL;
        r->p++;
        unsigned line = r->line;
        const char *vstart = r->p;
        r->assigning = name;
        r->assign_line = line;
        int k = read_value(r, &value);
        r->assigning = NULL;
        r->dquote_line = 0;
        if (k < 0)
                return k;
        if (r->track && streq(name, r->track)) {
                r->track_start = vstart;
                r->track_end = r->p;
        }
        if (!(r->p >= r->end || is_blank(*r->p) || *r->p == '\n' || *r->p == ';')) {
                free(value);
                return fail(r, "unexpected '%c'", *r->p);
        }
        if ((k = vars_set_take(r->v, name, value, r->file, line)) == -E2BIG)
                k = fail(r, "more than %u variables", VARS_MAX);
        return k;
}

static int eval_reader(Reader *rd, char **ret_error) {
        Reader r = *rd;
        int k = 0;

        if (memchr(r.p, 0, (size_t) (r.end - r.p))) {
                /* The shell would stop reading or choke; say so rather than guess. */
                for (const char *q = r.p; *q; q++)
                        r.line += *q == '\n';
                k = fail(&r, "NUL byte");
        }
        while (k >= 0 && r.p < r.end) {
                if (skip_space(&r))
                        continue;
                const char *s = r.p;
                while (r.p < r.end && is_name_char(*r.p))
                        r.p++;
                size_t len = (size_t) (r.p - s);
                bool word_end = r.p >= r.end || is_blank(*r.p) || *r.p == '\n' || *r.p == ';';
                if (word_end && builtin_word(&r, s, len))
                        continue;
                if (len > 0 && is_name_start(*s) && r.p < r.end && *r.p == '=') {
                        _cleanup_free_ char *name = strndup(s, len);
                        if (!name)
                                return -ENOMEM;
                        k = assignment(&r, name);
                        continue;
                }
                /* Anything else is a command grub-mkconfig would run. */
                size_t show = 0;
                while (s + show < r.end && show < 40 && s[show] != '\n')
                        show++;
                k = fail(&r, "not an assignment: '%.*s'", (int) show, s);
        }
        if (k < 0 && ret_error) {
                *ret_error = r.error;
                r.error = NULL;
        }
        free(r.error);
        r.error = NULL;
        *rd = r;
        return k;
}

int shell_eval_tracked(const char *text, const char *name, ShellVars *v, const char **ret_start,
                        const char **ret_end, char **ret_error) {
        Reader r = { .p = text, .end = text + strlen(text), .line = 1, .v = v, .track = name };
        int k = eval_reader(&r, ret_error);
        *ret_start = r.track_start;
        *ret_end = r.track_end;
        return k;
}
