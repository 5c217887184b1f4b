/* SPDX-License-Identifier: MIT */
/* zone.c - the region of a zone. */
#include "zone.h"

#include <string.h>

void zone_region(const char *zone, char *out, size_t len)
{
    if (!out || len == 0)
        return;
    if (!zone)
        zone = "";
    size_t n = strlen(zone);
    const char *dash = strrchr(zone, '-');
    if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1))
        n = (size_t)(dash - zone);
    if (n >= len)
        n = len - 1;
    memcpy(out, zone, n);
    out[n] = '\0';
}
