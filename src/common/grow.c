/* SPDX-License-Identifier: MIT */
/* grow.c - growing arrays by doubling. */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

void *array_grow(void *items, size_t n, size_t *cap, size_t elem_size)
{
    if (n < *cap && items)
        return items;
    size_t want = *cap ? *cap * 2 : 8;
    if (want < n + 1 || elem_size == 0 || want > SIZE_MAX / elem_size)
        return NULL;
    void *p = realloc(items, want * elem_size);
    if (p)
        *cap = want;
    return p;
}
