/* SPDX-License-Identifier: MIT */
/* sim_stats.c - per-action request counters behind GET /_sim/stats. */
#include "sim_stats.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* Distinct names kept; more (a client inventing actions) are pooled so that a
 * misbehaving client cannot grow the table without bound. */
#define STATS_MAX_ACTIONS 256

void sim_stats_init(sim_stats *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
}

static void drop_items(sim_stats *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->items[i].action);
    free(s->items);
    s->items = NULL;
    s->n = s->cap = 0;
    s->total = 0;
}

void sim_stats_free(sim_stats *s)
{
    drop_items(s);
    pthread_mutex_destroy(&s->mu);
}

void sim_stats_count(sim_stats *s, const char *action)
{
    const char *key = action && *action ? action : "(missing)";
    pthread_mutex_lock(&s->mu);
    s->total++;
    size_t i;
    for (i = 0; i < s->n; i++)
        if (strcmp(s->items[i].action, key) == 0)
            break;
    if (i == s->n && s->n >= STATS_MAX_ACTIONS) {
        key = "(other)";
        for (i = 0; i < s->n; i++)
            if (strcmp(s->items[i].action, key) == 0)
                break;
    }
    if (i == s->n) {
        struct sim_stat *items = array_grow(s->items, s->n, &s->cap, sizeof *items);
        if (!items)
            goto out;
        s->items = items;
        char *copy = strdup(key);
        if (!copy)
            goto out;
        s->items[s->n++] = (struct sim_stat){copy, 0};
    }
    s->items[i].count++;
out:
    pthread_mutex_unlock(&s->mu);
}

void sim_stats_reset(sim_stats *s)
{
    pthread_mutex_lock(&s->mu);
    drop_items(s);
    pthread_mutex_unlock(&s->mu);
}

static int by_action(const void *a, const void *b)
{
    return strcmp(((const struct sim_stat *)a)->action, ((const struct sim_stat *)b)->action);
}

cJSON *sim_stats_to_json(sim_stats *s)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *req = root ? cJSON_AddObjectToObject(root, "requests") : NULL;
    if (!req) {
        cJSON_Delete(root);
        return NULL;
    }
    pthread_mutex_lock(&s->mu);
    if (s->n)
        qsort(s->items, s->n, sizeof *s->items, by_action);
    for (size_t i = 0; i < s->n; i++)
        cJSON_AddNumberToObject(req, s->items[i].action, (double)s->items[i].count);
    cJSON_AddNumberToObject(root, "total", (double)s->total);
    pthread_mutex_unlock(&s->mu);
    return root;
}
