/* SPDX-License-Identifier: MIT */
/* control_internal.h - the checks the command parsers share (control.c,
 * control_time.c, control_create.c; private to them). Each check returns 0
 * or -EINVAL with a one-line reason in why. */
#ifndef COMPSHAREFS_CONTROL_INTERNAL_H
#define COMPSHAREFS_CONTROL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "control.h"

bool control_is_blank(char c);
/* At most 32 bytes of s for a message: anything unusual as '?', a cut "...". */
void control_quote(const char *s, size_t n, char *out, size_t out_len);
/* A name: printable UTF-8, 1..63 characters. */
int control_check_name(const char *s, size_t n, const char *what, char *why, size_t why_len);
/* An ID: [A-Za-z0-9_-], 1..64 bytes. */
int control_check_id(const char *s, size_t n, const char *what, char *why, size_t why_len);
void control_set_arg(control_cmd *out, const char *s, size_t n);

/* stop_at (control_time.c): Unix seconds, +45m/+2h/+1d, ISO 8601 with an
 * offset, or none/empty to cancel; a time in the past is refused. */
int control_parse_stop_at(const char *s, size_t n, long long now, control_cmd *out, char *why,
                          size_t why_len);
/* `create KEY=VALUE ...` (control_create.c). */
int control_parse_create(const char *s, size_t n, control_cmd *out, char *why, size_t why_len);

#endif
