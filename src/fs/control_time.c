/* SPDX-License-Identifier: MIT */
/* control_time.c - what may be written to `stop_at`:
 *   1764583200                   Unix seconds
 *   +45m  +2h  +1d  +90s         from now
 *   2026-12-01T18:00:00+08:00    ISO 8601 with its offset (or Z; seconds optional)
 *   none  (or an empty line)     cancel the scheduled stop
 * A time that is not in the future is EINVAL: nothing is sent. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "control_internal.h"
#include "why.h"

/* The furthest a stop may be scheduled: a typo guard (and no overflow). */
#define STOP_AT_MAX_AHEAD (10LL * 365 * 86400)

/* n digits at s as a number, or -1. */
static long digits(const char *s, size_t n)
{
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "+N" with a unit s, m, h or d. */
static bool parse_delay(const char *s, size_t n, long long now, long long *when)
{
    if (n < 3 || s[0] != '+' || n > 12)
        return false;
    long v = digits(s + 1, n - 2);
    const char *units = "smhd";
    const char *u = strchr(units, s[n - 1]);
    static const long long mult[] = {1, 60, 3600, 86400};
    if (v < 0 || !u || !s[n - 1])
        return false;
    *when = now + v * mult[u - units];
    return true;
}

/* YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM|+HHMM|-HHMM) */
static bool parse_iso(const char *s, size_t n, long long *when)
{
    if (n < 17 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
        return false;
    struct tm tm = {0};
    long y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2),
         mi = digits(s + 14, 2), sec = 0;
    size_t at = 16;
    if (at < n && s[at] == ':') {
        sec = digits(s + 17, 2);
        at = 19;
    }
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        sec < 0 || sec > 60 || at > n)
        return false;
    long off = 0;
    size_t rest = n - at;
    if (rest == 1 && s[at] == 'Z') {
        off = 0;
    } else if ((rest == 6 && s[at + 3] == ':') || rest == 5) {
        long oh = digits(s + at + 1, 2), om = digits(s + at + (rest == 6 ? 4 : 3), 2);
        if ((s[at] != '+' && s[at] != '-') || oh < 0 || oh > 14 || om < 0 || om > 59)
            return false;
        off = (oh * 3600 + om * 60) * (s[at] == '-' ? -1 : 1);
    } else {
        return false; /* no offset: whose local time would it be? */
    }
    tm.tm_year = (int)y - 1900;
    tm.tm_mon = (int)mo - 1;
    tm.tm_mday = (int)d;
    tm.tm_hour = (int)h;
    tm.tm_min = (int)mi;
    tm.tm_sec = (int)sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d) /* 2026-02-31 came back as March */
        return false;
    *when = (long long)t - off;
    return true;
}

int control_parse_stop_at(const char *s, size_t n, long long now, control_cmd *out, char *why,
                          size_t why_len)
{
    if (n == 0 || (n == 4 && strncasecmp(s, "none", 4) == 0)) {
        out->verb = CTL_STOP_AT_CANCEL;
        return 0;
    }
    long long when;
    long v = n <= 12 ? digits(s, n) : -1;
    if (v >= 0)
        when = v;
    else if (!parse_delay(s, n, now, &when) && !parse_iso(s, n, &when)) {
        char shown[48];
        control_quote(s, n, shown, sizeof shown);
        return why_set(why, why_len, -EINVAL,
                       "stop_at: \"%s\" is no time: Unix seconds, +45m, +2h, +1d, "
                       "2026-12-01T18:00:00+08:00, or none",
                       shown);
    }
    if (when <= now)
        return why_set(why, why_len, -EINVAL, "stop_at: %lld is not in the future (now %lld)",
                       when, now);
    if (when - now > STOP_AT_MAX_AHEAD)
        return why_set(why, why_len, -EINVAL, "stop_at: %lld is more than ten years away", when);
    out->verb = CTL_STOP_AT;
    out->when = when;
    return 0;
}
