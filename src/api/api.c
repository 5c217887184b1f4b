/* SPDX-License-Identifier: MIT */
/* api.c - the CompShare API client: configuration, signing, the retry loop,
 * and api_call. The actions are in api_actions.c (state-changing) and
 * api_pages.c (reading, with paging).
 *
 * The retry loop is where safety lives: retry.c says whether an attempt may
 * be repeated, this file enforces the attempt limit and the time budget, and
 * turns the last attempt into an errno (errmap.c) and a one-line message. */
#include "api.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "api_internal.h"
#include "clocks.h"
#include "decode.h"
#include "defaults.h"
#include "errmap.h"
#include "log.h"
#include "retcode.h"
#include "retry.h"
#include "sign.h"
#include "utf8.h"
#include "why.h"

#define BACKOFF_BASE_MS 100
#define BACKOFF_MAX_MS 2000
/* A retry is not worth starting with less time than this left in the budget:
 * it would mostly time out, and for a state-changing call that turns a
 * certain "not sent" into an uncertain outcome. */
#define MIN_ATTEMPT_MS 250

struct api_client {
    char *endpoint;       /* as configured: what requests go to */
    char *endpoint_shown; /* scheme://host[:port][/path], no user info: for messages */
    char *public_key;
    char *private_key;    /* page-aligned, locked, wiped on free */
    size_t private_key_alloc;
    char *region, *zone, *project_id;
    long timeout_ms, connect_timeout_ms, budget_ms;
    int max_attempts;
    size_t max_body;
    api_call_hook on_call;
    void *hook_ctx;
    const transport_ops *ops;
    void *ops_ctx;
    transport_curl *own_curl;
    atomic_uint jitter_seq;
    _Atomic bool aborted;
    char user_agent[64];
    pthread_mutex_t zone_lock;
    char remembered_zone[64]; /* api_region_zone's answer, "" until asked */
};

const char *api_client_region(const api_client *c) { return c->region; }
const char *api_client_zone(const api_client *c) { return c->zone; }

int api_client_zone_once(api_client *c, api_zone_fetch fetch, char *out, size_t len, api_error *err)
{
    /* The fetch runs under the lock: concurrent first callers wait for one request. */
    pthread_mutex_lock(&c->zone_lock);
    int rc = 0;
    if (!c->remembered_zone[0]) {
        rc = fetch(c, c->remembered_zone, sizeof c->remembered_zone, err);
        if (rc)
            c->remembered_zone[0] = '\0'; /* nothing wrong is remembered */
    }
    snprintf(out, len, "%s", c->remembered_zone);
    pthread_mutex_unlock(&c->zone_lock);
    return rc;
}

/* ---- the private key ---- */

/* The key gets pages of its own: locked so that it is never swapped out,
 * excluded from core dumps, and wiped before it is given back. */
static char *secret_dup(const char *s, size_t *alloc_len)
{
    size_t n = strlen(s) + 1;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    size_t len = (n + (size_t)page - 1) / (size_t)page * (size_t)page;
    void *p = NULL;
    if (posix_memalign(&p, (size_t)page, len))
        return NULL;
    (void)mlock(p, len); /* best effort: RLIMIT_MEMLOCK may forbid it */
    (void)madvise(p, len, MADV_DONTDUMP);
    memcpy(p, s, n);
    *alloc_len = len;
    return p;
}

static void secret_free(char *p, size_t len)
{
    if (!p)
        return;
    OPENSSL_cleanse(p, len);
    (void)munlock(p, len);
    (void)madvise(p, len, MADV_DODUMP);
    free(p);
}

/* ---- construction ---- */

/* url as shown in messages and logs (see api.h); *http tells whether its
 * scheme is http or https. */
