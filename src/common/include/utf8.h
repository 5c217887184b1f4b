/* SPDX-License-Identifier: MIT */
/* utf8.h - the one UTF-8 decoder, shared by the client (cleaning API
 * messages), the control-file parser (names) and compshare-sim (parameters). */
#ifndef COMPSHAREFS_UTF8_H
#define COMPSHAREFS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at s, reading at most n bytes,
 * with its code point in *cp; 0 when the bytes are not valid UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF are not). A NUL byte ends a
 * sequence, so a NUL-terminated string may be read with n = SIZE_MAX. */
size_t utf8_decode(const char *s, size_t n, unsigned *cp);

/* C0 controls, DEL and C1 controls (U+0080..U+009F): never shown in a line. */
bool utf8_is_control(unsigned cp);

/* Bidirectional formatting characters: embeddings and overrides
 * (U+202A..U+202E), isolates (U+2066..U+2069) and the marks LRM, RLM, ALM
 * (U+200E, U+200F, U+061C). They reorder what a terminal shows, so a name
 * holding one can impersonate another. */
bool utf8_is_bidi_control(unsigned cp);

/* Copy src into dst (dst_len > 0) as one clean line: control characters (C1
 * included) become spaces, bytes that are not valid UTF-8 become '?', trailing
 * blanks go, and a text too long is cut at a character boundary and ends with
 * "...". */
void utf8_clean_line(char *dst, size_t dst_len, const char *src);

#endif
