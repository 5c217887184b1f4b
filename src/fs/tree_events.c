/* SPDX-License-Identifier: MIT */
/* tree_events.c - what the tree does when the cache publishes a new list:
 * stamp the files' change times (stamps.c), and tell `events` what changed
 * since the list before: instances and images that came or went, states,
 * names and images that changed. The first list is what the mount found, not
 * a change: it makes no events. */
#include <stddef.h>
#include <string.h>

#include "clocks.h"
#include "stamps.h"
#include "tree_internal.h"

static const char *state_of(const char *s) { return s && *s ? s : "Unknown"; }

static void instance_changed(events *ev, long long now, const void *pa, const void *pb)
{
    const api_instance *a = pa, *b = pb;
    if (strcmp(a->state, b->state) != 0)
        events_add(ev, now, b->uhost_id, b->name, "state %s -> %s", state_of(a->state),
                   state_of(b->state));
    if (strcmp(a->name, b->name) != 0)
        events_add(ev, now, b->uhost_id, b->name, "name %s -> %s", a->name, b->name);
    if (strcmp(a->image_id, b->image_id) != 0)
        events_add(ev, now, b->uhost_id, b->name, "image %s -> %s", a->image_id, b->image_id);
}

static void image_changed(events *ev, long long now, const void *pa, const void *pb)
{
    const api_image *a = pa, *b = pb;
    if (strcmp(a->status, b->status) != 0)
        events_add(ev, now, b->image_id, b->name, "status %s -> %s", state_of(a->status),
                   state_of(b->status));
}

/* A list as the walk sees it: items of `size` bytes, with char * members
 * for the ID and the name at these offsets. */
typedef struct side {
    const char *items;
    size_t n, size, id_off, name_off;
} side;

static const char *member(const side *s, size_t i, size_t off)
{
    const char *p;
    memcpy(&p, s->items + i * s->size + off, sizeof p);
    return p;
}

/* Both lists sorted by ID: one walk finds what came, went and changed. */
static void diff(events *ev, long long now, const side *p, const side *n,
                 void (*changed)(events *, long long, const void *, const void *))
{
    size_t i = 0, j = 0;
    while (i < p->n || j < n->n) {
        int c = i == p->n ? 1 : j == n->n ? -1
                                          : strcmp(member(p, i, p->id_off), member(n, j, n->id_off));
        if (c < 0) {
            events_add(ev, now, member(p, i, p->id_off), member(p, i, p->name_off), "gone");
            i++;
        } else if (c > 0) {
            events_add(ev, now, member(n, j, n->id_off), member(n, j, n->name_off), "created");
            j++;
        } else {
            changed(ev, now, p->items + i * p->size, n->items + j * n->size);
            i++, j++;
        }
    }
}

/* Walk two lists of the same kind of entry (size bytes each, ID and name
 * members at these offsets). */
static void diff_lists(events *ev, long long now, const void *a, size_t na, const void *b,
                       size_t nb, size_t size, size_t id_off, size_t name_off,
                       void (*changed)(events *, long long, const void *, const void *))
{
    side p = {a, na, size, id_off, name_off}, n = {b, nb, size, id_off, name_off};
    diff(ev, now, &p, &n, changed);
}

void tree_on_publish(void *ctx, cache_kind kind, const void *prev, void *next)
{
    tree *t = ctx;
    stamps_on_publish(NULL, kind, prev, next);
    if (!prev)
        return;
    long long now = clock_wall_ns();
    if (kind == CACHE_INSTANCES) {
        const inst_snap *a = prev, *b = next;
        diff_lists(t->events, now, a->list.items, a->list.n, b->list.items, b->list.n,
                   sizeof(api_instance), offsetof(api_instance, uhost_id),
                   offsetof(api_instance, name), instance_changed);
    } else if (kind == CACHE_CUSTOM_IMAGES) {
        const img_snap *a = prev, *b = next;
        diff_lists(t->events, now, a->list.items, a->list.n, b->list.items, b->list.n,
                   sizeof(api_image), offsetof(api_image, image_id), offsetof(api_image, name),
                   image_changed);
    }
}
