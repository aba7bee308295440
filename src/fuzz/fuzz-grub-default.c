/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the /etc/default/grub reader (src/grub_default.c): the
 * input is one such file. Checks, abort()ing on any failure:
 *  - the reader never reads past the input (not NUL-terminated here) and
 *    returns 0 or -EBADMSG (with a "line N: " message);
 *  - values stay within the reader's bound;
 *  - numacma's own drop-in, appended to whatever the input set, reads back
 *    to the input's GRUB_CMDLINE_LINUX plus numacma's token when the input
 *    left it known. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "bootcfg/grub_default.h"
#include "basic/util.h"



int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 65536)
                return 0;
        char *buf = malloc(size ? size : 1);
        CHECK(buf);
        memcpy(buf, data, size);
        ShellVars v = {0};
        _cleanup_free_ char *err = NULL;
        int r = grub_default_eval(&v, buf, size, &err);
        free(buf);
        CHECK(r == 0 || r == -EBADMSG || r == -ENOMEM);
        if (r == -EBADMSG)
                CHECK(err && startswith(err, "line "));
        for (size_t i = 0; i < v.n; i++)
                CHECK(!v.vars[i].value || strlen(v.vars[i].value) <= 64 * 1024);
        if (r == 0) {
                const ShellVar *s = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                if (!s || s->value) {
                        _cleanup_free_ char *before = strdup(s ? s->value : "");
                        static const char dropin[] = "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} numa_cma=0:64M\"\n";
                        CHECK(before);
                        if (strlen(before) < 60 * 1024) {
                                CHECK(grub_default_eval(&v, dropin, strlen(dropin), NULL) == 0);
                                _cleanup_free_ char *want = strdup_printf("%s numa_cma=0:64M", before);
                                CHECK(want && streq(shell_vars_find(&v, "GRUB_CMDLINE_LINUX")->value, want));
                        }
                }
        }
        shell_vars_done(&v);
        return 0;
}
