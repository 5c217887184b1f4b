/* SPDX-License-Identifier: MIT */
/* sim_call.h - what one action call of compshare-sim sees. Each action runs
 * with the world locked and settled at `now`, fills `resp` (the Action and
 * RetCode fields are the gateway's job) or returns a RetCode with err filled. */
#ifndef SIM_CALL_H
#define SIM_CALL_H

#include <cjson/cJSON.h>

#include "params.h"
#include "sim_error.h"
#include "sim_world.h"

typedef struct sim_call {
    sim_world *w;
    const params *p;
    cJSON *resp;
    sim_error *err;
    double now;
} sim_call;

typedef int (*sim_action_fn)(sim_call *c);

/* One row of an actions module's table (NULL-name terminated). */
typedef struct sim_action_entry {
    const char *name;
    sim_action_fn fn;
} sim_action_entry;

#endif
