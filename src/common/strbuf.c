/* SPDX-License-Identifier: MIT */
/* strbuf.c - growable byte buffer. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void strbuf_init(strbuf *b) { memset(b, 0, sizeof *b); }

void strbuf_free(strbuf *b)
{
    free(b->data);
    strbuf_init(b);
}

void strbuf_reset(strbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int strbuf_grow(strbuf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        b->oom = 1;
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

void strbuf_append(strbuf *b, const char *data, size_t len)
{
    if (strbuf_grow(b, len))
        return;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void strbuf_puts(strbuf *b, const char *s) { strbuf_append(b, s, strlen(s)); }

void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0 || strbuf_grow(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void strbuf_put_clean(strbuf *b, const char *s)
{
    size_t left = strlen(s);
    while (left) {
        unsigned cp = 0;
        size_t n = utf8_decode(s, left, &cp);
        if (n == 0) /* not UTF-8: kept as it came, byte by byte */
            n = 1;
        else if (utf8_is_control(cp)) {
            strbuf_append(b, " ", 1);
            s += n, left -= n;
            continue;
        }
        strbuf_append(b, s, n);
        s += n, left -= n;
    }
}

char *strbuf_take(strbuf *b, size_t *len)
{
    if (b->oom) {
        strbuf_free(b);
        return NULL;
    }
    if (!b->data) {
        if (strbuf_grow(b, 0))
            return NULL;
        b->data[0] = '\0';
    }
    char *data = b->data;
    if (len)
        *len = b->len;
    strbuf_init(b);
    return data;
}
