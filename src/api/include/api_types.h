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

typedef struct api_instance {
    char *uhost_id, *name, *tag, *remark, *zone, *state;
    char *image_id, *image_name, *image_type;
    char *instance_type, *machine_type, *cpu_platform, *cpu_arch, *gpu_type;
    char *ssh_login_command, *charge_type, *auto_renew, *is_expire;
    long long cpu, memory_mb, gpu_count, gpu_memory_gb;
    long long create_time, expire_time, start_time, update_time, stop_time;
    double price;
    char **ips;      /* IPSet[].IP, in API order */
    size_t n_ips;
    char *cpu_usage_rate, *mem_usage_rate; /* MonitorMessages */
    api_gpu_usage *gpus;
    size_t n_gpus;
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

void api_instance_free(api_instance *i);
void api_instance_list_free(api_instance_list *l);
void api_image_free(api_image *i);
void api_image_list_free(api_image_list *l);
/* Deep copies; return 0 or -ENOMEM. */
int api_instance_copy(api_instance *dst, const api_instance *src);
int api_image_copy(api_image *dst, const api_image *src);

#endif
