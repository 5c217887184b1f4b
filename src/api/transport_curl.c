/* SPDX-License-Identifier: MIT */
/* transport_curl.c - one HTTP POST per attempt over libcurl.
 *
 * Many FUSE threads send at once. They share one CURLSH (connection pool, TLS
 * sessions, DNS cache) guarded by mutexes, and borrow easy handles from a
 * small pool, so connections and TLS sessions are reused across threads.
 *
 * The important output is the classification of a failure: a state-changing
 * call may be resent only when it certainly never reached the server, so the
 * transport watches (through the debug callback) whether any request byte was
 * handed to the connection, and reports NOT_SENT only when none was.
 *
 * libcurl itself resends a request in one case: when a reused keep-alive
 * connection closes before any answer byte ("Connection died, retrying a
 * fresh connect", Curl_retry_request; every such path requires a reused
 * connection). Redirects are not followed, HTTP/2 (refused streams) and
 * 100-continue are off, and no authentication scheme is negotiated, so a
 * state-changing request sent on a new connection (CURLOPT_FRESH_CONNECT) is
 * sent at most once by libcurl. */
#include "transport.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clocks.h"
#include "defaults.h"

/* Idle easy handles kept for reuse; more threads than this still work, their
 * extra handles are just cleaned up after use. */
#define POOL_MAX 32

struct transport_curl {
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    char *ca_file;
    pthread_mutex_t pool_lock;
    CURL *idle[POOL_MAX];
    size_t n_idle;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void) { global_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

void transport_response_free(transport_response *r)
{
    if (!r)
        return;
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *ud)
{
    (void)h, (void)access; /* one mutex per kind of data, shared or not */
    transport_curl *t = ud;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        pthread_mutex_lock(&t->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *ud)
{
    (void)h;
    transport_curl *t = ud;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
        pthread_mutex_unlock(&t->share_locks[data]);
}

transport_curl *transport_curl_new(const char *ca_file)
{
    pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK)
        return NULL;
    transport_curl *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (ca_file && !(t->ca_file = strdup(ca_file))) {
        free(t);
        return NULL;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&t->share_locks[i], NULL);
    pthread_mutex_init(&t->pool_lock, NULL);
    t->share = curl_share_init();
    if (!t->share || curl_share_setopt(t->share, CURLSHOPT_LOCKFUNC, share_lock) ||
        curl_share_setopt(t->share, CURLSHOPT_UNLOCKFUNC, share_unlock) ||
        curl_share_setopt(t->share, CURLSHOPT_USERDATA, t) ||
        curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) ||
        curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) ||
        curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS)) {
        transport_curl_free(t);
        return NULL;
    }
    return t;
}

void transport_curl_free(transport_curl *t)
{
    if (!t)
        return;
    /* Every easy handle must let go of the share before it is cleaned up. */
    for (size_t i = 0; i < t->n_idle; i++)
        curl_easy_cleanup(t->idle[i]);
    if (t->share)
        curl_share_cleanup(t->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&t->share_locks[i]);
    pthread_mutex_destroy(&t->pool_lock);
    free(t->ca_file);
    free(t);
}

static CURL *pool_take(transport_curl *t)
{
    CURL *h = NULL;
    pthread_mutex_lock(&t->pool_lock);
    if (t->n_idle)
        h = t->idle[--t->n_idle];
    pthread_mutex_unlock(&t->pool_lock);
    return h ? h : curl_easy_init();
}

static void pool_give(transport_curl *t, CURL *h)
{
    /* Drop every option (they point at this request's stack); the handle
     * keeps its attachment to the share and so the pooled connections. */
    curl_easy_reset(h);
    pthread_mutex_lock(&t->pool_lock);
    if (t->n_idle < POOL_MAX) {
        t->idle[t->n_idle++] = h;
        h = NULL;
    }
    pthread_mutex_unlock(&t->pool_lock);
    if (h)
        curl_easy_cleanup(h);
}

