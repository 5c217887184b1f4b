/* SPDX-License-Identifier: MIT */
/* log.c - stderr or syslog logging. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "clocks.h"

static const char *log_ident = "compsharefs";
static bool log_syslog, log_debug_on;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_setup(const char *ident, bool to_syslog, bool debug)
{
    log_ident = ident;
    log_debug_on = debug;
    log_to_syslog(to_syslog);
}

void log_to_syslog(bool on)
{
    if (on && !log_syslog)
        openlog(log_ident, LOG_PID, LOG_DAEMON);
    log_syslog = on;
}

bool log_debug_enabled(void) { return log_debug_on; }

void log_msg(log_level level, const char *fmt, ...)
{
    static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
    static const char *name[] = {"error", "warning", "info", "debug"};
    va_list ap;
    va_start(ap, fmt);
    if (log_syslog) {
        vsyslog(prio[level], fmt, ap);
    } else {
        char when[32];
        long long ms = clock_wall_ms();
        time_t secs = (time_t)(ms / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(when, sizeof when, "%H:%M:%S", &tm);
        pthread_mutex_lock(&log_lock);
        fprintf(stderr, "%s: %s.%03lld %s: ", log_ident, when, ms % 1000, name[level]);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        pthread_mutex_unlock(&log_lock);
    }
    va_end(ap);
}
