/* SPDX-License-Identifier: MIT */
/* control_check.c - the checks every command parser shares (control.c,
 * control_time.c, control_create.c):
 *  - IDs are [A-Za-z0-9_-]+, at most CONTROL_MAX_ID bytes;
 *  - names (mkimage NAME, the `name` file) are the rest of the line, trimmed:
 *    1..CONTROL_MAX_NAME characters of printable UTF-8 (no control
 *    characters, C1 included); inner spaces are kept. The API documents no
 *    limit; 63 characters is what compshare-sim enforces, and even in Chinese
 *    (3 bytes each) it stays a valid by-name/ file name.
 *  - a value quoted in a message is shown cleaned and cut, never raw. */
#include "control.h"
#include "control_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"
#include "why.h"

#define CONTROL_MAX_ID 64

static bool control_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

int control_valid_id(const char *s)
{
    if (!s)
        return 0;
    size_t n = 0;
    for (; s[n]; n++) {
        if (!control_id_char(s[n]) || n >= CONTROL_MAX_ID)
            return 0;
    }
    return n > 0;
}

/* Copy at most max bytes of s into out as printable text for a message:
 * anything unusual becomes '?', and a cut is marked with "...". */
void control_quote(const char *s, size_t n, char *out, size_t out_len)
{
    const size_t max = 32;
    size_t o = 0;
    for (size_t i = 0; i < n && i < max && o + 4 < out_len; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (c >= 0x20 && c < 0x7f && c != '"') ? (char)c : '?';
    }
    if (n > max && o + 4 < out_len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

bool control_is_blank(char c) { return c == ' ' || c == '\t'; }

/* The name rule shared by `mkimage NAME` and the `name` file. */
int control_check_name(const char *s, size_t n, const char *what, char *why, size_t why_len)
{
    if (n == 0)
        return why_set(why, why_len, -EINVAL, "%s is empty", what);
    size_t chars = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (len == 0)
            return why_set(why, why_len, -EINVAL, "%s is not valid UTF-8 (byte %zu)", what, i + 1);
        if (utf8_is_control(cp))
            return why_set(why, why_len, -EINVAL, "%s contains a control character (byte %zu)",
                           what, i + 1);
        i += len;
        chars++;
    }
    if (chars > CONTROL_MAX_NAME)
        return why_set(why, why_len, -EINVAL, "%s is %zu characters long: at most %d", what, chars,
                       CONTROL_MAX_NAME);
    return 0;
}

int control_check_id(const char *s, size_t n, const char *what, char *why, size_t why_len)
{
    char shown[48];
    control_quote(s, n, shown, sizeof shown);
    if (n == 0)
        return why_set(why, why_len, -EINVAL, "missing %s", what);
    if (n > CONTROL_MAX_ID)
        return why_set(why, why_len, -EINVAL, "%s \"%s\" is too long: at most %d characters", what,
                       shown, CONTROL_MAX_ID);
    for (size_t i = 0; i < n; i++)
        if (control_is_blank(s[i]))
            return why_set(why, why_len, -EINVAL, "%s must be a single word, got \"%s\"", what,
                           shown);
    for (size_t i = 0; i < n; i++)
        if (!control_id_char(s[i]))
            return why_set(why, why_len, -EINVAL,
                           "%s \"%s\" may only contain letters, digits, '_' and '-'", what, shown);
    return 0;
}

void control_set_arg(control_cmd *out, const char *s, size_t n)
{
    memcpy(out->arg, s, n);
    out->arg[n] = '\0';
}
