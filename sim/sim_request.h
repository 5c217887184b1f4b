/* SPDX-License-Identifier: MIT */
/* sim_request.h - an API request's parameters from its body: form-encoded (as the
 * SDKs send) or JSON, flattened the way the SDKs flatten requests for signing. */
#ifndef SIM_REQUEST_H
#define SIM_REQUEST_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "params.h"

/* Add the body's parameters to p (replacing same-named ones, e.g. from the query
 * string). content_type may be NULL. Returns 0; -EINVAL (malformed body) or -ENOTSUP
 * (content type) with a reason in why; -ENOMEM. */
int sim_request_parse_body(params *p, const char *content_type, const char *body, size_t len,
                           char *why, size_t whylen);

/* Flatten a JSON object: numbers as params_add_double writes them, booleans
 * true/false, arrays Name.0, Name.1, nested objects A.B, null dropped. */
int sim_request_flatten_json(params *p, const cJSON *obj, const char *prefix);

#endif
