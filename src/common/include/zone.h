/* SPDX-License-Identifier: MIT */
/* zone.h - zones and regions, as the API names them. */
#ifndef COMPSHAREFS_ZONE_H
#define COMPSHAREFS_ZONE_H

#include <stddef.h>

/* The region of a zone: the zone without a final "-NN" of digits only
 * ("cn-wlcb-01" -> "cn-wlcb"), so that a region given as a zone stays itself.
 * Writes at most len bytes (NUL included) into out. */
void zone_region(const char *zone, char *out, size_t len);

#endif