static char *show_url(const char *url, bool *http)
{
    *http = false;
    CURLU *u = curl_url();
    if (!u)
        return NULL;
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *shown = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0]) {
        curl_url_get(u, CURLUPART_PORT, &port, 0);
        curl_url_get(u, CURLUPART_PATH, &path, 0);
        bool bare = !path || strcmp(path, "/") == 0;
        if (asprintf(&shown, "%s://%s%s%s%s", scheme, host, port ? ":" : "", port ? port : "",
                     bare ? "" : path) < 0)
            shown = NULL;
        *http = strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return shown;
}

char *api_endpoint_shown(const char *url)
{
    bool http;
    return url ? show_url(url, &http) : NULL;
}

/* Check the endpoint is an http(s) URL with a host, and make the form shown
 * in messages (without any user:password@). */
static int parse_endpoint(const char *url, char **shown)
{
    bool http;
    *shown = show_url(url, &http);
    if (*shown && http)
        return 0;
    free(*shown);
    *shown = NULL;
    return -EINVAL;
}

api_client *api_new(const api_config *cfg, int *err)
{
    int dummy;
    if (!err)
        err = &dummy;
    *err = -EINVAL;
    if (!cfg || !cfg->endpoint || !cfg->public_key || !cfg->public_key[0] ||
        !cfg->private_key || !cfg->private_key[0])
        return NULL;
    api_client *c = calloc(1, sizeof *c);
    if (!c) {
        *err = -ENOMEM;
        return NULL;
    }
    pthread_mutex_init(&c->zone_lock, NULL);
    int rc = parse_endpoint(cfg->endpoint, &c->endpoint_shown);
    if (rc) {
        *err = rc;
        api_free(c);
        return NULL;
    }
    c->endpoint = strdup(cfg->endpoint);
    c->public_key = strdup(cfg->public_key);
    c->private_key = secret_dup(cfg->private_key, &c->private_key_alloc);
    c->region = strdup(cfg->region ? cfg->region : "");
    c->zone = strdup(cfg->zone ? cfg->zone : "");
    c->project_id = strdup(cfg->project_id ? cfg->project_id : "");
    if (!c->endpoint || !c->public_key || !c->private_key || !c->region || !c->zone ||
        !c->project_id) {
        *err = -ENOMEM;
        api_free(c);
        return NULL;
    }
    c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : CS_DEFAULT_TIMEOUT_MS;
    c->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms
                            : c->timeout_ms < 5000      ? c->timeout_ms
                                                        : 5000;
    if (c->connect_timeout_ms > c->timeout_ms)
        c->connect_timeout_ms = c->timeout_ms;
    c->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 4;
    c->budget_ms = cfg->retry_budget_ms > 0 ? cfg->retry_budget_ms : 2 * c->timeout_ms;
    c->max_body = cfg->max_body > 0 ? cfg->max_body : CS_DEFAULT_MAX_BODY;
    c->on_call = cfg->on_call;
    c->hook_ctx = cfg->hook_ctx;
    snprintf(c->user_agent, sizeof c->user_agent, "compsharefs/%s", COMPSHAREFS_VERSION);
    if (cfg->transport) {
        c->ops = cfg->transport;
        c->ops_ctx = cfg->transport_ctx;
    } else {
        c->own_curl = transport_curl_new(cfg->ca_file);
        if (!c->own_curl) {
            *err = -ENOMEM;
            api_free(c);
            return NULL;
        }
        c->ops = &transport_curl_ops;
        c->ops_ctx = c->own_curl;
    }
    *err = 0;
    return c;
}

void api_abort(api_client *c)
{
    if (c)
        atomic_store(&c->aborted, true);
}

void api_free(api_client *c)
{
    if (!c)
        return;
    transport_curl_free(c->own_curl);
    secret_free(c->private_key, c->private_key_alloc);
    free(c->endpoint);
    free(c->endpoint_shown);
    free(c->public_key);
    free(c->region);
    free(c->zone);
    free(c->project_id);
    pthread_mutex_destroy(&c->zone_lock);
    free(c);
}

/* ---- errors ---- */

