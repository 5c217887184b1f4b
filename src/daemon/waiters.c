/* SPDX-License-Identifier: MIT */
/* waiters.c - one thread for every `wait` (waiters.h). A round copies the
 * list, checks each waiter without the lock (a check may wait for the shared
 * refresh), then ends those that are done and sleeps until the next period,
 * the next deadline, or a new waiter, whichever comes first. */
#include "waiters.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clocks.h"
#include "grow.h"

typedef struct waiter {
    char uhost_id[80], state[32];
    long long deadline_ms; /* monotonic */
    void (*done)(void *arg, int rc);
    bool (*alive)(void *arg);
    void *arg;
    int rc; /* this round's verdict: 1 going on */
} waiter;

struct waiters {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    waiters_check_fn check;
    void *ctx;
    long long period_ms;
    waiter *w;
    size_t n, cap;
    bool stopping, poked;
    bool started; /* the thread: made by the first waiter, so never before a daemon's fork */
};

/* This round's verdict on one waiter: 1 while it goes on. */
static int verdict(waiters *ws, const waiter *w, long long now)
{
    if (!w->alive(w->arg))
        return -EINTR;
    int rc = ws->check(ws->ctx, w->uhost_id, w->state);
    if (rc == 1)
        return 0;
    if (rc == -ENOENT)
        return -ENOENT;
    return now >= w->deadline_ms ? -ETIMEDOUT : 1;
}

static void round_of_checks(waiters *ws)
{
    pthread_mutex_lock(&ws->mu);
    size_t n = ws->n;
    waiter *copy = n ? malloc(n * sizeof *copy) : NULL;
    if (copy)
        memcpy(copy, ws->w, n * sizeof *copy);
    pthread_mutex_unlock(&ws->mu);
    if (!copy)
        return;
    long long now = clock_mono_ms();
    for (size_t i = 0; i < n; i++)
        copy[i].rc = verdict(ws, &copy[i], now);
    /* the copy's first n entries are still the list's first n: only this
     * thread removes, and adding appends */
    pthread_mutex_lock(&ws->mu);
    size_t keep = 0;
    for (size_t i = 0; i < ws->n; i++)
        if (i >= n || copy[i].rc == 1)
            ws->w[keep++] = ws->w[i];
    ws->n = keep;
    pthread_mutex_unlock(&ws->mu);
    for (size_t i = 0; i < n; i++)
        if (copy[i].rc != 1)
            copy[i].done(copy[i].arg, copy[i].rc);
    free(copy);
}

static void *run(void *arg)
{
    waiters *ws = arg;
    pthread_mutex_lock(&ws->mu);
    while (!ws->stopping) {
        if (ws->n == 0 && !ws->poked) {
            pthread_cond_wait(&ws->cv, &ws->mu);
            continue;
        }
        ws->poked = false;
        pthread_mutex_unlock(&ws->mu);
        round_of_checks(ws);
        pthread_mutex_lock(&ws->mu);
        long long next = clock_mono_ms() + ws->period_ms;
        for (size_t i = 0; i < ws->n; i++)
            if (ws->w[i].deadline_ms < next)
                next = ws->w[i].deadline_ms;
        long long wait_ms = next - clock_mono_ms();
        if (wait_ms > 0 && !ws->poked && !ws->stopping) {
            struct timespec until;
            clock_mono_deadline(wait_ms * 1000000LL, &until);
            pthread_cond_timedwait(&ws->cv, &ws->mu, &until);
        }
    }
    pthread_mutex_unlock(&ws->mu);
    return NULL;
}

/* The checking thread, made when the first waiter comes (under mu). A
 * thread made earlier, before the daemon forks to the background, would not
 * exist in the daemon. */
static int start_thread(waiters *ws)
{
    if (ws->started)
        return 0;
    sigset_t all, old; /* signals are for the FUSE loop */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&ws->thread, NULL, run, ws);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    ws->started = rc == 0;
    return rc == 0 ? 0 : -ENOMEM;
}

waiters *waiters_new(waiters_check_fn check, void *ctx, long long period_ms)
{
    waiters *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    ws->check = check;
    ws->ctx = ctx;
    ws->period_ms = period_ms > 100 ? period_ms : 100;
    pthread_mutex_init(&ws->mu, NULL);
    clock_mono_cond_init(&ws->cv);
    return ws;
}

int waiters_add(waiters *ws, const char *uhost_id, const char *state, long seconds,
                void (*done)(void *arg, int rc), bool (*alive)(void *arg), void *arg)
{
    waiter w = {.deadline_ms = clock_mono_ms() + seconds * 1000LL, .done = done,
                .alive = alive, .arg = arg};
    snprintf(w.uhost_id, sizeof w.uhost_id, "%.64s", uhost_id);
    snprintf(w.state, sizeof w.state, "%.31s", state);
    pthread_mutex_lock(&ws->mu);
    int rc = ws->stopping ? -ECANCELED : start_thread(ws);
    waiter *items = rc ? NULL : array_grow(ws->w, ws->n, &ws->cap, sizeof *items);
    if (!rc && !items)
        rc = -ENOMEM;
    if (!rc) {
        ws->w = items;
        ws->w[ws->n++] = w;
        ws->poked = true; /* checked at once: it may be there already */
        pthread_cond_signal(&ws->cv);
    }
    pthread_mutex_unlock(&ws->mu);
    return rc;
}

void waiters_poke(waiters *ws)
{
    pthread_mutex_lock(&ws->mu);
    ws->poked = true;
    pthread_cond_signal(&ws->cv);
    pthread_mutex_unlock(&ws->mu);
}

void waiters_free(waiters *ws)
{
    if (!ws)
        return;
    pthread_mutex_lock(&ws->mu);
    ws->stopping = true;
    pthread_cond_signal(&ws->cv);
    bool started = ws->started;
    pthread_mutex_unlock(&ws->mu);
    if (started)
        pthread_join(ws->thread, NULL);
    for (size_t i = 0; i < ws->n; i++)
        ws->w[i].done(ws->w[i].arg, -ESHUTDOWN);
    free(ws->w);
    pthread_cond_destroy(&ws->cv);
    pthread_mutex_destroy(&ws->mu);
    free(ws);
}
