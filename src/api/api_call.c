/* SPDX-License-Identifier: MIT */
/* api_call.c - one API call: signed, sent with the retry policy, and its
 * failure turned into an errno and a one-line message with every secret
 * redacted.
 *
 * The retry loop is where safety lives: retry.c says whether an attempt may
 * be repeated, this file enforces the attempt limit and the time budget, and
 * turns the last attempt into an errno (errmap.c) and a one-line message. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_client_state.h"
#include "api_internal.h"
#include "api_redact.h"
#include "clocks.h"
#include "decode.h"
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

int api_send_read(api_client *c, params *p, int build_rc, const char *action, cJSON **answer,
                  api_error *err)
{
    int rc = api_params_done(p, build_rc, action, err);
    if (rc)
        return rc;
    rc = api_call(c, p, false, answer, err);
    params_free(p);
    return rc;
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
