/* SPDX-License-Identifier: MIT */
/* sim_render_instance.c - a UHostSet entry, in the shapes compshare-schema.json gives
 * (model CompShareInstanceSet and the models it nests): every field typed as the SDKs
 * declare it, e.g. Softwares a list of {Name, URL}, DiskSet[].IsBoot "True"/"False",
 * GpuInfo[].GPU the card's name. */
#include "sim_render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim_json.h"

/* A monitoring figure that drifts slowly: stable for a minute, different per instance. */
static double usage(uint32_t seed, long long minute, unsigned salt, double lo, double hi)
{
    uint64_t s = ((uint64_t)seed << 32) ^ (uint64_t)minute * 2654435761u ^ salt;
    uint64_t r = sim_rand_next(&s);
    double u = (double)(r >> 11) / 9007199254740992.0;
    return round((lo + u * (hi - lo)) * 10) / 10;
}

static void add_rate(cJSON *obj, const char *name, double value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.1f", value);
    sim_json_str(obj, name, buf);
}

static cJSON *render_monitor(const sim_world *w, const sim_instance *in, double now)
{
    cJSON *m = cJSON_CreateObject();
    if (!m)
        return NULL;
    bool on = in->state == SIM_RUNNING;
    long long minute = sim_world_wall(w, now) / 60;
    add_rate(m, "CpuUsageRate", on ? usage(in->load_seed, minute, 1, 3, 85) : 0);
    add_rate(m, "MemUsageRate", on ? usage(in->load_seed, minute, 2, 10, 90) : 0);
    cJSON *gpus = cJSON_AddArrayToObject(m, "GpuInfo");
    for (int g = 0; gpus && g < in->gpu; g++) {
        cJSON *gi = cJSON_CreateObject();
        if (!gi)
            break;
        sim_json_str(gi, "GPU", in->gpu_model->card_name);
        add_rate(gi, "GpuUsageRate",
                 on ? usage(in->load_seed, minute, 10u + (unsigned)g, 0, 100) : 0);
        add_rate(gi, "MemoryUsageRate",
                 on ? usage(in->load_seed, minute, 100u + (unsigned)g, 0, 95) : 0);
        cJSON_AddItemToArray(gpus, gi);
    }
    return m;
}

/* The applications the instance serves, each with its URL on the public address. */
static cJSON *render_app_urls(const sim_instance *in)
{
    cJSON *list = cJSON_CreateArray();
    for (int i = 0; list && i < 4 && in->software.apps[i]; i++) {
        const sim_app *app = sim_app_find(in->software.apps[i]);
        cJSON *entry = app ? cJSON_CreateObject() : NULL;
        if (!entry)
            continue;
        char url[96];
        snprintf(url, sizeof url, "http://%s:%d%s", in->ips[0].ip, app->port, app->path);
        sim_json_str(entry, "Name", app->name);
        sim_json_str(entry, "URL", url);
        cJSON_AddItemToArray(list, entry);
    }
    return list;
}

static cJSON *render_ips(const sim_instance *in)
{
    cJSON *ips = cJSON_CreateArray();
    for (int i = 0; ips && i < in->n_ips; i++) {
        const sim_ip *a = &in->ips[i];
        cJSON *ip = cJSON_CreateObject();
        if (!ip)
            break;
        sim_json_str(ip, "IP", a->ip);
        sim_json_str(ip, "IPMode", a->mode);
        sim_json_str(ip, "Type", a->type);
        if (strcmp(a->type, "Private") == 0) {
            /* The NIC's MAC follows from the instance ID, so that it is stable. */
            char mac[24];
            snprintf(mac, sizeof mac, "52:54:00:%.2s:%.2s:%.2s", in->id + 6, in->id + 8,
                     in->id + 10);
            sim_json_str(ip, "Default", "true");
            sim_json_str(ip, "Mac", mac);
        } else {
            char eip[24];
            snprintf(eip, sizeof eip, "eip-%.8s", in->id + 6);
            sim_json_str(ip, "IPId", eip);
            sim_json_int(ip, "Bandwidth", a->bandwidth); /* not shown for private IPs */
        }
        cJSON_AddItemToArray(ips, ip);
    }
    return ips;
}

static cJSON *render_disks(const sim_instance *in)
{
    cJSON *disks = cJSON_CreateArray();
    for (int i = 0; disks && i < in->n_disks; i++) {
        cJSON *d = cJSON_CreateObject();
        if (!d)
            break;
        char drive[8];
        snprintf(drive, sizeof drive, "vd%c", 'a' + i);
        sim_json_str(d, "DiskId", in->disks[i].id);
        sim_json_str(d, "DiskType", in->disks[i].type);
        sim_json_str(d, "IsBoot", in->disks[i].boot ? "True" : "False");
        sim_json_int(d, "Size", in->disks[i].size_gb);
        sim_json_str(d, "Drive", drive);
        sim_json_str(d, "Encrypted", "false");
        cJSON_AddItemToArray(disks, d);
    }
    return disks;
}

