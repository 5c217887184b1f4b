/* SPDX-License-Identifier: MIT */
/* sim_gateway.h - what the API gateway does with one request. */
#ifndef SIM_GATEWAY_H
#define SIM_GATEWAY_H

#include "params.h"
#include "sim_reply.h"
#include "sim_server.h"

/* An API request (any path outside /_sim/), whose parameters are p. parse_rc is
 * the result of reading the body (0, -EINVAL malformed, -ENOTSUP content type,
 * -E2BIG too large), why its reason. Fills out; never fails. */
void sim_gateway_handle(sim_server *s, const params *p, int parse_rc, const char *why,
                        sim_reply *out);

#endif
