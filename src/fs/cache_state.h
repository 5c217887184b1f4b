/* SPDX-License-Identifier: MIT */
/* cache_state.h - the cache's state, and what its files share (cache.c: the
 * object and the public interface, over cache_flight.c: single flight, over
 * cache_fetch.c: asking the source, over cache_state.c: this state); private
 * to them, cache.h is the contract. */
#ifndef COMPSHAREFS_CACHE_STATE_H
#define COMPSHAREFS_CACHE_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cache.h"
#include "cache_snap.h"

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

/* ---- the state (cache_state.c) ---- */

/* err set to rc and what (err may be NULL). */
void cache_set_error(api_error *err, int rc, const char *what);
/* Drop a reference to f (under c->mu); returns the value to unref after
 * unlocking when that freed f. */
cache_obj *cache_flight_put(flight *f);

/* Entries and keyed tables (under c->mu). */

/* The entry for (k, key); keyed entries are created when create is set.
 * The pointer is valid only until the lock is released. */
entry *cache_entry_for(cache *c, kind k, const char *key, long long now, bool create);
void cache_entry_clear(entry *e);
void cache_table_free(table *t);

/* ---- single flight (cache_flight.c) ---- */

/* A reference to the value of (k, key) no older than ttl and fetched with a
 * ticket above min_ticket, fetching it once for every reader that needs it at
 * the same time. Takes c->mu itself. */
int cache_read(cache *c, kind k, const char *key, uint64_t min_ticket, cache_obj **out,
               api_error *err);

/* ---- the source (cache_fetch.c; no lock held) ---- */

/* A new value of (k, key) for fetch f: 0 and *out, or a negative errno with
 * err filled. */
int cache_fetch(cache *c, kind k, const char *key, const flight *f, cache_obj **out,
                api_error *err);
/* next, about to replace prev, keeps prev's change time when its data is
 * the same. */
void cache_keep_change_time(kind k, cache_obj *prev, cache_obj *next);

#endif
