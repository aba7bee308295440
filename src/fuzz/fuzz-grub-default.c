/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the /etc/default/grub reader (src/bootcfg/grub_shell.c)
 * and its edit (grub_defaults_edit.c): the input is one such file.
 * Checks, abort()ing on any failure:
 *  - the reader never reads past the input (not NUL-terminated here) and
 *    returns 0 or -EBADMSG (with a "line N: " message, N inside the input);
 *  - every variable it set remembers the file and a line inside the input;
 *    a GRUB_CMDLINE_* variable names where a double quote was left open
 *    exactly when grub_cmdline_var_check() finds one, with that file and
 *    line in its message;
 *  - values stay within the reader's bound;
 *  - numacma's own drop-in, appended to whatever the input set, reads back
 *    to the input's GRUB_CMDLINE_LINUX plus numacma's token when the input
 *    left it known;
 *  - the edit of GRUB_CMDLINE_LINUX inside its quotes (grubby's layouts),
 *    where it is made, evaluates to the token edit (it checks that
 *    itself), and taking numacma's token out again gives the input back
 *    byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "bootcfg/grub_defaults.h"
#include "bootcfg/grub_defaults_edit.h"
#include "basic/util.h"

#define FILE_NAME "/etc/default/grub"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size > 65536)
                return 0;
        char *buf = malloc(size ? size : 1);
        CHECK(buf);
        memcpy(buf, data, size);
        unsigned n_lines = 1;
        for (size_t i = 0; i < size; i++)
                n_lines += data[i] == '\n';
        ShellVars v = {0};
        _cleanup_free_ char *err = NULL;
        int r = shell_eval_file(&v, FILE_NAME, buf, size, &err);
        if (r == 0) {
                char *text = strndup(buf, size);
                char *t[] = { (char *) "numa_cma=0:64M", NULL };
                _cleanup_free_ char *added = NULL, *why = NULL, *back = NULL, *why2 = NULL;
                CHECK(text);
                int k = grub_default_edit_tokens(text, "GRUB_CMDLINE_LINUX", NULL, t, &added, &why);
                CHECK(k == 0 || k == -ENOENT || k == -EOPNOTSUPP || k == -EBADMSG || k == -ENOMEM);
                CHECK(k != -EOPNOTSUPP || why);
                const ShellVar *sv = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                if (k == 0 && sv && sv->value && !strstr(sv->value, "numa_cma=0:64M")) {
                        CHECK(grub_default_edit_tokens(added, "GRUB_CMDLINE_LINUX", t, NULL, &back, &why2) == 0);
                        CHECK(streq(back, text));
                }
                free(text);
        }
        free(buf);
        CHECK(r == 0 || r == -EBADMSG || r == -ENOMEM);
        if (r == -EBADMSG) {
                const char *rest = err ? startswith(err, "line ") : NULL;
                CHECK(rest);
                char *end;
                unsigned long line = strtoul(rest, &end, 10);
                CHECK(end > rest && *end == ':' && line >= 1 && line <= n_lines);
        }
        for (size_t i = 0; i < v.n; i++) {
                const ShellVar *sv = &v.vars[i];
                CHECK(!sv->value || strlen(sv->value) <= 64 * 1024);
                CHECK(sv->file && streq(sv->file, FILE_NAME) && sv->line >= 1 && sv->line <= n_lines);
                _cleanup_free_ char *qerr = NULL;
                int q = grub_cmdline_var_check(&v, sv->name, &qerr);
                CHECK(q == 0 || q == -EBADMSG || q == -ENOMEM);
                if (q == -ENOMEM)
                        continue;
                bool cmdline = startswith(sv->name, "GRUB_CMDLINE_") && sv->value;
                CHECK(!sv->quote_line || cmdline);
                if (!cmdline)
                        continue;
                /* Followed at each assignment up to 4 KiB; longer, only found. */
                if (strlen(sv->value) > 4096)
                        CHECK(sv->quote_line == 0);
                else
                        CHECK((q == -EBADMSG) == (sv->quote_line > 0));
                if (q == -EBADMSG) {
                        unsigned at = sv->quote_line ? sv->quote_line : sv->line;
                        if (sv->quote_line)
                                CHECK(sv->quote_file && streq(sv->quote_file, FILE_NAME));
                        CHECK(at >= 1 && at <= sv->line);
                        _cleanup_free_ char *where = strdup_printf("'%s' line %u: %s leaves a double quote open at '",
                                                                   FILE_NAME, at, sv->name);
                        CHECK(where && qerr && startswith(qerr, where));
                }
        }
        if (r == 0) {
                const ShellVar *s = shell_vars_find(&v, "GRUB_CMDLINE_LINUX");
                if (!s || s->value) {
                        _cleanup_free_ char *before = strdup(s ? s->value : "");
                        static const char dropin[] = "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} numa_cma=0:64M\"\n";
                        CHECK(before);
                        if (strlen(before) < 60 * 1024) {
                                CHECK(shell_eval(&v, dropin, strlen(dropin), NULL) == 0);
                                _cleanup_free_ char *want = strdup_printf("%s numa_cma=0:64M", before);
                                CHECK(want && streq(shell_vars_find(&v, "GRUB_CMDLINE_LINUX")->value, want));
                        }
                }
        }
        shell_vars_done(&v);
        return 0;
}
