/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numacma's GRUB drop-in. Its own lines are the comment it writes (this
 * version's or an older one's) and the first line of the exact form it
 * writes, GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX} TOKENS" (or "TOKENS
 * ${GRUB_CMDLINE_LINUX}"); that line is the record of numacma's tokens.
 * Every other line is someone else's and stays as it is, where it is. */
#include "basic/util.h"
#include "bootcfg/grub_dropin.h"
#include "bootcfg/grub_shell.h"
#include "kernel/cmdline_tokens.h"

static const char *const header[] = {
        "# Written by numacma (numacmactl apply): per-NUMA-node CMA pools for",
        "# coherent DMA. numacma rewrites its own lines here and keeps every",
        "# other line as it is; put your own arguments elsewhere. The policy",
        "# is /etc/numacma.conf; see 'numacmactl status'.",
};

/* Comment lines older versions wrote. */
static const char *const old_header[] = {
        "# coherent DMA. numacma rewrites or removes this file; put your own",
        "# arguments elsewhere. The policy is /etc/numacma.conf; see",
        "# 'numacmactl status'.",
};

#define ASSIGN "GRUB_CMDLINE_LINUX=\""
#define SELF "${GRUB_CMDLINE_LINUX}"

void grub_dropin_done(GrubDropin *d) {
        strv_free(d->lines);
        free(d->own);
        strv_free(d->tokens);
        *d = (GrubDropin){ .assign = -1 };
}

static bool header_line(const char *l) {
        for (size_t i = 0; i < ELEMENTSOF(header); i++)
                if (streq(l, header[i]))
                        return true;
        for (size_t i = 0; i < ELEMENTSOF(old_header); i++)
                if (streq(l, old_header[i]))
                        return true;
        return false;
}

/* numacma's form of the assignment: *prepend says which. */
static bool assign_line(const char *l, bool *prepend) {
        const char *in = startswith(l, ASSIGN);
        size_t n = in ? strlen(in) : 0;
        if (!in || n < 2 || in[n - 1] != '"')
                return false;
        if (startswith(in, SELF))
                return *prepend = false, true;
        size_t s = strlen(SELF);
        if (n >= s + 2 && strncmp(in + n - 1 - s, SELF, s) == 0 && in[n - 2 - s] == ' ')
                return *prepend = true, true;
        return false;
}

/* The tokens the line adds: evaluated from an empty GRUB_CMDLINE_LINUX. */
static int line_tokens(const char *line, char ***ret) {
        ShellVars v = {0};
        int r = shell_vars_set(&v, "GRUB_CMDLINE_LINUX", "");
        if (r >= 0)
                r = shell_eval(&v, line, strlen(line), NULL);
        if (r >= 0) {
                const ShellVar *sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                r = sv && sv->value ? tokens_of(sv->value, ret) : -EBADMSG;
        }
        shell_vars_done(&v);
        return r;
}

int grub_dropin_parse(const char *text, GrubDropin *ret) {
        GrubDropin d = { .assign = -1 };
        int r = 0;
        for (const char *l = text; l && *l && r >= 0;) {
                const char *nl = strchr(l, '\n');
                r = strv_push(&d.lines, strndup(l, nl ? (size_t) (nl - l) : strlen(l)));
                l = nl ? nl + 1 : NULL;
        }
        size_t n = strv_length(d.lines);
        if (r >= 0 && !(d.own = calloc(n + 1, sizeof(bool))))
                r = -ENOMEM;
        for (size_t i = 0; r >= 0 && i < n; i++) {
                bool pre;
                if (header_line(d.lines[i]))
                        d.own[i] = true;
                else if (d.assign < 0 && assign_line(d.lines[i], &pre)) {
                        d.own[i] = true;
                        d.assign = (long) i;
                        d.prepend = pre;
                        r = line_tokens(d.lines[i], &d.tokens);
                }
        }
        if (r >= 0 && !d.tokens && !(d.tokens = calloc(1, sizeof(char *))))
                r = -ENOMEM;
        if (r < 0) {
                grub_dropin_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

char *grub_dropin_foreign(const GrubDropin *d) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (size_t i = 0; d->lines && d->lines[i]; i++)
                if (!d->own[i] && *d->lines[i])
                        strbuf_printf(&b, "%sline %zu: '%s'", b.len ? ", " : "", i + 1, d->lines[i]);
        if (b.len == 0) {
                strbuf_done(&b);
                return NULL;
        }
        return strbuf_steal(&b);
}

static void own_lines(StrBuf *b, char *const *tokens, bool prepend) {
        for (size_t i = 0; i < ELEMENTSOF(header); i++)
                strbuf_printf(b, "%s\n", header[i]);
        strbuf_append(b, ASSIGN);
        if (!prepend)
                strbuf_append(b, SELF);
        for (char *const *t = tokens; *t; t++) {
                _cleanup_free_ char *q = shell_dquote_escape(*t);
                if (!q)
                        b->oom = true;
                strbuf_printf(b, "%s%s", t != tokens || !prepend ? " " : "", strempty(q));
        }
        strbuf_append(b, prepend ? " " SELF "\"\n" : "\"\n");
}

int grub_dropin_format(const GrubDropin *d, char *const *tokens, bool prepend, char **ret) {
        StrBuf b = {0};
        bool mine = tokens && *tokens, content = false;
        strbuf_append(&b, "");
        if (mine && d->assign < 0)
                own_lines(&b, tokens, prepend);
        for (size_t i = 0; d->lines && d->lines[i]; i++) {
                if (d->own[i]) {
                        if (mine && (long) i == d->assign)
                                own_lines(&b, tokens, prepend);
                        continue;
                }
                strbuf_printf(&b, "%s\n", d->lines[i]);
                content = content || *d->lines[i];
        }
        char *s = strbuf_steal(&b);
        if (!s)
                return -ENOMEM;
        if (!mine && !content) {
                free(s);
                s = NULL;
        }
        *ret = s;
        return 0;
}
