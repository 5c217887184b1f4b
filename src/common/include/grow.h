/* SPDX-License-Identifier: MIT */
/* grow.h - the one array-growing helper. */
#ifndef COMPSHAREFS_GROW_H
#define COMPSHAREFS_GROW_H

#include <stddef.h>

/* Room for one more element in an array of n elements of elem_size bytes
 * with capacity *cap: items itself when there is room, else the array
 * reallocated to twice the capacity (at least 8), with *cap updated. NULL when
 * out of memory or on overflow; items is then left as it was. */
void *array_grow(void *items, size_t n, size_t *cap, size_t elem_size);

#endif
