/* SPDX-License-Identifier: MIT */
/* sim_server.h - the state of one compshare-sim: its configuration, world,
 * faults and counters (sim_main.c builds it; the gateway, the /_sim/ endpoints
 * and the HTTP server use it). Types and constants only. */
#ifndef SIM_SERVER_H
#define SIM_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_faults.h"
#include "sim_stats.h"
#include "sim_world.h"

#define SIM_DEFAULT_PUBLIC_KEY "sim-public-key"
#define SIM_DEFAULT_PRIVATE_KEY "sim-private-key"
#define SIM_MAX_BODY (1024 * 1024)

typedef struct sim_http sim_http;

typedef struct sim_server {
    char *public_key, *private_key;
    size_t n_instances;
    uint64_t seed;
    double time_scale;
    bool clock_manual; /* --clock manual: the world clock starts paused */
    unsigned threads;
    bool verbose;
    sim_world world;
    sim_faults faults;
    sim_stats stats;
    sim_http *http;
} sim_server;

#endif
