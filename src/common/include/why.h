/* SPDX-License-Identifier: MIT */
/* why.h - a failure's reason, for the one-line messages every layer gives. */
#ifndef COMPSHAREFS_WHY_H
#define COMPSHAREFS_WHY_H

#include <stddef.h>

/* Write the formatted reason into why (why_len bytes with its NUL, cut if
 * need be; nothing when why is NULL or why_len 0) and return rc, so that a
 * check reads `return why_set(why, len, -EINVAL, "...", ...);`. */
int why_set(char *why, size_t why_len, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
