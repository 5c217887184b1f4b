/* SPDX-License-Identifier: MIT */
/* assert_text.h - assert_text(EXPR, EXPECTED): EXPR gives a malloc'd string,
 * which must equal EXPECTED, and is freed. A macro, so that a failure names
 * the line of the check. text_is(GOT, WANT): the comparison of a table-driven
 * check whose expectation may be "none" (NULL). Include after <cmocka.h>. */
#ifndef ASSERT_TEXT_H
#define ASSERT_TEXT_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define assert_text(expr, expected)            \
    do {                                       \
        char *got_ = (expr);                   \
        assert_string_equal(got_, (expected)); \
        free(got_);                            \
    } while (0)

/* got is want, or both are NULL. */
static inline bool text_is(const char *got, const char *want)
{
    return want ? got && strcmp(got, want) == 0 : !got;
}

#endif
