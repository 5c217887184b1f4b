/* SPDX-License-Identifier: MIT */
/* sim_error.h - how an action of compshare-sim fails: a RetCode and a message
 * whose words are those of docs/errors.md (the client classifies by them). */
#ifndef SIM_ERROR_H
#define SIM_ERROR_H

#include "retcode.h"

/* The API's documented codes come from retcode.h; the product errors' numbers
 * are not published, so these are compshare-sim's own (docs/errors.md). */
enum {
    SIM_E_MISSING_PARAM = RETCODE_MISSING_PARAM,
    SIM_E_INVALID_PARAM = RETCODE_INVALID_PARAM,
    SIM_E_UNAVAILABLE = RETCODE_UNAVAILABLE,
    SIM_E_INSTANCE_NOT_FOUND = 8039,
    SIM_E_IMAGE_NOT_FOUND = 8040,
    SIM_E_INVALID_STATE = 8041,
    SIM_E_IN_PROGRESS = 8042,
    SIM_E_IMAGE_MAKING = 8043,
    SIM_E_NAME_DUPLICATE = 8044,
    SIM_E_NO_STOCK = 8045,
};

typedef struct sim_error {
    int code;
    char message[320];
} sim_error;

/* Record an error in err and return its code. */
int sim_fail(sim_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
