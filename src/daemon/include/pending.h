/* SPDX-License-Identifier: MIT */
/* pending.h - the writers still waiting for their command's answer, by a
 * number: whoever takes a number out (the command finishing, or the writer's
 * interrupt) is the one who replies, so a request is answered exactly once
 * and never touched after. Thread-safe. */
#ifndef COMPSHAREFS_PENDING_H
#define COMPSHAREFS_PENDING_H

#include <stdbool.h>
#include <stdint.h>

typedef struct pending pending;

pending *pending_new(void);
void pending_free(pending *p);
/* A new number, now pending (0 when out of memory: never pending). */
uint64_t pending_add(pending *p);
bool pending_contains(pending *p, uint64_t id);
/* true when id was pending, and is no longer. */
bool pending_take(pending *p, uint64_t id);

#endif
