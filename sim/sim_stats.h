/* SPDX-License-Identifier: MIT */
/* sim_stats.h - counts of the API requests compshare-sim received, by action, for
 * GET /_sim/stats (tests and benchmarks count API calls with it). */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <pthread.h>

#include <cjson/cJSON.h>

typedef struct sim_stats {
    pthread_mutex_t mu;
    struct sim_stat {
        char *action;
        unsigned long long count;
    } *items;
    size_t n, cap;
    unsigned long long total;
} sim_stats;

void sim_stats_init(sim_stats *s);
void sim_stats_free(sim_stats *s);
/* Count one request; action NULL or empty counts as "(missing)". */
void sim_stats_count(sim_stats *s, const char *action);
void sim_stats_reset(sim_stats *s);
/* {"requests": {"<Action>": n, ...}, "total": N}, actions sorted by name. */
cJSON *sim_stats_to_json(sim_stats *s);

#endif
