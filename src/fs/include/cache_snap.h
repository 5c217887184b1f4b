/* SPDX-License-Identifier: MIT */
/* cache_snap.h - the immutable, reference-counted snapshots the cache
 * publishes (cache.h), and what a reader does with one: find an entry, put it
 * back. A snapshot never changes once built, so readers need no lock.
 *
 * Every value starts with a cache_obj header. The count is atomic because a
 * reader drops its reference (inst_snap_put) without the cache lock. Building
 * and referencing are the cache's business (cache.c). */
#ifndef COMPSHAREFS_CACHE_SNAP_H
#define COMPSHAREFS_CACHE_SNAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_types.h"

/* ---- instances ---- */

/* What the cache's publish hook may attach to a snapshot before any reader
 * sees it (change times, say): freed with the snapshot. */
typedef struct snap_ext {
    void *data;
    void (*free)(void *data);
} snap_ext;

typedef struct inst_snap {
    api_instance_list list; /* sorted by uhost_id */
    long long fetched_at;   /* wall clock, seconds since the epoch, for timestamps */
    long long started_ms;   /* the cache's clock when the fetch began: its age */
    uint64_t generation;
    snap_ext ext;
    /* by-name/ entries, sorted by link name; link_targets[i] indexes list.items.
     * In a name, '/', '%' and '@', control characters (C0, DEL, C1),
     * bidirectional controls (utf8_is_bidi_control) and bytes that are not
     * UTF-8 are written %XX, one per byte; "." and ".." are %2E and %2E%2E.
     * So '@' in a link always introduces its target's UHostId. A name links as
     * itself only when one instance holds it, it does not look like an ID
     * (uhost-..., compshareImage-..., any case) and it fits NAME_MAX; else as
     * "NAME@UHOSTID", NAME cut at a character boundary to fit NAME_MAX. An
     * empty name gets no link. No link can pose as another, and every named
     * instance stays reachable. */
    char **link_names;
    size_t *link_targets;
    size_t n_links;
} inst_snap;

void inst_snap_put(inst_snap *s);
const api_instance *inst_snap_find(const inst_snap *s, const char *uhost_id);
const api_instance *inst_snap_find_link(const inst_snap *s, const char *link_name);

/* ---- images ---- */

typedef struct img_snap {
    api_image_list list; /* sorted by image_id */
    long long fetched_at;
    long long started_ms;
    uint64_t generation;
    snap_ext ext;
} img_snap;

void img_snap_put(img_snap *s);
const api_image *img_snap_find(const img_snap *s, const char *image_id);

/* ---- capacity: the region's zones and their free GPUs ---- */

#define CAP_POOL_DEDICATED "Exclusive" /* the inventory's names of its pools */
#define CAP_POOL_SPOT "Spot"

typedef struct cap_snap {
    api_zone_list zones;         /* the region's, sorted by zone name */
    api_inventory stock;         /* sorted by zone ID, pool, GPU type */
    long long *zone_changed_ns;  /* per zone: when its display name last changed */
    long long *stock_changed_ns; /* per stock item: when its count last changed */
    long long fetched_at, started_ms;
    uint64_t generation;
} cap_snap;

void cap_snap_put(cap_snap *s);
/* A zone by name (its index into zones.items), or NULL. */
const api_zone *cap_snap_zone(const cap_snap *s, const char *zone, size_t *index);
/* The stock items of a zone's dedicated or spot pool: n items from *first. */
size_t cap_snap_pool(const cap_snap *s, const api_zone *z, bool spot, size_t *first);

/* ---- for the cache ---- */

typedef struct cache_obj {
    atomic_uint refs;
    void (*destroy)(struct cache_obj *o);
} cache_obj;

/* Starts with one reference, owned by the caller. */
void cache_obj_init(cache_obj *o, void (*destroy)(cache_obj *o));
cache_obj *cache_obj_ref(cache_obj *o);
void cache_obj_unref(cache_obj *o); /* NULL is fine */
/* A header and a zeroed value of size bytes after it, in one allocation that
 * destroy frees (with free(o)), with one reference; NULL when out of memory.
 * The snapshots and the tree's content blobs are such values. */
cache_obj *cache_obj_new(size_t size, void (*destroy)(cache_obj *o));
void *cache_obj_value(cache_obj *o);
cache_obj *cache_obj_of(const void *value); /* the header before it; NULL for NULL */

/* Build a snapshot from a fetched list of distinct IDs: takes over *list
 * (left empty, even on failure), sorts it and builds the by-name links. NULL
 * when out of memory. */
cache_obj *inst_snap_build(api_instance_list *list, uint64_t generation, long long fetched_at,
                           long long started_ms);
inst_snap *inst_snap_of(cache_obj *o);

cache_obj *img_snap_build(api_image_list *list, uint64_t generation, long long fetched_at,
                          long long started_ms);
img_snap *img_snap_of(cache_obj *o);

/* Takes over *zones and *stock (left empty, even on failure); change times
 * come from prev (NULL: all now_ns). NULL when out of memory. */
cache_obj *cap_snap_build(api_zone_list *zones, api_inventory *stock, const cap_snap *prev,
                          uint64_t generation, long long fetched_at, long long started_ms,
                          long long now_ns);
cap_snap *cap_snap_of(cache_obj *o);

/* One instance name escaped as in its by-name link (see inst_snap), without
 * any "@UHOSTID". Malloc'd; NULL when out of memory. */
char *cache_escape_name(const char *name);

#endif