/* The response body, capped. */
typedef struct body_sink {
    char *data;
    size_t len, cap, limit;
    bool too_large, oom;
} body_sink;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    body_sink *s = ud;
    size_t n = size * nmemb;
    if (n > s->limit - s->len) {
        s->too_large = true;
        return 0; /* anything but n aborts the transfer */
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *data = realloc(s->data, cap);
        if (!data) {
            s->oom = true;
            return 0;
        }
        s->data = data;
        s->cap = cap;
    }
    memcpy(s->data + s->len, ptr, n);
    s->len += n;
    s->data[s->len] = '\0';
    return n;
}

/* Only observes whether request bytes went out; never logs the data, which
 * holds the signature. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
    (void)h, (void)data;
    if ((type == CURLINFO_HEADER_OUT || type == CURLINFO_DATA_OUT) && size > 0)
        *(bool *)ud = true;
    return 0;
}

/* Ends the transfer when the client is shutting down (libcurl calls this
 * about once a second even while nothing moves). */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const _Atomic bool *abort = ud;
    return abort && atomic_load(abort) ? 1 : 0;
}

static void set_detail(transport_response *resp, const char *text)
{
    snprintf(resp->detail, sizeof resp->detail, "%s", text && *text ? text : "unknown error");
    /* curl's messages end with a newline sometimes */
    size_t n = strlen(resp->detail);
    while (n && (resp->detail[n - 1] == '\n' || resp->detail[n - 1] == '\r'))
        resp->detail[--n] = '\0';
}

/* Sort a curl result into what the retry policy needs to know. */
static transport_failure classify(CURL *h, CURLcode rc, bool sent, const body_sink *sink,
                                  const char *errbuf, transport_response *resp)
{
    if (!errbuf[0])
        errbuf = curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OK:
        return TRANSPORT_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT: {
        long os_errno = 0;
        curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
        /* "Connection refused" says more than curl's "Couldn't connect". */
        set_detail(resp, rc == CURLE_COULDNT_CONNECT && os_errno ? strerror((int)os_errno)
                                                                 : errbuf);
        /* A failed connect can follow a request that went out: libcurl's own
         * retry of a request whose reused connection died reconnects, and
         * that reconnect is what failed. */
        return sent ? TRANSPORT_BROKEN_SENT : TRANSPORT_NOT_SENT;
    }
    case CURLE_OPERATION_TIMEDOUT:
        set_detail(resp, errbuf);
        return sent ? TRANSPORT_TIMEOUT_SENT : TRANSPORT_NOT_SENT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
        set_detail(resp, errbuf);
        return sent ? TRANSPORT_BROKEN_SENT : TRANSPORT_NOT_SENT;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (sink->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
            snprintf(resp->detail, sizeof resp->detail, "answer larger than %zu bytes",
                     sink->limit);
            return TRANSPORT_TOO_LARGE;
        }
        set_detail(resp, sink->oom ? "out of memory reading the answer" : errbuf);
        return TRANSPORT_BROKEN_SENT; /* the answer had started: the request went out */
    case CURLE_ABORTED_BY_CALLBACK:
        set_detail(resp, "shutting down");
        return sent ? TRANSPORT_BROKEN_SENT : TRANSPORT_NOT_SENT;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_TOO_MANY_REDIRECTS:
        set_detail(resp, errbuf);
        return TRANSPORT_REFUSED;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        /* The exchange had begun: even when no request byte was seen going
         * out, err on the side of "the server may have acted". */
        set_detail(resp, errbuf);
        return TRANSPORT_BROKEN_SENT;
    default:
        set_detail(resp, errbuf);
        return sent ? TRANSPORT_BROKEN_SENT : TRANSPORT_NOT_SENT;
    }
}

