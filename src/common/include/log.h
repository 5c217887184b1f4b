/* SPDX-License-Identifier: MIT */
/* log.h - one logging path: stderr in the foreground, syslog when daemonized.
 * Nothing secret is ever passed here (no keys, no signatures, no request bodies). */
#ifndef COMPSHAREFS_LOG_H
#define COMPSHAREFS_LOG_H

#include <stdbool.h>

typedef enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG } log_level;

/* ident names the program; to_syslog switches destination; debug enables LOG_LVL_DEBUG. */
void log_setup(const char *ident, bool to_syslog, bool debug);
void log_to_syslog(bool on);
bool log_debug_enabled(void);
void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)                           \
    do {                                         \
        if (log_debug_enabled())                 \
            log_msg(LOG_LVL_DEBUG, __VA_ARGS__); \
    } while (0)

#endif
