/* SPDX-License-Identifier: MIT */
/* transport.h - how the client sends one HTTP request, and tells time.
 *
 * The real implementation is libcurl (transport_curl.c); unit tests plug in a
 * fake that returns scripted answers and a fake clock, so retry timing is
 * tested without sleeping. */
#ifndef COMPSHAREFS_TRANSPORT_H
#define COMPSHAREFS_TRANSPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* What happened to one attempt, as far as the client can know. */
typedef enum transport_failure {
    TRANSPORT_OK = 0,        /* an HTTP response was read (any status) */
    TRANSPORT_NOT_SENT,      /* no request byte went out: DNS, refused, TLS handshake */
    TRANSPORT_TIMEOUT_SENT,  /* timed out after the request may have been sent */
    TRANSPORT_BROKEN_SENT,   /* connection reset / closed after sending, partial answer */
    TRANSPORT_TOO_LARGE,     /* the body exceeded the cap */
    TRANSPORT_REFUSED,       /* redirect, disallowed protocol, or other local refusal */
} transport_failure;

typedef struct transport_response {
    transport_failure failure;
    long http_status;
    char *body;       /* malloc'd, NUL-terminated; may be NULL when failure != OK */
    size_t body_len;
    char detail[256]; /* e.g. curl's error text, for the error file */
} transport_response;

typedef struct transport_request {
    const char *url;
    const _Atomic bool *abort; /* when it turns true, the attempt ends as soon as it can */
    const char *body;       /* form-encoded */
    const char *user_agent;
    long long timestamp_ms; /* sent as U-Timestamp-Ms */
    long timeout_ms;
    long connect_timeout_ms;
    size_t max_body;
    /* The request changes state (no idempotency token): it is sent on a new
     * connection, never on a pooled one, so that the HTTP library has no
     * "connection died, retrying" case in which it would silently send it a
     * second time. */
    bool mutating;
} transport_request;

typedef struct transport_ops {
    /* Perform one attempt. Must be callable from many threads at once. */
    int (*perform)(void *ctx, const transport_request *req, transport_response *resp);
    /* Monotonic milliseconds, and sleeping; used by the retry loop. */
    long long (*now_ms)(void *ctx);
    /* Sleeping ends early once *abort turns true (abort may be NULL). */
    void (*sleep_ms)(void *ctx, long ms, const _Atomic bool *abort);
} transport_ops;

void transport_response_free(transport_response *r);

/* libcurl transport: one share handle (connections, TLS sessions, DNS) used by
 * a per-thread easy handle. ca_file may be NULL. */
typedef struct transport_curl transport_curl;
transport_curl *transport_curl_new(const char *ca_file);
void transport_curl_free(transport_curl *t);
extern const transport_ops transport_curl_ops; /* ctx = transport_curl* */

#endif