static int curl_perform(void *ctx, const transport_request *req, transport_response *resp)
{
    transport_curl *t = ctx;
    memset(resp, 0, sizeof *resp);
    CURL *h = pool_take(t);
    if (!h) {
        resp->failure = TRANSPORT_NOT_SENT;
        set_detail(resp, "out of memory");
        return -ENOMEM;
    }

    char stamp[64];
    snprintf(stamp, sizeof stamp, "U-Timestamp-Ms: %lld", req->timestamp_ms);
    struct curl_slist *headers = NULL, *next;
    const char *lines[] = {"Content-Type: application/x-www-form-urlencoded", stamp,
                           "Expect:" /* no 100-continue round trip */};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (!(next = curl_slist_append(headers, lines[i]))) {
            curl_slist_free_all(headers);
            pool_give(t, h);
            resp->failure = TRANSPORT_NOT_SENT;
            set_detail(resp, "out of memory");
            return -ENOMEM;
        }
        headers = next;
    }

    body_sink sink = {.limit = req->max_body ? req->max_body : CS_DEFAULT_MAX_BODY};
    char errbuf[CURL_ERROR_SIZE] = "";
    bool sent = false;
    long connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : req->timeout_ms;
    if (req->timeout_ms > 0 && connect_ms > req->timeout_ms)
        connect_ms = req->timeout_ms;

    curl_easy_setopt(h, CURLOPT_SHARE, t->share);
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    /* HTTP/1.1 only: a small form POST gains nothing from HTTP/2, and the
     * "was anything sent" tracking relies on HTTP/1's header callbacks. */
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t)(req->body ? strlen(req->body) : 0));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (req->user_agent)
        curl_easy_setopt(h, CURLOPT_USERAGENT, req->user_agent);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     req->timeout_ms > 0 ? req->timeout_ms : CS_DEFAULT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms > 0 ? connect_ms : 5000L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (t->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, t->ca_file);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    if (req->mutating) /* see the top of this file */
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* the cap applies after decoding */
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)sink.limit);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* feeds on_debug only */
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &sent);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)req->abort);

    CURLcode rc = curl_easy_perform(h);
    /* Belt and braces: once the connection was ready for the request
     * (pretransfer reached), treat the request as possibly sent. */
    curl_off_t pretransfer_us = 0;
    if (curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us) == CURLE_OK &&
        pretransfer_us > 0)
        sent = true;
    resp->failure = classify(h, rc, sent, &sink, errbuf, resp);
    if (resp->failure == TRANSPORT_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->http_status);
        if (resp->http_status >= 300 && resp->http_status <= 399) {
            /* Never followed: a redirect could point anywhere, and would
             * resend the signed request there. */
            char *location = NULL;
            curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &location);
            snprintf(resp->detail, sizeof resp->detail, "HTTP %ld redirect%s%.200s",
                     resp->http_status, location ? " to " : "", location ? location : "");
            resp->failure = TRANSPORT_REFUSED;
        } else {
            resp->body = sink.data;
            resp->body_len = sink.len;
            sink.data = NULL;
            if (!resp->body && !(resp->body = calloc(1, 1))) {
                resp->failure = TRANSPORT_BROKEN_SENT;
                set_detail(resp, "out of memory");
            }
        }
    }
    free(sink.data);
    curl_slist_free_all(headers);
    pool_give(t, h);
    return 0;
}

static long long curl_now_ms(void *ctx)
{
    (void)ctx;
    return clock_mono_ms();
}

/* In slices, so that shutting down never waits for a backoff. */
static void curl_sleep_ms(void *ctx, long ms, const _Atomic bool *abort)
{
    (void)ctx;
    while (ms > 0 && !(abort && atomic_load(abort))) {
        long step = ms < 50 ? ms : 50;
        struct timespec ts = {0, step * 1000000L};
        while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
            ;
        ms -= step;
    }
}

const transport_ops transport_curl_ops = {
    .perform = curl_perform,
    .now_ms = curl_now_ms,
    .sleep_ms = curl_sleep_ms,
};
