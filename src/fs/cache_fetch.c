/* SPDX-License-Identifier: MIT */
/* cache_fetch.c - what the cache asks its source (cache_source, cache.h) for
 * each kind of entry, and the values it makes of the answers. Runs with no
 * lock held: a slow source delays only the readers of the entry it fetches. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache_state.h"
#include "clocks.h"

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
        cache_set_error(err, -ENOSYS, "this cache has no source of zones");
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

int cache_fetch(cache *c, kind k, const char *key, const flight *f, cache_obj **out, api_error *err)
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

/* A progress value that did not change keeps the time it changed: file
 * mtimes are change times, and a refresh that changes nothing changes none. */
void cache_keep_change_time(kind k, cache_obj *prev, cache_obj *next)
{
    if (k != K_PROGRESS || !prev)
        return;
    const keyed_val *a = cache_obj_value(prev);
    keyed_val *b = cache_obj_value(next);
    if (a->p.process == b->p.process && a->p.total_duration == b->p.total_duration &&
        a->p.remaining_duration == b->p.remaining_duration)
        b->changed_ns = a->changed_ns;
}
