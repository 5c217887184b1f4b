/* SPDX-License-Identifier: MIT */
/* api_redact.c - secrets kept out of messages: see api_redact.h. */
#include "api_redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

void secrets_add(secrets *z, const char *s, size_t min_len)
{
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len < min_len || z->n >= MAX_SECRETS)
        return;
    int i = z->n++;
    for (; i > 0 && z->len[i - 1] < len; i--) {
        z->s[i] = z->s[i - 1];
        z->len[i] = z->len[i - 1];
    }
    z->s[i] = s;
    z->len[i] = len;
}

/* text with every secret replaced by "[redacted]", into out when out is not
 * NULL; returns the length of the result. Secrets are matched ignoring case:
 * a server may echo the hex signature in upper case (the API accepts both),
 * and a key or password that differs only in case is no less revealing. */
static size_t redact_into(char *out, const char *text, const secrets *z)
{
    static const char mark[] = "[redacted]";
    size_t n = 0;
    for (const char *s = text; *s;) {
        int k = 0;
        while (k < z->n && strncasecmp(s, z->s[k], z->len[k]) != 0)
            k++;
        if (k < z->n) {
            if (out)
                memcpy(out + n, mark, sizeof mark - 1);
            n += sizeof mark - 1;
            s += z->len[k];
        } else {
            if (out)
                out[n] = *s;
            n++;
            s++;
        }
    }
    if (out)
        out[n] = '\0';
    return n;
}

/* A malloc'd copy of text, whole, with the secrets replaced; NULL when out of memory. */
static char *redact_dup(const char *text, const secrets *z)
{
    char *out = malloc(redact_into(NULL, text, z) + 1);
    if (out)
        redact_into(out, text, z);
    return out;
}

void redact_clean(char *dst, size_t size, const char *text, const secrets *z)
{
    char *r = redact_dup(text, z);
    if (!r) {
        dst[0] = '\0'; /* better no message than a leaked secret */
        return;
    }
    utf8_clean_line(dst, size, r);
    free(r);
}

void redact_buffer(char *text, size_t size, const secrets *z)
{
    char *r = redact_dup(text, z);
    if (!r) {
        text[0] = '\0';
        return;
    }
    snprintf(text, size, "%s", r);
    free(r);
}
