/* SPDX-License-Identifier: MIT */
/* sim_harness.h - start and stop compshare-sim for client tests, read its
 * /_sim/stats and change its faults while it runs.
 *
 * The simulator binary comes from $COMPSHARE_SIM (set by ctest). It is started
 * with fork/exec, its keys in the environment (never argv), and its first line
 * on stdout tells the URL it serves. */
#ifndef SIM_HARNESS_H
#define SIM_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "api.h"

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
/* Poll until the instance shows state; bounded by max_ms only to avoid a
 * hang. 0 when it did, -1 when it did not. */
int sim_wait_state(api_client *c, const char *uhost_id, const char *state, long max_ms);

#endif
