/* SPDX-License-Identifier: MIT */
/* cache.h - the instance and image data the tree is rendered from.
 *
 * Snapshots are immutable and reference-counted: a reader takes one, renders
 * from it and puts it back; a refresh publishes a new snapshot without
 * disturbing readers of the old one.
 *
 * Freshness: a snapshot is served while it is younger than ttl. When it is
 * older, or was invalidated, the first reader starts one fetch and every
 * concurrent reader waits for that same fetch (single flight): many readers
 * of many files cause at most one round of API calls per ttl.
 *
 * Generations: each fetch takes a ticket when it starts. Its result is
 * published only if no fetch that started later has already published (a
 * slow fetch never overwrites newer data), and a fetch that started before
 * cache_invalidate_*() never satisfies a reader who came after it (no
 * "Running" served after a reboot was accepted).
 *
 * A failed fetch is returned to every reader that waited for it; stale data
 * is never served in its place. Its failure is held for a moment (1 s, at most
 * ttl, ended by an invalidation), so that readers right after it fail at once
 * instead of each starting a fetch of its own. The cache lock is never held across an API
 * call, so a reader whose data is fresh never waits behind a slow fetch. */
#ifndef COMPSHAREFS_CACHE_H
#define COMPSHAREFS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "api_types.h"
#include "cache_snap.h"

/* Where data comes from: the API client in the daemon, fakes in unit tests.
 * Each function returns 0 or a negative errno (never a positive one) and fills
 * err on failure. */
typedef struct cache_source {
    /* every instance, each ID once (api_describe_instances deduplicates pages) */
    int (*list_instances)(void *ctx, api_instance_list *out, api_error *err);
    int (*list_custom_images)(void *ctx, api_image_list *out, api_error *err);
    /* System and App platform images together */
    int (*list_platform_images)(void *ctx, api_image_list *out, api_error *err);
    /* One custom image by ID: -ENOENT when it does not exist */
    int (*find_custom_image)(void *ctx, const char *image_id, api_image *out, api_error *err);
    int (*image_progress)(void *ctx, const char *image_id, api_progress *out, api_error *err);
    /* The region's zones, and the GPUs free in them (may be NULL: no zones/) */
    int (*list_zones)(void *ctx, api_zone_list *out, api_error *err);
    int (*gpu_inventory)(void *ctx, api_inventory *out, api_error *err);
    long long (*now_ms)(void *ctx); /* monotonic; NULL = clock_mono_ms */
    void *ctx;
} cache_source;

struct api_client;
/* A cache_source reading through the API client (ctx = the client). */
cache_source cache_source_api(struct api_client *client);

/* What the cache tells its user when it publishes a new list. */
typedef enum cache_kind { CACHE_INSTANCES, CACHE_CUSTOM_IMAGES, CACHE_PLATFORM_IMAGES } cache_kind;

typedef struct cache_hooks {
    /* A list is about to replace prev (NULL: the first) for every reader:
     * next (an inst_snap or img_snap, by kind) is not visible yet, so the
     * hook may fill next->ext (change times, events). Calls come one at a
     * time, in the order the lists replace each other, without the cache's
     * lock: readers of fresh data never wait for a hook. */
    void (*on_publish)(void *ctx, cache_kind kind, const void *prev, void *next);
    void *ctx;
} cache_hooks;

typedef struct cache cache;

cache *cache_new(const cache_source *src, long long ttl_ms);
/* Set once, before the first read (the tree does, when it is made). */
void cache_set_hooks(cache *c, const cache_hooks *hooks);
void cache_free(cache *c);
/* The ttl the cache was made with, and its clock (monotonic ms: the
 * source's, so that tests can move it), for callers that keep derived data. */
long long cache_ttl_ms(const cache *c);
long long cache_now_ms(const cache *c);

/* ---- instances ---- */


/* A reference to instance data no older than ttl (fetching it if needed). */
int cache_get_instances(cache *c, inst_snap **out, api_error *err);
/* Instance data fit to answer a read of uhost_id: no older than ttl and, if
 * a command changed that instance, fetched after the command. */
int cache_get_instance(cache *c, const char *uhost_id, inst_snap **out, api_error *err);
/* A command changed this instance: the next read of it (cache_get_instance)
 * fetches, while reads of other instances are still served from the cache. */
void cache_invalidate_instance(cache *c, const char *uhost_id);
/* The last instance data published, however old or invalidated, and without
 * any API call; -ENOENT when none ever was. Only for facts that never change
 * (an instance's zone), never to answer a read. */
int cache_peek_instances(cache *c, inst_snap **out);
/* Every instance: the next read of any fetches (a rename changes by-name/). */
void cache_invalidate_instances(cache *c);

/* ---- capacity ---- */

/* The region's zones and the GPUs free in each, no older than ttl (one fetch:
 * DescribeCompShareSupportZone, then DescribeCompShareGpuInventory). */
int cache_get_capacity(cache *c, cap_snap **out, api_error *err);

/* ---- images ---- */


int cache_get_custom_images(cache *c, img_snap **out, api_error *err);
int cache_get_platform_images(cache *c, img_snap **out, api_error *err);

/* How fresh a value is and when it last changed. */
typedef struct cache_info {
    long long fresh_until_ms; /* the cache's clock: when the data turns ttl old */
    long long changed_ns;     /* wall clock: when its value last changed, as the cache saw it */
} cache_info;

/* When data fetched from started_ms (a snapshot's) turns ttl old. */
long long cache_fresh_until(const cache *c, long long started_ms);

/* One custom image by ID, looked up by itself (for IDs the listing does not
 * show): the answer, "does not exist" included, is cached for ttl. *out is a
 * deep copy the caller frees. */
int cache_lookup_custom_image(cache *c, const char *image_id, api_image *out, cache_info *info,
                              api_error *err);
/* Progress of one image, no older than ttl (single flight per image). */
int cache_get_progress(cache *c, const char *image_id, api_progress *out, cache_info *info,
                       api_error *err);
void cache_invalidate_images(cache *c);

typedef struct cache_stats {
    uint64_t hits;    /* answered from a fresh snapshot */
    uint64_t misses;  /* had to wait for a fetch */
    uint64_t fetches; /* fetches started */
    uint64_t fetch_errors;
} cache_stats;
void cache_get_stats(cache *c, cache_stats *out);

#endif
