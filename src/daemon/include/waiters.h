/* SPDX-License-Identifier: MIT */
/* waiters.h - the writers of `wait STATE [SECONDS]`, answered later. One
 * thread checks them all, once per period (the cache's ttl: every check of a
 * round is answered by one shared refresh), so however many wait, no thread
 * is held per waiter and no API call is made for them but that refresh.
 * No FUSE types: the glue passes callbacks. */
#ifndef COMPSHAREFS_WAITERS_H
#define COMPSHAREFS_WAITERS_H

#include <stdbool.h>

/* Is the instance in state? 1 yes, 0 not yet, -ENOENT gone, another
 * negative errno: cannot tell now (try at the next round). */
typedef int (*waiters_check_fn)(void *ctx, const char *uhost_id, const char *state);

typedef struct waiters waiters;

waiters *waiters_new(waiters_check_fn check, void *ctx, long long period_ms);

/* done(arg, rc) is called exactly once, from the waiters' thread: 0 when the
 * state is reached, -ETIMEDOUT after `seconds`, -ENOENT when the instance is
 * gone, -EINTR as soon as alive(arg) says the writer gave up, -ESHUTDOWN when
 * the waiters are freed first. 0 or -ENOMEM / -ECANCELED (then done is not
 * called). */
int waiters_add(waiters *w, const char *uhost_id, const char *state, long seconds,
                void (*done)(void *arg, int rc), bool (*alive)(void *arg), void *arg);

/* Wake the thread now (a writer gave up: answer at once). */
void waiters_poke(waiters *w);

/* Every waiter left gets done(arg, -ESHUTDOWN); then the thread ends. */
void waiters_free(waiters *w);

#endif
