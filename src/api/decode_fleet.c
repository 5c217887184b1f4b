/* SPDX-License-Identifier: MIT */
/* decode_fleet.c - the zones (DescribeCompShareSupportZone) and the GPU stock
 * (DescribeCompShareGpuInventory), leniently (see decode.h). The stock arrives as a
 * string holding JSON; an object in its place is read the same way. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_internal.h"
#include "grow.h"

int decode_zone_list(const cJSON *answer, api_zone_list *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *list = decode_member(answer, "ZoneInfo");
    if (!cJSON_IsArray(list))
        return 0;
    size_t cap = 0;
    field_reader r = {false};
    const cJSON *e;
    cJSON_ArrayForEach (e, list) {
        const cJSON *zone = decode_member(e, "Zone");
        if (!cJSON_IsString(zone) || !zone->valuestring || !zone->valuestring[0])
            continue; /* a zone without a name cannot be used */
        api_zone *items = array_grow(out->items, out->n, &cap, sizeof *items);
        if (!items) {
            r.oom = true;
            break;
        }
        out->items = items;
        api_zone *z = &out->items[out->n++];
        z->zone = reader_str(&r, e, "Zone");
        z->region = reader_str(&r, e, "Region");
        z->name = reader_str(&r, e, "Describe");
        z->zone_id = decode_int(e, "ZoneId", -1);
        z->region_id = decode_int(e, "RegionId", -1);
    }
    if (r.oom) {
        api_zone_list_free(out);
        return -ENOMEM;
    }
    return 0;
}

/* Append one count; false when out of memory. */
static bool add_stock(api_inventory *out, size_t *cap, const char *pool, long long zone_id,
                      const char *gpu_type, long long count)
{
    api_gpu_stock *items = array_grow(out->items, out->n, cap, sizeof *items);
    if (!items)
        return false;
    out->items = items;
    api_gpu_stock *s = &out->items[out->n];
    s->pool = strdup(pool);
    s->gpu_type = strdup(gpu_type);
    s->zone_id = zone_id;
    s->count = count;
    out->n++; /* counted even when a copy failed, so that it is freed */
    return s->pool && s->gpu_type;
}

/* v when it is an object (its members have names), else NULL: nothing to walk. */
static const cJSON *object(const cJSON *v) { return cJSON_IsObject(v) ? v : NULL; }

/* {pool: {zone ID: {GPU type: count}}}; zone keys that are not numbers and counts
 * that are not counts are skipped. */
static bool read_stock(const cJSON *map, api_inventory *out)
{
    size_t cap = 0;
    const cJSON *pools = object(map), *pool, *zone, *type;
    cJSON_ArrayForEach (pool, pools) {
        const cJSON *zones = object(pool);
        cJSON_ArrayForEach (zone, zones) {
            char *end;
            long long zone_id = strtoll(zone->string, &end, 10);
            if (!zone->string[0] || *end)
                continue;
            const cJSON *types = object(zone);
            cJSON_ArrayForEach (type, types) {
                long long count = decode_int(zone, type->string, -1);
                if (count >= 0 && !add_stock(out, &cap, pool->string, zone_id, type->string, count))
                    return false;
            }
        }
    }
    return true;
}

int decode_gpu_inventory(const cJSON *answer, api_inventory *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *field = decode_member(answer, "GpuInventoryByZone");
    cJSON *parsed = NULL;
    if (cJSON_IsString(field) && field->valuestring)
        field = parsed = cJSON_Parse(field->valuestring);
    bool ok = read_stock(field, out);
    cJSON_Delete(parsed);

    const cJSON *spotless = decode_member(answer, "SpotUnsupportedGpuTypes");
    if (!ok || !cJSON_IsArray(spotless))
        spotless = NULL;
    size_t cap = 0;
    const cJSON *t;
    cJSON_ArrayForEach (t, spotless) {
        if (!cJSON_IsString(t) || !t->valuestring)
            continue;
        char **items =
            array_grow(out->spot_unsupported, out->n_spot_unsupported, &cap, sizeof *items);
        char *copy = items ? strdup(t->valuestring) : NULL;
        if (items)
            out->spot_unsupported = items;
        if (!copy) {
            ok = false;
            break;
        }
        out->spot_unsupported[out->n_spot_unsupported++] = copy;
    }
    out->update_time = decode_int(answer, "UpdateTime", 0);
    if (!ok) {
        api_inventory_free(out);
        return -ENOMEM;
    }
    return 0;
}
