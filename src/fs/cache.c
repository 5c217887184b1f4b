/* SPDX-License-Identifier: MIT */
/* cache.c - single-flight, generation-checked caching of instance and image
 * data (the contract is in cache.h).
 *
 * Every piece of data is an entry: the instance list, the custom and the
 * platform image lists, the capacity (zones and their stock), and, keyed by image ID, one-image lookups and image
 * progress. An entry holds the last published value (an immutable, refcounted
 * cache_obj) and the newest fetch in flight. Entries are independent, so a
 * slow fetch of one never delays a reader of another, and the lock is only
 * held to look at entries, never across a call to the source.
 *
 * Tickets order fetches: each takes the next one when it starts. A value
 * published by ticket T is replaced only by a fetch with a higher ticket, and
 * an invalidation records the newest ticket issued so far, below which no
 * value or fetch satisfies a reader who arrives afterwards. */
#include "cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache_snap.h"
#include "clocks.h"
#include "grow.h"

/* Keyed entries unused for this many ttl's are dropped, and the table never
 * holds more than KEYED_MAX entries that are not being fetched. */
#define KEYED_IDLE_TTLS 4
#define KEYED_IDLE_MIN_MS 1000
#define KEYED_MAX 1024

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

/* One fetch, shared by the reader that started it and every reader that
 * waits for it. Freed by whoever drops the last reference (under c->mu). */
typedef struct flight {
    pthread_cond_t done_cv;
    unsigned refs;
    uint64_t ticket;
    long long started_ms;
    bool done;
    int rc;         /* when val is NULL */
    api_error err;
    cache_obj *val; /* what the readers get on success (one reference) */
} flight;

typedef struct entry {
    cache_obj *val;          /* last published value, or NULL */
    uint64_t val_ticket;     /* ticket of the fetch that produced val */
    long long val_started_ms;
    uint64_t inval_ticket;   /* values and fetches up to this ticket are too old */
    flight *fl;              /* newest fetch in flight, or NULL */
    flight *failed;          /* the last fetch, when it failed (one reference) ... */
    long long failed_until;  /* ... held until then (FAIL_HOLD_MS) */
} entry;

typedef struct keyed {
    char *key;
    entry e;
    long long used_ms;
} keyed;

typedef struct table {
    keyed *items;
    size_t n, cap;
    long long swept_ms;
} table;

typedef struct stale_id {
    char *uhost_id;
    uint64_t ticket; /* the last ticket issued when the command succeeded */
} stale_id;

typedef enum kind { K_INST, K_CUSTOM, K_PLATFORM, K_CAP, K_LOOKUP, K_PROGRESS } kind;

/* The value of a keyed entry, a lookup's or a progress's: what it holds, when
 * it was fetched and when it last changed. */
typedef struct keyed_val {
    int rc; /* 0 or -ENOENT: "does not exist" is a lookup's answer, cached like one */
    api_error err;
    api_image img;  /* K_LOOKUP */
    api_progress p; /* K_PROGRESS */
    long long started_ms, changed_ns;
} keyed_val;

struct cache {
    cache_source src;
    cache_hooks hooks;
    long long ttl_ms;
    pthread_mutex_t mu;
    /* Held by a fetcher from deciding to publish a list until it has: the
     * publish hook sees values in the order they replace each other, and runs
     * outside mu, so readers of fresh data never wait for it. Taken before mu. */
    pthread_mutex_t pub_mu;
    uint64_t tickets; /* last ticket issued */
    entry inst, custom, platform, cap;
    table lookups, progress;
    /* Instances a command changed: a read of one of them needs instance data
     * from a fetch with a higher ticket than recorded here. */
    stale_id *stale;
    size_t n_stale, cap_stale;
    long long lookup_window_start; /* LOOKUPS_PER_WINDOW */
    unsigned lookups_started;
    _Atomic uint64_t hits, misses, fetches, fetch_errors;
};

