/* SPDX-License-Identifier: MIT */
/* sim_error.c - recording an action's failure. */
#include "sim_error.h"

#include <stdarg.h>
#include <stdio.h>

int sim_fail(sim_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}
