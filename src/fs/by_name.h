/* SPDX-License-Identifier: MIT */
/* by_name.h - the by-name/ link names of a listing (private to cs_fs; the
 * rules are in cache_snap.h, beside inst_snap's link table). */
#ifndef COMPSHAREFS_BY_NAME_H
#define COMPSHAREFS_BY_NAME_H

#include <stddef.h>

#include "api_types.h"

/* Every link of list: *names (malloc'd strings, sorted) and *targets (indexes
 * into list->items), *n of each. 0, or -1 when out of memory (nothing kept). */
int by_name_links(const api_instance_list *list, char ***names, size_t **targets, size_t *n);

#endif
