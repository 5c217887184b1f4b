/* SPDX-License-Identifier: MIT */
/* decode_instance.c - one UHostSet entry into an api_instance, leniently (see
 * decode.h): lists keep the API's order, entries of the wrong shape are skipped, and
 * scalar fields of the wrong type read as their defaults. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "decode_internal.h"
#include "grow.h"

static void decode_ips(field_reader *r, const cJSON *obj, api_instance *out)
{
    const cJSON *set = decode_member(obj, "IPSet");
    if (!cJSON_IsArray(set))
        return;
    size_t cap = 0;
    const cJSON *entry;
    cJSON_ArrayForEach (entry, set) {
        const cJSON *ip = decode_member(entry, "IP");
        if (!cJSON_IsString(ip) || !ip->valuestring || !ip->valuestring[0])
            continue;
        char **ips = array_grow(out->ips, out->n_ips, &cap, sizeof *ips);
        char *copy = ips ? strdup(ip->valuestring) : NULL;
        if (ips)
            out->ips = ips;
        if (!copy) {
            r->oom = true;
            return;
        }
        out->ips[out->n_ips++] = copy;
    }
}

static void decode_monitor(field_reader *r, const cJSON *obj, api_instance *out)
{
    const cJSON *mon = decode_member(obj, "MonitorMessages");
    out->cpu_usage_rate = reader_str(r, mon, "CpuUsageRate");
    out->mem_usage_rate = reader_str(r, mon, "MemUsageRate");
    const cJSON *gpus = decode_member(mon, "GpuInfo");
    if (!cJSON_IsArray(gpus))
        return;
    size_t cap = 0;
    const cJSON *g;
    cJSON_ArrayForEach (g, gpus) {
        if (!cJSON_IsObject(g))
            continue;
        api_gpu_usage *items = array_grow(out->gpus, out->n_gpus, &cap, sizeof *items);
        if (!items) {
            r->oom = true;
            return;
        }
        out->gpus = items;
        api_gpu_usage *u = &out->gpus[out->n_gpus++];
        u->gpu = reader_str(r, g, "GPU");
        u->gpu_usage_rate = reader_str(r, g, "GpuUsageRate");
        u->memory_usage_rate = reader_str(r, g, "MemoryUsageRate");
    }
}

/* Softwares: a list of {Name, URL}. An object (an image's Softwares, or an old
 * server's) names no served application: none. Entries without a Name are skipped. */
static void decode_apps(field_reader *r, const cJSON *obj, api_instance *out)
{
    const cJSON *list = decode_member(obj, "Softwares");
    if (!cJSON_IsArray(list))
        return;
    size_t cap = 0;
    const cJSON *e;
    cJSON_ArrayForEach (e, list) {
        const cJSON *name = decode_member(e, "Name");
        if (!cJSON_IsString(name) || !name->valuestring || !name->valuestring[0])
            continue;
        api_app *apps = array_grow(out->apps, out->n_apps, &cap, sizeof *apps);
        if (!apps) {
            r->oom = true;
            return;
        }
        out->apps = apps;
        api_app *a = &out->apps[out->n_apps++];
        a->name = reader_str(r, e, "Name");
        a->url = reader_str(r, e, "URL");
    }
}

/* IsBoot: the API's "True"/"False", and a bool or 1/0 from anything looser. */
static bool is_boot(const cJSON *v)
{
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v);
    if (cJSON_IsNumber(v))
        return v->valuedouble == 1;
    return cJSON_IsString(v) && v->valuestring &&
           (strcasecmp(v->valuestring, "true") == 0 || strcmp(v->valuestring, "1") == 0);
}

static void decode_disks(field_reader *r, const cJSON *obj, api_instance *out)
{
    const cJSON *set = decode_member(obj, "DiskSet");
    if (!cJSON_IsArray(set))
        return;
    size_t cap = 0;
    const cJSON *e;
    cJSON_ArrayForEach (e, set) {
        if (!cJSON_IsObject(e))
            continue;
        api_disk *disks = array_grow(out->disks, out->n_disks, &cap, sizeof *disks);
        if (!disks) {
            r->oom = true;
            return;
        }
        out->disks = disks;
        api_disk *d = &out->disks[out->n_disks++];
        d->id = reader_str(r, e, "DiskId");
        d->type = reader_str(r, e, "DiskType");
        d->size_gb = decode_int(e, "Size", 0);
        d->boot = is_boot(decode_member(e, "IsBoot"));
    }
}

int decode_instance(const cJSON *obj, api_instance *out)
{
    memset(out, 0, sizeof *out);
    field_reader r = {false};
    out->uhost_id = reader_str(&r, obj, "UHostId");
    out->name = reader_str(&r, obj, "Name");
    out->tag = reader_str(&r, obj, "Tag");
    out->remark = reader_str(&r, obj, "Remark");
    out->zone = reader_str(&r, obj, "Zone");
    out->state = reader_str(&r, obj, "State");
    out->image_id = reader_str(&r, obj, "CompShareImageId");
    out->image_name = reader_str(&r, obj, "CompShareImageName");
    out->image_type = reader_str(&r, obj, "CompShareImageType");
    out->instance_type = reader_str(&r, obj, "InstanceType");
    out->machine_type = reader_str(&r, obj, "MachineType");
    out->cpu_platform = reader_str(&r, obj, "CpuPlatform");
    out->cpu_arch = reader_str(&r, obj, "CpuArch");
    out->gpu_type = reader_str(&r, obj, "GpuType");
    out->ssh_login_command = reader_str(&r, obj, "SshLoginCommand");
    out->charge_type = reader_str(&r, obj, "ChargeType");
    out->auto_renew = reader_str(&r, obj, "AutoRenew");
    out->is_expire = reader_str(&r, obj, "IsExpire");

    out->cpu = decode_int(obj, "CPU", 0);
    out->memory_mb = decode_int(obj, "Memory", 0);
    out->gpu_count = decode_int(obj, "GPU", 0);
    /* Documented as GraphicsMemory.Value; a bare number is accepted too. */
    const cJSON *gm = decode_member(obj, "GraphicsMemory");
    out->gpu_memory_gb = cJSON_IsObject(gm) ? decode_int(gm, "Value", 0) : decode_item_int(gm, 0);
    out->create_time = decode_int(obj, "CreateTime", 0);
    out->expire_time = decode_int(obj, "ExpireTime", 0);
    out->start_time = decode_int(obj, "StartTime", 0);
    out->update_time = decode_int(obj, "UpdateTime", 0);
    out->stop_time = decode_int(obj, "StopTime", 0);
    out->stop_scheduler_time = decode_int(obj, "StopSchedulerTime", 0);
    out->release_time = decode_int(obj, "ReleaseTime", 0);
    out->price = decode_double(obj, "InstancePrice", 0.0);

    decode_ips(&r, obj, out);
    decode_monitor(&r, obj, out);
    decode_apps(&r, obj, out);
    decode_disks(&r, obj, out);
    out->info_json = reader_take(&r, cJSON_IsObject(obj) ? decode_info_json(obj) : strdup("{\n}"));
    if (r.oom) {
        api_instance_free(out);
        return -ENOMEM;
    }
    return 0;
}
