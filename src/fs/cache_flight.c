/* SPDX-License-Identifier: MIT */
/* cache_flight.c - single flight: one fetch per entry at a time, shared by
 * every reader who needs it; its outcome published unless a later fetch has
 * published already; failures held briefly; lookups of unlisted images
 * rationed. The lock (c->mu) is held only to look at entries, never across a
 * call to the source. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cache_state.h"

/* A failed fetch is held this long after it ended (never longer than ttl):
 * a reader who comes within it gets the same failure at once instead of
 * paying the client's retry budget again. One `cat` asks several times in a
 * row (the kernel revalidates a cached name, then looks it up afresh), and
 * lookups queued behind one another would each start a fetch of their own;
 * with the hold, all of them fail with the fetch that just failed. */
#define FAIL_HOLD_MS 1000

/* A lookup by ID of an image the fresh listing does not hold costs an API
 * call, and any user of an allow_other mount can ask for any name under
 * images/: at most LOOKUPS_PER_WINDOW such lookups start per window (ttl, at
 * least LOOKUP_WINDOW_MIN_MS); beyond them an unlisted ID is answered from
 * the listing alone, ENOENT. Answers, "does not exist" too, are cached for
 * ttl per ID, and concurrent lookups of one ID share one call. */
#define LOOKUPS_PER_WINDOW 10
#define LOOKUP_WINDOW_MIN_MS 1000

