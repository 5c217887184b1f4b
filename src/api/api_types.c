/* SPDX-License-Identifier: MIT */
/* api_types.c - freeing and deep-copying the decoded API structs. */
#include "api_types.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void api_instance_free(api_instance *i)
{
    if (!i)
        return;
    char **strings[] = {&i->uhost_id, &i->name, &i->tag, &i->remark, &i->zone, &i->state,
                        &i->image_id, &i->image_name, &i->image_type, &i->instance_type,
                        &i->machine_type, &i->cpu_platform, &i->cpu_arch, &i->gpu_type,
                        &i->ssh_login_command, &i->charge_type, &i->auto_renew, &i->is_expire,
                        &i->cpu_usage_rate, &i->mem_usage_rate, &i->info_json};
    for (size_t k = 0; k < sizeof strings / sizeof strings[0]; k++)
        free(*strings[k]);
    for (size_t k = 0; k < i->n_ips; k++)
        free(i->ips[k]);
    free(i->ips);
    for (size_t k = 0; k < i->n_gpus; k++) {
        free(i->gpus[k].gpu);
        free(i->gpus[k].gpu_usage_rate);
        free(i->gpus[k].memory_usage_rate);
    }
    free(i->gpus);
    for (size_t k = 0; k < i->n_apps; k++) {
        free(i->apps[k].name);
        free(i->apps[k].url);
    }
    free(i->apps);
    for (size_t k = 0; k < i->n_disks; k++) {
        free(i->disks[k].id);
        free(i->disks[k].type);
    }
    free(i->disks);
    memset(i, 0, sizeof *i);
}

void api_instance_list_free(api_instance_list *l)
{
    if (!l)
        return;
    for (size_t k = 0; k < l->n; k++)
        api_instance_free(&l->items[k]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

void api_image_free(api_image *i)
{
    if (!i)
        return;
    free(i->image_id);
    free(i->name);
    free(i->image_type);
    free(i->status);
    free(i->description);
    free(i->failed_reason);
    free(i->container);
    free(i->info_json);
    memset(i, 0, sizeof *i);
}

void api_image_list_free(api_image_list *l)
{
    if (!l)
        return;
    for (size_t k = 0; k < l->n; k++)
        api_image_free(&l->items[k]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* strdup that keeps the "never NULL" promise for a NULL source and records
 * failure in *oom. */
static char *dup_str(const char *s, int *oom)
{
    char *d = strdup(s ? s : "");
    if (!d)
        *oom = 1;
    return d;
}

int api_instance_copy(api_instance *dst, const api_instance *src)
{
    int oom = 0;
    *dst = *src; /* the numbers; every pointer is replaced below */
    dst->ips = NULL;
    dst->n_ips = 0;
    dst->gpus = NULL;
    dst->n_gpus = 0;
    dst->apps = NULL;
    dst->n_apps = 0;
    dst->disks = NULL;
    dst->n_disks = 0;
    char **d[] = {&dst->uhost_id, &dst->name, &dst->tag, &dst->remark, &dst->zone, &dst->state,
                  &dst->image_id, &dst->image_name, &dst->image_type, &dst->instance_type,
                  &dst->machine_type, &dst->cpu_platform, &dst->cpu_arch, &dst->gpu_type,
                  &dst->ssh_login_command, &dst->charge_type, &dst->auto_renew, &dst->is_expire,
                  &dst->cpu_usage_rate, &dst->mem_usage_rate, &dst->info_json};
    const char *s[] = {src->uhost_id, src->name, src->tag, src->remark, src->zone, src->state,
                       src->image_id, src->image_name, src->image_type, src->instance_type,
                       src->machine_type, src->cpu_platform, src->cpu_arch, src->gpu_type,
                       src->ssh_login_command, src->charge_type, src->auto_renew, src->is_expire,
                       src->cpu_usage_rate, src->mem_usage_rate, src->info_json};
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        *d[k] = dup_str(s[k], &oom);
    if (src->n_ips) {
        dst->ips = calloc(src->n_ips, sizeof *dst->ips);
        if (!dst->ips)
            oom = 1;
        for (size_t k = 0; dst->ips && k < src->n_ips; k++, dst->n_ips++)
            dst->ips[k] = dup_str(src->ips[k], &oom);
    }
    if (src->n_gpus) {
        dst->gpus = calloc(src->n_gpus, sizeof *dst->gpus);
        if (!dst->gpus)
            oom = 1;
        for (size_t k = 0; dst->gpus && k < src->n_gpus; k++, dst->n_gpus++) {
            dst->gpus[k].gpu = dup_str(src->gpus[k].gpu, &oom);
            dst->gpus[k].gpu_usage_rate = dup_str(src->gpus[k].gpu_usage_rate, &oom);
            dst->gpus[k].memory_usage_rate = dup_str(src->gpus[k].memory_usage_rate, &oom);
        }
    }
    if (src->n_apps) {
        dst->apps = calloc(src->n_apps, sizeof *dst->apps);
        if (!dst->apps)
            oom = 1;
        for (size_t k = 0; dst->apps && k < src->n_apps; k++, dst->n_apps++) {
            dst->apps[k].name = dup_str(src->apps[k].name, &oom);
            dst->apps[k].url = dup_str(src->apps[k].url, &oom);
        }
    }
    if (src->n_disks) {
        dst->disks = calloc(src->n_disks, sizeof *dst->disks);
        if (!dst->disks)
            oom = 1;
        for (size_t k = 0; dst->disks && k < src->n_disks; k++, dst->n_disks++) {
            dst->disks[k] = src->disks[k];
            dst->disks[k].id = dup_str(src->disks[k].id, &oom);
            dst->disks[k].type = dup_str(src->disks[k].type, &oom);
        }
    }
    if (oom) {
        api_instance_free(dst);
        return -ENOMEM;
    }
    return 0;
}

int api_image_copy(api_image *dst, const api_image *src)
{
    int oom = 0;
    *dst = *src;
    dst->image_id = dup_str(src->image_id, &oom);
    dst->name = dup_str(src->name, &oom);
    dst->image_type = dup_str(src->image_type, &oom);
    dst->status = dup_str(src->status, &oom);
    dst->description = dup_str(src->description, &oom);
    dst->failed_reason = dup_str(src->failed_reason, &oom);
    dst->container = dup_str(src->container, &oom);
    dst->info_json = dup_str(src->info_json, &oom);
    if (oom) {
        api_image_free(dst);
        return -ENOMEM;
    }
    return 0;
}

void api_zone_list_free(api_zone_list *l)
{
    if (!l)
        return;
    for (size_t k = 0; k < l->n; k++) {
        free(l->items[k].zone);
        free(l->items[k].region);
        free(l->items[k].name);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void api_inventory_free(api_inventory *g)
{
    if (!g)
        return;
    for (size_t k = 0; k < g->n; k++) {
        free(g->items[k].pool);
        free(g->items[k].gpu_type);
    }
    free(g->items);
    for (size_t k = 0; k < g->n_spot_unsupported; k++)
        free(g->spot_unsupported[k]);
    free(g->spot_unsupported);
    memset(g, 0, sizeof *g);
}

const api_zone *api_zone_by_id(const api_zone_list *l, long long zone_id)
{
    for (size_t k = 0; l && k < l->n; k++)
        if (l->items[k].zone_id == zone_id)
            return &l->items[k];
    return NULL;
}
