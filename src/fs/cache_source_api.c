/* SPDX-License-Identifier: MIT */
/* cache_source_api.c - the cache's data source in the daemon: each read goes
 * through the shared API client (which pages, retries and decodes). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cache.h"

static int src_list_instances(void *ctx, api_instance_list *out, api_error *err)
{
    return api_describe_instances(ctx, NULL, 0, out, err);
}

static int src_list_custom_images(void *ctx, api_image_list *out, api_error *err)
{
    return api_describe_custom_images(ctx, NULL, out, err);
}

/* Appends src's items to dst; src is left empty. */
static int image_list_append(api_image_list *dst, api_image_list *src)
{
    if (src->n == 0)
        return 0;
    api_image *items = realloc(dst->items, (dst->n + src->n) * sizeof *items);
    if (!items)
        return -ENOMEM;
    memcpy(items + dst->n, src->items, src->n * sizeof *items);
    dst->items = items;
    dst->n += src->n;
    dst->total_count += src->total_count;
    free(src->items);
    memset(src, 0, sizeof *src);
    return 0;
}

/* Both kinds a user can pick from: System and App. */
static int src_list_platform_images(void *ctx, api_image_list *out, api_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = api_describe_platform_images(ctx, "System", NULL, out, err);
    if (rc != 0)
        return rc;
    api_image_list app = {0};
    if ((rc = api_describe_platform_images(ctx, "App", NULL, &app, err)) == 0 &&
        (rc = image_list_append(out, &app)) != 0) {
        memset(err, 0, sizeof *err);
        err->err = rc;
        snprintf(err->message, sizeof err->message, "out of memory");
    }
    api_image_list_free(&app);
    if (rc != 0)
        api_image_list_free(out);
    return rc;
}

/* The zones of the configured region (the API may list others too). */
static int src_list_zones(void *ctx, api_zone_list *out, api_error *err)
{
    int rc = api_describe_zones(ctx, NULL, out, err);
    if (rc)
        return rc;
    const char *region = api_client_region(ctx);
    size_t kept = 0;
    for (size_t i = 0; i < out->n; i++) {
        api_zone *z = &out->items[i];
        bool ours = z->zone && *z->zone && (!z->region || !*z->region || !region[0] ||
                                            strcmp(z->region, region) == 0);
        if (!ours) {
            free(z->zone);
            free(z->region);
            free(z->name);
            continue;
        }
        out->items[kept++] = *z;
    }
    out->n = kept;
    return 0;
}

static int src_gpu_inventory(void *ctx, api_inventory *out, api_error *err)
{
    return api_gpu_inventory(ctx, NULL, out, err);
}

static int src_find_custom_image(void *ctx, const char *image_id, api_image *out, api_error *err)
{
    memset(out, 0, sizeof *out);
    api_image_list l = {0};
    int rc = api_describe_custom_images(ctx, image_id, &l, err);
    if (rc != 0) {
        api_image_list_free(&l);
        return rc;
    }
    /* the filter is by ID, but take only an exact match in case the API ever
     * answers with more than was asked for */
    const api_image *hit = NULL;
    for (size_t i = 0; i < l.n && !hit; i++)
        if (strcmp(l.items[i].image_id, image_id) == 0)
            hit = &l.items[i];
    if (!hit) {
        memset(err, 0, sizeof *err);
        err->err = -ENOENT;
        snprintf(err->action, sizeof err->action, "DescribeCompShareCustomImages");
        snprintf(err->message, sizeof err->message, "image %.200s does not exist", image_id);
        rc = -ENOENT;
    } else if ((rc = api_image_copy(out, hit)) != 0) {
        memset(err, 0, sizeof *err);
        err->err = rc;
        snprintf(err->message, sizeof err->message, "out of memory");
    }
    api_image_list_free(&l);
    return rc;
}

static int src_image_progress(void *ctx, const char *image_id, api_progress *out, api_error *err)
{
    return api_image_progress(ctx, image_id, out, err);
}

cache_source cache_source_api(struct api_client *client)
{
    cache_source s = {
        .list_instances = src_list_instances,
        .list_custom_images = src_list_custom_images,
        .list_platform_images = src_list_platform_images,
        .find_custom_image = src_find_custom_image,
        .image_progress = src_image_progress,
        .list_zones = src_list_zones,
        .gpu_inventory = src_gpu_inventory,
        .now_ms = NULL,
        .ctx = client,
    };
    return s;
}