int api_local_error(api_error *err, const char *action, int errnum, const char *fmt, ...)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->err = errnum;
        snprintf(err->action, sizeof err->action, "%s", action ? action : "");
        char raw[sizeof err->message];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(raw, sizeof raw, fmt, ap);
        va_end(ap);
        utf8_clean_line(err->message, sizeof err->message, raw);
    }
    return errnum;
}

int api_required(const char *value, const char *what, const char *action, api_error *err)
{
    if (value && value[0])
        return 0;
    return api_local_error(err, action, -EINVAL, "%s: no %s given", action, what);
}

int api_params_done(params *p, int rc, const char *action, api_error *err)
{
    if (!rc)
        return 0;
    params_free(p);
    return api_local_error(err, action, rc, "%s: out of memory", action);
}

/* ---- secrets kept out of messages ----
 *
 * An echoing server may put the request (the Signature, a Password) or even
 * the private key into an error message. Every text that reaches a message is
 * redacted while it is still whole: before any cut to a buffer, or a cut could
 * leave part of a secret where no whole one is left to find. */

#define MAX_SECRETS 4
#define SECRET_MIN_LEN 8   /* a key or a signature is never shorter */
#define PASSWORD_MIN_LEN 4 /* shorter would blank out common words; see api_call */

typedef struct secrets {
    const char *s[MAX_SECRETS]; /* longest first, so no secret breaks up a longer one */
    size_t len[MAX_SECRETS];
    int n;
} secrets;

static void secrets_add(secrets *z, const char *s, size_t min_len)
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

/* Redact text, then copy it into dst as one clean line (cut if need be). */
static void redact_clean(char *dst, size_t size, const char *text, const secrets *z)
{
    char *r = redact_dup(text, z);
    if (!r) {
        dst[0] = '\0'; /* better no message than a leaked secret */
        return;
    }
    utf8_clean_line(dst, size, r);
    free(r);
}

/* Redact a fixed buffer in place (the result is cut to its size). */
static void redact_buffer(char *text, size_t size, const secrets *z)
{
    char *r = redact_dup(text, z);
    if (!r) {
        text[0] = '\0';
        return;
    }
    snprintf(text, size, "%s", r);
    free(r);
}

/* What the last attempt tells, as one line (cut to out's size: a cut message
 * beats none). */
static void describe_failure(const api_client *c, const transport_response *resp, int retcode,
                             const char *answer_msg, long attempt_timeout_ms, char *out,
                             size_t len)
{
    const char *where = c->endpoint_shown;
    if (retcode > 0) {
        if (answer_msg[0])
            why_set(out, len, 0, "%s", answer_msg);
        else
            why_set(out, len, 0, "API error RetCode %d", retcode);
        return;
    }
    switch (resp->failure) {
    case TRANSPORT_NOT_SENT:
        why_set(out, len, 0, "cannot connect to %s: %s", where, resp->detail);
        return;
    case TRANSPORT_TIMEOUT_SENT:
        why_set(out, len, 0, "no answer from %s within %ld ms", where, attempt_timeout_ms);
        return;
    case TRANSPORT_BROKEN_SENT:
        why_set(out, len, 0, "connection to %s broke: %s", where, resp->detail);
        return;
    case TRANSPORT_TOO_LARGE:
        why_set(out, len, 0, "answer from %s refused: %s", where, resp->detail);
        return;
    case TRANSPORT_REFUSED:
        why_set(out, len, 0, "answer from %s not followed: %s", where, resp->detail);
        return;
    case TRANSPORT_OK:
        break;
    }
    if (resp->http_status >= 200 && resp->http_status <= 299)
        why_set(out, len, 0, "malformed answer from %s: %s", where, answer_msg);
    else
        why_set(out, len, 0, "HTTP %ld from %s", resp->http_status, where);
}

/* what + suffix in len bytes: what is shortened if need be, never the
 * suffix, which carries the part that matters ("may or may not ..."). */
static void compose(char *out, size_t len, const char *what, const char *suffix)
{
    size_t slen = strlen(suffix);
    if (slen + 16 >= len) {
        snprintf(out, len, "%s", what);
        return;
    }
    utf8_clean_line(out, len - slen, what);
    memcpy(out + strlen(out), suffix, slen + 1);
}

