/* cache_snap.h - the immutable, reference-counted values the cache publishes
 * (private to the cache: cache.c and cache_snap.c).
 *
 * Every value starts with a cache_obj header. The count is atomic because a
 * reader drops its reference (inst_snap_put) without the cache lock. */
#ifndef COMPSHAREFS_CACHE_SNAP_H
#define COMPSHAREFS_CACHE_SNAP_H

#include <stdatomic.h>
#include <stdint.h>

#include "cache.h"

typedef struct cache_obj {
    atomic_uint refs;
    void (*destroy)(struct cache_obj *o);
} cache_obj;

/* Starts with one reference, owned by the caller. */
void cache_obj_init(cache_obj *o, void (*destroy)(cache_obj *o));
cache_obj *cache_obj_ref(cache_obj *o);
void cache_obj_unref(cache_obj *o); /* NULL is fine */

/* Build a snapshot from a fetched list: takes over *list (left empty, even on
 * failure), sorts it, drops duplicate IDs and builds the by-name links.
 * NULL when out of memory. */
cache_obj *inst_snap_build(api_instance_list *list, uint64_t generation, long long fetched_at);
inst_snap *inst_snap_of(cache_obj *o);

cache_obj *img_snap_build(api_image_list *list, uint64_t generation, long long fetched_at);
img_snap *img_snap_of(cache_obj *o);

/* The by-name link of one instance name: '/' -> %2F, '%' -> %25, "." -> %2E,
 * ".." -> %2E%2E. Malloc'd; NULL when out of memory. */
char *cache_escape_name(const char *name);

#endif
