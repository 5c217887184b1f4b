/* SPDX-License-Identifier: MIT */
/* idtext.c - texts by instance ID (idtext.h): a sorted array searched by
 * binary search, a write counter to find the least recently written. */
#include "idtext.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

typedef struct entry {
    char *id, *text;
    uint64_t seq; /* when last written, in writes */
    long long changed_ns;
} entry;

struct idtext {
    entry *items; /* sorted by id */
    size_t n, cap, max;
    uint64_t seq;
};

idtext *idtext_new(size_t max_ids)
{
    idtext *t = calloc(1, sizeof *t);
    if (t)
        t->max = max_ids ? max_ids : 1;
    return t;
}

void idtext_free(idtext *t)
{
    if (!t)
        return;
    for (size_t k = 0; k < t->n; k++) {
        free(t->items[k].id);
        free(t->items[k].text);
    }
    free(t->items);
    free(t);
}

/* Index of id, or where it would go (with *found false). */
static size_t find(const idtext *t, const char *id, bool *found)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t->items[mid].id, id);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static void remove_at(idtext *t, size_t k)
{
    free(t->items[k].id);
    free(t->items[k].text);
    memmove(&t->items[k], &t->items[k + 1], (t->n - k - 1) * sizeof t->items[0]);
    t->n--;
}

/* The entry of id, made (empty) when there is none; NULL when out of memory. */
static entry *slot(idtext *t, const char *id)
{
    bool found;
    size_t k = find(t, id, &found);
    if (found)
        return &t->items[k];
    if (t->n >= t->max) {
        size_t oldest = 0;
        for (size_t i = 1; i < t->n; i++)
            if (t->items[i].seq < t->items[oldest].seq)
                oldest = i;
        remove_at(t, oldest);
        k = find(t, id, &found);
    }
    char *copy = strdup(id);
    entry *items = copy ? array_grow(t->items, t->n, &t->cap, sizeof *items) : NULL;
    if (!items) {
        free(copy);
        return NULL;
    }
    t->items = items;
    memmove(&items[k + 1], &items[k], (t->n - k) * sizeof *items);
    items[k] = (entry){.id = copy};
    t->n++;
    return &items[k];
}

void idtext_set(idtext *t, const char *id, const char *text, long long changed_ns)
{
    char *copy = strdup(text);
    entry *e = copy ? slot(t, id) : NULL;
    if (!e) {
        free(copy);
        return;
    }
    free(e->text);
    e->text = copy;
    e->seq = ++t->seq;
    e->changed_ns = changed_ns;
}

void idtext_append(idtext *t, const char *id, const char *text, size_t max_lines,
                   long long changed_ns)
{
    entry *e = slot(t, id);
    if (!e)
        return;
    if (max_lines == 0)
        max_lines = 1;
    const char *old = e->text ? e->text : "", *keep = old;
    size_t lines = 0; /* text is one line: keep the last max_lines - 1 of old */
    for (const char *p = old; *p; p++)
        lines += *p == '\n';
    for (size_t drop = lines + 1 > max_lines ? lines + 1 - max_lines : 0; drop > 0; drop--)
        keep = strchr(keep, '\n') + 1;
    size_t a = strlen(keep), b = strlen(text);
    char *joined = malloc(a + b + 1);
    if (!joined)
        return;
    memcpy(joined, keep, a);
    memcpy(joined + a, text, b + 1);
    free(e->text);
    e->text = joined;
    e->seq = ++t->seq;
    e->changed_ns = changed_ns;
}

const char *idtext_get(const idtext *t, const char *id, long long *changed_ns)
{
    bool found;
    size_t k = find(t, id, &found);
    if (changed_ns)
        *changed_ns = found ? t->items[k].changed_ns : 0;
    return found ? t->items[k].text : NULL;
}