/* ---- the retry loop ---- */

/* Sign p in place: defaults, PublicKey, then Signature over all of it. */
static int sign_request(api_client *c, params *p, char sig[SIGN_HEX_LEN + 1])
{
    int rc = 0;
    if (!params_get(p, "Region") && c->region[0])
        rc = params_add(p, "Region", c->region);
    if (!rc && c->project_id[0] && !params_get(p, "ProjectId"))
        rc = params_add(p, "ProjectId", c->project_id);
    if (!rc)
        rc = params_add(p, "PublicKey", c->public_key);
    params_remove(p, "Signature");
    if (!rc)
        rc = sign_params(p, c->private_key, sig);
    if (!rc)
        rc = params_add(p, "Signature", sig);
    return rc;
}

typedef struct attempt_state {
    transport_response resp;
    cJSON *answer;
    int retcode; /* -1: no readable API answer */
    char msg[512];
    long timeout_ms;
} attempt_state;

static void attempt_reset(attempt_state *a)
{
    transport_response_free(&a->resp);
    cJSON_Delete(a->answer);
    memset(a, 0, sizeof *a);
    a->retcode = -1;
}

/* One attempt: send, then read the body as an API answer when there is one. */
static void attempt_once(api_client *c, const char *body, bool mutating, long timeout_ms,
                         const secrets *z, attempt_state *a)
{
    attempt_reset(a);
    a->timeout_ms = timeout_ms;
    transport_request req = {
        .url = c->endpoint,
        .abort = &c->aborted,
        .body = body,
        .user_agent = c->user_agent,
        .timestamp_ms = clock_wall_ms(),
        .timeout_ms = timeout_ms,
        .connect_timeout_ms =
            c->connect_timeout_ms < timeout_ms ? c->connect_timeout_ms : timeout_ms,
        .max_body = c->max_body,
        .mutating = mutating,
    };
    int rc = c->ops->perform(c->ops_ctx, &req, &a->resp);
    if (rc < 0 && a->resp.failure == TRANSPORT_OK) {
        a->resp.failure = TRANSPORT_NOT_SENT; /* the transport could not even start */
        snprintf(a->resp.detail, sizeof a->resp.detail, "%s", strerror(-rc));
    }
    redact_buffer(a->resp.detail, sizeof a->resp.detail, z);
    if (a->resp.failure != TRANSPORT_OK)
        return;
    if (decode_answer(a->resp.body, a->resp.body_len, &a->answer, &a->retcode, a->msg,
                      sizeof a->msg) != 0)
        return; /* retcode stays -1; msg says what was wrong (no text of the body) */
    if (a->retcode != 0) {
        /* decode_answer cut the Message to msg already: take it again, whole,
         * and redact it before it is cut. */
        char *message = decode_string(a->answer, "Message");
        if (message) {
            redact_clean(a->msg, sizeof a->msg, message, z);
            OPENSSL_cleanse(message, strlen(message));
            free(message);
        } else {
            a->msg[0] = '\0';
        }
    }
    if (a->retcode == 0 && (a->resp.http_status < 200 || a->resp.http_status > 299)) {
        /* "success" under an error status is not an answer to trust */
        cJSON_Delete(a->answer);
        a->answer = NULL;
        a->retcode = -1;
        snprintf(a->msg, sizeof a->msg, "success answer with HTTP status %ld",
                 a->resp.http_status);
    }
}

/* Run attempts until done, ambiguous, or out of attempts or time. Fills err
 * and returns 0 or a negative errno; on success *answer is the parsed body. */
