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
#include <stdint.h>

#include "api_types.h"

/* ---- instances ---- */

typedef struct inst_snap {
    api_instance_list list; /* sorted by uhost_id */
    long long fetched_at;   /* wall clock, seconds since the epoch, for timestamps */
    uint64_t generation;
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
    uint64_t generation;
} img_snap;

void img_snap_put(img_snap *s);
const api_image *img_snap_find(const img_snap *s, const char *image_id);

/* ---- for the cache ---- */

typedef struct cache_obj {
    atomic_uint refs;
    void (*destroy)(struct cache_obj *o);
} cache_obj;

/* Starts with one reference, owned by the caller. */
void cache_obj_init(cache_obj *o, void (*destroy)(cache_obj *o));
cache_obj *cache_obj_ref(cache_obj *o);
void cache_obj_unref(cache_obj *o); /* NULL is fine */

/* Build a snapshot from a fetched list of distinct IDs: takes over *list
 * (left empty, even on failure), sorts it and builds the by-name links. NULL
 * when out of memory. */
cache_obj *inst_snap_build(api_instance_list *list, uint64_t generation, long long fetched_at);
inst_snap *inst_snap_of(cache_obj *o);

cache_obj *img_snap_build(api_image_list *list, uint64_t generation, long long fetched_at);
img_snap *img_snap_of(cache_obj *o);

/* One instance name escaped as in its by-name link (see inst_snap), without
 * any "@UHOSTID". Malloc'd; NULL when out of memory. */
char *cache_escape_name(const char *name);

#endif
