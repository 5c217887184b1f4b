/* SPDX-License-Identifier: MIT */
/* jobs.h - where commands wait for the API: a pool of threads that grows
 * with the work (up to a bound) and shrinks when idle, so that a command
 * stuck on a hung API holds one of these, never a FUSE worker thread. */
#ifndef COMPSHAREFS_JOBS_H
#define COMPSHAREFS_JOBS_H

typedef struct jobs jobs;

/* At most max_threads at once; more jobs wait in line. */
jobs *jobs_new(unsigned max_threads);
/* Run fn(arg) on a pool thread. 0, or -ECANCELED once the pool is stopping
 * (or -ENOMEM): then fn is not called. */
int jobs_submit(jobs *j, void (*fn)(void *arg), void *arg);
/* Stop taking jobs, wait for those queued and running, and free the pool. */
void jobs_free(jobs *j);

#endif
