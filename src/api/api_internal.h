/* SPDX-License-Identifier: MIT */
/* api_internal.h - what the client's files share (api.c, api_call.c and the
 * actions, listings and zones built on them); not a public contract. */
#ifndef COMPSHAREFS_API_INTERNAL_H
#define COMPSHAREFS_API_INTERNAL_H

#include "api.h"

/* Largest Limit the API accepts; every listing pages with it. */
#define API_PAGE_LIMIT 100

/* The configured listing scope. Strings are never NULL (empty when unset). */
const char *api_client_zone(const api_client *c);

/* Send a reading call whose params p were built with build_rc (0, or the errno of
 * building them: then nothing is sent); p is freed. On success *answer is the parsed
 * answer (caller frees). */
struct cJSON;
int api_send_read(api_client *c, params *p, int build_rc, const char *action, struct cJSON **answer,
                  api_error *err);

/* The zone that the calls needing one for a whole region name (custom images, their
 * progress and deletion): the configured zone, else the first zone of the configured
 * region as DescribeCompShareSupportZone lists it, asked once and remembered. Never a
 * guessed name. 0, or a negative errno with err filled (-ENOENT: the region has none). */
int api_region_zone(api_client *c, char *out, size_t len, api_error *err);
/* Start the params of an action on one custom image of the configured region: Action,
 * the region's zone (api_region_zone), CompShareImageId. On failure err is filled and
 * p is left empty. */
int api_image_request(api_client *c, params *p, const char *action, const char *image_id,
                      api_error *err);
/* api_region_zone's memory: the zone remembered, into out; when there is none yet,
 * fetch finds it first (one fetch at a time; a failed one is not remembered). */
typedef int (*api_zone_fetch)(api_client *c, char *out, size_t len, api_error *err);
int api_client_zone_once(api_client *c, api_zone_fetch fetch, char *out, size_t len,
                         api_error *err);

/* api_call that also keeps secret (e.g. a password before it was encoded for the
 * Password parameter; NULL: none) out of every message, as it does the Password. */
int api_call_hiding(api_client *c, params *p, bool mutating, const char *secret,
                    struct cJSON **json, api_error *err);

/* text base64-encoded, as the API wants passwords (malloc'd, NULL on ENOMEM); free it
 * with api_secret_free, which wipes it first. */
char *api_base64(const char *text);
void api_secret_free(char *s);
/* The retry budget of one call (api_config.retry_budget_ms), and the
 * client's clock (monotonic ms; the transport's, so tests can fake it). */
long api_client_budget_ms(const api_client *c);
long long api_client_now_ms(const api_client *c);

/* api_call with a deadline on the client's clock (0: none): no attempt starts
 * or lasts past it, so that the pages of one listing share one budget. */
struct cJSON;
int api_call_until(api_client *c, params *p, bool mutating, long long deadline_ms,
                   struct cJSON **json, api_error *err);

/* Fill err for a failure that happened before any request was sent. */
int api_local_error(api_error *err, const char *action, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* 0 when value is given (not NULL, not empty); else -EINVAL with err filled:
 * "ACTION: no WHAT given". */
int api_required(const char *value, const char *what, const char *action, api_error *err);
/* The end of building p for action, rc being 0 or the errno of a failed
 * params_add: 0, or p freed and the failure in err (out of memory). */
int api_params_done(params *p, int rc, const char *action, api_error *err);

#endif