static int run_attempts(api_client *c, const char *action, const char *body, bool mutating,
                        long long deadline_ms, const secrets *z, cJSON **answer, api_error *err)
{
    long long start = c->ops->now_ms(c->ops_ctx);
    long long end = start + c->budget_ms; /* no attempt lasts past this */
    if (deadline_ms > 0 && deadline_ms < end)
        end = deadline_ms;
    if (end - start < 1)
        return api_local_error(err, action, -ETIMEDOUT,
                               "%s not sent: the listing's retry budget of %ld ms is spent", action,
                               c->budget_ms);
    unsigned seed = (atomic_fetch_add(&c->jitter_seq, 1u) + 1u) * 2654435761u ^
                    (unsigned)clock_wall_ms();
    attempt_state a = {.retcode = -1};
    retry_verdict verdict = RETRY_DONE;
    int attempt = 0;
    for (;;) {
        attempt++;
        long left = (long)(end - c->ops->now_ms(c->ops_ctx));
        long timeout = c->timeout_ms < left ? c->timeout_ms : left;
        if (timeout < 1)
            timeout = 1;
        attempt_once(c, body, mutating, timeout, z, &a);
        verdict = retry_classify(mutating, a.resp.failure, a.resp.http_status, a.retcode);
        if (verdict != RETRY_AGAIN || attempt >= c->max_attempts || atomic_load(&c->aborted))
            break;
        long wait = retry_backoff_ms(attempt, BACKOFF_BASE_MS, BACKOFF_MAX_MS, &seed);
        left = (long)(end - c->ops->now_ms(c->ops_ctx));
        long min_attempt = c->timeout_ms < MIN_ATTEMPT_MS ? c->timeout_ms : MIN_ATTEMPT_MS;
        if (left - wait < min_attempt)
            break;
        log_debug("api: %s attempt %d failed (failure %d, HTTP %ld, RetCode %d); again in %ld ms",
                  action, attempt, (int)a.resp.failure, a.resp.http_status, a.retcode, wait);
        c->ops->sleep_ms(c->ops_ctx, wait, &c->aborted);
    }

    err->attempts = attempt;
    err->http_status = a.resp.http_status;
    if (verdict == RETRY_DONE && a.retcode == 0) {
        *answer = a.answer;
        a.answer = NULL;
        attempt_reset(&a);
        return 0;
    }

    char what[sizeof err->message];
    describe_failure(c, &a.resp, a.retcode, a.msg, a.timeout_ms, what, sizeof what);
    if (a.retcode > 0) {
        err->retcode = a.retcode;
        err->err = errmap_retcode(a.retcode, a.msg);
    } else {
        err->err = errmap_transport(a.resp.failure, a.resp.http_status);
    }
    char suffix[128] = "";
    if (verdict == RETRY_AMBIGUOUS) {
        err->outcome_unknown = true;
        bool timed_out =
            a.resp.failure == TRANSPORT_TIMEOUT_SENT || a.retcode == RETCODE_GATEWAY_TIMEOUT;
        err->err = timed_out ? -ETIMEDOUT : -EIO;
        snprintf(suffix, sizeof suffix, "; %s may or may not have been carried out", action);
    } else if (attempt > 1) {
        snprintf(suffix, sizeof suffix, " (after %d attempts)", attempt);
    }
    compose(err->message, sizeof err->message, what, suffix);
    attempt_reset(&a);
    return err->err;
}

/* The value of name as written in a form-encoded body, into out ("" when
 * absent or too long for out). */
static void form_value_of(const char *body, const char *name, char *out, size_t len)
{
    out[0] = '\0';
    size_t nlen = strlen(name);
    for (const char *s = body; s && *s; s = strchr(s, '&') ? strchr(s, '&') + 1 : NULL) {
        if (strncmp(s, name, nlen) == 0 && s[nlen] == '=') {
            const char *v = s + nlen + 1;
            size_t vlen = strcspn(v, "&");
            if (vlen < len) {
                memcpy(out, v, vlen);
                out[vlen] = '\0';
            }
            return;
        }
    }
}

long api_client_budget_ms(const api_client *c) { return c->budget_ms; }
long long api_client_now_ms(const api_client *c) { return c->ops->now_ms(c->ops_ctx); }

