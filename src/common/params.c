/* SPDX-License-Identifier: MIT */
/* params.c - request parameters: building, formatting, form encoding/decoding. */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

void params_init(params *p) { memset(p, 0, sizeof *p); }

void params_free(params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].name);
        free(p->items[i].value);
    }
    free(p->items);
    params_init(p);
}

static param *params_find(const params *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].name, name) == 0)
            return &p->items[i];
    return NULL;
}

static int params_add_owned(params *p, char *name, char *value)
{
    if (!name || !value)
        goto nomem;
    param *old = params_find(p, name);
    if (old) {
        free(old->value);
        old->value = value;
        free(name);
        return 0;
    }
    param *items = array_grow(p->items, p->n, &p->cap, sizeof *items);
    if (!items)
        goto nomem;
    p->items = items;
    p->items[p->n++] = (param){name, value};
    return 0;
nomem:
    free(name);
    free(value);
    return -ENOMEM;
}

int params_add(params *p, const char *name, const char *value)
{
    return params_add_owned(p, strdup(name), strdup(value ? value : ""));
}

int params_add_int(params *p, const char *name, long long value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", value);
    return params_add(p, name, buf);
}

int params_add_bool(params *p, const char *name, bool value)
{
    return params_add(p, name, value ? "true" : "false");
}

void params_format_double(double value, char *buf, size_t len)
{
    if (!isfinite(value)) {
        snprintf(buf, len, "0");
        return;
    }
    if (value == trunc(value) && fabs(value) < 1e18) {
        snprintf(buf, len, "%lld", (long long)value);
        return;
    }
    /* Shortest fixed-point form that reads back as the same double: the SDKs
     * never use exponents, and a signature over "1e-07" would not match. */
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, len, "%.*f", prec, value);
        if (strtod(buf, NULL) == value)
            break;
    }
    /* trim trailing zeros left by %f */
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
}

int params_add_double(params *p, const char *name, double value)
{
    char buf[400];
    params_format_double(value, buf, sizeof buf);
    return params_add(p, name, buf);
}

int params_add_indexed(params *p, const char *prefix, size_t index, const char *value)
{
    char *name = NULL;
    if (asprintf(&name, "%s.%zu", prefix, index) < 0)
        return -ENOMEM;
    return params_add_owned(p, name, strdup(value ? value : ""));
}

const char *params_get(const params *p, const char *name)
{
    const param *it = params_find(p, name);
    return it ? it->value : NULL;
}

void params_remove(params *p, const char *name)
{
    param *it = params_find(p, name);
    if (!it)
        return;
    free(it->name);
    free(it->value);
    size_t i = (size_t)(it - p->items);
    memmove(&p->items[i], &p->items[i + 1], (p->n - i - 1) * sizeof *it);
    p->n--;
}

/* RFC 3986 unreserved characters pass; everything else is %XX. */
static size_t form_escape(char *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '_' || *c == '.' || *c == '~') {
            if (out)
                out[n] = (char)*c;
            n++;
        } else {
            if (out) {
                out[n] = '%';
                out[n + 1] = hex[*c >> 4];
                out[n + 2] = hex[*c & 15];
            }
            n += 3;
        }
    }
    return n;
}

char *params_form_encode(const params *p)
{
    size_t len = 1;
    for (size_t i = 0; i < p->n; i++)
        len += form_escape(NULL, p->items[i].name) + form_escape(NULL, p->items[i].value) + 2;
    char *out = malloc(len);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (i)
            out[n++] = '&';
        n += form_escape(out + n, p->items[i].name);
        out[n++] = '=';
        n += form_escape(out + n, p->items[i].value);
    }
    out[n] = '\0';
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode one form component of length len into a new NUL-terminated string. */
static char *form_unescape(const char *s, size_t len, int *err)
{
    char *out = malloc(len + 1);
    if (!out) {
        *err = -ENOMEM;
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[n++] = ' ';
        } else if (s[i] == '%') {
            if (i + 2 >= len) { /* a '%' needs two hex digits after it */
                free(out);
                *err = -EINVAL;
                return NULL;
            }
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0) {
                free(out);
                *err = -EINVAL;
                return NULL;
            }
            out[n++] = (char)(h << 4 | l);
            i += 2;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

int params_form_decode(params *p, const char *body, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            size_t eq = i;
            while (eq < end && body[eq] != '=')
                eq++;
            int err = 0;
            char *name = form_unescape(body + i, eq - i, &err);
            char *value = name ? form_unescape(body + (eq < end ? eq + 1 : end),
                                                eq < end ? end - eq - 1 : 0, &err)
                               : NULL;
            if (err) {
                free(name);
                free(value);
                return err;
            }
            int rc = params_add_owned(p, name, value);
            if (rc)
                return rc;
        }
        i = end + 1;
    }
    return 0;
}
