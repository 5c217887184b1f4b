/* SPDX-License-Identifier: MIT */
/* strbuf.h - a growable byte buffer for rendering file contents. */
#ifndef COMPSHAREFS_STRBUF_H
#define COMPSHAREFS_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len, cap;
    int oom;    /* set once an allocation failed; later appends are no-ops */
} strbuf;

void strbuf_init(strbuf *b);
void strbuf_free(strbuf *b);
void strbuf_reset(strbuf *b);
void strbuf_append(strbuf *b, const char *data, size_t len);
void strbuf_puts(strbuf *b, const char *s);
void strbuf_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append s on one line: every control character (C0, DEL, C1) becomes a
 * space, so a value from the API can never turn into two lines. */
void strbuf_put_clean(strbuf *b, const char *s);
/* Take ownership of the data (never NULL unless oom); the buffer is reset. */
char *strbuf_take(strbuf *b, size_t *len);

#endif
