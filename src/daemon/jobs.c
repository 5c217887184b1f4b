/* SPDX-License-Identifier: MIT */
/* jobs.c - the command pool (jobs.h): a FIFO under one mutex; a thread is
 * started when a job arrives and none is idle, and an idle thread leaves
 * after IDLE_SECONDS, so the pool costs nothing between bursts. Threads block
 * every signal: those are for the FUSE loop. */
#include "jobs.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define IDLE_SECONDS 30

typedef struct job {
    void (*fn)(void *arg);
    void *arg;
    struct job *next;
} job;

struct jobs {
    pthread_mutex_t mu;
    pthread_cond_t work, gone;
    job *head, *tail;
    unsigned threads, idle, max;
    bool stopping;
};

static void *worker(void *arg)
{
    jobs *j = arg;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (!j->head && !j->stopping) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += IDLE_SECONDS;
            j->idle++;
            int rc = pthread_cond_timedwait(&j->work, &j->mu, &until);
            j->idle--;
            if (rc == ETIMEDOUT && !j->head)
                goto out;
        }
        if (!j->head) /* stopping, nothing left */
            break;
        job *w = j->head;
        j->head = w->next;
        if (!j->head)
            j->tail = NULL;
        pthread_mutex_unlock(&j->mu);
        w->fn(w->arg);
        free(w);
        pthread_mutex_lock(&j->mu);
    }
out:
    j->threads--;
    pthread_cond_broadcast(&j->gone);
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

jobs *jobs_new(unsigned max_threads)
{
    jobs *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->work, NULL);
    pthread_cond_init(&j->gone, NULL);
    j->max = max_threads ? max_threads : 1;
    return j;
}

/* A detached thread with every signal blocked. Called with j->mu held. */
static int start_worker(jobs *j)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t th;
    int rc = pthread_create(&th, &attr, worker, j);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0)
        j->threads++;
    return rc ? -rc : 0;
}

int jobs_submit(jobs *j, void (*fn)(void *arg), void *arg)
{
    job *w = malloc(sizeof *w);
    if (!w)
        return -ENOMEM;
    *w = (job){fn, arg, NULL};
    pthread_mutex_lock(&j->mu);
    if (j->stopping) {
        pthread_mutex_unlock(&j->mu);
        free(w);
        return -ECANCELED;
    }
    /* a thread more when every one is busy; a failed start only means the
     * job waits for a thread to come free, unless there is none at all */
    if (j->idle == 0 && j->threads < j->max && start_worker(j) != 0 && j->threads == 0) {
        pthread_mutex_unlock(&j->mu);
        free(w);
        return -EAGAIN;
    }
    if (j->tail)
        j->tail->next = w;
    else
        j->head = w;
    j->tail = w;
    pthread_cond_signal(&j->work);
    pthread_mutex_unlock(&j->mu);
    return 0;
}

void jobs_free(jobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->stopping = true;
    pthread_cond_broadcast(&j->work);
    while (j->threads > 0)
        pthread_cond_wait(&j->gone, &j->mu);
    pthread_mutex_unlock(&j->mu);
    pthread_cond_destroy(&j->work);
    pthread_cond_destroy(&j->gone);
    pthread_mutex_destroy(&j->mu);
    free(j);
}
