/* SPDX-License-Identifier: MIT */
/* cache_snap.c - building the immutable snapshots the cache publishes: lists
 * sorted by ID for binary search, and the by-name link table (by_name.c).
 *
 * A snapshot is never changed after it is built, so readers use it without
 * any lock; it is freed when its last reference is dropped. */
#include "cache_snap.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "by_name.h"
#include "trim.h"

/* ---- reference counting ---- */

void cache_obj_init(cache_obj *o, void (*destroy)(cache_obj *o))
{
    atomic_init(&o->refs, 1);
    o->destroy = destroy;
}

cache_obj *cache_obj_ref(cache_obj *o)
{
    if (o)
        atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
    return o;
}

void cache_obj_unref(cache_obj *o)
{
    /* acq_rel: every use of the object by other holders happens before the free */
    if (o && atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) == 1)
        o->destroy(o);
}

/* Where a value starts after its header: aligned for any type. */
#define VALUE_AT                                                               \
    ((sizeof(cache_obj) + _Alignof(max_align_t) - 1) / _Alignof(max_align_t) * \
     _Alignof(max_align_t))

cache_obj *cache_obj_new(size_t size, void (*destroy)(cache_obj *o))
{
    cache_obj *o = size <= SIZE_MAX - VALUE_AT ? calloc(1, VALUE_AT + size) : NULL;
    if (o)
        cache_obj_init(o, destroy);
    return o;
}

void *cache_obj_value(cache_obj *o) { return (char *)o + VALUE_AT; }

cache_obj *cache_obj_of(const void *value)
{
    return value ? (cache_obj *)(void *)((char *)value - VALUE_AT) : NULL;
}

/* ---- instances ---- */

static void inst_snap_destroy(cache_obj *o)
{
    inst_snap *s = cache_obj_value(o);
    size_t n = s->list.n;
    if (s->ext.free)
        s->ext.free(s->ext.data);
    api_instance_list_free(&s->list);
    for (size_t i = 0; i < s->n_links; i++)
        free(s->link_names[i]);
    free(s->link_names);
    free(s->link_targets);
    free(o);
    trim_note_freed(n); /* trim.c decides when the memory goes back */
}

inst_snap *inst_snap_of(cache_obj *o) { return cache_obj_value(o); }

void inst_snap_put(inst_snap *s) { cache_obj_unref(cache_obj_of(s)); }

static int cmp_instance(const void *a, const void *b)
{
    return strcmp(((const api_instance *)a)->uhost_id, ((const api_instance *)b)->uhost_id);
}

const api_instance *inst_snap_find(const inst_snap *s, const char *uhost_id)
{
    if (!s || !uhost_id || s->list.n == 0)
        return NULL;
    api_instance key = {.uhost_id = (char *)uhost_id};
    return bsearch(&key, s->list.items, s->list.n, sizeof key, cmp_instance);
}

cache_obj *inst_snap_build(api_instance_list *list, uint64_t generation, long long fetched_at,
                           long long started_ms)
{
    cache_obj *o = cache_obj_new(sizeof(inst_snap), inst_snap_destroy);
    if (!o) {
        api_instance_list_free(list);
        return NULL;
    }
    inst_snap *s = cache_obj_value(o);
    s->list = *list;
    memset(list, 0, sizeof *list);
    s->generation = generation;
    s->fetched_at = fetched_at;
    s->started_ms = started_ms;
    if (s->list.n > 1) /* IDs are unique already: the source's contract */
        qsort(s->list.items, s->list.n, sizeof *s->list.items, cmp_instance);
    if (by_name_links(&s->list, &s->link_names, &s->link_targets, &s->n_links) != 0) {
        inst_snap_destroy(o);
        return NULL;
    }
    trim_note_freed(s->list.n); /* the decoded pages were freed just before */
    return o;
}

static int cmp_link(const void *key, const void *elem)
{
    return strcmp(key, *(char *const *)elem);
}

const api_instance *inst_snap_find_link(const inst_snap *s, const char *link_name)
{
    if (!s || !link_name || s->n_links == 0)
        return NULL;
    char *const *hit = bsearch(link_name, s->link_names, s->n_links, sizeof *s->link_names,
                               cmp_link);
    return hit ? &s->list.items[s->link_targets[hit - s->link_names]] : NULL;
}

/* ---- images ---- */

static void img_snap_destroy(cache_obj *o)
{
    img_snap *s = cache_obj_value(o);
    if (s->ext.free)
        s->ext.free(s->ext.data);
    api_image_list_free(&s->list);
    free(o);
}

img_snap *img_snap_of(cache_obj *o) { return cache_obj_value(o); }

void img_snap_put(img_snap *s) { cache_obj_unref(cache_obj_of(s)); }

static int cmp_image(const void *a, const void *b)
{
    return strcmp(((const api_image *)a)->image_id, ((const api_image *)b)->image_id);
}

cache_obj *img_snap_build(api_image_list *list, uint64_t generation, long long fetched_at,
                          long long started_ms)
{
    cache_obj *o = cache_obj_new(sizeof(img_snap), img_snap_destroy);
    if (!o) {
        api_image_list_free(list);
        return NULL;
    }
    img_snap *s = cache_obj_value(o);
    s->list = *list;
    memset(list, 0, sizeof *list);
    s->generation = generation;
    s->fetched_at = fetched_at;
    s->started_ms = started_ms;
    api_image_list *l = &s->list;
    if (l->n > 1) {
        qsort(l->items, l->n, sizeof *l->items, cmp_image);
        size_t out = 0; /* an image listed twice (System and App, or paging) once */
        for (size_t i = 0; i < l->n; i++) {
            if (out > 0 && strcmp(l->items[out - 1].image_id, l->items[i].image_id) == 0) {
                api_image_free(&l->items[i]);
                continue;
            }
            if (out != i)
                l->items[out] = l->items[i];
            out++;
        }
        l->n = out;
    }
    return o;
}

const api_image *img_snap_find(const img_snap *s, const char *image_id)
{
    if (!s || !image_id || s->list.n == 0)
        return NULL;
    api_image key = {.image_id = (char *)image_id};
    return bsearch(&key, s->list.items, s->list.n, sizeof key, cmp_image);
}
