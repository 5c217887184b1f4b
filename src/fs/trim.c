/* SPDX-License-Identifier: MIT */
/* trim.c - giving freed heap back to the system, neither never nor always.
 *
 * A refresh decodes every page of the listing and drops the previous
 * snapshot; under load, many FUSE threads render files at once. glibc keeps
 * the freed memory in its arenas, so resident memory climbs to the load's
 * peak and stays there (438 instances under load: 17 -> 146 MB, kept). Only
 * malloc_trim gives it back, but trimming on every refresh costs more than
 * it saves: the pages it returns are faulted in again two seconds later, and
 * each return is a TLB shootdown on every core running a thread of ours (525
 * instances, a trim per refresh: 24 % of samples in TLB flushes, a third of
 * the write throughput).
 *
 * So: refreshes only count what they freed; a thread of our own trims at
 * most once per TRIM_INTERVAL_MS, and only when at least TRIM_MIN_FREED
 * instances' worth was freed since the last trim. Under load that is one trim
 * per interval; when the load stops, the next tick gives the memory back. The
 * daemon starts the thread (trim_start) once it has forked into the
 * background: a thread running across a fork can leave a lock held in the
 * child (the sanitizers' allocator's, for one), which then hangs. */
#include "trim.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "clocks.h"

#define TRIM_TICK_MS 1000

bool trim_policy_tick(trim_policy *p, size_t freed, long long now_ms)
{
    p->freed += freed;
    if (p->freed < TRIM_MIN_FREED || (p->trimmed && now_ms - p->last_ms < TRIM_INTERVAL_MS))
        return false;
    p->freed = 0;
    p->last_ms = now_ms;
    p->trimmed = true;
    return true;
}

static atomic_size_t freed_since_tick;
static atomic_int trimmer_pid; /* the process whose trimmer runs; 0: none yet */

static void *trimmer(void *arg)
{
    (void)arg;
    trim_policy policy = {0};
    for (;;) {
        struct timespec ts = {TRIM_TICK_MS / 1000, (TRIM_TICK_MS % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        size_t freed = atomic_exchange(&freed_since_tick, 0);
        if (trim_policy_tick(&policy, freed, clock_mono_ms()))
            malloc_trim(0);
    }
    return NULL;
}

void trim_note_freed(size_t instances) { atomic_fetch_add(&freed_since_tick, instances); }

void trim_start(void)
{
    int pid = (int)getpid(), seen = atomic_load(&trimmer_pid);
    if (seen == pid || !atomic_compare_exchange_strong(&trimmer_pid, &seen, pid))
        return; /* running in this process, or another thread is starting it */
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Signals are the daemon's stopper's (fs_fuse_loop.c): a SIGTERM taken
     * here would kill the process instead of unmounting it. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_create(&t, &attr, trimmer, NULL) != 0)
        atomic_store(&trimmer_pid, 0); /* not trimming only costs memory */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
}
