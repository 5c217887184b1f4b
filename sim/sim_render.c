/* SPDX-License-Identifier: MIT */
/* sim_render.c - builds the JSON objects of UHostSet and ImageSet entries, with every
 * field of the instance and image tables in compshare-api.md, plus a few extra fields
 * the real API also sends (clients must ignore unknown fields). */
#include "sim_render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* cJSON_Add* return NULL on ENOMEM; the caller checks the whole tree once by
 * printing it, so the adds are not checked one by one. cJSON_AddItemToObject takes
 * ownership of a NULL-free item only, hence this helper. */
static void add_item(cJSON *obj, const char *name, cJSON *item)
{
    if (item && !cJSON_AddItemToObject(obj, name, item))
        cJSON_Delete(item);
}

static void add_str(cJSON *obj, const char *name, const char *value)
{
    cJSON_AddStringToObject(obj, name, value ? value : "");
}

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
    add_str(obj, name, buf);
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
        cJSON_AddNumberToObject(gi, "GPU", g);
        add_rate(gi, "GpuUsageRate",
                 on ? usage(in->load_seed, minute, 10u + (unsigned)g, 0, 100) : 0);
        add_rate(gi, "MemoryUsageRate",
                 on ? usage(in->load_seed, minute, 100u + (unsigned)g, 0, 95) : 0);
        cJSON_AddItemToArray(gpus, gi);
    }
    return m;
}

static cJSON *render_software(const sim_software *sw)
{
    cJSON *s = cJSON_CreateObject();
    if (!s)
        return NULL;
    add_str(s, "Framework", sw->framework);
    add_str(s, "FrameworkVersion", sw->framework_version);
    add_str(s, "CUDAVersion", sw->cuda);
    cJSON *apps = cJSON_AddArrayToObject(s, "Applications");
    for (int i = 0; apps && i < 4 && sw->apps[i]; i++)
        cJSON_AddItemToArray(apps, cJSON_CreateString(sw->apps[i]));
    return s;
}

cJSON *sim_render_instance(const sim_world *w, const sim_instance *in, double now)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "UHostId", in->id);
    add_str(o, "Name", in->name);
    add_str(o, "Tag", in->tag);
    add_str(o, "Remark", in->remark);
    add_str(o, "Zone", in->zone);
    add_str(o, "State", sim_state_name(in->state));
    add_str(o, "CompShareImageId", in->image_id);
    add_str(o, "CompShareImageName", in->image_name);
    add_str(o, "CompShareImageType", in->image_type);
    add_item(o, "Softwares", render_software(&in->software));
    add_str(o, "InstanceType", in->container ? "Container" : "UHost");
    add_str(o, "MachineType", in->machine_type);
    add_str(o, "CpuPlatform", in->cpu_platform);
    add_str(o, "CpuArch", in->cpu_arch);
    cJSON_AddNumberToObject(o, "CPU", in->cpu);
    cJSON_AddNumberToObject(o, "Memory", in->memory_mb);
    add_str(o, "GpuType", in->gpu_type);
    cJSON_AddNumberToObject(o, "GPU", in->gpu);
    cJSON *gm = cJSON_AddObjectToObject(o, "GraphicsMemory");
    if (gm)
        cJSON_AddNumberToObject(gm, "Value", in->gpu_memory_gb);

    cJSON *ips = cJSON_AddArrayToObject(o, "IPSet");
    for (int i = 0; ips && i < in->n_ips; i++) {
        cJSON *ip = cJSON_CreateObject();
        if (!ip)
            break;
        add_str(ip, "IP", in->ips[i].ip);
        add_str(ip, "IPMode", in->ips[i].mode);
        add_str(ip, "Type", in->ips[i].type);
        cJSON_AddNumberToObject(ip, "Bandwidth", in->ips[i].bandwidth);
        cJSON_AddItemToArray(ips, ip);
    }
    cJSON *disks = cJSON_AddArrayToObject(o, "DiskSet");
    for (int i = 0; disks && i < in->n_disks; i++) {
        cJSON *d = cJSON_CreateObject();
        if (!d)
            break;
        add_str(d, "DiskId", in->disks[i].id);
        cJSON_AddBoolToObject(d, "IsBoot", in->disks[i].boot);
        cJSON_AddNumberToObject(d, "Size", in->disks[i].size_gb);
        add_str(d, "DiskType", in->disks[i].type);
        cJSON_AddItemToArray(disks, d);
    }

    char ssh[96];
    snprintf(ssh, sizeof ssh, "ssh -p %d root@%s", in->ssh_port, in->ips[0].ip);
    add_str(o, "SshLoginCommand", ssh);
    add_str(o, "Password", in->password);
    add_str(o, "ChargeType", in->charge_type);
    add_str(o, "AutoRenew", in->auto_renew);
    add_str(o, "IsExpire", sim_world_wall(w, now) >= in->expire_time ? "Yes" : "No");
    cJSON_AddNumberToObject(o, "CreateTime", (double)in->create_time);
    cJSON_AddNumberToObject(o, "ExpireTime", (double)in->expire_time);
    cJSON_AddNumberToObject(o, "StartTime", (double)in->start_time);
    cJSON_AddNumberToObject(o, "UpdateTime", (double)in->update_time);
    cJSON_AddNumberToObject(o, "StopTime", (double)in->stop_time);
    cJSON_AddNumberToObject(o, "InstancePrice", in->price);
    add_item(o, "MonitorMessages", render_monitor(w, in, now));
    /* Extra fields, as the real answers carry more than the table lists. */
    add_str(o, "OsName", in->os_name);
    add_str(o, "OsType", "Linux");
    add_str(o, "BootDiskState", in->state == SIM_INITIALIZING ? "Initializing" : "Normal");
    return o;
}

cJSON *sim_render_image(const sim_world *w, const sim_image *img)
{
    (void)w;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "CompShareImageId", img->id);
    add_str(o, "Name", img->name);
    add_str(o, "ImageType", img->type);
    add_str(o, "Status", sim_image_status_name(img->status));
    cJSON_AddNumberToObject(o, "Size", img->size_mb);
    add_str(o, "Container", img->container ? "True" : "False");
    add_str(o, "Description", img->description);
    cJSON_AddNumberToObject(o, "CreateTime", (double)img->create_time);
    add_str(o, "FailedReason", img->failed_reason);
    add_item(o, "Softwares", render_software(&img->software));
    add_str(o, "OsName", img->os_name);
    add_str(o, "OsType", "Linux");
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
