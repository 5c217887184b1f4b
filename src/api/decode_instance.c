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

static void fill_ip(field_reader *r, const cJSON *e, void *elem)
{
    *(char **)elem = reader_str(r, e, "IP");
}

static void fill_gpu(field_reader *r, const cJSON *e, void *elem)
{
    api_gpu_usage *u = elem;
    u->gpu = reader_str(r, e, "GPU");
    u->gpu_usage_rate = reader_str(r, e, "GpuUsageRate");
    u->memory_usage_rate = reader_str(r, e, "MemoryUsageRate");
}

/* Softwares: a list of {Name, URL}. An object (an image's Softwares, or an old
 * server's) names no served application: none. Entries without a Name are skipped. */
static void fill_app(field_reader *r, const cJSON *e, void *elem)
{
    api_app *a = elem;
    a->name = reader_str(r, e, "Name");
    a->url = reader_str(r, e, "URL");
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

static void fill_disk(field_reader *r, const cJSON *e, void *elem)
{
    api_disk *d = elem;
    d->id = reader_str(r, e, "DiskId");
    d->type = reader_str(r, e, "DiskType");
    d->size_gb = decode_int(e, "Size", 0);
    d->boot = is_boot(decode_member(e, "IsBoot"));
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

    reader_list(&r, obj, "IPSet", "IP", &out->ips, &out->n_ips, sizeof *out->ips, fill_ip);
    const cJSON *mon = decode_member(obj, "MonitorMessages");
    out->cpu_usage_rate = reader_str(&r, mon, "CpuUsageRate");
    out->mem_usage_rate = reader_str(&r, mon, "MemUsageRate");
    reader_list(&r, mon, "GpuInfo", NULL, &out->gpus, &out->n_gpus, sizeof *out->gpus, fill_gpu);
    reader_list(&r, obj, "Softwares", "Name", &out->apps, &out->n_apps, sizeof *out->apps,
                fill_app);
    reader_list(&r, obj, "DiskSet", NULL, &out->disks, &out->n_disks, sizeof *out->disks,
                fill_disk);
    out->info_json = reader_take(&r, cJSON_IsObject(obj) ? decode_info_json(obj) : strdup("{\n}"));
    if (r.oom) {
        api_instance_free(out);
        return -ENOMEM;
    }
    return 0;
}

/* ---- a page of DescribeCompShareInstance ---- */

static int decode_instance_at(const cJSON *obj, void *out) { return decode_instance(obj, out); }

int decode_instance_page(const cJSON *answer, api_instance_list *out, long long *total_count,
                         size_t *n_entries)
{
    void *items = out->items;
    int rc = decode_page(answer, "UHostSet", "UHostId", &items, &out->n, sizeof *out->items,
                         decode_instance_at, total_count, n_entries);
    out->items = items;
    return rc;
}
