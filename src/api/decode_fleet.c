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

static void fill_zone(field_reader *r, const cJSON *e, void *elem)
{
    api_zone *z = elem;
    z->zone = reader_str(r, e, "Zone");
    z->region = reader_str(r, e, "Region");
    z->name = reader_str(r, e, "Describe");
    z->zone_id = decode_int(e, "ZoneId", -1);
    z->region_id = decode_int(e, "RegionId", -1);
}

int decode_zone_list(const cJSON *answer, api_zone_list *out)
{
    memset(out, 0, sizeof *out);
    field_reader r = {false};
    /* a zone without a name cannot be used */
    reader_list(&r, answer, "ZoneInfo", "Zone", &out->items, &out->n, sizeof *out->items,
                fill_zone);
    if (r.oom) {
        api_zone_list_free(out);
        return -ENOMEM;
    }
    return 0;
}

/* Append one count; false when out of memory (noted in r). */
static bool add_stock(field_reader *r, api_inventory *out, size_t *cap, const char *pool,
                      long long zone_id, const char *gpu_type, long long count)
{
    api_gpu_stock *s = reader_append(r, &out->items, &out->n, cap, sizeof *s);
    if (!s)
        return false;
    s->pool = reader_take(r, strdup(pool));
    s->gpu_type = reader_take(r, strdup(gpu_type));
    s->zone_id = zone_id;
    s->count = count;
    return !r->oom;
}

/* v when it is an object (its members have names), else NULL: nothing to walk. */
static const cJSON *object(const cJSON *v) { return cJSON_IsObject(v) ? v : NULL; }

/* {pool: {zone ID: {GPU type: count}}}; zone keys that are not numbers and counts
 * that are not counts are skipped. */
static void read_stock(field_reader *r, const cJSON *map, api_inventory *out)
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
                if (count >= 0 &&
                    !add_stock(r, out, &cap, pool->string, zone_id, type->string, count))
                    return; /* out of memory, noted in r */
            }
        }
    }
}

int decode_gpu_inventory(const cJSON *answer, api_inventory *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *field = decode_member(answer, "GpuInventoryByZone");
    cJSON *parsed = NULL;
    if (cJSON_IsString(field) && field->valuestring)
        field = parsed = cJSON_Parse(field->valuestring);
    field_reader r = {false};
    read_stock(&r, field, out);
    cJSON_Delete(parsed);

    const cJSON *spotless = decode_member(answer, "SpotUnsupportedGpuTypes");
    if (r.oom || !cJSON_IsArray(spotless))
        spotless = NULL;
    size_t cap = 0;
    const cJSON *t;
    cJSON_ArrayForEach (t, spotless) {
        if (!cJSON_IsString(t) || !t->valuestring)
            continue;
        char **copy =
            reader_append(&r, &out->spot_unsupported, &out->n_spot_unsupported, &cap, sizeof *copy);
        if (!copy || !(*copy = reader_take(&r, strdup(t->valuestring))))
            break;
    }
    out->update_time = decode_int(answer, "UpdateTime", 0);
    if (r.oom) {
        api_inventory_free(out);
        return -ENOMEM;
    }
    return 0;
}
