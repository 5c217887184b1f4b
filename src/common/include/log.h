/* SPDX-License-Identifier: MIT */
/* log.h - one logging path, to one of: stderr (the foreground; with the
 * journal's priority prefixes when stderr is systemd's journal stream), a
 * file (-o log_file=), or syslog (daemonized without a file).
 * Nothing secret is ever passed here (no keys, no signatures, no request
 * bodies, no user:password@ of an endpoint). */
#ifndef COMPSHAREFS_LOG_H
#define COMPSHAREFS_LOG_H

#include <stdbool.h>

typedef enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG } log_level;

/* ident names the program; messages go to stderr (the journal's format under
 * systemd) until log_to_syslog or log_to_file; debug sets the level to
 * LOG_LVL_DEBUG, else LOG_LVL_INFO. */
void log_setup(const char *ident, bool debug);
/* Messages above level are dropped. */
void log_set_level(log_level level);
/* "error", "warn", "info" or "debug": 0, or -EINVAL. */
int log_level_parse(const char *name, log_level *out);
/* From now on, lines are appended to path (created 0640 when missing), also
 * once daemonized. 0, or -errno when it cannot be opened for appending. */
int log_to_file(const char *path);
/* on: stderr is gone (daemonized), so log to syslog, unless log_to_file
 * named a file, which stays the destination. */
void log_to_syslog(bool on);
void log_close(void);
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
