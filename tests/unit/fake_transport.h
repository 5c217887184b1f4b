/* SPDX-License-Identifier: MIT */
/* fake_transport.h - a scripted stand-in for the network and the clock, for
 * unit tests of the API client (header-only: each unit test is one file).
 *
 * Each perform() records the request (body, timeouts) and answers with the
 * next scripted reply, or asks a handler to build one from the decoded
 * request (for paging). Time is fake: an attempt costs `latency_ms` (a timeout
 * costs the attempt's whole timeout) and sleep_ms just moves the clock, so
 * retry timing is checked exactly without waiting. */
#ifndef FAKE_TRANSPORT_H
#define FAKE_TRANSPORT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "transport.h"

#define FAKE_MAX 512

typedef struct fake_reply {
    transport_failure failure;
    long status; /* 0 = 200 when failure is OK */
    const char *body;
    const char *detail;
} fake_reply;

typedef struct fake_sent {
    char *body;
    long timeout_ms, connect_timeout_ms;
    long long at_ms; /* fake time when sent */
    long long timestamp_ms;
    char user_agent[64];
    size_t max_body;
    bool mutating;
} fake_sent;

struct fake_net;
/* Builds a reply for a decoded request; returns a malloc'd body. */
typedef char *(*fake_handler)(struct fake_net *f, const params *request, fake_reply *reply);

typedef struct fake_net {
    pthread_mutex_t lock;
    fake_reply script[FAKE_MAX];
    size_t n_script, next; /* past the script, the last reply repeats */
    fake_handler handler;
    void *handler_ctx;
    fake_sent sent[FAKE_MAX];
    size_t n_sent;
    long long now;
    long latency_ms;
    long sleeps[FAKE_MAX];
    size_t n_sleeps;
} fake_net;

static inline void fake_init(fake_net *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    f->now = 1000000;
    f->latency_ms = 10;
}

static inline void fake_free(fake_net *f)
{
    for (size_t i = 0; i < f->n_sent; i++)
        free(f->sent[i].body);
    pthread_mutex_destroy(&f->lock);
}

/* Forget the requests and the script; the clock goes on. */
static inline void fake_clear(fake_net *f)
{
    for (size_t i = 0; i < f->n_sent; i++)
        free(f->sent[i].body);
    f->n_sent = f->n_script = f->next = f->n_sleeps = 0;
}

static inline void fake_push(fake_net *f, transport_failure failure, long status,
                             const char *body)
{
    f->script[f->n_script++] = (fake_reply){failure, status, body, NULL};
}

static inline void fake_ok(fake_net *f, const char *body) { fake_push(f, TRANSPORT_OK, 200, body); }

static inline int fake_perform(void *ctx, const transport_request *req,
                               transport_response *resp)
{
    fake_net *f = ctx;
    memset(resp, 0, sizeof *resp);
    pthread_mutex_lock(&f->lock);
    fake_sent *s = f->n_sent < FAKE_MAX ? &f->sent[f->n_sent++] : NULL;
    if (s) {
        s->body = strdup(req->body);
        s->timeout_ms = req->timeout_ms;
        s->connect_timeout_ms = req->connect_timeout_ms;
        s->at_ms = f->now;
        s->timestamp_ms = req->timestamp_ms;
        s->max_body = req->max_body;
        s->mutating = req->mutating;
        strncpy(s->user_agent, req->user_agent ? req->user_agent : "", sizeof s->user_agent - 1);
    }
    fake_reply r = {TRANSPORT_OK, 200, "{\"RetCode\":0}", NULL};
    char *built = NULL;
    if (f->handler) {
        params p;
        params_init(&p);
        params_form_decode(&p, req->body, strlen(req->body));
        pthread_mutex_unlock(&f->lock); /* handlers may run concurrently */
        built = f->handler(f, &p, &r);
        pthread_mutex_lock(&f->lock);
        params_free(&p);
        r.body = built;
    } else if (f->n_script) {
        r = f->script[f->next < f->n_script ? f->next : f->n_script - 1];
        if (f->next < f->n_script)
            f->next++;
    }
    f->now += r.failure == TRANSPORT_TIMEOUT_SENT ? req->timeout_ms : f->latency_ms;
    pthread_mutex_unlock(&f->lock);

    resp->failure = r.failure;
    if (r.failure == TRANSPORT_OK) {
        resp->http_status = r.status ? r.status : 200;
        const char *body = r.body ? r.body : "";
        resp->body = strdup(body);
        resp->body_len = strlen(body);
    }
    snprintf(resp->detail, sizeof resp->detail, "%s", r.detail ? r.detail : "scripted failure");
    free(built);
    return 0;
}

static inline long long fake_now(void *ctx)
{
    fake_net *f = ctx;
    pthread_mutex_lock(&f->lock);
    long long now = f->now;
    pthread_mutex_unlock(&f->lock);
    return now;
}

static inline void fake_sleep(void *ctx, long ms, const _Atomic bool *abort)
{
    fake_net *f = ctx;
    pthread_mutex_lock(&f->lock);
    if (f->n_sleeps < FAKE_MAX)
        f->sleeps[f->n_sleeps++] = ms;
    f->now += ms;
    pthread_mutex_unlock(&f->lock);
}

static const transport_ops fake_ops = {fake_perform, fake_now, fake_sleep};

/* The i-th request as parameters (caller frees with params_free). */
static inline void fake_sent_params(const fake_net *f, size_t i, params *p)
{
    params_init(p);
    params_form_decode(p, f->sent[i].body, strlen(f->sent[i].body));
}

#endif
