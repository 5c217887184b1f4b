/* SPDX-License-Identifier: MIT */
/* trim.h - when freed heap is given back to the system (malloc_trim); the
 * reasons are at the top of trim.c. Public for its unit test; the snapshots
 * (cache_snap.c) count what they free, the daemon starts the trimmer. */
#ifndef COMPSHAREFS_TRIM_H
#define COMPSHAREFS_TRIM_H

#include <stdbool.h>
#include <stddef.h>

/* At most one trim per interval, and only after this many instances' worth
 * of snapshots and decoded pages were freed since the last one. */
#define TRIM_INTERVAL_MS 10000
#define TRIM_MIN_FREED 100

typedef struct trim_policy {
    size_t freed;      /* instances' worth freed since the last trim */
    long long last_ms; /* when the last trim was (monotonic) */
    bool trimmed;      /* whether there was one */
} trim_policy;

/* One tick of the trimmer: freed is what was freed since the tick before.
 * True when a trim is due now (and counted as done). */
bool trim_policy_tick(trim_policy *p, size_t freed, long long now_ms);

/* A snapshot of this many instances, or the decoded listing it was built
 * from, was freed: counted for the trimmer. */
void trim_note_freed(size_t instances);

/* Start this process's trimmer thread (once; again in a forked child). Call
 * it after any fork to the background, never before. */
void trim_start(void);

#endif
