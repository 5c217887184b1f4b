/* SPDX-License-Identifier: MIT */
/* assert_text.h - assert_text(EXPR, EXPECTED): EXPR gives a malloc'd string,
 * which must equal EXPECTED, and is freed. A macro, so that a failure names
 * the line of the check. Include after <cmocka.h>. */
#ifndef ASSERT_TEXT_H
#define ASSERT_TEXT_H

#include <stdlib.h>

#define assert_text(expr, expected)            \
    do {                                       \
        char *got_ = (expr);                   \
        assert_string_equal(got_, (expected)); \
        free(got_);                            \
    } while (0)

#endif
