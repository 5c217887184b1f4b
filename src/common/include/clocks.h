/* SPDX-License-Identifier: MIT */
/* clocks.h - the one place that reads the clocks. Durations and ages are
 * measured on the monotonic clock (never set back); what is shown to people
 * (timestamps, U-Timestamp-Ms) comes from the wall clock. */
#ifndef COMPSHAREFS_CLOCKS_H
#define COMPSHAREFS_CLOCKS_H

long long clock_mono_ms(void);
double clock_mono_s(void);
long long clock_wall_ms(void);
/* Nanoseconds since the epoch: file times (2262 is far off). */
long long clock_wall_ns(void);

#endif
