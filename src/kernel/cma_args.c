/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "basic/util.h"
#include "kernel/cma_args.h"
#include "kernel/trace_events.h"

bool cma_key_is_pernode(const char *key) {
        return cmdline_key_eq(key, "numa_cma") || cmdline_key_eq(key, "cma_pernuma");
}

bool cma_key_is_cma(const char *key) {
        return cma_key_is_pernode(key) || cmdline_key_eq(key, "cma");
}

bool cma_token_is_numacmas(const char *text) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        if (cmdline_parse(text, &c) < 0 || c->n != 1 || c->tokens[0].init || !c->tokens[0].value)
                return false;
        const CmdlineToken *t = &c->tokens[0];
        /* plan.c never quotes. */
        if (strchr(t->text, '"'))
                return false;
        if (cma_key_is_pernode(t->key) || streq(t->text, TRACE_BOOT_TOKEN))
                return true;
        return cmdline_key_eq(t->key, "cma") && streq(t->value, "0");
}

char *cma_args_of(const Cmdline *c) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        for (size_t i = 0; c && i < c->n; i++) {
                const CmdlineToken *t = &c->tokens[i];
                if (t->init || !cma_key_is_cma(t->key))
                        continue;
                if (b.len)
                        strbuf_append(&b, " ");
                strbuf_append(&b, t->text);
        }
        return strbuf_steal(&b);
}

char *cma_args_of_line(const char *line) {
        _cleanup_cmdline_ Cmdline *c = NULL;
        if (cmdline_parse(strempty(line), &c) < 0)
                return NULL;
        return cma_args_of(c);
}

int cma_args_differ(const char *a, const char *b) {
        _cleanup_cmdline_ Cmdline *ca = NULL, *cb = NULL;
        int r = cmdline_parse(strempty(a), &ca);
        if (r < 0 || (r = cmdline_parse(strempty(b), &cb)) < 0)
                return r;
        _cleanup_free_ char *x = cma_args_of(ca), *y = cma_args_of(cb);
        if (!x || !y)
                return -ENOMEM;
        return !streq(x, y);
}
