/* SPDX-License-Identifier: MIT */
/* api_types.c - freeing and deep-copying the decoded API structs. */
#include "api_types.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- the strings of each struct, named once for freeing and copying ---- */

/* A struct's size and the offsets of its string members. */
typedef struct strings_of {
    size_t size;
    const size_t *at;
    size_t n;
} strings_of;

#define N(a) (sizeof(a) / sizeof(a)[0])

#define I(member) offsetof(api_instance, member)
static const size_t INSTANCE_AT[] = {
    I(uhost_id),     I(name),         I(tag),        I(remark),         I(zone),
    I(state),        I(image_id),     I(image_name), I(image_type),     I(instance_type),
    I(machine_type), I(cpu_platform), I(cpu_arch),   I(gpu_type),       I(ssh_login_command),
    I(charge_type),  I(auto_renew),   I(is_expire),  I(cpu_usage_rate), I(mem_usage_rate),
    I(info_json)};
#undef I
#define I(member) offsetof(api_image, member)
static const size_t IMAGE_AT[] = {I(image_id),    I(name),      I(image_type), I(status),
                                  I(description), I(container), I(info_json),  I(failed_reason)};
#undef I
static const size_t GPU_AT[] = {offsetof(api_gpu_usage, gpu),
                                offsetof(api_gpu_usage, gpu_usage_rate),
                                offsetof(api_gpu_usage, memory_usage_rate)};
static const size_t APP_AT[] = {offsetof(api_app, name), offsetof(api_app, url)};
static const size_t DISK_AT[] = {offsetof(api_disk, id), offsetof(api_disk, type)};
static const size_t ZONE_AT[] = {offsetof(api_zone, zone), offsetof(api_zone, region),
                                 offsetof(api_zone, name)};
static const size_t STOCK_AT[] = {offsetof(api_gpu_stock, pool), offsetof(api_gpu_stock, gpu_type)};
static const size_t STRING_AT[] = {0}; /* an array of strings: the element is one */

static const strings_of INSTANCE = {sizeof(api_instance), INSTANCE_AT, N(INSTANCE_AT)};
static const strings_of IMAGE = {sizeof(api_image), IMAGE_AT, N(IMAGE_AT)};
static const strings_of GPU = {sizeof(api_gpu_usage), GPU_AT, N(GPU_AT)};
static const strings_of APP = {sizeof(api_app), APP_AT, N(APP_AT)};
static const strings_of DISK = {sizeof(api_disk), DISK_AT, N(DISK_AT)};
static const strings_of ZONE = {sizeof(api_zone), ZONE_AT, N(ZONE_AT)};
static const strings_of STOCK = {sizeof(api_gpu_stock), STOCK_AT, N(STOCK_AT)};
static const strings_of STRING = {sizeof(char *), STRING_AT, N(STRING_AT)};

static char **string_at(void *obj, size_t offset)
{
    return (char **)(void *)((char *)obj + offset);
}

static void free_strings(void *obj, const strings_of *t)
{
    for (size_t k = 0; k < t->n; k++)
        free(*string_at(obj, t->at[k]));
}

/* Frees the n elements at items and their strings. */
static void free_items(void *items, size_t n, const strings_of *t)
{
    for (size_t k = 0; k < n; k++)
        free_strings((char *)items + k * t->size, t);
    free(items);
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

/* obj is a shallow copy: each of its strings is replaced by a copy of its own. */
static void dup_strings(void *obj, const strings_of *t, int *oom)
{
    for (size_t k = 0; k < t->n; k++) {
        char **s = string_at(obj, t->at[k]);
        *s = dup_str(*s, oom);
    }
}

/* A deep copy of the n elements at src, their count in *n_out; NULL with
 * *oom set when out of memory, and for no elements. */
static void *copy_items(const void *src, size_t n, const strings_of *t, size_t *n_out, int *oom)
{
    *n_out = 0;
    char *d = n ? calloc(n, t->size) : NULL;
    if (!d) {
        *oom |= n > 0;
        return NULL;
    }
    memcpy(d, src, n * t->size); /* the numbers; every string is replaced below */
    for (size_t k = 0; k < n; k++)
        dup_strings(d + k * t->size, t, oom);
    *n_out = n;
    return d;
}

/* ---- the structs ---- */

void api_instance_free(api_instance *i)
{
    if (!i)
        return;
    free_strings(i, &INSTANCE);
    free_items(i->ips, i->n_ips, &STRING);
    free_items(i->gpus, i->n_gpus, &GPU);
    free_items(i->apps, i->n_apps, &APP);
    free_items(i->disks, i->n_disks, &DISK);
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
    free_strings(i, &IMAGE);
    memset(i, 0, sizeof *i);
}

void api_image_list_free(api_image_list *l)
{
    if (!l)
        return;
    free_items(l->items, l->n, &IMAGE);
    memset(l, 0, sizeof *l);
}

int api_instance_copy(api_instance *dst, const api_instance *src)
{
    int oom = 0;
    *dst = *src;
    dup_strings(dst, &INSTANCE, &oom);
    dst->ips = copy_items(src->ips, src->n_ips, &STRING, &dst->n_ips, &oom);
    dst->gpus = copy_items(src->gpus, src->n_gpus, &GPU, &dst->n_gpus, &oom);
    dst->apps = copy_items(src->apps, src->n_apps, &APP, &dst->n_apps, &oom);
    dst->disks = copy_items(src->disks, src->n_disks, &DISK, &dst->n_disks, &oom);
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
    dup_strings(dst, &IMAGE, &oom);
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
    free_items(l->items, l->n, &ZONE);
    memset(l, 0, sizeof *l);
}

void api_inventory_free(api_inventory *g)
{
    if (!g)
        return;
    free_items(g->items, g->n, &STOCK);
    free_items(g->spot_unsupported, g->n_spot_unsupported, &STRING);
    memset(g, 0, sizeof *g);
}

const api_zone *api_zone_by_id(const api_zone_list *l, long long zone_id)
{
    for (size_t k = 0; l && k < l->n; k++)
        if (l->items[k].zone_id == zone_id)
            return &l->items[k];
    return NULL;
}
