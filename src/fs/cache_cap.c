/* SPDX-License-Identifier: MIT */
/* cache_cap.c - the capacity snapshot: the region's zones and the GPUs free in
 * each (cache_snap.h). Built once per fetch and never changed after, like the
 * other snapshots; each zone and each stock count carries the time its value
 * last changed, carried over from the snapshot it replaces, so that a refresh
 * which changes nothing changes no mtime. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cache_snap.h"

static void cap_snap_destroy(cache_obj *o)
{
    cap_snap *s = cache_obj_value(o);
    api_zone_list_free(&s->zones);
    api_inventory_free(&s->stock);
    free(s->zone_changed_ns);
    free(s->stock_changed_ns);
    free(o);
}

cap_snap *cap_snap_of(cache_obj *o) { return cache_obj_value(o); }

void cap_snap_put(cap_snap *s) { cache_obj_unref(cache_obj_of(s)); }

static const char *str(const char *s) { return s ? s : ""; }

static int cmp_zone(const void *a, const void *b)
{
    return strcmp(str(((const api_zone *)a)->zone), str(((const api_zone *)b)->zone));
}

/* By zone, then pool, then GPU type: a zone's pool is one run of items. */
static int cmp_stock(const void *a, const void *b)
{
    const api_gpu_stock *x = a, *y = b;
    if (x->zone_id != y->zone_id)
        return x->zone_id < y->zone_id ? -1 : 1;
    int c = strcmp(str(x->pool), str(y->pool));
    return c ? c : strcmp(str(x->gpu_type), str(y->gpu_type));
}

const api_zone *cap_snap_zone(const cap_snap *s, const char *zone, size_t *index)
{
    api_zone key = {.zone = (char *)zone};
    const api_zone *z = bsearch(&key, s->zones.items, s->zones.n, sizeof key, cmp_zone);
    if (z && index)
        *index = (size_t)(z - s->zones.items);
    return z;
}

size_t cap_snap_pool(const cap_snap *s, const api_zone *z, bool spot, size_t *first)
{
    const char *pool = spot ? CAP_POOL_SPOT : CAP_POOL_DEDICATED;
    size_t n = 0;
    *first = 0;
    for (size_t i = 0; i < s->stock.n; i++) { /* a few dozen items: a scan is enough */
        const api_gpu_stock *g = &s->stock.items[i];
        if (g->zone_id != z->zone_id || strcmp(str(g->pool), pool) != 0)
            continue;
        if (n++ == 0)
            *first = i;
    }
    return n;
}

/* When each value last changed: prev's time when prev had the same value. */
static void carry_times(cap_snap *s, const cap_snap *prev, long long now_ns)
{
    for (size_t i = 0; i < s->zones.n; i++) {
        const api_zone *z = &s->zones.items[i], *was;
        size_t k;
        s->zone_changed_ns[i] = now_ns;
        if (prev && (was = cap_snap_zone(prev, str(z->zone), &k)) &&
            strcmp(str(was->name), str(z->name)) == 0)
            s->zone_changed_ns[i] = prev->zone_changed_ns[k];
    }
    for (size_t i = 0; i < s->stock.n; i++) {
        const api_gpu_stock *g = &s->stock.items[i];
        s->stock_changed_ns[i] = now_ns;
        if (!prev)
            continue;
        for (size_t k = 0; k < prev->stock.n; k++) {
            const api_gpu_stock *w = &prev->stock.items[k];
            if (cmp_stock(g, w) == 0) {
                if (w->count == g->count)
                    s->stock_changed_ns[i] = prev->stock_changed_ns[k];
                break;
            }
        }
    }
}

cache_obj *cap_snap_build(api_zone_list *zones, api_inventory *stock, const cap_snap *prev,
                          uint64_t generation, long long fetched_at, long long started_ms,
                          long long now_ns)
{
    cache_obj *o = cache_obj_new(sizeof(cap_snap), cap_snap_destroy);
    cap_snap *s = o ? cache_obj_value(o) : NULL;
    if (s) {
        s->zone_changed_ns = calloc(zones->n + 1, sizeof *s->zone_changed_ns);
        s->stock_changed_ns = calloc(stock->n + 1, sizeof *s->stock_changed_ns);
    }
    if (!s || !s->zone_changed_ns || !s->stock_changed_ns) {
        if (o)
            cap_snap_destroy(o); /* it holds no zones or stock yet */
        api_zone_list_free(zones);
        api_inventory_free(stock);
        return NULL;
    }
    s->zones = *zones;
    s->stock = *stock;
    memset(zones, 0, sizeof *zones);
    memset(stock, 0, sizeof *stock);
    s->generation = generation;
    s->fetched_at = fetched_at;
    s->started_ms = started_ms;
    if (s->zones.n > 1)
        qsort(s->zones.items, s->zones.n, sizeof *s->zones.items, cmp_zone);
    if (s->stock.n > 1)
        qsort(s->stock.items, s->stock.n, sizeof *s->stock.items, cmp_stock);
    carry_times(s, prev, now_ns);
    return o;
}
