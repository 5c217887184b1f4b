/* SPDX-License-Identifier: MIT */
/* pending.c - a set of numbers (pending.h): a small array, since few
 * commands wait at once (a few hundred when the API hangs). */
#include "pending.h"

#include <pthread.h>
#include <stdlib.h>

#include "grow.h"

struct pending {
    pthread_mutex_t mu;
    uint64_t *ids, next;
    size_t n, cap;
};

pending *pending_new(void)
{
    pending *p = calloc(1, sizeof *p);
    if (p) {
        pthread_mutex_init(&p->mu, NULL);
        p->next = 1;
    }
    return p;
}

void pending_free(pending *p)
{
    if (!p)
        return;
    pthread_mutex_destroy(&p->mu);
    free(p->ids);
    free(p);
}

uint64_t pending_add(pending *p)
{
    pthread_mutex_lock(&p->mu);
    uint64_t id = 0;
    uint64_t *ids = array_grow(p->ids, p->n, &p->cap, sizeof *ids);
    if (ids) {
        p->ids = ids;
        id = p->next++;
        ids[p->n++] = id;
    }
    pthread_mutex_unlock(&p->mu);
    return id;
}

static size_t find(const pending *p, uint64_t id)
{
    size_t i = 0;
    while (i < p->n && p->ids[i] != id)
        i++;
    return i;
}

bool pending_contains(pending *p, uint64_t id)
{
    pthread_mutex_lock(&p->mu);
    bool in = id && find(p, id) < p->n;
    pthread_mutex_unlock(&p->mu);
    return in;
}

bool pending_take(pending *p, uint64_t id)
{
    pthread_mutex_lock(&p->mu);
    size_t i = id ? find(p, id) : p->n;
    bool in = i < p->n;
    if (in)
        p->ids[i] = p->ids[--p->n];
    pthread_mutex_unlock(&p->mu);
    return in;
}
