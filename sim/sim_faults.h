/* SPDX-License-Identifier: MIT */
/* sim_faults.h - fault injection for compshare-sim: latency, RetCode 150/153, HTTP
 * 5xx, hangs, malformed JSON and numbers sent as strings. Settable from the command
 * line and at run time (POST /_sim/faults). The dice are a seeded PRNG under a mutex,
 * so a client sending the same requests in the same order sees the same faults.
 * What each fault means (before or after the action) is in docs/simulator.md. */
#ifndef SIM_FAULTS_H
#define SIM_FAULTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define SIM_FAULT_MAX_DELAY_MS 600000.0

typedef struct sim_fault_settings {
    double latency_ms, jitter_ms;
    double http_5xx, retcode_150, retcode_153, hang, malformed; /* fractions 0..1 */
    bool string_numbers;
    char actions[1024]; /* comma-separated action names; "" = every action */
} sim_fault_settings;

typedef struct sim_faults {
    pthread_mutex_t mu;
    sim_fault_settings s;
    uint64_t rng;
    uint64_t jitter_rng; /* jitter of rejected requests: never touches the fault dice */
} sim_faults;

/* The faults drawn for one request. */
typedef struct sim_fault_plan {
    int before;       /* 0, 150 or 153: answered instead of running the action */
    bool hang;        /* after the action: never answer */
    int http_status;  /* after the action: 0, or 500/502/503 */
    bool malformed;   /* after the action: truncated JSON */
    double cut;       /* fraction of the body kept when malformed, in (0, 1) */
    bool string_numbers;
    unsigned delay_ms;
} sim_fault_plan;

void sim_faults_init(sim_faults *f, uint64_t seed);
void sim_faults_destroy(sim_faults *f);

/* Set the fields that obj names (see docs/simulator.md), keep the others; all or
 * nothing. Returns 0, or -EINVAL with a reason in why. */
int sim_faults_update(sim_faults *f, const cJSON *obj, char *why, size_t whylen);
/* Every fault off. */
void sim_faults_clear(sim_faults *f);
cJSON *sim_faults_to_json(sim_faults *f);

/* Draw the faults for a request of this action (NULL = none given). A request the
 * gateway rejected (rejected = true) is never faulted and draws no fault dice, so it
 * does not shift the faults of valid requests: it gets only the latency (its jitter
 * from a separate stream) and string_numbers. */
void sim_faults_plan(sim_faults *f, const char *action, bool rejected, sim_fault_plan *plan);

/* Replace every number under node by a string ("RetCode": "0"). */
void sim_faults_stringify_numbers(cJSON *node);

#endif
