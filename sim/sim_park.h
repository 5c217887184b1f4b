/* SPDX-License-Identifier: MIT */
/* sim_park.h - parking for answers that must wait: delayed answers (latency faults)
 * and hung requests. A parked connection is suspended with libmicrohttpd's
 * suspend/resume, so it holds no pool thread; one waker thread resumes each when its
 * time comes. Hung requests are resumed only at shutdown, to be closed. */
#ifndef SIM_PARK_H
#define SIM_PARK_H

#include <stdbool.h>

#include <microhttpd.h>

typedef struct sim_park sim_park;

/* Called by the waker with the connection's context just before resuming it:
 * abort = true at shutdown (close without answer), else the answer is due. */
typedef void (*sim_park_wake_fn)(void *ctx, bool abort);

sim_park *sim_park_create(sim_park_wake_fn wake);
/* Suspend c (call from its access handler) and park it until due (monotonic seconds;
 * INFINITY = hang). Returns 0, or -1 when shutting down or out of memory: then c is
 * not suspended and the caller answers or closes it at once. */
int sim_park_add(sim_park *pk, struct MHD_Connection *c, void *ctx, double due);
/* Wake every parked connection with abort = true and stop the waker thread. */
void sim_park_shutdown(sim_park *pk);
void sim_park_free(sim_park *pk);

#endif
