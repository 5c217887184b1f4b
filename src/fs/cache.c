/* SPDX-License-Identifier: MIT */
/* cache.c - single-flight, generation-checked caching of instance and image
 * data (the contract is in cache.h).
 *
 * Every piece of data is an entry: the instance list, the custom and the
 * platform image lists, the capacity (zones and their stock), and, keyed by
 * image ID, one-image lookups and image progress. An entry holds the last
 * published value (an immutable, refcounted cache_obj) and the newest fetch
 * in flight. Entries are independent, so a slow fetch of one never delays a
 * reader of another, and the lock is only held to look at entries, never
 * across a call to the source.
 *
 * Tickets order fetches: each takes the next one when it starts. A value
 * published by ticket T is replaced only by a fetch with a higher ticket, and
 * an invalidation records the newest ticket issued so far, below which no
 * value or fetch satisfies a reader who arrives afterwards.
 *
 * This file holds the object and the public interface. Below it, each file
 * using only the ones under it: single flight in cache_flight.c, what is
 * asked of the source in cache_fetch.c, and the cache's state (the entries,
 * the keyed tables, cache_state.h) in cache_state.c. */
#include "cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_state.h"
#include "clocks.h"
#include "grow.h"

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

/* No reader may be inside the cache; snapshots readers still hold stay valid. */
void cache_free(cache *c)
{
    if (!c)
        return;
    cache_entry_clear(&c->inst);
    cache_entry_clear(&c->custom);
    cache_entry_clear(&c->platform);
    cache_entry_clear(&c->cap);
    cache_table_free(&c->lookups);
    cache_table_free(&c->progress);
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
        cache_set_error(err, -ENOENT, "no image ID");
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
        cache_set_error(err, rc, "out of memory");
    } else if (info) {
        info->fresh_until_ms = cache_fresh_until(c, v->started_ms);
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
        info->fresh_until_ms = cache_fresh_until(c, v->started_ms);
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
