/* sim_image_actions.c - compshare-sim's image actions: making a custom image from an
 * instance, its progress, and the listings of custom and platform images. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_actions.h"
#include "sim_args.h"
#include "sim_render.h"

#define DESCRIPTION_MAX_CHARS 255

int action_create_custom_image(sim_call *c)
{
    sim_instance *in;
    int rc = find_instance_arg(c, "Name", &in);
    if (rc)
        return rc;
    const char *name = arg_optional(c->p, "Name");
    const char *description = arg_optional(c->p, "Description");
    if ((rc = arg_check_name("Name", name, SIM_NAME_MAX_CHARS, c->err)))
        return rc;
    if (description && (rc = arg_check_name("Description", description, DESCRIPTION_MAX_CHARS, c->err)))
        return rc;
    for (size_t i = 0; i < c->w->n_images; i++)
        if (strcmp(c->w->images[i].type, "Custom") == 0 && strcmp(c->w->images[i].name, name) == 0)
            return sim_fail(c->err, SIM_E_NAME_DUPLICATE,
                            "ImageNameDuplicate: the account already has custom image %s with this name",
                            c->w->images[i].id);
    /* Making an image does not take the operation lock, but it cannot start while an
     * operation runs, nor from a transitional state. */
    if ((rc = check_can_operate(c, in, "making a custom image", SIM_RUNNING, SIM_STOPPED)))
        return rc;

    /* Copy what the image needs before world_add_image may move the image table. */
    sim_image *img = world_add_image(c->w);
    char *name_copy = strdup(name), *desc_copy = strdup(description ? description : "");
    if (!img || !name_copy || !desc_copy) {
        free(name_copy);
        free(desc_copy);
        if (img)
            c->w->n_images--;
        return sim_fail(c->err, SIM_E_UNAVAILABLE, "Service temporarily unavailable: out of memory");
    }
    static const char base36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    do
        world_random_id(&c->w->rng, "compshareImage-", base36, 10, img->id, sizeof img->id);
    while (world_image(c->w, img->id) != img);
    img->name = name_copy;
    img->description = desc_copy;
    img->type = "Custom";
    img->status = SIM_IMG_MAKING;
    img->container = in->container;
    img->size_mb = in->disks[0].size_gb * 1024 / 3 + (int)(world_rand(c->w) % 4096);
    img->os_name = in->os_name;
    img->software = in->software;
    img->create_time = world_wall(c->w, c->now);
    zone_region(in->zone, img->region, sizeof img->region);
    snprintf(img->source_uhost, sizeof img->source_uhost, "%s", in->id);
    double base = SIM_IMAGE_MIN_SECONDS +
                  floor(world_rand_unit(c->w) * (SIM_IMAGE_MAX_SECONDS - SIM_IMAGE_MIN_SECONDS + 1));
    img->make_start = c->now;
    img->make_end = c->now + world_scaled(c->w, base);
    cJSON_AddStringToObject(c->resp, "CompShareImageId", img->id);
    return 0;
}

/* A custom image of this region, or NULL. */
static const sim_image *custom_image(sim_world *w, const char *id, const char *region)
{
    const sim_image *img = world_image(w, id);
    if (!img || strcmp(img->type, "Custom") != 0 || strcmp(img->region, region) != 0)
        return NULL;
    return img;
}

int action_get_image_progress(sim_call *c)
{
    const char *region, *zone;
    int rc = arg_region_zone(c->p, true, true, &region, &zone, c->err);
    if (rc)
        return rc;
    const char *id = arg_required(c->p, "CompShareImageId", c->err);
    if (!id)
        return c->err->code;
    const sim_image *img = custom_image(c->w, id, region);
    if (!img)
        return sim_fail(c->err, SIM_E_IMAGE_NOT_FOUND,
                        "ImageNotFound: custom image %.48s does not exist in this region", id);
    double process;
    long long total, remaining;
    image_progress(img, c->now, &process, &total, &remaining);
    cJSON_AddNumberToObject(c->resp, "Process", process);
    cJSON_AddNumberToObject(c->resp, "TotalDuration", (double)total);
    cJSON_AddNumberToObject(c->resp, "RemainingDuration", (double)remaining);
    return 0;
}

static int by_creation(const void *a, const void *b)
{
    const sim_image *x = *(const sim_image *const *)a, *y = *(const sim_image *const *)b;
    if (x->create_time != y->create_time)
        return x->create_time < y->create_time ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Answer ImageSet and TotalCount for the matching images, sorted, one page. */
static int answer_images(sim_call *c, const sim_image **match, size_t n, long long offset,
                         long long limit)
{
    qsort(match, n, sizeof *match, by_creation);
    cJSON *set = cJSON_AddArrayToObject(c->resp, "ImageSet");
    for (size_t i = 0; set && i < n; i++)
        if ((long long)i >= offset && (long long)i < offset + limit)
            cJSON_AddItemToArray(set, render_image(c->w, match[i]));
    cJSON_AddNumberToObject(c->resp, "TotalCount", (double)n);
    return 0;
}

int action_describe_custom_images(sim_call *c)
{
    const char *region, *zone;
    long long offset, limit;
    int rc = arg_region_zone(c->p, true, true, &region, &zone, c->err);
    if (!rc)
        rc = arg_paging(c->p, &offset, &limit, c->err);
    if (rc)
        return rc;
    const char *id = arg_optional(c->p, "CompShareImageId");
    const sim_image **match = malloc((c->w->n_images + 1) * sizeof *match);
    if (!match)
        return sim_fail(c->err, SIM_E_UNAVAILABLE, "Service temporarily unavailable: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < c->w->n_images; i++) {
        const sim_image *img = &c->w->images[i];
        if (strcmp(img->type, "Custom") != 0 || strcmp(img->region, region) != 0)
            continue;
        if (id && strcmp(img->id, id) != 0)
            continue;
        match[n++] = img;
    }
    rc = answer_images(c, match, n, offset, limit);
    free(match);
    return rc;
}

int action_describe_images(sim_call *c)
{
    const char *region, *zone;
    long long offset, limit;
    int rc = arg_region_zone(c->p, true, false, &region, &zone, c->err);
    if (!rc)
        rc = arg_paging(c->p, &offset, &limit, c->err);
    if (rc)
        return rc;
    const char *type = arg_optional(c->p, "ImageType");
    if (type && strcmp(type, "System") != 0 && strcmp(type, "App") != 0)
        return sim_fail(c->err, SIM_E_INVALID_PARAM, "Params [ImageType] not valid: System or App");
    const char *id = arg_optional(c->p, "CompShareImageId");
    const char *name = arg_optional(c->p, "Name");
    /* With an ID, the type filters only when given: an ID names one image of either type. */
    if (!type && !id)
        type = "System";

    const sim_image **match = malloc((c->w->n_images + 1) * sizeof *match);
    if (!match)
        return sim_fail(c->err, SIM_E_UNAVAILABLE, "Service temporarily unavailable: out of memory");
    size_t n = 0;
    for (size_t i = 0; i < c->w->n_images; i++) {
        const sim_image *img = &c->w->images[i];
        if (img->region[0]) /* custom images are not platform images */
            continue;
        if ((type && strcmp(img->type, type) != 0) || (id && strcmp(img->id, id) != 0) ||
            (name && strcmp(img->name, name) != 0))
            continue;
        match[n++] = img;
    }
    rc = answer_images(c, match, n, offset, limit);
    free(match);
    return rc;
}
