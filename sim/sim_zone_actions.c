/* SPDX-License-Identifier: MIT */
/* sim_zone_actions.c - compshare-sim's zones and GPU stock:
 * DescribeCompShareSupportZone and DescribeCompShareGpuInventory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_actions.h"
#include "sim_args.h"
#include "sim_json.h"

/* A region without zones (or one the sim does not know) lists none. */
static int describe_support_zone(sim_call *c)
{
    const char *region = sim_arg_required(c->p, "Region", c->err);
    if (!region)
        return c->err->code;
    cJSON *list = cJSON_AddArrayToObject(c->resp, "ZoneInfo");
    for (int i = 0; list && i < SIM_N_ZONES; i++) {
        const sim_zone *z = &SIM_ZONES[i];
        cJSON *o = strcmp(z->region, region) == 0 ? cJSON_CreateObject() : NULL;
        if (!o)
            continue;
        sim_json_str(o, "Zone", z->zone);
        sim_json_int(o, "ZoneId", z->zone_id);
        sim_json_str(o, "Region", z->region);
        sim_json_int(o, "RegionId", z->region_id);
        sim_json_str(o, "Describe", z->describe);
        cJSON_AddItemToArray(list, o);
    }
    return 0;
}

/* {"Exclusive": {"<ZoneId>": {"<GpuType>": free}}, "Spot": {...}} for the zones of
 * region (or just zone), as of the last refresh; types a zone does not offer are left
 * out, sold-out ones are 0. */
static cJSON *inventory_map(const sim_world *w, const char *region, const char *zone)
{
    cJSON *map = cJSON_CreateObject();
    for (int pool = 0; map && pool < SIM_N_POOLS; pool++) {
        cJSON *zones = cJSON_AddObjectToObject(map, SIM_POOL_NAMES[pool]);
        for (int z = 0; zones && z < SIM_N_ZONES; z++) {
            if (strcmp(SIM_ZONES[z].region, region) != 0 ||
                (zone && strcmp(SIM_ZONES[z].zone, zone) != 0))
                continue;
            char id[16];
            snprintf(id, sizeof id, "%d", SIM_ZONES[z].zone_id);
            cJSON *types = cJSON_AddObjectToObject(zones, id);
            for (int g = 0; types && g < SIM_N_GPUS; g++)
                if (w->stock_shown[pool][z][g] >= 0)
                    sim_json_int(types, SIM_GPUS[g].type, w->stock_shown[pool][z][g]);
        }
    }
    return map;
}

static int describe_gpu_inventory(sim_call *c)
{
    const char *region, *zone;
    int rc = sim_arg_region_zone(c->p, true, false, &region, &zone, c->err);
    if (rc)
        return rc;
    /* The map travels as a string holding JSON, as the API sends it. */
    cJSON *map = inventory_map(c->w, region, zone);
    char *text = map ? cJSON_PrintUnformatted(map) : NULL;
    cJSON_Delete(map);
    if (!text)
        return sim_fail(c->err, SIM_E_UNAVAILABLE,
                        "Service temporarily unavailable: out of memory");
    cJSON_AddStringToObject(c->resp, "GpuInventoryByZone", text);
    free(text);
    cJSON *spotless = cJSON_AddArrayToObject(c->resp, "SpotUnsupportedGpuTypes");
    for (int g = 0; spotless && g < SIM_N_GPUS; g++)
        if (!SIM_GPUS[g].spot)
            cJSON_AddItemToArray(spotless, cJSON_CreateString(SIM_GPUS[g].type));
    sim_json_int(c->resp, "UpdateTime", sim_world_wall(c->w, c->w->stock_mark));
    return 0;
}

const sim_action_entry sim_zone_actions[] = {
    {"DescribeCompShareSupportZone", describe_support_zone},
    {"DescribeCompShareGpuInventory", describe_gpu_inventory},
    {NULL, NULL},
};
