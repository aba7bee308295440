/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/util.h"
#include "kernel/cmdline.h"
#include "kernel/cmdline_tokens.h"

int tokens_of(const char *line, char ***ret) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        char **l = calloc(1, sizeof(char *));
        int r = l ? cmdline_parse(strempty(line), &c) : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < c->n; i++)
                r = strv_extend(&l, c->tokens[i].text);
        if (r < 0) {
                strv_free(l);
                return r;
        }
        *ret = l;
        return 0;
}

int tokens_edit(const char *line, char *const *remove, char *const *want, char **ret) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        int r = cmdline_parse(line, &c);
        if (r < 0)
                return r;
        for (char *const *t = remove; t && *t; t++)
                cmdline_remove_text(c, *t);
        for (char *const *t = want; t && *t; t++) {
                bool present = false;
                for (size_t i = 0; i < c->n && !present; i++)
                        present = !c->tokens[i].init && streq(c->tokens[i].text, *t);
                /* Already there exactly: appending again would duplicate it. */
                if (!present && (r = cmdline_append(c, *t)) < 0)
                        return r;
        }
        char *s = cmdline_to_string(c);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

bool line_quote_open(const char *line) {
        bool open = false;
        for (const char *q = strempty(line); *q; q++)
                open ^= *q == '"';
        return open;
}
