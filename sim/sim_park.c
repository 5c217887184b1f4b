/* SPDX-License-Identifier: MIT */
/* sim_park.c - the waker thread that resumes suspended connections when their
 * answer is due (see sim_park.h). */
#include "sim_park.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "clocks.h"
#include "grow.h"

struct parked {
    struct MHD_Connection *conn;
    void *ctx;
    double due;
};

struct sim_park {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    pthread_t thread;
    bool stopping;
    sim_park_wake_fn wake;
    struct parked *items;
    size_t n, cap;
};

/* Resume item i and remove it (lock held). */
static void wake_one(sim_park *pk, size_t i, bool abort)
{
    struct parked p = pk->items[i];
    pk->items[i] = pk->items[--pk->n];
    pk->wake(p.ctx, abort);
    MHD_resume_connection(p.conn);
}

static void *waker(void *arg)
{
    sim_park *pk = arg;
    pthread_mutex_lock(&pk->mu);
    while (!pk->stopping) {
        double now = clock_mono_s(), next = INFINITY;
        for (size_t i = 0; i < pk->n;) {
            if (pk->items[i].due <= now) {
                wake_one(pk, i, false);
                continue;
            }
            if (pk->items[i].due < next)
                next = pk->items[i].due;
            i++;
        }
        if (isinf(next)) {
            pthread_cond_wait(&pk->cond, &pk->mu);
        } else {
            struct timespec ts;
            clock_mono_deadline((long long)((next - now) * 1e9), &ts);
            pthread_cond_timedwait(&pk->cond, &pk->mu, &ts);
        }
    }
    while (pk->n)
        wake_one(pk, pk->n - 1, true);
    pthread_mutex_unlock(&pk->mu);
    return NULL;
}

sim_park *sim_park_create(sim_park_wake_fn wake)
{
    sim_park *pk = calloc(1, sizeof *pk);
    if (!pk)
        return NULL;
    pk->wake = wake;
    clock_mono_cond_init(&pk->cond); /* a clock change must not stretch a delay */
    pthread_mutex_init(&pk->mu, NULL);
    if (pthread_create(&pk->thread, NULL, waker, pk) != 0) {
        pthread_cond_destroy(&pk->cond);
        pthread_mutex_destroy(&pk->mu);
        free(pk);
        return NULL;
    }
    return pk;
}

int sim_park_add(sim_park *pk, struct MHD_Connection *c, void *ctx, double due)
{
    pthread_mutex_lock(&pk->mu);
    struct parked *items =
        pk->stopping ? NULL : array_grow(pk->items, pk->n, &pk->cap, sizeof *items);
    if (!items) {
        pthread_mutex_unlock(&pk->mu);
        return -1;
    }
    pk->items = items;
    /* Suspended under the lock, so the waker cannot resume it before it is suspended. */
    MHD_suspend_connection(c);
    pk->items[pk->n++] = (struct parked){c, ctx, due};
    pthread_cond_signal(&pk->cond);
    pthread_mutex_unlock(&pk->mu);
    return 0;
}

void sim_park_shutdown(sim_park *pk)
{
    pthread_mutex_lock(&pk->mu);
    pk->stopping = true;
    pthread_cond_signal(&pk->cond);
    pthread_mutex_unlock(&pk->mu);
    pthread_join(pk->thread, NULL);
}

void sim_park_free(sim_park *pk)
{
    if (!pk)
        return;
    pthread_cond_destroy(&pk->cond);
    pthread_mutex_destroy(&pk->mu);
    free(pk->items);
    free(pk);
}
