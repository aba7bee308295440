/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>

#include "basic/log.h"

static LogTarget log_target = LOG_TARGET_CONSOLE;
static int log_max_level = LOG_INFO;

void log_setup(LogTarget target, int max_level) {
        log_target = target;
        log_max_level = max_level;
}

int log_get_max_level(void) {
        return log_max_level;
}

int log_level_from_string(const char *s) {
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(s, names[i]))
                        return (int) i;
        int v;
        if (safe_atoi(s, &v) >= 0 && v >= 0 && v <= LOG_DEBUG)
                return v;
        return -EINVAL;
}

int log_full_errno(int prio, int error, const char *fmt, ...) {
        if (prio <= log_max_level) {
                va_list ap;
                if (error)
                        errno = error < 0 ? -error : error; /* for %m */
                if (log_target == LOG_TARGET_JOURNAL)
                        fprintf(stderr, "<%d>", prio);
                va_start(ap, fmt);
                vfprintf(stderr, fmt, ap);
                va_end(ap);
                fputc('\n', stderr);
        }
        return error < 0 ? error : -error;
}
