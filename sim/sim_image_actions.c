/* SPDX-License-Identifier: MIT */
/* sim_image_actions.c - compshare-sim's image actions: making a custom image from an
 * instance, its progress, and the listings of custom and platform images. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_image_actions.h"
#include "sim_instance_actions.h"
#include "sim_args.h"
#include "sim_equip.h"
#include "sim_json.h"
#include "sim_render.h"

#define DESCRIPTION_MAX_CHARS 255

static int create_custom_image(sim_call *c)
{
    sim_instance *in;
    const char *name;
    int rc = sim_find_instance_and_name(c, &in, &name);
    if (rc)
        return rc;
    const char *description = sim_arg_optional(c->p, "Description");
    if (description &&
        (rc = sim_arg_check_name("Description", description, DESCRIPTION_MAX_CHARS, c->err)))
        return rc;
    for (size_t i = 0; i < c->w->n_images; i++)
        if (strcmp(c->w->images[i].type, "Custom") == 0 && strcmp(c->w->images[i].name, name) == 0)
            return sim_fail(
                c->err, SIM_E_NAME_DUPLICATE,
                "ImageNameDuplicate: the account already has custom image %s with this name",
                c->w->images[i].id);
    /* Making an image does not take the operation lock, but it cannot start while an
     * operation runs, nor from a transitional state. */
    if ((rc = sim_check_can_operate(c, in, "making a custom image", SIM_RUNNING, SIM_STOPPED)))
        return rc;

    /* Copy what the image needs before sim_world_add_image may move the image table. */
    sim_image *img = sim_world_add_image(c->w);
    char *name_copy = strdup(name), *desc_copy = strdup(description ? description : "");
    if (!img || !name_copy || !desc_copy) {
        free(name_copy);
        free(desc_copy);
        if (img)
            c->w->n_images--;
        return sim_fail(c->err, SIM_E_UNAVAILABLE,
                        "Service temporarily unavailable: out of memory");
    }
    static const char base36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    do
        sim_world_random_id(&c->w->rng, "compshareImage-", base36, 10, img->id, sizeof img->id);
    while (sim_world_image(c->w, img->id) != img);
    img->name = name_copy;
    img->description = desc_copy;
    img->status = SIM_IMG_MAKING;
    img->create_time = sim_world_wall(c->w, c->now);
    sim_image_made_from(c->w, img, in);
    double base =
        SIM_IMAGE_MIN_SECONDS +
        floor(sim_world_rand_unit(c->w) * (SIM_IMAGE_MAX_SECONDS - SIM_IMAGE_MIN_SECONDS + 1));
    img->make_start = c->now;
    img->make_end = c->now + sim_world_scaled(c->w, base);
    cJSON_AddStringToObject(c->resp, "CompShareImageId", img->id);
    return 0;
}

/* The custom image of the request's region that CompShareImageId names (Region and
 * Zone required): 0 and *out, or an error code. Progress and deletion look it up alike. */
static int find_custom_image_arg(sim_call *c, sim_image **out)
{
    const char *region, *zone;
    int rc = sim_arg_region_zone(c->p, true, true, &region, &zone, c->err);
    if (rc)
        return rc;
    const char *id = sim_arg_required(c->p, "CompShareImageId", c->err);
    if (!id)
        return c->err->code;
    sim_image *img = sim_world_image(c->w, id);
    if (!img || strcmp(img->type, "Custom") != 0 || strcmp(img->region, region) != 0)
        return sim_fail(c->err, SIM_E_IMAGE_NOT_FOUND,
                        "ImageNotFound: custom image %.48s does not exist in this region", id);
    *out = img;
    return 0;
}

static int get_image_progress(sim_call *c)
{
    sim_image *img;
    int rc = find_custom_image_arg(c, &img);
    if (rc)
        return rc;
    double process;
    long long total, remaining;
    sim_image_progress(img, c->now, &process, &total, &remaining);
    cJSON_AddNumberToObject(c->resp, "Process", process);
    /* Seconds, typed as strings by both SDKs (the seed document says integer). */
    sim_json_int_text(c->resp, "TotalDuration", total);
    sim_json_int_text(c->resp, "RemainingDuration", remaining);
    return 0;
}

