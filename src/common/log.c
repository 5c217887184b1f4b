/* SPDX-License-Identifier: MIT */
/* log.c - stderr, journal, file or syslog logging (log.h).
 *
 * Each line is formatted whole and written with one write(2): lines from
 * several threads never interleave, and a log file opened O_APPEND can be
 * rotated with logrotate's copytruncate while the daemon writes to it. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clocks.h"

enum dest { TO_STDERR, TO_JOURNAL, TO_FILE, TO_SYSLOG };

static const char *log_ident = "compsharefs";
static _Atomic int log_dest = TO_STDERR, log_level_max = LOG_LVL_INFO;
static int log_fd = -1; /* the log file, once log_to_file opened it */

static const char *const level_names[] = {"error", "warn", "info", "debug"};

/* systemd sets JOURNAL_STREAM to the device and inode of the stream it
 * connected stderr to; when they are stderr's, the journal stamps time and
 * name itself and reads a "<priority>" prefix. */
static bool stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
           (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_setup(const char *ident, bool debug)
{
    log_ident = ident;
    log_set_level(debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
    atomic_store(&log_dest, stderr_is_journal() ? TO_JOURNAL : TO_STDERR);
}

void log_set_level(log_level level) { atomic_store(&log_level_max, level); }

int log_level_parse(const char *name, log_level *out)
{
    for (int i = LOG_LVL_ERROR; i <= LOG_LVL_DEBUG; i++)
        if (strcmp(name, level_names[i]) == 0) {
            *out = (log_level)i;
            return 0;
        }
    return -EINVAL;
}

int log_to_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        close(fd);
        return -EISDIR;
    }
    if (log_fd >= 0)
        close(log_fd);
    log_fd = fd;
    atomic_store(&log_dest, TO_FILE);
    return 0;
}

void log_to_syslog(bool on)
{
    if (atomic_load(&log_dest) == TO_FILE)
        return; /* the file named on the command line stays */
    if (on && atomic_load(&log_dest) != TO_SYSLOG)
        openlog(log_ident, LOG_PID, LOG_DAEMON);
    if (on)
        atomic_store(&log_dest, TO_SYSLOG);
    else if (atomic_load(&log_dest) == TO_SYSLOG)
        atomic_store(&log_dest, TO_STDERR);
}

void log_close(void)
{
    if (atomic_load(&log_dest) == TO_FILE)
        atomic_store(&log_dest, TO_STDERR);
    if (log_fd >= 0)
        close(log_fd);
    log_fd = -1;
}

bool log_debug_enabled(void) { return atomic_load(&log_level_max) >= LOG_LVL_DEBUG; }

/* Each level's syslog priority, which the journal's "<N>" prefix also uses. */
static const int level_prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};

/* The line's prefix for dest: the journal and syslog stamp lines themselves. */
static int prefix(int dest, log_level level, char *buf, size_t len)
{
    if (dest == TO_JOURNAL)
        return snprintf(buf, len, "<%d>", level_prio[level]);
    long long ms = clock_wall_ms();
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char when[32];
    if (dest == TO_FILE) { /* read later, maybe days later: the date, and which process */
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
        return snprintf(buf, len, "%s.%03lldZ %s[%ld] %s: ", when, ms % 1000, log_ident,
                        (long)getpid(), level_names[level]);
    }
    strftime(when, sizeof when, "%H:%M:%S", &tm);
    return snprintf(buf, len, "%s: %s.%03lld %s: ", log_ident, when, ms % 1000, level_names[level]);
}

void log_msg(log_level level, const char *fmt, ...)
{
    if ((int)level > atomic_load(&log_level_max))
        return;
    int dest = atomic_load(&log_dest);
    va_list ap;
    va_start(ap, fmt);
    if (dest == TO_SYSLOG) {
        vsyslog(level_prio[level], fmt, ap);
        va_end(ap);
        return;
    }
    char line[4096];
    size_t n = (size_t)prefix(dest, level, line, sizeof line);
    size_t room = sizeof line - 1 - n; /* the last byte is kept for the newline */
    int m = vsnprintf(line + n, room, fmt, ap);
    va_end(ap);
    if (m > 0) /* a longer message is cut */
        n += (size_t)m < room ? (size_t)m : room - 1;
    line[n++] = '\n';
    ssize_t ignored = write(dest == TO_FILE ? log_fd : STDERR_FILENO, line, n);
    (void)ignored; /* nowhere to report a failed log write */
}
