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

/* A reading action with at most one scope parameter (left out when empty),
 * its answer read by decode into out. */
static int describe(api_client *c, const char *action, const char *scope_name, const char *scope,
                    int (*decode)(const cJSON *answer, void *out), void *out, api_error *err)
{
    params p;
    params_init(&p);
    int rc = params_add(&p, "Action", action);
    if (!rc && scope && scope[0])
        rc = params_add(&p, scope_name, scope);
    cJSON *answer = NULL;
    if ((rc = api_send_read(c, &p, rc, action, &answer, err)))
        return rc;
    rc = decode(answer, out);
    cJSON_Delete(answer);
    return rc ? api_local_error(err, action, rc, "%s: out of memory", action) : 0;
}

static int decode_zones_at(const cJSON *answer, void *out) { return decode_zone_list(answer, out); }
static int decode_stock_at(const cJSON *answer, void *out)
{
    return decode_gpu_inventory(answer, out);
}

int api_describe_zones(api_client *c, const char *region, api_zone_list *out, api_error *err)
{
    memset(out, 0, sizeof *out);
    /* no region: api_call adds the configured one */
    return describe(c, "DescribeCompShareSupportZone", "Region", region, decode_zones_at, out, err);
}

int api_gpu_inventory(api_client *c, const char *zone, api_inventory *out, api_error *err)
{
    memset(out, 0, sizeof *out);
    return describe(c, "DescribeCompShareGpuInventory", "Zone",
                    zone && zone[0] ? zone : api_client_zone(c), decode_stock_at, out, err);
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
    char zone[64];
    int rc = api_required(image_id, "image ID", action, err);
    if (rc || (rc = api_region_zone(c, zone, sizeof zone, err)))
        return rc;
    rc = params_add(p, "Action", action);
    if (!rc)
        rc = params_add(p, "Zone", zone);
    if (!rc)
        rc = params_add(p, "CompShareImageId", image_id);
    return api_params_done(p, rc, action, err);
}