static void count(_Atomic uint64_t *counter)
{
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

/* Whether one more lookup of an unlisted image may start now (and counts it). */
static bool lookup_allowed(cache *c, long long now)
{
    long long window = c->ttl_ms > LOOKUP_WINDOW_MIN_MS ? c->ttl_ms : LOOKUP_WINDOW_MIN_MS;
    if (c->lookups_started == 0 || now - c->lookup_window_start >= window) {
        c->lookup_window_start = now;
        c->lookups_started = 0;
    }
    if (c->lookups_started >= LOOKUPS_PER_WINDOW)
        return false;
    c->lookups_started++;
    return true;
}

static bool entry_fresh(const cache *c, const entry *e, long long now)
{
    /* age counts from when the fetch started: the data may be that old */
    return e->val && e->val_ticket > e->inval_ticket && now - e->val_started_ms < c->ttl_ms;
}

/* Keep f's failure for the readers of the next FAIL_HOLD_MS (at most ttl). */
static void hold_failure(cache *c, entry *e, flight *f)
{
    if (e->failed)
        cache_flight_put(e->failed); /* a failed flight holds no value */
    f->refs++;
    e->failed = f;
    e->failed_until = cache_now_ms(c) + (c->ttl_ms < FAIL_HOLD_MS ? c->ttl_ms : FAIL_HOLD_MS);
}

/* The held failure, if it may answer a reader who needs data fetched with a
 * ticket above min_ticket: it is recent, and no invalidation came after it. */
static const flight *held_failure(const entry *e, uint64_t min_ticket, long long now)
{
    const flight *f = e->failed;
    if (!f || now >= e->failed_until || f->ticket <= e->inval_ticket || f->ticket <= min_ticket)
        return NULL;
    return f;
}

/* Record a fetch's outcome, publish it unless a later fetch already has, and
 * wake the fetch's waiters. Consumes the reference in val; *drop is set to a
 * value that lost its place (the one replaced, or val itself when a newer one
 * was already published), for the caller to unref after unlocking. */
static void flight_finish(cache *c, kind k, const char *key, flight *f, int rc, cache_obj *val,
                          const api_error *ferr, cache_obj **drop)
{
    entry *e = cache_entry_for(c, k, key, 0, false); /* NULL if dropped meanwhile */
    if (e && rc == 0 && e->failed && e->failed->ticket < f->ticket) {
        cache_flight_put(e->failed); /* a newer fetch worked: the failure is over */
        e->failed = NULL;
    }
    if (rc == 0) {
        if (e && f->ticket > e->val_ticket) {
            cache_keep_change_time(k, e->val, val);
            *drop = e->val;
            e->val = cache_obj_ref(val);
            e->val_ticket = f->ticket;
            e->val_started_ms = f->started_ms;
            f->val = val;
        } else if (e && e->val) {
            /* a fetch that started after this one already published: its
             * data is newer, and that is what this fetch's readers get */
            f->val = cache_obj_ref(e->val);
            *drop = val;
        } else {
            f->val = val;
        }
    } else {
        count(&c->fetch_errors);
        if (e && e->val && e->val_ticket > f->ticket) {
            f->val = cache_obj_ref(e->val); /* newer than what failed: not stale */
        } else {
            f->rc = rc;
            f->err = *ferr;
            if (e && (!e->failed || e->failed->ticket < f->ticket))
                hold_failure(c, e, f);
        }
    }
    if (e && e->fl == f)
        e->fl = NULL;
    f->done = true;
    pthread_cond_broadcast(&f->done_cv);
}

static bool is_list(kind k) { return k == K_INST || k == K_CUSTOM || k == K_PLATFORM; }

/* Show the hook the list about to replace the published one (if it will:
 * a newer fetch may have published already). Returns with pub_mu and mu
 * held, in that order, for flight_finish; the hook itself runs under pub_mu
 * alone. */
static void run_publish_hook(cache *c, kind k, const flight *f, cache_obj *val)
{
    pthread_mutex_lock(&c->pub_mu);
    pthread_mutex_lock(&c->mu);
    entry *e = cache_entry_for(c, k, NULL, 0, false);
    bool publishes = e && f->ticket > e->val_ticket;
    cache_obj *prev = publishes ? cache_obj_ref(e->val) : NULL;
    pthread_mutex_unlock(&c->mu);
    if (publishes) {
        cache_kind what = k == K_INST ? CACHE_INSTANCES
                          : k == K_CUSTOM ? CACHE_CUSTOM_IMAGES
                                          : CACHE_PLATFORM_IMAGES;
        if (k == K_INST)
            c->hooks.on_publish(c->hooks.ctx, what, prev ? inst_snap_of(prev) : NULL,
                                inst_snap_of(val));
        else
            c->hooks.on_publish(c->hooks.ctx, what, prev ? img_snap_of(prev) : NULL,
                                img_snap_of(val));
    }
    cache_obj_unref(prev);
    pthread_mutex_lock(&c->mu);
}

/* A reference to the value of (k, key) no older than ttl and fetched with a
 * ticket above min_ticket, fetching it once for every reader that needs it at
 * the same time. */
int cache_read(cache *c, kind k, const char *key, uint64_t min_ticket, cache_obj **out,
               api_error *err)
{
    cache_obj *drop[2] = {NULL, NULL}; /* unref'd after unlocking */
    pthread_mutex_lock(&c->mu);
    long long now = cache_now_ms(c);
    entry *e = cache_entry_for(c, k, key, now, true);
    if (!e) {
        pthread_mutex_unlock(&c->mu);
        cache_set_error(err, -ENOMEM, "out of memory");
        return -ENOMEM;
    }
    if (entry_fresh(c, e, now) && e->val_ticket > min_ticket) {
        *out = cache_obj_ref(e->val);
        pthread_mutex_unlock(&c->mu);
        count(&c->hits);
        return 0;
    }
    count(&c->misses);
    const flight *held = held_failure(e, min_ticket, now);
    if (held) {
        int rc = held->rc;
        if (err)
            *err = held->err;
        pthread_mutex_unlock(&c->mu);
        return rc;
    }
    flight *f = e->fl;
    if (f && f->ticket > e->inval_ticket && f->ticket > min_ticket) {
        f->refs++; /* join the fetch in flight */
        while (!f->done)
            pthread_cond_wait(&f->done_cv, &c->mu);
    } else if (k == K_LOOKUP && !lookup_allowed(c, now)) {
        pthread_mutex_unlock(&c->mu);
        cache_set_error(err, -ENOENT,
                        "not listed, and too many lookups of unlisted images just now");
        return -ENOENT;
    } else {
        /* none, or one that started before an invalidation: start our own */
        f = calloc(1, sizeof *f);
        if (!f || pthread_cond_init(&f->done_cv, NULL) != 0) {
            free(f);
            pthread_mutex_unlock(&c->mu);
            cache_set_error(err, -ENOMEM, "out of memory");
            return -ENOMEM;
        }
        f->refs = 1;
        f->ticket = ++c->tickets;
        f->started_ms = now;
        e->fl = f;
        pthread_mutex_unlock(&c->mu);
        count(&c->fetches);

        cache_obj *val = NULL;
        api_error ferr = {0};
        int rc = cache_fetch(c, k, key, f, &val, &ferr);
        if (rc == 0 && !val)
            rc = -ENOMEM;
        if (rc == -ENOMEM && ferr.message[0] == '\0')
            cache_set_error(&ferr, -ENOMEM, "out of memory");

        bool hooked = rc == 0 && is_list(k) && c->hooks.on_publish;
        if (hooked)
            run_publish_hook(c, k, f, val);
        else
            pthread_mutex_lock(&c->mu);
        flight_finish(c, k, key, f, rc, val, &ferr, &drop[0]);
        if (hooked)
            pthread_mutex_unlock(&c->pub_mu);
    }
    int rc = 0;
    if (f->val) {
        *out = cache_obj_ref(f->val);
    } else {
        rc = f->rc;
        if (err)
            *err = f->err;
    }
    drop[1] = cache_flight_put(f);
    pthread_mutex_unlock(&c->mu);
    cache_obj_unref(drop[0]);
    cache_obj_unref(drop[1]);
    return rc;
}
