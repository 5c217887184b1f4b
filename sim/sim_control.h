/* SPDX-License-Identifier: MIT */
/* sim_control.h - the /_sim/ endpoints (stats, faults, info) for tests and
 * benchmarks. */
#ifndef SIM_CONTROL_H
#define SIM_CONTROL_H

#include <stddef.h>

#include "sim_reply.h"
#include "sim_server.h"

void sim_control_handle(sim_server *s, const char *method, const char *path, const char *body,
                        size_t len, sim_reply *out);

#endif
