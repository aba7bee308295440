/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>

#include "kernel/cmdline.h"
#include "basic/util.h"

/* The kernel's isspace() (lib/ctype.c): also 0xa0, which glibc's does not
 * count in the C locale, and independent of the process's locale. */
static bool kernel_isspace(char ch) {
        unsigned char c = (unsigned char) ch;
        return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* A token whose double quotes are all closed: nothing after it joins it. */
static bool token_closed(const char *s) {
        bool q = false;
        for (; *s; s++)
                if (*s == '"')
                        q = !q;
        return !q;
}

static void token_done(CmdlineToken *t) {
        free(t->text);
        free(t->sep);
        free(t->key);
        free(t->value);
}

void cmdline_free(Cmdline *c) {
        if (!c)
                return;
        for (size_t i = 0; i < c->n; i++)
                token_done(&c->tokens[i]);
        free(c->tokens);
        free(c->trailer);
        free(c);
}

/* Split one token's text into key and value as lib/cmdline.c next_arg(). */
static int token_split(CmdlineToken *t) {
        const char *s = t->text;
        size_t len = strlen(s), start = 0, equals = 0;
        bool in_quote = false, quoted = false;

        if (s[0] == '"') {
                start = 1;
                in_quote = quoted = true;
        }
        for (size_t i = start; i < len; i++) {
                /* next_arg() only records '=' at an offset above 0. */
                if (equals == 0 && s[i] == '=' && i > start)
                        equals = i;
                if (s[i] == '"')
                        in_quote = !in_quote;
        }
        (void) in_quote;
        size_t end = len;
        if (equals == 0) {
                if (quoted && end > start && s[end - 1] == '"')
                        end--;
                t->key = strndup(s + start, end - start);
                t->value = NULL;
                return t->key ? 0 : -ENOMEM;
        }
        t->key = strndup(s + start, equals - start);
        size_t vs = equals + 1;
        if (vs < end && s[vs] == '"') {
                vs++;
                if (end > vs && s[end - 1] == '"')
                        end--;
        } else if (quoted && end > vs && s[end - 1] == '"')
                end--;
        t->value = strndup(s + vs, end > vs ? end - vs : 0);
        return t->key && t->value ? 0 : -ENOMEM;
}

static int push_token(Cmdline *c, const char *sep, size_t sep_len, const char *text, size_t len, bool init) {
        CmdlineToken *nt = realloc(c->tokens, (c->n + 1) * sizeof(CmdlineToken));
        if (!nt)
                return -ENOMEM;
        c->tokens = nt;
        CmdlineToken *t = &c->tokens[c->n];
        *t = (CmdlineToken){ .init = init };
        t->sep = strndup(sep, sep_len);
        t->text = strndup(text, len);
        if (!t->sep || !t->text) {
                token_done(t);
                return -ENOMEM;
        }
        int r = token_split(t);
        if (r < 0) {
                token_done(t);
                return r;
        }
        c->n++;
        return 0;
}

int cmdline_parse(const char *line, Cmdline **ret) {
        Cmdline *c = calloc(1, sizeof(Cmdline));
        const char *p = line;
        bool init = false;
        int r;

        if (!c)
                return -ENOMEM;
        for (;;) {
                const char *sep = p;
                while (*p && kernel_isspace(*p))
                        p++;
                if (!*p) {
                        c->trailer = strndup(sep, (size_t) (p - sep));
                        if (!c->trailer) {
                                cmdline_free(c);
                                return -ENOMEM;
                        }
                        break;
                }
                const char *start = p;
                bool in_quote = false;
                for (; *p; p++) {
                        if (kernel_isspace(*p) && !in_quote)
                                break;
                        if (*p == '"')
                                in_quote = !in_quote;
                }
                r = push_token(c, sep, (size_t) (start - sep), start, (size_t) (p - start), init);
                if (r < 0) {
                        cmdline_free(c);
                        return r;
                }
                CmdlineToken *t = &c->tokens[c->n - 1];
                /* parse_args() stops at a param "--" without value (also
                 * written "\"--\"", as next_arg() strips the quotes): the
                 * rest is init's. */
                if (!init && !t->value && streq(t->key, "--")) {
                        init = true;
                        t->init = true;
                }
        }
        *ret = c;
        return 0;
}

int cmdline_open_quote(const Cmdline *c, size_t *ret_offset) {
        size_t pos = 0;
        for (size_t i = 0; i < c->n; i++) {
                const CmdlineToken *t = &c->tokens[i];
                pos += strlen(t->sep);
                /* Only the last token can hold an open quote: it runs to
                 * the end of the line. */
                if (i == c->n - 1 && !t->init && !token_closed(t->text)) {
                        size_t open = 0;
                        bool q = false;
                        for (size_t k = 0; t->text[k]; k++)
                                if (t->text[k] == '"') {
                                        q = !q;
                                        if (q)
                                                open = k;
                                }
                        if (ret_offset)
                                *ret_offset = pos + open;
                        return -EBADMSG;
                }
                pos += strlen(t->text);
        }
        return 0;
}

/* What token_split() and cmdline_parse() make of a token: a bare "--"
 * (also "\"--\"" or "\"--"), which ends the kernel's part. */
static bool token_is_dashdash(const char *s, size_t len) {
        size_t start = s[0] == '"', end = len;
        for (size_t i = start + 1; i < len; i++)
                if (s[i] == '=')
                        return false;
        if (start && end > start && s[end - 1] == '"')
                end--;
        return end - start == 2 && s[start] == '-' && s[start + 1] == '-';
}

int cmdline_text_open_quote(const char *line, size_t *ret_offset) {
        const char *p = line;
        for (;;) {
                while (*p && kernel_isspace(*p))
                        p++;
                if (!*p)
                        return 0;
                const char *start = p, *open = NULL;
                bool in_quote = false;
                for (; *p; p++) {
                        if (kernel_isspace(*p) && !in_quote)
                                break;
                        if (*p == '"' && (in_quote = !in_quote))
                                open = p;
                }
                if (token_is_dashdash(start, (size_t) (p - start)))
                        return 0;  /* the rest is init's */
                if (in_quote) {
                        if (ret_offset)
                                *ret_offset = (size_t) (open - line);
                        return -EBADMSG;
                }
        }
}

int cmdline_parse_closed(const char *line, Cmdline **ret, size_t *ret_offset) {
        Cmdline *c;
        int r = cmdline_text_open_quote(line, ret_offset);
        if (r < 0)
                return r;
        r = cmdline_parse(line, &c);
        if (r < 0)
                return r;
        *ret = c;
        return 0;
}

bool cmdline_key_eq(const char *a, const char *b) {
        for (; *a && *b; a++, b++) {
                char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
                if (x != y)
                        return false;
        }
        return *a == *b;
}

int cmdline_find_last(const Cmdline *c, const char *key) {
        int found = -1;
        for (size_t i = 0; i < c->n; i++)
                if (!c->tokens[i].init && cmdline_key_eq(c->tokens[i].key, key))
                        found = (int) i;
        return found;
}

size_t cmdline_count(const Cmdline *c, const char *key) {
        size_t n = 0;
        for (size_t i = 0; i < c->n; i++)
                if (!c->tokens[i].init && cmdline_key_eq(c->tokens[i].key, key))
                        n++;
        return n;
}

const char *cmdline_get(const Cmdline *c, const char *key) {
        int i = cmdline_find_last(c, key);
        return i < 0 ? NULL : c->tokens[i].value;
}

static void remove_at(Cmdline *c, size_t i) {
        CmdlineToken *t = &c->tokens[i];
        /* Keep the line's leading whitespace with the first token. */
        if (i == 0 && c->n > 1) {
                free(c->tokens[1].sep);
                c->tokens[1].sep = TAKE_PTR(t->sep);
        }
        token_done(t);
        memmove(&c->tokens[i], &c->tokens[i + 1], (c->n - i - 1) * sizeof(CmdlineToken));
        c->n--;
}

int cmdline_remove_text(Cmdline *c, const char *text) {
        int n = 0;
        for (size_t i = 0; i < c->n;) {
                if (!c->tokens[i].init && streq(c->tokens[i].text, text)) {
                        remove_at(c, i);
                        n++;
                } else
                        i++;
        }
        return n;
}

int cmdline_remove_key(Cmdline *c, const char *key) {
        int n = 0;
        for (size_t i = 0; i < c->n;) {
                if (!c->tokens[i].init && cmdline_key_eq(c->tokens[i].key, key)) {
                        remove_at(c, i);
                        n++;
                } else
                        i++;
        }
        return n;
}

int cmdline_append(Cmdline *c, const char *text) {
        size_t at = c->n;
        for (size_t i = 0; i < c->n; i++)
                if (c->tokens[i].init) {
                        at = i;
                        break;
                }
        /* text must stay one token and must not swallow what follows it;
         * and after a last token with an open quote (which runs to the end
         * of the line) anything appended would become part of it. */
        if (!*text || !token_closed(text))
                return -EINVAL;
        bool in_quote = false;
        for (const char *q = text; *q; q++) {
                if (kernel_isspace(*q) && !in_quote)
                        return -EINVAL;
                if (*q == '"')
                        in_quote = !in_quote;
        }
        if (at == c->n && c->n > 0 && !token_closed(c->tokens[c->n - 1].text))
                return -EBADMSG;
        const char *sep = c->n == 0 ? "" : " ";
        int r = push_token(c, sep, strlen(sep), text, strlen(text), false);
        if (r < 0)
                return r;
        /* A bare "--" would end the kernel's part when the line is parsed. */
        if (!c->tokens[c->n - 1].value && streq(c->tokens[c->n - 1].key, "--")) {
                token_done(&c->tokens[--c->n]);
                return -EINVAL;
        }
        if (at != c->n - 1) {
                CmdlineToken t = c->tokens[c->n - 1];
                memmove(&c->tokens[at + 1], &c->tokens[at], (c->n - 1 - at) * sizeof(CmdlineToken));
                c->tokens[at] = t;
                /* The first token keeps the line's leading whitespace. */
                if (at == 0) {
                        char *s = c->tokens[0].sep;
                        c->tokens[0].sep = c->tokens[1].sep;
                        c->tokens[1].sep = s;
                        if (!*s) {
                                free(c->tokens[1].sep);
                                c->tokens[1].sep = strdup(" ");
                                if (!c->tokens[1].sep)
                                        return -ENOMEM;
                        }
                }
        }
        return 0;
}

char *cmdline_to_string(const Cmdline *c) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (size_t i = 0; i < c->n; i++) {
                strbuf_append(&b, c->tokens[i].sep);
                strbuf_append(&b, c->tokens[i].text);
        }
        strbuf_append(&b, strempty(c->trailer));
        return strbuf_steal(&b);
}
