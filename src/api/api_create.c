/* SPDX-License-Identifier: MIT */
/* api_create.c - CreateCompShareInstance: the request from an api_create_request, and
 * the UHostIds of the answer. Sent with mutating = true: a create whose answer is lost
 * is never resent (a second call would make a second machine). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_internal.h"
#include "zone.h"

static const char ACTION[] = "CreateCompShareInstance";

static int build(params *p, const api_create_request *r)
{
    char region[128];
    zone_region(r->zone, region, sizeof region);
    int rc = params_add(p, "Action", ACTION);
    if (!rc)
        rc = params_add(p, "Region", region);
    if (!rc)
        rc = params_add(p, "Zone", r->zone);
    if (!rc)
        rc = params_add(p, "GpuType", r->gpu_type);
    if (!rc)
        rc = params_add_int(p, "GPU", r->gpus);
    if (!rc)
        rc = params_add_int(p, "CPU", r->cpu);
    if (!rc)
        rc = params_add_int(p, "Memory", r->memory_mb);
    if (!rc)
        rc = params_add(p, "MachineType", r->machine_type ? r->machine_type : "G");
    if (!rc)
        rc = params_add(p, "CompShareImageId", r->image_id);
    if (!rc && r->name && r->name[0])
        rc = params_add(p, "Name", r->name);
    if (!rc && r->charge_type && r->charge_type[0])
        rc = params_add(p, "ChargeType", r->charge_type);
    if (!rc && r->quantity > 0)
        rc = params_add_int(p, "Quantity", r->quantity);
    if (!rc && r->boot_disk_gb > 0) {
        rc = params_add_bool(p, "Disks.0.IsBoot", true);
        if (!rc)
            rc = params_add_int(p, "Disks.0.Size", r->boot_disk_gb);
        if (!rc)
            rc = params_add(p, "Disks.0.Type", r->boot_disk_type ? r->boot_disk_type : "CLOUD_SSD");
    }
    if (!rc && r->password && r->password[0]) {
        char *encoded = api_base64(r->password);
        rc = encoded ? params_add(p, "Password", encoded) : -ENOMEM;
        api_secret_free(encoded);
    }
    return rc;
}

/* The answer's UHostIds (strings only). 0, -EIO when it names none, -ENOMEM. */
static int take_ids(const cJSON *answer, char ***ids_out, size_t *n_ids)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(answer, "UHostIds"), *id;
    if (!cJSON_IsArray(list))
        list = NULL;
    size_t n = list ? (size_t)cJSON_GetArraySize(list) : 0;
    char **ids = calloc(n + 1, sizeof *ids);
    if (!ids)
        return -ENOMEM;
    size_t k = 0;
    cJSON_ArrayForEach (id, list) {
        if (!cJSON_IsString(id) || !id->valuestring || !id->valuestring[0])
            continue;
        if (!(ids[k++] = strdup(id->valuestring))) {
            while (k)
                free(ids[--k]);
            free(ids);
            return -ENOMEM;
        }
    }
    if (k == 0) {
        free(ids);
        return -EIO;
    }
    *ids_out = ids;
    *n_ids = k;
    return 0;
}

int api_create_instances(api_client *c, const api_create_request *req, char ***ids_out,
                         size_t *n_ids, api_error *err)
{
    *ids_out = NULL;
    *n_ids = 0;
    if (!req || !req->zone || !req->zone[0] || !req->gpu_type || !req->gpu_type[0] ||
        !req->image_id || !req->image_id[0] || req->gpus <= 0 || req->cpu <= 0 ||
        req->memory_mb <= 0)
        return api_local_error(err, ACTION, -EINVAL,
                               "%s: zone, GPU type and count, CPU, memory and image "
                               "are required",
                               ACTION);
    params p;
    params_init(&p);
    int rc = api_params_done(&p, build(&p, req), ACTION, err);
    if (rc)
        return rc;
    cJSON *answer = NULL;
    rc = api_call_hiding(c, &p, true, req->password, &answer, err);
    params_free(&p);
    if (rc)
        return rc;
    rc = take_ids(answer, ids_out, n_ids);
    cJSON_Delete(answer);
    if (rc == -EIO) /* it ran (RetCode 0), but the new instances cannot be named */
        return api_local_error(err, ACTION, rc, "%s succeeded but its answer has no UHostIds",
                               ACTION);
    return rc ? api_local_error(err, ACTION, rc, "%s: out of memory", ACTION) : 0;
}
