/* SPDX-License-Identifier: MIT */
/* events.h - what the mount saw change in the fleet, one line per event,
 * oldest first: "TIME\tID\tNAME\tWHAT" (TIME in UTC, RFC 3339), e.g.
 * "state Running -> Rebooting", "created", "gone",
 * "command reboot by uid 1000: ok". The last `max` events are kept.
 * Thread-safe. */
#ifndef COMPSHAREFS_EVENTS_H
#define COMPSHAREFS_EVENTS_H

#include <stddef.h>

#include "tree_blob.h"

typedef struct events events;

events *events_new(size_t max);
void events_free(events *e);

/* One event; id and name may hold anything (they are made one line, tabs
 * included, so the fields stay four). */
void events_add(events *e, long long when_ns, const char *id, const char *name,
                const char *what, ...) __attribute__((format(printf, 5, 6)));

/* Every kept event as the text of the `events` file (a reference), and when
 * the last one was added (0: never). */
tree_blob *events_text(events *e, long long *changed_ns);

#endif
