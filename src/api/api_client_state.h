/* SPDX-License-Identifier: MIT */
/* api_client_state.h - the client's state, shared by api.c (construction,
 * keys, settings) and api_call.c (signing and the retry loop); nothing else
 * sees inside an api_client. */
#ifndef COMPSHAREFS_API_CLIENT_STATE_H
#define COMPSHAREFS_API_CLIENT_STATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "transport.h"

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

#endif
