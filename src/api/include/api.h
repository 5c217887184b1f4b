/* SPDX-License-Identifier: MIT */
/* api.h - a thread-safe client for the CompShare (优云智算) API.
 *
 * One api_client is shared by every FUSE worker thread. Each call signs a
 * form-encoded POST, sends it over a pooled libcurl connection, retries what
 * is safe to retry (see retry.h), and decodes the JSON answer into the plain
 * structs below. Every call returns 0 or a negative errno (errmap.h), and on
 * failure fills an api_error for the error files. */
#ifndef COMPSHAREFS_API_H
#define COMPSHAREFS_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_types.h"
#include "params.h"
#include "transport.h"

typedef struct api_client api_client;

/* Told of every finished call (after retries): for metrics and the -d log.
 * Never given anything secret. errnum is 0 on success or a positive errno. */
typedef void (*api_call_hook)(void *ctx, const char *action, int errnum, int retcode,
                              int attempts, double seconds);

typedef struct api_config {
    const char *endpoint;    /* e.g. "https://api.compshare.cn" or "http://127.0.0.1:8080" */
    const char *public_key;
    const char *private_key; /* copied into locked memory; never logged */
    const char *region;      /* default region, e.g. "cn-wlcb" */
    const char *zone;        /* optional zone filter; NULL = all zones of the region */
    const char *project_id;  /* optional */
    const char *ca_file;     /* optional CA bundle; TLS verification is always on */
    long timeout_ms;         /* per attempt, total; 0 = CS_DEFAULT_TIMEOUT_MS */
    long connect_timeout_ms; /* 0 = min(5000, timeout_ms) */
    int max_attempts;        /* 0 = 4 */
    long retry_budget_ms;    /* total time across attempts and backoff; 0 = 2 * timeout */
    size_t max_body;         /* response cap in bytes; 0 = CS_DEFAULT_MAX_BODY */
    api_call_hook on_call;
    void *hook_ctx;
    /* Tests replace the network and the clock here; NULL = libcurl and the real clock. */
    const transport_ops *transport;
    void *transport_ctx;
} api_config;

/* NULL with *err set (-EINVAL for a bad endpoint scheme, -ENOMEM). */
api_client *api_new(const api_config *cfg, int *err);

/* An endpoint URL as it may be shown in messages and logs:
 * scheme://host[:port][/path], without user:password@, query or fragment.
 * Malloc'd; NULL when url is not a URL with a host (or out of memory). */
char *api_endpoint_shown(const char *url);
void api_free(api_client *c);

/* Shutting down: every call in flight ends as soon as it can (a transfer
 * within about a second, a backoff at once) and later calls fail at once,
 * with -EIO. Async-signal-safe: a signal handler may call it. */
void api_abort(api_client *c);

/* ---- reading ---- */

/* Every instance of the configured region (and zone, if any), all pages of
 * Limit=100 fetched in one call. ids (may be NULL) restricts to UHostIds.N. */
int api_describe_instances(api_client *c, const char *const *ids, size_t n_ids,
                           api_instance_list *out, api_error *err);

/* The account's custom images (all pages); image_id may be NULL for all. */
int api_describe_custom_images(api_client *c, const char *image_id, api_image_list *out,
                               api_error *err);

/* Platform images of type "System" or "App" (all pages); image_id may be NULL. */
int api_describe_platform_images(api_client *c, const char *image_type, const char *image_id,
                                 api_image_list *out, api_error *err);

int api_image_progress(api_client *c, const char *image_id, api_progress *out, api_error *err);

/* The region the client was configured with ("cn-wlcb"). */
const char *api_client_region(const api_client *c);

/* The zones of region (NULL: the configured one), as DescribeCompShareSupportZone lists
 * them: names, numeric IDs (the inventory's keys) and display names. */
int api_describe_zones(api_client *c, const char *region, api_zone_list *out, api_error *err);

/* Free GPUs per pool, zone ID and GPU type (DescribeCompShareGpuInventory) in the
 * configured region, of zone only when given (NULL: the configured zone, if any). The
 * API refreshes it every 5 minutes (update_time). */
int api_gpu_inventory(api_client *c, const char *zone, api_inventory *out, api_error *err);

/* ---- state-changing: never resent when the outcome is unknown ----
 * zone is the instance's own zone (its region is derived from it). On an
 * ambiguous failure they return -ETIMEDOUT or -EIO with err->outcome_unknown. */
int api_reboot(api_client *c, const char *zone, const char *uhost_id, api_error *err);
int api_stop(api_client *c, const char *zone, const char *uhost_id, api_error *err);
int api_start(api_client *c, const char *zone, const char *uhost_id, api_error *err);
int api_reinstall(api_client *c, const char *zone, const char *uhost_id, const char *image_id,
                  const char *password /* NULL: keep */, api_error *err);
int api_rename(api_client *c, const char *zone, const char *uhost_id, const char *name,
               api_error *err);
/* On success *image_id_out is a malloc'd ID. */
int api_create_custom_image(api_client *c, const char *zone, const char *uhost_id,
                            const char *name, const char *description, char **image_id_out,
                            api_error *err);
/* TerminateCompShareCustomImage: an image of the configured region. */
int api_delete_custom_image(api_client *c, const char *image_id, api_error *err);
/* TerminateCompShareInstance (the API takes only a Stopped instance). */
int api_terminate(api_client *c, const char *zone, const char *uhost_id, api_error *err);
/* Update/DeleteCompShareStopScheduler: the instance stops at stop_time (Unix seconds,
 * in the future), or no longer. */
int api_update_stop_scheduler(api_client *c, const char *zone, const char *uhost_id,
                              long long stop_time, api_error *err);
int api_delete_stop_scheduler(api_client *c, const char *zone, const char *uhost_id,
                              api_error *err);
/* ResetCompShareInstancePassword with the plain password, which is sent base64-encoded
 * and never appears in err or any message. */
int api_reset_password(api_client *c, const char *zone, const char *uhost_id, const char *password,
                       api_error *err);

/* CreateCompShareInstance: what to ask for. Strings NULL (or numbers 0) are not sent,
 * so the API's defaults apply (its ChargeType default is Month). */
typedef struct api_create_request {
    const char *zone;         /* required; the region follows from it */
    const char *gpu_type;     /* required, e.g. "4090" */
    int gpus, cpu;            /* required */
    long long memory_mb;      /* required */
    const char *image_id;     /* required */
    const char *machine_type; /* NULL: "G" */
    const char *name, *charge_type;
    int quantity;               /* purchase duration (months, days), not a count */
    const char *password;       /* plain: sent base64-encoded; NULL: the API makes one */
    int boot_disk_gb;           /* 0: the API's default boot disk */
    const char *boot_disk_type; /* NULL: CLOUD_SSD */
} api_create_request;

/* One CreateCompShareInstance call; on success *ids_out (malloc'd, each malloc'd) holds
 * the *n_ids UHostIds the answer names (one per call). */
int api_create_instances(api_client *c, const api_create_request *req, char ***ids_out,
                         size_t *n_ids, api_error *err);

/* Low level, for tests and new actions: sign and send p (Action must be set;
 * PublicKey, Signature and defaults are added), retrying per retry.h with
 * `mutating` deciding what is safe. On success *json is the parsed response
 * (caller frees with cJSON_Delete). */
struct cJSON;
int api_call(api_client *c, params *p, bool mutating, struct cJSON **json, api_error *err);

#endif