static long long now_ms(const cache *c)
{
    return c->src.now_ms ? c->src.now_ms(c->src.ctx) : clock_mono_ms();
}

long long cache_now_ms(const cache *c) { return now_ms(c); }

static void count(_Atomic uint64_t *counter)
{
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

static void set_error(api_error *err, int rc, const char *what)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->err = rc;
    snprintf(err->message, sizeof err->message, "%s", what);
}

/* ---- values of keyed entries ---- */

static void keyed_val_destroy(cache_obj *o)
{
    keyed_val *v = cache_obj_value(o);
    api_image_free(&v->img);
    free(o);
}

/* ---- fetching (no lock held) ---- */

/* A source's failure (a negative errno, cache_source's contract) with its
 * error record completed. */
static int source_failed(int rc, api_error *err)
{
    if (err->err == 0)
        err->err = rc;
    if (err->message[0] == '\0')
        snprintf(err->message, sizeof err->message, "%s", strerror(-rc));
    return rc;
}

static int fetch_instances(cache *c, const flight *f, cache_obj **out, api_error *err)
{
    api_instance_list l = {0};
    int rc = c->src.list_instances(c->src.ctx, &l, err);
    if (rc != 0) {
        api_instance_list_free(&l);
        return source_failed(rc, err);
    }
    *out = inst_snap_build(&l, f->ticket, (long long)time(NULL), f->started_ms);
    return *out ? 0 : -ENOMEM;
}

static int fetch_images(cache *c, kind k, const flight *f, cache_obj **out, api_error *err)
{
    api_image_list l = {0};
    int rc = k == K_CUSTOM ? c->src.list_custom_images(c->src.ctx, &l, err)
                           : c->src.list_platform_images(c->src.ctx, &l, err);
    if (rc != 0) {
        api_image_list_free(&l);
        return source_failed(rc, err);
    }
    *out = img_snap_build(&l, f->ticket, (long long)time(NULL), f->started_ms);
    return *out ? 0 : -ENOMEM;
}

/* The zones, then their stock: two calls, one round per ttl, only when a
 * capacity file is read. Change times carry over from the published value. */
static int fetch_capacity(cache *c, const flight *f, cache_obj **out, api_error *err)
{
    if (!c->src.list_zones || !c->src.gpu_inventory) {
        set_error(err, -ENOSYS, "this cache has no source of zones");
        return -ENOSYS;
    }
    api_zone_list zones = {0};
    api_inventory stock = {0};
    int rc = c->src.list_zones(c->src.ctx, &zones, err);
    if (rc == 0)
        rc = c->src.gpu_inventory(c->src.ctx, &stock, err);
    if (rc != 0) {
        api_zone_list_free(&zones);
        api_inventory_free(&stock);
        return source_failed(rc, err);
    }
    pthread_mutex_lock(&c->mu);
    cache_obj *prev = c->cap.val ? cache_obj_ref(c->cap.val) : NULL;
    pthread_mutex_unlock(&c->mu);
    *out = cap_snap_build(&zones, &stock, prev ? cap_snap_of(prev) : NULL, f->ticket,
                          (long long)time(NULL), f->started_ms, clock_wall_ns());
    cache_obj_unref(prev);
    return *out ? 0 : -ENOMEM;
}

/* One image's lookup or progress. Only a lookup takes "does not exist" for
 * an answer. */
static int fetch_keyed(cache *c, kind k, const flight *f, const char *id, cache_obj **out,
                       api_error *err)
{
    cache_obj *o = cache_obj_new(sizeof(keyed_val), keyed_val_destroy);
    if (!o)
        return -ENOMEM;
    keyed_val *v = cache_obj_value(o);
    int rc = k == K_LOOKUP ? c->src.find_custom_image(c->src.ctx, id, &v->img, &v->err)
                           : c->src.image_progress(c->src.ctx, id, &v->p, &v->err);
    if (rc != 0 && !(k == K_LOOKUP && rc == -ENOENT)) {
        *err = v->err;
        cache_obj_unref(o);
        return source_failed(rc, err);
    }
    if (rc == -ENOENT) {
        api_image_free(&v->img);
        source_failed(rc, &v->err);
    }
    v->rc = rc;
    v->started_ms = f->started_ms;
    v->changed_ns = clock_wall_ns();
    *out = o;
    return 0;
}

