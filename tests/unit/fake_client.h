/* SPDX-License-Identifier: MIT */
/* fake_client.h - an api_client over the fake transport (fake_transport.h),
 * with a hook that records the last finished call. Header-only, for the
 * unit tests of the API client. */
#ifndef FAKE_CLIENT_H
#define FAKE_CLIENT_H

#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "fake_transport.h"
#include "sign.h"

#define PUB "test-public-key"
#define PRIV "test-private-key-0123456789abcdef"

typedef struct hook_log {
    int calls;
    char action[64];
    int errnum, retcode, attempts;
    double seconds;
} hook_log;

static inline void record_hook(void *ctx, const char *action, int errnum, int retcode,
                               int attempts, double seconds)
{
    hook_log *h = ctx;
    h->calls++;
    snprintf(h->action, sizeof h->action, "%s", action);
    h->errnum = errnum;
    h->retcode = retcode;
    h->attempts = attempts;
    h->seconds = seconds;
}

typedef struct fixture {
    fake_net net;
    hook_log hook;
    api_config cfg;
    api_client *c;
} fixture;

static inline fixture *fx_new(void)
{
    fixture *fx = calloc(1, sizeof *fx);
    fake_init(&fx->net);
    fx->cfg = (api_config){
        .endpoint = "http://127.0.0.1:8080",
        .public_key = PUB,
        .private_key = PRIV,
        .region = "cn-wlcb",
        .timeout_ms = 1000,
        .on_call = record_hook,
        .hook_ctx = &fx->hook,
        .transport = &fake_ops,
        .transport_ctx = &fx->net,
    };
    return fx;
}

static inline api_client *fx_client(fixture *fx)
{
    int err = 1;
    fx->c = api_new(&fx->cfg, &err);
    assert_non_null(fx->c);
    assert_int_equal(err, 0);
    return fx->c;
}

/* Request i carries name=value (NULL: not at all), and is signed with PRIV. */
static inline void expect_param(fake_net *f, size_t i, const char *name, const char *value)
{
    params p;
    fake_sent_params(f, i, &p);
    const char *got = params_get(&p, name);
    if (!value && got)
        fail_msg("request %zu: %s=%s, want absent", i, name, got);
    if (value && (!got || strcmp(got, value) != 0))
        fail_msg("request %zu: %s=%s, want %s", i, name, got ? got : "(absent)", value);
    if (sign_verify(&p, PRIV) != 0)
        fail_msg("request %zu is not signed right", i);
    params_free(&p);
}

static inline void fx_free(fixture *fx)
{
    api_free(fx->c);
    fake_free(&fx->net);
    free(fx);
}

#endif
