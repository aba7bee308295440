/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the two command-line fuzz targets (fuzz-cmdline.c,
 * fuzz-kernel-cmdline.c): the oracle of init's part of a line. */
#pragma once

#include "fuzz.h"
#include "kernel/cmdline.h"
#include "basic/util.h"

/* init's part of the line, as text from its first token on, or "". */
static inline char *init_part(const Cmdline *c) {
        StrBuf b = {0};
        strbuf_append(&b, "");
        bool any = false;
        for (size_t i = 0; i < c->n; i++)
                if (c->tokens[i].init) {
                        if (any)
                                strbuf_append(&b, c->tokens[i].sep);
                        strbuf_append(&b, c->tokens[i].text);
                        any = true;
                }
        char *s = strbuf_steal(&b);
        CHECK(s);
        return s;
}
