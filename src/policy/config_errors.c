/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <limits.h>
#include <stdarg.h>

#include "policy/config_errors.h"

void policy_errors_done(PolicyErrors *e) {
        if (!e)
                return;
        strv_free(e->messages);
        *e = (PolicyErrors) {0};
}

void policy_error_log_init(PolicyErrorLog *log, PolicyErrors *errs) {
        *log = (PolicyErrorLog) {
                .errs = errs,
                .n_kept = errs ? (unsigned) MIN(strv_length(errs->messages), (size_t) UINT_MAX) : 0,
        };
}

/* Control bytes in a value would reach the terminal or the journal raw. */
static void append_escaped(StrBuf *b, const char *s) {
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c < 0x20 || c == 0x7f)
                        strbuf_printf(b, "\\x%02x", c);
                else
                        strbuf_appendn(b, s, 1);
        }
}

void policy_error_add(PolicyErrorLog *log, const char *file, unsigned line, const char *value, const char *hint,
                      const char *fmt, ...) {
        StrBuf b = {0};
        va_list ap;
        char *what;

        log->n_errors++;
        if (!log->errs || log->r < 0)
                return;
        log->errs->n_errors++;
        if (log->n_kept >= POLICY_ERRORS_SHOWN) {
                log->n_dropped++;
                return;
        }

        va_start(ap, fmt);
        int k = vasprintf(&what, fmt, ap);
        va_end(ap);
        if (k < 0) {
                log->r = -ENOMEM;
                return;
        }
        if (line > 0)
                strbuf_printf(&b, "%s:%u: %s", file, line, what);
        else
                strbuf_printf(&b, "%s: %s", file, what);
        free(what);
        if (value) {
                strbuf_append(&b, ": '");
                append_escaped(&b, value);
                strbuf_append(&b, "'");
        }
        if (hint)
                strbuf_printf(&b, " (%s)", hint);

        char *m = strbuf_steal(&b);
        if (strv_push(&log->errs->messages, m) < 0)
                log->r = -ENOMEM;
        else
                log->n_kept++;
}

void policy_error_log_finish(PolicyErrorLog *log) {
        if (!log->errs || log->r < 0 || log->n_dropped == 0)
                return;
        char *m = strdup_printf("... and %u more error%s not shown", log->n_dropped, log->n_dropped == 1 ? "" : "s");
        if (strv_push(&log->errs->messages, m) < 0)
                log->r = -ENOMEM;
        log->n_dropped = 0;
}
