/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One logger for both programs. The daemon writes "<N>" priority prefixes
 * that journald reads; the CLI writes the same words plainly. Library code
 * does not log: it returns errors and messages, the programs log them. */
#pragma once

#include <syslog.h>

#include "basic/util.h"

typedef enum {
        LOG_TARGET_CONSOLE,   /* plain lines on stderr */
        LOG_TARGET_JOURNAL,   /* "<N>" prefixes on stderr (journald's stream protocol) */
} LogTarget;

void log_setup(LogTarget target, int max_level);
int log_get_max_level(void);
/* Parse "debug", "info", ... or a number 0..7. */
int log_level_from_string(const char *s);

/* Logs fmt (where %m is strerror(-error)) when prio passes the level;
 * returns a negative errno: error itself when it is one, else -error. */
int log_full_errno(int prio, int error, const char *fmt, ...) _printf_(3, 4);

#define log_debug(...) (void) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) (void) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) (void) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) (void) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) (void) log_full_errno(LOG_ERR, 0, __VA_ARGS__)
#define log_error_errno(r, ...) log_full_errno(LOG_ERR, (r), __VA_ARGS__)
#define log_warning_errno(r, ...) log_full_errno(LOG_WARNING, (r), __VA_ARGS__)
#define log_oom() log_full_errno(LOG_ERR, -ENOMEM, "Out of memory.")
