/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One variable of /etc/default/grub edited as kernel command-line tokens,
 * every other byte kept. */
#include "basic/util.h"
#include "bootcfg/grub_defaults_edit.h"
#include "bootcfg/grub_shell.h"
#include "kernel/cmdline_tokens.h"

static bool raw_blank(char c) {
        return c == ' ' || c == '\t' || c == '\n';
}

/* Where word stands alone in the inner text of a quoted shell string (q:
 * its quote), outside a double-quoted part of the kernel's line (whose
 * quotes are written \" inside "..."); len when nowhere. */
static size_t find_word(const char *s, size_t len, char q, const char *word) {
        size_t wl = strlen(word);
        bool kq = false, track = true;
        /* An expansion may open or close the kernel's quotes where the text
         * does not show it: then every standalone word is a candidate (the
         * caller checks the result). */
        for (size_t i = 0; q == '"' && i < len && track; i++) {
                if (s[i] == '\\' && i + 1 < len)
                        i++;
                else if (s[i] == '$' || s[i] == '`')
                        track = false;
        }
        for (size_t i = 0; i < len; i++) {
                if (!kq && (i == 0 || raw_blank(s[i - 1])) && i + wl <= len &&
                    memcmp(s + i, word, wl) == 0 && (i + wl == len || raw_blank(s[i + wl])))
                        return i;
                char c = s[i];
                if (q == '"' && c == '\\' && i + 1 < len && strchr("$`\"\\\n", s[i + 1]))
                        c = s[++i];
                if (c == '"' && track)
                        kq = !kq;
        }
        return len;
}

static int tokens_equal(const char *a, const char *b, bool *ret) {
        _cleanup_strv_free_ char **ta = NULL, **tb = NULL;
        int r = tokens_of(a, &ta);
        if (r >= 0)
                r = tokens_of(b, &tb);
        if (r < 0)
                return r;
        size_t i = 0;
        while (ta[i] && tb[i] && streq(ta[i], tb[i]))
                i++;
        *ret = !ta[i] && !tb[i];
        return 0;
}

/* The value as written (vs..ve) is one quoted string, its closing quote
 * the value's last byte. */
static bool one_quoted_string(const char *vs, const char *ve) {
        char q = *vs;
        size_t rawlen = (size_t) (ve - vs);
        bool one = (q == '"' || q == '\'') && rawlen >= 2 && ve[-1] == q;
        for (size_t i = 1; one && i + 1 < rawlen; i++) {
                if (q == '"' && vs[i] == '\\' && i + 2 < rawlen)
                        i++;
                else if (vs[i] == q)
                        one = false;
        }
        return one;
}

/* numacma's tokens out of the quoted string's inner text, each with one
 * blank beside it (the one before it, else the one after): the text as it
 * was before they were appended. */
static void remove_words(char *inner, char q, char *const *remove) {
        for (char *const *t = remove; t && *t; t++)
                for (size_t at; (at = find_word(inner, strlen(inner), q, *t)) < strlen(inner);) {
                        size_t wl = strlen(*t), from = at, to = at + wl;
                        if (from > 0)
                                from--;
                        else if (inner[to])
                                to++;
                        memmove(inner + from, inner + to, strlen(inner + to) + 1);
                }
}

/* The inner text with the wanted tokens the value (its tokens: value)
 * lacks, or that were removed, appended. */
static int append_wanted(const char *inner, const char *value, char *const *remove, char *const *want,
                         char **ret) {
        _cleanup_strv_free_ char **have = NULL;
        int r = tokens_of(value, &have);
        if (r < 0)
                return r;
        StrBuf b = {0};
        strbuf_append(&b, inner);
        for (char *const *t = want; t && *t; t++) {
                if (strv_contains(have, *t) && !strv_contains(remove, *t))
                        continue;
                if (b.len)
                        strbuf_append(&b, " ");
                strbuf_append(&b, *t);
        }
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

/* What the shell makes of the new text must be the token edit. */
static int check_edit(const char *out, const char *name, const char *expect, char **ret_why) {
        _cleanup_(shell_vars_done) ShellVars nv = {0};
        _cleanup_free_ char *err = NULL;
        const char *ns, *ne;
        bool same = false;
        int r = shell_eval_tracked(out, name, &nv, &ns, &ne, &err);
        const ShellVar *nsv = r >= 0 ? shell_vars_find(&nv, name) : NULL;
        if (nsv && nsv->value && (r = tokens_equal(nsv->value, expect, &same)) < 0)
                return r;
        if (!same) {
                *ret_why = strdup_printf("the edit of %s would not give exactly the token edit", name);
                return -EOPNOTSUPP;
        }
        return 0;
}

int grub_default_edit_tokens(const char *text, const char *name, char *const *remove, char *const *want,
                             char **ret, char **ret_why) {
        _cleanup_(shell_vars_done) ShellVars v = {0};
        _cleanup_free_ char *err = NULL, *expect = NULL, *inner = NULL, *edited = NULL, *out = NULL;
        const char *vs = NULL, *ve = NULL;
        *ret = NULL;
        *ret_why = NULL;
        int r = shell_eval_tracked(text, name, &v, &vs, &ve, &err);
        if (r < 0) {
                *ret_why = strdup_printf("it does not read as assignments (%s)", err ? err : strerror(-r));
                return r;
        }
        const ShellVar *sv = shell_vars_find(&v, name);
        if (!sv || (sv->value && !*sv->value) || !vs)
                return -ENOENT;
        if (!sv->value) {
                *ret_why = strdup_printf("%s is set by a command substitution", name);
                return -EOPNOTSUPP;
        }
        if (!one_quoted_string(vs, ve)) {
                *ret_why = strdup_printf("%s is not assigned one quoted string", name);
                return -EOPNOTSUPP;
        }
        r = tokens_edit(sv->value, remove, want, &expect);
        if (r < 0) {
                *ret_why = strdup_printf("%s does not take the change as a command line", name);
                return r == -ENOMEM ? r : -EOPNOTSUPP;
        }
        if (!(inner = strndup(vs + 1, (size_t) (ve - vs) - 2)))
                return -ENOMEM;
        remove_words(inner, *vs, remove);
        if ((r = append_wanted(inner, sv->value, remove, want, &edited)) < 0)
                return r;
        if (!(out = strdup_printf("%.*s%s%s", (int) (vs + 1 - text), text, edited, ve - 1)))
                return -ENOMEM;
        if ((r = check_edit(out, name, expect, ret_why)) < 0)
                return r;
        *ret = TAKE_PTR(out);
        return 0;
}
