/* SPDX-License-Identifier: MIT */
/* clocks.h - the one place that reads the clocks. Durations and ages are
 * measured on the monotonic clock (never set back); what is shown to people
 * (timestamps, U-Timestamp-Ms) comes from the wall clock. */
#ifndef COMPSHAREFS_CLOCKS_H
#define COMPSHAREFS_CLOCKS_H

#include <pthread.h>
#include <time.h>

long long clock_mono_ms(void);
double clock_mono_s(void);
long long clock_wall_ms(void);
/* Nanoseconds since the epoch: file times (2262 is far off). */
long long clock_wall_ns(void);
/* A wall-clock time as people and logs read it: "2026-11-30T12:00:00Z" (UTC,
 * RFC 3339, whole seconds), into out. */
void clock_rfc3339(long long wall_ns, char out[32]);

/* Timed waits on the monotonic clock, so that a clock set back or forward
 * never stretches or cuts a delay: a condition variable made for them, and
 * the moment ns nanoseconds from now as pthread_cond_timedwait takes it. */
int clock_mono_cond_init(pthread_cond_t *cv);
void clock_mono_deadline(long long ns, struct timespec *out);

#endif
