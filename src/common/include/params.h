/* SPDX-License-Identifier: MIT */
/* params.h - an ordered list of API request parameters (name/value strings).
 *
 * Both the client (to build and sign requests) and compshare-sim (to parse and
 * verify them) use this one representation, so they agree byte for byte on how
 * numbers, booleans and arrays are written. */
#ifndef COMPSHAREFS_PARAMS_H
#define COMPSHAREFS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct param {
    char *name;
    char *value;
} param;

typedef struct params {
    param *items;
    size_t n, cap;
} params;

void params_init(params *p);
void params_free(params *p);

/* Each add copies its arguments; returns 0, or -ENOMEM. Adding a name that is
 * already present replaces its value (a request never carries a name twice). */
int params_add(params *p, const char *name, const char *value);
int params_add_int(params *p, const char *name, long long value);
int params_add_bool(params *p, const char *name, bool value);
/* Floats as the SDKs write them: 42.0 -> "42", 0.5 -> "0.5", never "1e+06". */
int params_add_double(params *p, const char *name, double value);
/* Array element, flattened with a zero-based index: ("UHostIds", 0) -> "UHostIds.0". */
int params_add_indexed(params *p, const char *prefix, size_t index, const char *value);

/* Value of name, or NULL. */
const char *params_get(const params *p, const char *name);
/* Remove name if present. */
void params_remove(params *p, const char *name);

/* Format a double the way params_add_double does, into buf (>= 64 bytes). */
void params_format_double(double value, char *buf, size_t len);

/* application/x-www-form-urlencoded body of every parameter, in list order.
 * Returns a malloc'd string or NULL on ENOMEM. */
char *params_form_encode(const params *p);

/* Parse a form-encoded or query string ("a=1&b=x%20y", '+' = space) into p.
 * Returns 0, or -EINVAL on a malformed escape, -ENOMEM. */
int params_form_decode(params *p, const char *body, size_t len);

#endif
