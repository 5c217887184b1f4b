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

/* Low level, for tests and new actions: sign and send p (Action must be set;
 * PublicKey, Signature and defaults are added), retrying per retry.h with
 * `mutating` deciding what is safe. On success *json is the parsed response
 * (caller frees with cJSON_Delete). */
struct cJSON;
int api_call(api_client *c, params *p, bool mutating, struct cJSON **json, api_error *err);

#endif
