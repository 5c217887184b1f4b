/* SPDX-License-Identifier: MIT */
/* sim_reply.h - one HTTP reply of compshare-sim, as the gateway or the /_sim/
 * endpoints build it and sim_http.c sends (or parks) it. */
#ifndef SIM_REPLY_H
#define SIM_REPLY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sim_reply {
    int status;               /* HTTP status */
    char *body;               /* malloc'd */
    size_t len;
    const char *content_type; /* static */
    bool hang;                /* never answer */
    unsigned delay_ms;        /* answer after this long */
} sim_reply;

/* Take a printed JSON body (NULL = out of memory: a 500 instead). */
void sim_reply_json(sim_reply *out, int status, char *body);
void sim_reply_text(sim_reply *out, int status, const char *content_type, const char *text);
void sim_reply_free(sim_reply *r);

#endif
