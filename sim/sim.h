/* sim.h - what the parts of compshare-sim share: the server (configuration, world,
 * faults, counters) and one HTTP reply. */
#ifndef SIM_H
#define SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "sim_faults.h"
#include "sim_stats.h"
#include "sim_world.h"

#define SIM_DEFAULT_PUBLIC_KEY "sim-public-key"
#define SIM_DEFAULT_PRIVATE_KEY "sim-private-key"
#define SIM_MAX_BODY (1024 * 1024)

typedef struct sim_reply {
    int status;               /* HTTP status */
    char *body;               /* malloc'd */
    size_t len;
    const char *content_type; /* static */
    bool hang;                /* never answer */
    unsigned delay_ms;        /* answer after this long */
} sim_reply;

typedef struct sim_http sim_http;

typedef struct sim_server {
    char *public_key, *private_key;
    size_t n_instances;
    uint64_t seed;
    double time_scale;
    unsigned threads;
    bool verbose;
    sim_world world;
    sim_faults faults;
    sim_stats stats;
    sim_http *http;
} sim_server;

/* An API request (any path outside /_sim/), whose parameters are p. parse_rc is the
 * result of reading the body (0, -EINVAL malformed, -ENOTSUP content type, -E2BIG too
 * large), why its reason. Fills out; never fails. */
void gateway_handle(sim_server *s, const params *p, int parse_rc, const char *why, sim_reply *out);

/* A /_sim/ request. */
void control_handle(sim_server *s, const char *method, const char *path, const char *body,
                    size_t len, sim_reply *out);

/* Reply helpers: take a printed JSON body (NULL = out of memory). */
void reply_json(sim_reply *out, int status, char *body);
void reply_text(sim_reply *out, int status, const char *content_type, const char *text);
void reply_free(sim_reply *r);

/* Start serving on listen ("ADDR:PORT", "[V6]:PORT"); writes the URL served into url.
 * Returns 0, or -1 with a message on stderr. */
int http_start(sim_server *s, const char *listen, char *url, size_t urllen);
/* Close hung and delayed requests, then stop the server. */
void http_stop(sim_server *s);

#endif