static int by_creation(const void *a, const void *b)
{
    const sim_image *x = *(const sim_image *const *)a, *y = *(const sim_image *const *)b;
    if (x->create_time != y->create_time)
        return x->create_time < y->create_time ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Which images a listing shows. */
typedef struct image_filter {
    bool custom;      /* the account's custom images, else platform images */
    const char *region; /* custom images: of this region */
    const char *id, *type, *name; /* NULL: any */
} image_filter;

static bool image_matches(const sim_image *img, const image_filter *f)
{
    bool custom = img->region[0] != '\0'; /* platform images belong to every region */
    if (custom != f->custom || (f->custom && strcmp(img->region, f->region) != 0))
        return false;
    return (!f->id || strcmp(img->id, f->id) == 0) &&
           (!f->type || strcmp(img->type, f->type) == 0) &&
           (!f->name || strcmp(img->name, f->name) == 0);
}

/* Answer ImageSet and TotalCount for the matching images, oldest first, one page. */
static int answer_images(sim_call *c, const image_filter *f, long long offset, long long limit)
{
    const sim_image **match = malloc((c->w->n_images + 1) * sizeof *match);
    if (!match)
        return sim_fail(c->err, SIM_E_UNAVAILABLE,
                        "Service temporarily unavailable: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < c->w->n_images; i++)
        if (image_matches(&c->w->images[i], f))
            match[n++] = &c->w->images[i];
    qsort(match, n, sizeof *match, by_creation);
    cJSON *set = cJSON_AddArrayToObject(c->resp, "ImageSet");
    for (size_t i = 0; set && i < n; i++)
        if ((long long)i >= offset && (long long)i < offset + limit)
            cJSON_AddItemToArray(set, sim_render_image(c->w, match[i]));
    cJSON_AddNumberToObject(c->resp, "TotalCount", (double)n);
    free(match);
    return 0;
}

/* The two listings: the account's custom images of the region (Zone required), or the
 * platform images (Zone optional, filtered by ImageType and Name). Either may ask for
 * one CompShareImageId. */
static int describe_images_of(sim_call *c, bool custom)
{
    const char *region, *zone;
    long long offset, limit;
    int rc = sim_arg_listing(c->p, true, custom, &region, &zone, &offset, &limit, c->err);
    if (rc)
        return rc;
    image_filter f = {
        .custom = custom, .region = region, .id = sim_arg_optional(c->p, "CompShareImageId")};
    if (!custom) {
        f.type = sim_arg_optional(c->p, "ImageType");
        if (f.type && strcmp(f.type, "System") != 0 && strcmp(f.type, "App") != 0)
            return sim_fail(c->err, SIM_E_INVALID_PARAM,
                            "Params [ImageType] not valid: System or App");
        f.name = sim_arg_optional(c->p, "Name");
        /* With an ID, the type filters only when given: an ID names one image of either
         * type. */
        if (!f.type && !f.id)
            f.type = "System";
    }
    return answer_images(c, &f, offset, limit);
}

static int describe_custom_images(sim_call *c) { return describe_images_of(c, true); }
static int describe_images(sim_call *c) { return describe_images_of(c, false); }

/* A custom image of this region is deleted at once, unless it is still being made.
 * Instances running it keep running (their disks are theirs). */
static int terminate_custom_image(sim_call *c)
{
    sim_image *img;
    int rc = find_custom_image_arg(c, &img);
    if (rc)
        return rc;
    if (img->status == SIM_IMG_MAKING)
        return sim_fail(c->err, SIM_E_IMAGE_MAKING,
                        "ImageMaking: custom image %s is still being made; it can be deleted "
                        "once it is Available or UnAvailable",
                        img->id);
    sim_world_remove_image(c->w, img);
    return 0;
}

const sim_action_entry sim_image_actions[] = {
    {"CreateCompShareCustomImage", create_custom_image},
    {"GetCompShareImageCreateProgress", get_image_progress},
    {"DescribeCompShareCustomImages", describe_custom_images},
    {"DescribeCompShareImages", describe_images},
    {"TerminateCompShareCustomImage", terminate_custom_image},
    {NULL, NULL},
};
