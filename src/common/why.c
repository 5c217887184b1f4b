/* SPDX-License-Identifier: MIT */
/* why.c - formatting a failure's reason. */
#include "why.h"

#include <stdarg.h>
#include <stdio.h>

int why_set(char *why, size_t why_len, int rc, const char *fmt, ...)
{
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return rc;
}
