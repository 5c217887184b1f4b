/* SPDX-License-Identifier: MIT */
/* cache_state.c - the cache's state (cache_state.h) and what every other file
 * of the cache does with it: its clock, its errors, the entries by kind, a
 * fetch's references, and the tables of entries keyed by image ID (lookups,
 * progress): created on first use, dropped when idle, and bounded, so that
 * IDs asked for once cannot grow them without limit. The entries and tables
 * are used under c->mu. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_state.h"
#include "clocks.h"
#include "grow.h"

/* Keyed entries unused for this many ttl's are dropped, and the table never
 * holds more than KEYED_MAX entries that are not being fetched. */
#define KEYED_IDLE_TTLS 4
#define KEYED_IDLE_MIN_MS 1000
#define KEYED_MAX 1024

long long cache_now_ms(const cache *c)
{
    return c->src.now_ms ? c->src.now_ms(c->src.ctx) : clock_mono_ms();
}

void cache_set_error(api_error *err, int rc, const char *what)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->err = rc;
    snprintf(err->message, sizeof err->message, "%s", what);
}

/* Drop a reference to f. Returns the value f held when f is freed, for the
 * caller to unref after unlocking: the last reference to a large snapshot
 * frees thousands of instances, which must not happen under c->mu. */
cache_obj *cache_flight_put(flight *f)
{
    if (--f->refs > 0)
        return NULL;
    cache_obj *val = f->val;
    pthread_cond_destroy(&f->done_cv);
    free(f);
    return val;
}

void cache_entry_clear(entry *e)
{
    cache_obj_unref(e->val);
    if (e->failed)
        cache_flight_put(e->failed); /* a failed flight holds no value */
    memset(e, 0, sizeof *e);
}

static void table_remove(table *t, size_t i)
{
    free(t->items[i].key);
    cache_entry_clear(&t->items[i].e);
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
entry *cache_entry_for(cache *c, kind k, const char *key, long long now, bool create)
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

void cache_table_free(table *t)
{
    while (t->n > 0)
        table_remove(t, t->n - 1);
    free(t->items);
}