static int fetch(cache *c, kind k, const char *key, const flight *f, cache_obj **out,
                 api_error *err)
{
    switch (k) {
    case K_INST: return fetch_instances(c, f, out, err);
    case K_CUSTOM:
    case K_PLATFORM: return fetch_images(c, k, f, out, err);
    case K_CAP: return fetch_capacity(c, f, out, err);
    case K_LOOKUP:
    case K_PROGRESS: return fetch_keyed(c, k, f, key, out, err);
    }
    return -EINVAL;
}

/* ---- keyed tables (under c->mu) ---- */

static cache_obj *flight_put(flight *f);

static void entry_clear(entry *e)
{
    cache_obj_unref(e->val);
    if (e->failed)
        flight_put(e->failed); /* a failed flight holds no value */
    memset(e, 0, sizeof *e);
}

static void table_remove(table *t, size_t i)
{
    free(t->items[i].key);
    entry_clear(&t->items[i].e);
    t->items[i] = t->items[--t->n];
}

static long long idle_ms(const cache *c)
{
    long long idle = c->ttl_ms * KEYED_IDLE_TTLS;
    return idle > KEYED_IDLE_MIN_MS ? idle : KEYED_IDLE_MIN_MS;
}

/* Drop entries nobody used for a while; an entry being fetched stays, since
 * its fetch will publish into it. */
static void table_sweep(cache *c, table *t, long long now)
{
    if (now - t->swept_ms < idle_ms(c) / 2 && t->n < KEYED_MAX)
        return;
    t->swept_ms = now;
    for (size_t i = t->n; i-- > 0;)
        if (!t->items[i].e.fl && now - t->items[i].used_ms > idle_ms(c))
            table_remove(t, i);
    while (t->n >= KEYED_MAX) { /* still full: drop the least recently used */
        size_t lru = t->n;
        for (size_t i = 0; i < t->n; i++)
            if (!t->items[i].e.fl && (lru == t->n || t->items[i].used_ms < t->items[lru].used_ms))
                lru = i;
        if (lru == t->n)
            break; /* all being fetched: let the table grow */
        table_remove(t, lru);
    }
}

static keyed *table_find(table *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->items[i].key, key) == 0)
            return &t->items[i];
    return NULL;
}

static keyed *table_get(cache *c, table *t, const char *key, long long now)
{
    keyed *k = table_find(t, key);
    if (!k) {
        table_sweep(c, t, now);
        keyed *items = array_grow(t->items, t->n, &t->cap, sizeof *items);
        if (!items)
            return NULL;
        t->items = items;
        k = &t->items[t->n];
        memset(k, 0, sizeof *k);
        if (!(k->key = strdup(key)))
            return NULL;
        /* A fetch that began before this entry existed (for an entry dropped
         * since) may have missed an invalidation: it cannot make it fresh. */
        k->e.inval_ticket = c->tickets;
        t->n++;
    }
    k->used_ms = now;
    return k;
}

/* The entry for (k, key); keyed entries are created when create is set.
 * The pointer is valid only until the lock is released. */
static entry *entry_for(cache *c, kind k, const char *key, long long now, bool create)
{
    switch (k) {
    case K_INST: return &c->inst;
    case K_CUSTOM: return &c->custom;
    case K_PLATFORM: return &c->platform;
    case K_CAP: return &c->cap;
    case K_LOOKUP:
    case K_PROGRESS: {
        table *t = k == K_LOOKUP ? &c->lookups : &c->progress;
        keyed *ke = create ? table_get(c, t, key, now) : table_find(t, key);
        return ke ? &ke->e : NULL;
    }
    }
    return NULL;
}

