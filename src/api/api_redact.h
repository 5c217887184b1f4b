/* SPDX-License-Identifier: MIT */
/* api_redact.h - secrets kept out of messages (private to the client).
 *
 * An echoing server may put the request (the Signature, a Password) or even
 * the private key into an error message. Every text that reaches a message is
 * redacted while it is still whole: before any cut to a buffer, or a cut could
 * leave part of a secret where no whole one is left to find. */
#ifndef COMPSHAREFS_API_REDACT_H
#define COMPSHAREFS_API_REDACT_H

#include <stddef.h>

/* The signature, the key, a Password as given and as sent, and the caller's
 * secret (a password before it was encoded): api_call.c adds at most five. */
#define MAX_SECRETS 5
#define SECRET_MIN_LEN 8   /* a key or a signature is never shorter */
#define PASSWORD_MIN_LEN 4 /* shorter would blank out common words; see api_call.c */

/* The secrets of one call (pointers to them: they must outlive the set). */
typedef struct secrets {
    const char *s[MAX_SECRETS]; /* longest first, so no secret breaks up a longer one */
    size_t len[MAX_SECRETS];
    int n;
} secrets;

/* Add s unless it is NULL, shorter than min_len, or the set is full. */
void secrets_add(secrets *z, const char *s, size_t min_len);
/* Redact text, then copy it into dst as one clean line (cut if need be). */
void redact_clean(char *dst, size_t size, const char *text, const secrets *z);
/* Redact a fixed buffer in place (the result is cut to its size). */
void redact_buffer(char *text, size_t size, const secrets *z);

#endif
