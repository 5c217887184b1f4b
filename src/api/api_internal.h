/* SPDX-License-Identifier: MIT */
/* api_internal.h - what api.c shares with api_pages.c; not a public contract. */
#ifndef COMPSHAREFS_API_INTERNAL_H
#define COMPSHAREFS_API_INTERNAL_H

#include "api.h"

/* Largest Limit the API accepts; every listing pages with it. */
#define API_PAGE_LIMIT 100

/* The configured listing scope. Strings are never NULL (empty when unset). */
const char *api_client_region(const api_client *c);
const char *api_client_zone(const api_client *c);

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

#endif