int api_call(api_client *c, params *p, bool mutating, cJSON **json, api_error *err)
{
    return api_call_hiding(c, p, mutating, NULL, json, err);
}

static int call(api_client *c, params *p, bool mutating, const char *secret,
                long long deadline_ms, cJSON **json, api_error *err);

int api_call_hiding(api_client *c, params *p, bool mutating, const char *secret, cJSON **json,
                    api_error *err)
{
    return call(c, p, mutating, secret, 0, json, err);
}

int api_call_until(api_client *c, params *p, bool mutating, long long deadline_ms, cJSON **json,
                   api_error *err)
{
    return call(c, p, mutating, NULL, deadline_ms, json, err);
}

/* One call: signed, sent with the retry policy until deadline_ms (0: the
 * client's own budget), every secret kept out of the messages. */
static int call(api_client *c, params *p, bool mutating, const char *secret,
                long long deadline_ms, cJSON **json, api_error *err)
{
    api_error scratch;
    if (!err)
        err = &scratch;
    if (json)
        *json = NULL;
    const char *given = p ? params_get(p, "Action") : NULL;
    if (!c || !given || !given[0])
        return api_local_error(err, "", -EINVAL, "request without an Action");
    char action[64];
    snprintf(action, sizeof action, "%s", given);
    memset(err, 0, sizeof *err);
    snprintf(err->action, sizeof err->action, "%s", action);

    long long start = c->ops->now_ms(c->ops_ctx);
    char sig[SIGN_HEX_LEN + 1] = "";
    char *body = NULL;
    cJSON *answer = NULL;
    int rc = sign_request(c, p, sig);
    if (!rc && !(body = params_form_encode(p)))
        rc = -ENOMEM;
    /* An echoing server must not put the signature, the key or a password
     * into error files. A Password is redacted whatever it looks like, but
     * only from PASSWORD_MIN_LEN characters: a shorter one would blank out
     * parts of ordinary words, and is no real secret anyway. It is redacted
     * both as given and as sent (form-encoded), which may differ. */
    secrets z = {.n = 0};
    char password_sent[256] = "";
    secrets_add(&z, sig, SECRET_MIN_LEN);
    secrets_add(&z, c->private_key, SECRET_MIN_LEN);
    const char *password = params_get(p, "Password");
    secrets_add(&z, password, PASSWORD_MIN_LEN);
    secrets_add(&z, secret, PASSWORD_MIN_LEN);
    if (!rc && password)
        form_value_of(body, "Password", password_sent, sizeof password_sent);
    if (password && strcmp(password_sent, password) != 0)
        secrets_add(&z, password_sent, PASSWORD_MIN_LEN);
    if (rc)
        api_local_error(err, action, rc, "cannot build the %s request: %s", action,
                        strerror(-rc));
    else if (atomic_load(&c->aborted))
        rc = api_local_error(err, action, -EIO, "not sent: compsharefs is shutting down");
    else
        rc = run_attempts(c, action, body, mutating, deadline_ms, &z, &answer, err);
    /* Backstop: the texts were redacted whole on the way in (attempt_once);
     * this catches a secret that reached the message some other way. */
    char raw[sizeof err->message];
    memcpy(raw, err->message, sizeof raw);
    redact_clean(err->message, sizeof err->message, raw, &z);
    OPENSSL_cleanse(raw, sizeof raw);
    OPENSSL_cleanse(password_sent, sizeof password_sent);
    if (body) {
        OPENSSL_cleanse(body, strlen(body));
        free(body);
    }
    OPENSSL_cleanse(sig, sizeof sig);

    if (c->on_call) {
        double seconds = (double)(c->ops->now_ms(c->ops_ctx) - start) / 1000.0;
        c->on_call(c->hook_ctx, action, rc < 0 ? -rc : 0, err->retcode, err->attempts, seconds);
    }
    if (rc == 0) {
        if (json)
            *json = answer;
        else
            cJSON_Delete(answer);
    }
    return rc;
}
