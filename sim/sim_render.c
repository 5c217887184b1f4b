/* SPDX-License-Identifier: MIT */
/* sim_render.c - ImageSet entries and image progress, in the shapes that
 * compshare-schema.json gives (model CompShareImage); instances are in
 * sim_render_instance.c. */
#include "sim_render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim_json.h"

/* The image's Softwares: an OBJECT (unlike an instance's Softwares, a list). */
static cJSON *render_software(const sim_software *sw)
{
    cJSON *s = cJSON_CreateObject();
    if (!s)
        return NULL;
    sim_json_str(s, "Framework", sw->framework);
    sim_json_str(s, "FrameworkVersion", sw->framework_version);
    sim_json_str(s, "CUDAVersion", sw->cuda);
    cJSON *apps = cJSON_AddArrayToObject(s, "Applications");
    for (int i = 0; apps && i < 4 && sw->apps[i]; i++)
        cJSON_AddItemToArray(apps, cJSON_CreateString(sw->apps[i]));
    return s;
}

/* Platform images are tagged with their framework and CUDA; the account's own images
 * carry no tags. */
static cJSON *render_tags(const sim_image *img)
{
    cJSON *tags = cJSON_CreateArray();
    if (!tags || img->region[0])
        return tags;
    char cuda[32];
    snprintf(cuda, sizeof cuda, "CUDA %s", img->software.cuda);
    if (img->software.framework[0])
        cJSON_AddItemToArray(tags, cJSON_CreateString(img->software.framework));
    if (img->software.cuda[0])
        cJSON_AddItemToArray(tags, cJSON_CreateString(cuda));
    if (img->container)
        cJSON_AddItemToArray(tags, cJSON_CreateString("容器"));
    return tags;
}

cJSON *sim_render_image(const sim_world *w, const sim_image *img)
{
    (void)w;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    bool custom = img->region[0] != '\0';
    sim_json_str(o, "CompShareImageId", img->id);
    sim_json_str(o, "Name", img->name);
    sim_json_str(o, "ImageType", img->type);
    sim_json_str(o, "Status", sim_image_status_name(img->status));
    sim_json_int(o, "Size", img->size_mb);
    sim_json_str(o, "Container", img->container ? "True" : "False");
    sim_json_str(o, "Description", img->description);
    sim_json_int(o, "CreateTime", img->create_time);
    sim_json_str(o, "FailedReason", img->failed_reason);
    sim_json_add(o, "Softwares", render_software(&img->software));
    sim_json_add(o, "Tags", render_tags(img));
    sim_json_int(o, "CreatedCount", img->created_count);
    cJSON_AddNumberToObject(o, "Price", 0);
    cJSON_AddBoolToObject(o, "ImageCharge", 0);
    cJSON_AddBoolToObject(o, "AutoStart", 0);
    if (custom) {
        sim_json_int(o, "Visibility", 0); /* private: never published to the community */
        cJSON_AddBoolToObject(o, "IsOfficial", img->from_official);
        sim_json_str(o, "SourceGpuType", img->source_gpu);
    } else {
        sim_json_str(o, "ImageOwnerAlias", "Official");
        sim_json_str(o, "Author", "UCompShare");
    }
    return o;
}

void sim_image_progress(const sim_image *img, double now, double *process, long long *total,
                        long long *remaining)
{
    double span = img->make_end - img->make_start;
    *total = span > 0 ? (long long)ceil(span - 1e-9) : 0;
    switch (img->status) {
    case SIM_IMG_AVAILABLE:
        *process = 100;
        *remaining = 0;
        return;
    case SIM_IMG_UNAVAILABLE:
        *process = img->fail_process;
        *remaining = 0;
        return;
    case SIM_IMG_MAKING:
        break;
    }
    double done = span > 0 ? (now - img->make_start) / span : 1;
    if (done < 0)
        done = 0;
    /* One decimal, and never 100 while still Making: 100 means Available. */
    double pct = floor(done * 1000) / 10;
    *process = pct > 99.9 ? 99.9 : pct;
    double left = img->make_end - now;
    *remaining = left > 0 ? (long long)ceil(left - 1e-9) : 0;
    if (*remaining > *total)
        *remaining = *total;
}
