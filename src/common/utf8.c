/* SPDX-License-Identifier: MIT */
/* utf8.c - decoding and cleaning UTF-8 text (see utf8.h). */
#include "utf8.h"

#include <string.h>

size_t utf8_decode(const char *str, size_t n, unsigned *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0)
        return 0;
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2, min = 0x80, c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, min = 0x800, c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80) /* also stops at a NUL terminator */
            return 0;
        c = (c << 6) | (s[k] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

bool utf8_is_control(unsigned cp) { return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f); }

bool utf8_is_bidi_control(unsigned cp)
{
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
           cp == 0x200f || cp == 0x061c;
}

/* Write src cleaned into dst, using at most limit bytes (no NUL counted).
 * Returns the bytes written; *complete tells whether all of src fit. */
static size_t clean_into(char *dst, size_t limit, const char *src, bool *complete)
{
    size_t out = 0;
    const char *s = src;
    while (*s) {
        unsigned cp = 0;
        size_t n = utf8_decode(s, strlen(s), &cp);
        const char *piece = s;
        size_t piece_len = n;
        if (n == 0) {
            piece = "?";
            piece_len = 1;
            n = 1;
        } else if (utf8_is_control(cp)) {
            piece = " ";
            piece_len = 1;
        }
        if (out + piece_len > limit) {
            *complete = false;
            return out;
        }
        memcpy(dst + out, piece, piece_len);
        out += piece_len;
        s += n;
    }
    *complete = true;
    return out;
}

void utf8_clean_line(char *dst, size_t dst_len, const char *src)
{
    if (!dst || dst_len == 0)
        return;
    if (!src)
        src = "";
    bool complete;
    size_t n = clean_into(dst, dst_len - 1, src, &complete);
    if (!complete && dst_len > 4) {
        n = clean_into(dst, dst_len - 4, src, &complete);
        while (n > 0 && dst[n - 1] == ' ')
            n--;
        memcpy(dst + n, "...", 3);
        n += 3;
    }
    while (n > 0 && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
}