/* ---- single flight (under c->mu) ---- */

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

/* Drop a reference to f. Returns the value f held when f is freed, for the
 * caller to unref after unlocking: the last reference to a large snapshot
 * frees thousands of instances, which must not happen under c->mu. */
static cache_obj *flight_put(flight *f)
{
    if (--f->refs > 0)
        return NULL;
    cache_obj *val = f->val;
    pthread_cond_destroy(&f->done_cv);
    free(f);
    return val;
}

/* A progress value that did not change keeps the time it changed: file
 * mtimes are change times, and a refresh that changes nothing changes none. */
static void keep_change_time(kind k, cache_obj *prev, cache_obj *next)
{
    if (k != K_PROGRESS || !prev)
        return;
    const keyed_val *a = cache_obj_value(prev);
    keyed_val *b = cache_obj_value(next);
    if (a->p.process == b->p.process && a->p.total_duration == b->p.total_duration &&
        a->p.remaining_duration == b->p.remaining_duration)
        b->changed_ns = a->changed_ns;
}

/* Keep f's failure for the readers of the next FAIL_HOLD_MS (at most ttl). */
static void hold_failure(cache *c, entry *e, flight *f)
{
    if (e->failed)
        flight_put(e->failed); /* a failed flight holds no value */
    f->refs++;
    e->failed = f;
    e->failed_until = now_ms(c) + (c->ttl_ms < FAIL_HOLD_MS ? c->ttl_ms : FAIL_HOLD_MS);
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
    entry *e = entry_for(c, k, key, 0, false); /* NULL if dropped meanwhile */
    if (e && rc == 0 && e->failed && e->failed->ticket < f->ticket) {
        flight_put(e->failed); /* a newer fetch worked: the failure is over */
        e->failed = NULL;
    }
    if (rc == 0) {
        if (e && f->ticket > e->val_ticket) {
            keep_change_time(k, e->val, val);
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
    entry *e = entry_for(c, k, NULL, 0, false);
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
static int cache_read(cache *c, kind k, const char *key, uint64_t min_ticket, cache_obj **out,
                      api_error *err)
{
    cache_obj *drop[2] = {NULL, NULL}; /* unref'd after unlocking */
    pthread_mutex_lock(&c->mu);
    long long now = now_ms(c);
    entry *e = entry_for(c, k, key, now, true);
    if (!e) {
        pthread_mutex_unlock(&c->mu);
        set_error(err, -ENOMEM, "out of memory");
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
        set_error(err, -ENOENT, "not listed, and too many lookups of unlisted images just now");
        return -ENOENT;
    } else {
        /* none, or one that started before an invalidation: start our own */
        f = calloc(1, sizeof *f);
        if (!f || pthread_cond_init(&f->done_cv, NULL) != 0) {
            free(f);
            pthread_mutex_unlock(&c->mu);
            set_error(err, -ENOMEM, "out of memory");
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
        int rc = fetch(c, k, key, f, &val, &ferr);
        if (rc == 0 && !val)
            rc = -ENOMEM;
        if (rc == -ENOMEM && ferr.message[0] == '\0')
            set_error(&ferr, -ENOMEM, "out of memory");

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
    drop[1] = flight_put(f);
    pthread_mutex_unlock(&c->mu);
    cache_obj_unref(drop[0]);
    cache_obj_unref(drop[1]);
    return rc;
}

/* ---- public interface ---- */

cache *cache_new(const cache_source *src, long long ttl_ms)
{
    if (!src || !src->list_instances || !src->list_custom_images || !src->list_platform_images ||
        !src->find_custom_image || !src->image_progress)
        return NULL;
    cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->pub_mu, NULL);
    c->src = *src;
    c->ttl_ms = ttl_ms > 0 ? ttl_ms : 0;
    return c;
}

long long cache_ttl_ms(const cache *c) { return c->ttl_ms; }

void cache_set_hooks(cache *c, const cache_hooks *hooks)
{
    pthread_mutex_lock(&c->pub_mu);
    c->hooks = *hooks;
    pthread_mutex_unlock(&c->pub_mu);
}

static void table_free(table *t)
{
    while (t->n > 0)
        table_remove(t, t->n - 1);
    free(t->items);
}

/* No reader may be inside the cache; snapshots readers still hold stay valid. */
void cache_free(cache *c)
{
    if (!c)
        return;
    entry_clear(&c->inst);
    entry_clear(&c->custom);
    entry_clear(&c->platform);
    entry_clear(&c->cap);
    table_free(&c->lookups);
    table_free(&c->progress);
    for (size_t i = 0; i < c->n_stale; i++)
        free(c->stale[i].uhost_id);
    free(c->stale);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->pub_mu);
    free(c);
}

int cache_get_instances(cache *c, inst_snap **out, api_error *err)
{
    cache_obj *o;
    int rc = cache_read(c, K_INST, NULL, 0, &o, err);
    *out = rc == 0 ? inst_snap_of(o) : NULL;
    return rc;
}

/* ---- per-instance invalidation (under c->mu) ---- */

/* Forget the instances that the published snapshot already shows as they
 * were after their command: fetched with a higher ticket. */
static void stale_sweep(cache *c)
{
    for (size_t i = c->n_stale; i-- > 0;) {
        if (c->inst.val && c->inst.val_ticket > c->stale[i].ticket) {
            free(c->stale[i].uhost_id);
            c->stale[i] = c->stale[--c->n_stale];
        }
    }
}

static stale_id *stale_find(cache *c, const char *uhost_id)
{
    for (size_t i = 0; i < c->n_stale; i++)
        if (strcmp(c->stale[i].uhost_id, uhost_id) == 0)
            return &c->stale[i];
    return NULL;
}

void cache_invalidate_instance(cache *c, const char *uhost_id)
{
    pthread_mutex_lock(&c->mu);
    stale_sweep(c);
    stale_id *s = stale_find(c, uhost_id);
    if (!s) {
        stale_id *grown = array_grow(c->stale, c->n_stale, &c->cap_stale, sizeof *grown);
        if (grown)
            c->stale = grown;
    }
    if (!s && c->n_stale < c->cap_stale && (c->stale[c->n_stale].uhost_id = strdup(uhost_id)))
        s = &c->stale[c->n_stale++];
    if (s) {
        s->ticket = c->tickets; /* fetches up to here may predate the command */
        pthread_mutex_unlock(&c->mu);
        return;
    }
    pthread_mutex_unlock(&c->mu);
    cache_invalidate_instances(c); /* out of memory: invalidate everything instead */
}

int cache_get_instance(cache *c, const char *uhost_id, inst_snap **out, api_error *err)
{
    pthread_mutex_lock(&c->mu);
    stale_sweep(c);
    const stale_id *s = stale_find(c, uhost_id);
    uint64_t min_ticket = s ? s->ticket : 0;
    pthread_mutex_unlock(&c->mu);
    cache_obj *o;
    int rc = cache_read(c, K_INST, NULL, min_ticket, &o, err);
    *out = rc == 0 ? inst_snap_of(o) : NULL;
    return rc;
}

int cache_peek_instances(cache *c, inst_snap **out)
{
    pthread_mutex_lock(&c->mu);
    cache_obj *o = c->inst.val ? cache_obj_ref(c->inst.val) : NULL;
    pthread_mutex_unlock(&c->mu);
    *out = o ? inst_snap_of(o) : NULL;
    return o ? 0 : -ENOENT;
}

int cache_get_custom_images(cache *c, img_snap **out, api_error *err)
{
    cache_obj *o;
    int rc = cache_read(c, K_CUSTOM, NULL, 0, &o, err);
    *out = rc == 0 ? img_snap_of(o) : NULL;
    return rc;
}

int cache_get_platform_images(cache *c, img_snap **out, api_error *err)
{
    cache_obj *o;
    int rc = cache_read(c, K_PLATFORM, NULL, 0, &o, err);
    *out = rc == 0 ? img_snap_of(o) : NULL;
    return rc;
}

int cache_get_capacity(cache *c, cap_snap **out, api_error *err)
{
    cache_obj *o;
    int rc = cache_read(c, K_CAP, NULL, 0, &o, err);
    *out = rc == 0 ? cap_snap_of(o) : NULL;
    return rc;
}

/* The value of a keyed entry: no ID names no image. */
static int read_keyed(cache *c, kind k, const char *image_id, cache_obj **out, api_error *err)
{
    if (!image_id || !*image_id) {
        set_error(err, -ENOENT, "no image ID");
        return -ENOENT;
    }
    return cache_read(c, k, image_id, 0, out, err);
}

int cache_lookup_custom_image(cache *c, const char *image_id, api_image *out, cache_info *info,
                              api_error *err)
{
    memset(out, 0, sizeof *out);
    cache_obj *o;
    int rc = read_keyed(c, K_LOOKUP, image_id, &o, err);
    if (rc != 0)
        return rc;
    const keyed_val *v = cache_obj_value(o);
    if (v->rc != 0) {
        rc = v->rc;
        if (err)
            *err = v->err;
    } else if ((rc = api_image_copy(out, &v->img)) != 0) {
        set_error(err, rc, "out of memory");
    } else if (info) {
        info->fresh_until_ms = v->started_ms + c->ttl_ms;
        info->changed_ns = v->changed_ns;
    }
    cache_obj_unref(o);
    return rc;
}

int cache_get_progress(cache *c, const char *image_id, api_progress *out, cache_info *info,
                       api_error *err)
{
    cache_obj *o;
    int rc = read_keyed(c, K_PROGRESS, image_id, &o, err);
    if (rc != 0)
        return rc;
    const keyed_val *v = cache_obj_value(o);
    *out = v->p;
    if (info) {
        info->fresh_until_ms = v->started_ms + c->ttl_ms;
        info->changed_ns = v->changed_ns;
    }
    cache_obj_unref(o);
    return 0;
}

long long cache_fresh_until(const cache *c, long long started_ms) { return started_ms + c->ttl_ms; }

static void invalidate(cache *c, entry *e) { e->inval_ticket = c->tickets; }

void cache_invalidate_instances(cache *c)
{
    pthread_mutex_lock(&c->mu);
    invalidate(c, &c->inst);
    pthread_mutex_unlock(&c->mu);
}

/* All image data: a new custom image changes the list, and its ID's lookups
 * and progress; platform images are cheap to refetch once per command. */
void cache_invalidate_images(cache *c)
{
    pthread_mutex_lock(&c->mu);
    invalidate(c, &c->custom);
    invalidate(c, &c->platform);
    for (size_t i = 0; i < c->lookups.n; i++)
        invalidate(c, &c->lookups.items[i].e);
    for (size_t i = 0; i < c->progress.n; i++)
        invalidate(c, &c->progress.items[i].e);
    pthread_mutex_unlock(&c->mu);
}

void cache_get_stats(cache *c, cache_stats *out)
{
    out->hits = atomic_load_explicit(&c->hits, memory_order_relaxed);
    out->misses = atomic_load_explicit(&c->misses, memory_order_relaxed);
    out->fetches = atomic_load_explicit(&c->fetches, memory_order_relaxed);
    out->fetch_errors = atomic_load_explicit(&c->fetch_errors, memory_order_relaxed);
}
