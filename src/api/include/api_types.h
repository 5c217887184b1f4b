/* SPDX-License-Identifier: MIT */
/* api_types.h - plain C structs decoded from CompShare API responses, and the
 * error record every call fills. All strings are malloc'd, never NULL (empty
 * when the API omitted them), and freed by the matching *_free function. */
#ifndef COMPSHAREFS_API_TYPES_H
#define COMPSHAREFS_API_TYPES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct api_error {
    int err;              /* negative errno, as the call returned */
    int retcode;          /* API RetCode, 0 when the failure was not an API answer */
    long http_status;     /* 0 when no HTTP answer was read */
    bool outcome_unknown; /* a state-changing call may or may not have run */
    int attempts;
    char action[64];
    char message[512];    /* the API's Message, or what went wrong, in one line */
} api_error;

typedef struct api_gpu_usage {
    char *gpu, *gpu_usage_rate, *memory_usage_rate;
} api_gpu_usage;

/* Softwares[]: an application the instance serves, and where. */
typedef struct api_app {
    char *name, *url;
} api_app;

/* DiskSet[] */
typedef struct api_disk {
    char *id, *type;
    long long size_gb;
    bool boot; /* IsBoot "True" (the API's form), true, 1 */
} api_disk;

typedef struct api_instance {
    char *uhost_id, *name, *tag, *remark, *zone, *state;
    char *image_id, *image_name, *image_type;
    char *instance_type, *machine_type, *cpu_platform, *cpu_arch, *gpu_type;
    char *ssh_login_command, *charge_type, *auto_renew, *is_expire;
    long long cpu, memory_mb, gpu_count, gpu_memory_gb;
    long long create_time, expire_time, start_time, update_time;
    long long stop_time;           /* StopTime: the timed shutdown, 0 = none */
    long long stop_scheduler_time; /* StopSchedulerTime: the scheduled shutdown, 0 = none */
    long long release_time;        /* ReleaseTime: when a stopped instance is released */
    double price;
    char **ips;      /* IPSet[].IP, in API order */
    size_t n_ips;
    char *cpu_usage_rate, *mem_usage_rate; /* MonitorMessages */
    api_gpu_usage *gpus;
    size_t n_gpus;
    api_app *apps; /* Softwares, in API order */
    size_t n_apps;
    api_disk *disks; /* DiskSet, in API order */
    size_t n_disks;
    char *info_json; /* the instance object as returned, pretty-printed, Password removed */
} api_instance;

typedef struct api_instance_list {
    api_instance *items;
    size_t n;
    long long total_count;
} api_instance_list;

typedef struct api_image {
    char *image_id, *name, *image_type, *status, *description, *failed_reason;
    char *container; /* "True" / "False" as sent */
    long long size_mb, create_time;
    char *info_json; /* pretty-printed image object */
} api_image;

typedef struct api_image_list {
    api_image *items;
    size_t n;
    long long total_count;
} api_image_list;

typedef struct api_progress {
    double process;           /* percent 0..100 */
    long long total_duration; /* seconds */
    long long remaining_duration;
} api_progress;

/* DescribeCompShareSupportZone's ZoneInfo[]. */
typedef struct api_zone {
    char *zone, *region, *name; /* name: Describe, the display name */
    long long zone_id, region_id;
} api_zone;

typedef struct api_zone_list {
    api_zone *items;
    size_t n;
} api_zone_list;

/* One count of DescribeCompShareGpuInventory: free GPUs of a type in a zone's pool. */
typedef struct api_gpu_stock {
    char *pool; /* "Exclusive" or "Spot" */
    long long zone_id;
    char *gpu_type;
    long long count;
} api_gpu_stock;

typedef struct api_inventory {
    api_gpu_stock *items;
    size_t n;
    char **spot_unsupported; /* SpotUnsupportedGpuTypes */
    size_t n_spot_unsupported;
    long long update_time;
} api_inventory;

void api_instance_free(api_instance *i);
void api_instance_list_free(api_instance_list *l);
void api_image_free(api_image *i);
void api_image_list_free(api_image_list *l);
void api_zone_list_free(api_zone_list *l);
void api_inventory_free(api_inventory *g);
/* The zone with that numeric ID (the inventory's keys), or NULL. */
const api_zone *api_zone_by_id(const api_zone_list *l, long long zone_id);
/* Deep copies; return 0 or -ENOMEM. */
int api_instance_copy(api_instance *dst, const api_instance *src);
int api_image_copy(api_image *dst, const api_image *src);

#endif
