/* SPDX-License-Identifier: MIT */
/* sim_harness.h - start and stop compshare-sim for the C tests, send it signed
 * requests, read its /_sim/stats, change its faults and drive its clock.
 *
 * The simulator binary comes from $COMPSHARE_SIM (set by ctest). It is started
 * with fork/exec, its keys in the environment (never argv), and its first line
 * on stdout tells the URL it serves. */
#ifndef SIM_HARNESS_H
#define SIM_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "params.h"

#define SIM_PUBLIC_KEY "client-test-public-key"
#define SIM_PRIVATE_KEY "client-test-private-key-5f3a9c"

typedef struct sim_handle {
    pid_t pid;
    int stdout_fd;
    char url[256];
} sim_handle;

/* Start the simulator with extra arguments (NULL-terminated; may be NULL).
 * Returns 0, or -1 with a message on stderr (no binary, no URL in time). */
int sim_start(sim_handle *s, const char *const *args);
/* Start tests/tools/drop_proxy ($DROP_PROXY) in front of upstream, with its
 * own arguments (--drop TEXT, --after N; NULL-terminated, may be NULL). The
 * handle's url is the proxy's; stop it with sim_stop. */
int proxy_start(sim_handle *p, const sim_handle *upstream, const char *const *args);
/* SIGTERM, wait (bounded), SIGKILL if it will not go. */
void sim_stop(sim_handle *s);

/* An api_config for the simulator: its URL, its keys, region cn-wlcb, the
 * given per-attempt timeout. Other fields zero (defaults). */
void sim_api_config(const sim_handle *s, api_config *cfg, long timeout_ms);

/* sim_start, then *cfg as sim_api_config gives it: how a client test begins. */
int sim_start_config(sim_handle *s, const char *const *args, long timeout_ms, api_config *cfg);

/* The first max instances c lists as Running, their IDs and zones, for a test to
 * operate on: how many there were (at most max), or -1 when the listing fails. */
int sim_running_instances(api_client *c, size_t max, char (*ids)[64], char (*zones)[64]);

/* Requests the simulator received for action (NULL: all), or -1 on error. */
long sim_requests(const sim_handle *s, const char *action);
int sim_reset_stats(const sim_handle *s);
/* POST a JSON object to /_sim/faults (fields named are set, others kept). */
int sim_set_faults(const sim_handle *s, const char *json);
int sim_reset_faults(const sim_handle *s);

/* One HTTP request to the simulator; the body (malloc'd) or NULL. *status
 * (may be NULL) gets the HTTP status. */
char *sim_http(const sim_handle *s, const char *method, const char *path, const char *json,
               long *status);

/* The instance as listed now (DescribeCompShareInstance with UHostIds.0).
 * 0, or a negative errno (-ENOENT when not listed). */
int sim_get_instance(api_client *c, const char *uhost_id, api_instance *out);

/* p (with its Action) signed with the harness's keys and sent as the SDKs send it;
 * the answer, parsed (caller frees), whatever its RetCode; NULL when none or not JSON. */
cJSON *sim_api_raw(const sim_handle *s, params *p);

/* POST /_sim/clock {"advance": seconds}: the world moves on (start the sim with
 * "--clock", "manual" so that it moves only then). 0 or -1. */
int sim_clock_advance(const sim_handle *s, double seconds);
/* The Unix time the sim's world shows now (GET /_sim/clock), or -1. */
long long sim_clock_wall(const sim_handle *s);

#endif
