/* SPDX-License-Identifier: MIT */
/* api_zones.c - the region's zones and GPU stock, and the zone that the
 * region-wide image calls must name (the API requires a Zone with them, any zone of
 * the region answering alike): asked of DescribeCompShareSupportZone, never guessed. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "api_internal.h"
#include "decode.h"

int api_describe_zones(api_client *c, const char *region, api_zone_list *out, api_error *err)
{
    static const char action[] = "DescribeCompShareSupportZone";
    memset(out, 0, sizeof *out);
    params p;
    params_init(&p);
    int rc = params_add(&p, "Action", action);
    if (!rc && region && region[0]) /* else api_call adds the configured one */
        rc = params_add(&p, "Region", region);
    cJSON *answer = NULL;
    if ((rc = api_send_read(c, &p, rc, action, &answer, err)))
        return rc;
    rc = decode_zone_list(answer, out);
    cJSON_Delete(answer);
    return rc ? api_local_error(err, action, rc, "%s: out of memory", action) : 0;
}

int api_gpu_inventory(api_client *c, const char *zone, api_inventory *out, api_error *err)
{
    static const char action[] = "DescribeCompShareGpuInventory";
    memset(out, 0, sizeof *out);
    params p;
    params_init(&p);
    const char *scope = zone && zone[0] ? zone : api_client_zone(c);
    int rc = params_add(&p, "Action", action);
    if (!rc && scope[0])
        rc = params_add(&p, "Zone", scope);
    cJSON *answer = NULL;
    if ((rc = api_send_read(c, &p, rc, action, &answer, err)))
        return rc;
    rc = decode_gpu_inventory(answer, out);
    cJSON_Delete(answer);
    return rc ? api_local_error(err, action, rc, "%s: out of memory", action) : 0;
}

/* The first zone DescribeCompShareSupportZone lists for the configured region. */
static int first_zone(api_client *c, char *out, size_t len, api_error *err)
{
    api_zone_list zones;
    int rc = api_describe_zones(c, NULL, &zones, err);
    if (rc)
        return rc;
    const char *region = api_client_region(c);
    out[0] = '\0';
    for (size_t i = 0; i < zones.n && !out[0]; i++)
        if (!zones.items[i].region[0] || strcmp(zones.items[i].region, region) == 0)
            snprintf(out, len, "%s", zones.items[i].zone);
    api_zone_list_free(&zones);
    if (!out[0])
        return api_local_error(err, "DescribeCompShareSupportZone", -ENOENT,
                               "region %s has no zone (DescribeCompShareSupportZone lists none)",
                               region);
    return 0;
}

int api_region_zone(api_client *c, char *out, size_t len, api_error *err)
{
    if (api_client_zone(c)[0]) {
        snprintf(out, len, "%s", api_client_zone(c));
        return 0;
    }
    return api_client_zone_once(c, first_zone, out, len, err);
}

int api_image_request(api_client *c, params *p, const char *action, const char *image_id,
                      api_error *err)
{
    params_init(p);
    if (!image_id || !image_id[0])
        return api_local_error(err, action, -EINVAL, "%s: no image ID given", action);
    char zone[64];
    int rc = api_region_zone(c, zone, sizeof zone, err);
    if (rc)
        return rc;
    rc = params_add(p, "Action", action);
    if (!rc)
        rc = params_add(p, "Zone", zone);
    if (!rc)
        rc = params_add(p, "CompShareImageId", image_id);
    if (rc) {
        params_free(p);
        return api_local_error(err, action, rc, "%s: out of memory", action);
    }
    return 0;
}