/* Hardware, image, network, disks. */
static void render_machine(cJSON *o, const sim_world *w, const sim_instance *in)
{
    const sim_image *img = sim_world_image((sim_world *)w, in->image_id);
    bool official = strcmp(in->image_type, "System") == 0 || strcmp(in->image_type, "App") == 0;
    sim_json_str(o, "CompShareImageId", in->image_id);
    sim_json_str(o, "CompShareImageName", in->image_name);
    sim_json_str(o, "CompShareImageType", in->image_type);
    sim_json_str(o, "CompShareImageStatus", img ? sim_image_status_name(img->status) : "");
    if (official)
        sim_json_str(o, "CompShareImageOwnerAlias", "Official");
    cJSON_AddNumberToObject(o, "CompShareImagePrice", 0);
    sim_json_str(o, "OsName", in->os_name);
    sim_json_str(o, "OsType", "Linux");
    sim_json_add(o, "Softwares", render_app_urls(in));
    sim_json_str(o, "InstanceType", in->container ? "Container" : "UHost");
    sim_json_str(o, "MachineType", in->machine_type);
    sim_json_str(o, "CpuPlatform", in->gpu_model->cpu_platform);
    sim_json_str(o, "CpuArch", in->cpu_arch);
    sim_json_int(o, "CPU", in->cpu);
    sim_json_int(o, "Memory", in->memory_mb);
    sim_json_str(o, "GpuType", in->gpu_model->type);
    sim_json_int(o, "GPU", in->gpu);
    cJSON *gm = cJSON_AddObjectToObject(o, "GraphicsMemory");
    if (gm)
        sim_json_int(gm, "Value", in->gpu_memory_gb);
    /* A VM can be started without its GPUs (as a small CPU machine); a container cannot. */
    cJSON_AddBoolToObject(o, "SupportWithoutGpuStart", !in->container);
    cJSON *spec = in->container ? NULL : cJSON_AddObjectToObject(o, "WithoutGpuSpec");
    if (spec) {
        sim_json_int(spec, "Cpu", 4);
        sim_json_int(spec, "Gpu", 0);
        sim_json_int(spec, "Memory", 16384);
    }
    sim_json_add(o, "IPSet", render_ips(in));
    sim_json_add(o, "DiskSet", render_disks(in));
    long long data_gb = 0;
    for (int i = 0; i < in->n_disks; i++)
        data_gb += in->disks[i].boot ? 0 : in->disks[i].size_gb;
    sim_json_int(o, "TotalDiskSpace", data_gb);
}

cJSON *sim_render_instance(const sim_world *w, const sim_instance *in, double now)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    sim_json_str(o, "UHostId", in->id);
    sim_json_str(o, "Name", in->name);
    sim_json_str(o, "Tag", in->tag);
    sim_json_str(o, "Remark", in->remark);
    sim_json_str(o, "Zone", in->zone);
    sim_json_str(o, "State", sim_state_name(in->state));
    render_machine(o, w, in);

    char ssh[96];
    snprintf(ssh, sizeof ssh, "ssh -p %d root@%s", in->ssh_port, in->ips[0].ip);
    sim_json_str(o, "SshLoginCommand", ssh);
    sim_json_str(o, "Password", in->password);
    sim_json_str(o, "ChargeType", in->charge_type);
    sim_json_str(o, "AutoRenew", in->auto_renew);
    sim_json_str(o, "IsExpire", sim_world_wall(w, now) >= in->expire_time ? "Yes" : "No");
    sim_json_int(o, "CreateTime", in->create_time);
    sim_json_int(o, "ExpireTime", in->expire_time);
    sim_json_int(o, "StartTime", in->start_time);
    sim_json_int(o, "UpdateTime", in->update_time);
    /* StopTime is the timed shutdown, like StopSchedulerTime, not when it last stopped. */
    sim_json_int(o, "StopTime", in->stop_at);
    sim_json_int(o, "StopSchedulerTime", in->stop_at);
    if (in->state == SIM_STOPPED) /* "returned when shut down" */
        sim_json_int(o, "ReleaseTime", sim_instance_release_time(w, in));
    cJSON_AddNumberToObject(o, "InstancePrice", in->price);
    sim_json_add(o, "MonitorMessages", render_monitor(w, in, now));
    return o;
}
