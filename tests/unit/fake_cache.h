/* SPDX-License-Identifier: MIT */
/* fake_cache.h - the fake data source the cache tests run against: it counts
 * calls, fails a chosen call, holds a chosen call at a gate until the test
 * opens it, and keeps a fake monotonic clock. Included by test_cache*.c. */
#ifndef COMPSHAREFS_FAKE_CACHE_H
#define COMPSHAREFS_FAKE_CACHE_H

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cache.h"

#define TTL_MS 2000
#define MAX_CALLS 64

enum { F_INST, F_CUSTOM, F_PLATFORM, F_FIND, F_PROGRESS, F_KINDS };

typedef struct fake {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_llong now;
    int calls[F_KINDS];
    bool hold[F_KINDS][MAX_CALLS + 1];     /* call n waits at the gate ... */
    bool released[F_KINDS][MAX_CALLS + 1]; /* ... until released */
    int fail[F_KINDS][MAX_CALLS + 1];      /* call n returns this errno (n >= 1) */
    const char *names[16];                 /* instance names, one instance each */
    size_t n_inst;
    const char *custom_ids[8];             /* listed custom images */
    size_t n_custom;
    const char *hidden_ids[8];             /* found by ID, not listed */
    size_t n_hidden;
} fake;

static fake F;
static cache *C;

/* The fake runs on reader threads, where cmocka's assertions cannot be used
 * (they longjmp to the main thread's test): it aborts instead. */
#define must(cond) ((cond) ? (void)0 : abort())

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    must(d);
    return d;
}

/* Counts the call, waits at the gate if told to; returns the call number or
 * a negative errno when the test scripted a failure. */
static int fake_enter(int kind, api_error *err)
{
    pthread_mutex_lock(&F.mu);
    int n = ++F.calls[kind];
    int slot = n <= MAX_CALLS ? n : 0; /* calls past the script are plain */
    pthread_cond_broadcast(&F.cv);
    while (F.hold[kind][slot] && !F.released[kind][slot])
        pthread_cond_wait(&F.cv, &F.mu);
    int fail = F.fail[kind][slot];
    pthread_mutex_unlock(&F.mu);
    if (fail) {
        err->err = -fail;
        err->retcode = 150;
        snprintf(err->action, sizeof err->action, "FakeAction");
        snprintf(err->message, sizeof err->message, "scripted failure of call %d", n);
        return -fail;
    }
    return n;
}

static int fake_calls(int kind)
{
    pthread_mutex_lock(&F.mu);
    int n = F.calls[kind];
    pthread_mutex_unlock(&F.mu);
    return n;
}

static long long fake_now(void *ctx) { return atomic_load(&((fake *)ctx)->now); }
static void advance(long long ms) { atomic_fetch_add(&F.now, ms); }

static void fill_image(api_image *im, const char *id, const char *status)
{
    im->image_id = xstrdup(id);
    im->name = xstrdup(id);
    im->image_type = xstrdup("Custom");
    im->status = xstrdup(status);
    im->description = xstrdup("");
    im->failed_reason = xstrdup("");
    im->container = xstrdup("False");
    im->info_json = xstrdup("{}");
}

/* Instances uhost-00.. listed in reverse order, each State "state-<call>". */
static int fake_list_instances(void *ctx, api_instance_list *out, api_error *err)
{
    int n = fake_enter(F_INST, err);
    if (n < 0)
        return n;
    out->items = calloc(F.n_inst ? F.n_inst : 1, sizeof *out->items);
    must(out->items);
    for (size_t i = 0; i < F.n_inst; i++) {
        api_instance *in = &out->items[F.n_inst - 1 - i];
        char buf[32];
        snprintf(buf, sizeof buf, "uhost-%02zu", i);
        in->uhost_id = xstrdup(buf);
        in->name = xstrdup(F.names[i]);
        snprintf(buf, sizeof buf, "state-%d", n);
        in->state = xstrdup(buf);
    }
    out->n = out->total_count = F.n_inst;
    return 0;
}

static int fake_list_images(int kind, const char *const *ids, size_t n_ids, api_image_list *out,
                            api_error *err)
{
    int n = fake_enter(kind, err);
    if (n < 0)
        return n;
    out->items = calloc(n_ids ? n_ids : 1, sizeof *out->items);
    must(out->items);
    char status[32];
    snprintf(status, sizeof status, "status-%d", n);
    for (size_t i = 0; i < n_ids; i++)
        fill_image(&out->items[n_ids - 1 - i], ids[i], status);
    out->n = out->total_count = n_ids;
    return 0;
}

static int fake_list_custom(void *ctx, api_image_list *out, api_error *err)
{
    return fake_list_images(F_CUSTOM, F.custom_ids, F.n_custom, out, err);
}

static int fake_list_platform(void *ctx, api_image_list *out, api_error *err)
{
    static const char *const ids[] = {"img-sys-1", "img-app-1"};
    return fake_list_images(F_PLATFORM, ids, 2, out, err);
}

static int fake_find(void *ctx, const char *id, api_image *out, api_error *err)
{
    int n = fake_enter(F_FIND, err);
    if (n < 0)
        return n;
    for (size_t i = 0; i < F.n_hidden; i++)
        if (strcmp(F.hidden_ids[i], id) == 0) {
            char status[32];
            snprintf(status, sizeof status, "status-%d", n);
            fill_image(out, id, status);
            return 0;
        }
    err->err = -ENOENT;
    snprintf(err->message, sizeof err->message, "no image %s", id);
    return -ENOENT;
}

static int fake_progress(void *ctx, const char *id, api_progress *out, api_error *err)
{
    int n = fake_enter(F_PROGRESS, err);
    if (n < 0)
        return n;
    out->process = n; /* tells the test which call answered */
    out->total_duration = 100;
    out->remaining_duration = 100 - n;
    return 0;
}

static cache_source fake_source(void)
{
    cache_source src = {
        .list_instances = fake_list_instances,
        .list_custom_images = fake_list_custom,
        .list_platform_images = fake_list_platform,
        .find_custom_image = fake_find,
        .image_progress = fake_progress,
        .now_ms = fake_now,
        .ctx = &F,
    };
    return src;
}

static int fake_setup(void **state)
{
    memset(&F, 0, sizeof F);
    pthread_mutex_init(&F.mu, NULL);
    pthread_cond_init(&F.cv, NULL);
    atomic_store(&F.now, 1000000);
    static const char *const names[] = {"web", "db", "train"};
    F.n_inst = 3;
    memcpy(F.names, names, sizeof names);
    F.custom_ids[0] = "img-b";
    F.custom_ids[1] = "img-a";
    F.n_custom = 2;
    F.hidden_ids[0] = "img-hidden";
    F.n_hidden = 1;
    cache_source src = fake_source();
    C = cache_new(&src, TTL_MS);
    assert_non_null(C);
    return 0;
}

static int fake_teardown(void **state)
{
    cache_free(C);
    pthread_cond_destroy(&F.cv);
    pthread_mutex_destroy(&F.mu);
    return 0;
}

static void read_instances(inst_snap **s)
{
    api_error err = {0};
    assert_int_equal(cache_get_instances(C, s, &err), 0);
    assert_non_null(*s);
}

#endif
