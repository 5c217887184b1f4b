/* SPDX-License-Identifier: MIT */
/* sim_args.h - validation of request parameters (RetCode 230 missing, 231 invalid). */
#ifndef SIM_ARGS_H
#define SIM_ARGS_H

#include <stdbool.h>

#include "params.h"
#include "sim_error.h"

/* The value of name; NULL (and err = 230 Missing params [name]) when absent or empty. */
const char *sim_arg_required(const params *p, const char *name, sim_error *err);
/* The value of name, or NULL when absent or empty (an optional parameter). */
const char *sim_arg_optional(const params *p, const char *name);

/* An integer parameter of decimal digits within [lo, hi] (lo >= 0): 0 and *out set;
 * absent: 0 with *out unchanged (its default), or 230 when required; else 231. */
int sim_arg_int(const params *p, const char *name, bool required, long long lo, long long hi,
                long long *out, sim_error *err);

/* Offset (>= 0, default 0) and Limit (0..100, default 20, 0 = default). */
int sim_arg_paging(const params *p, long long *offset, long long *limit, sim_error *err);

/* Region and Zone, each required when asked; a Zone given with a Region must belong to it.
 * *region and *zone are NULL when absent. Returns 0 or the error code. */
int sim_arg_region_zone(const params *p, bool need_region, bool need_zone, const char **region,
                        const char **zone, sim_error *err);

/* What every listing takes: Region and Zone (as sim_arg_region_zone), then
 * Offset and Limit (as sim_arg_paging). */
int sim_arg_listing(const params *p, bool need_region, bool need_zone, const char **region,
                    const char **zone, long long *offset, long long *limit, sim_error *err);

/* Does an object in zone `zone` match the Region/Zone filters (NULL = no filter)? */
bool sim_zone_matches(const char *zone, const char *region, const char *zone_filter);

/* A name: valid UTF-8, 1..SIM_NAME_MAX_CHARS characters, no control characters. */
int sim_arg_check_name(const char *field, const char *value, int max_chars, sim_error *err);
/* Standard base64 with padding that decodes to 1..64 bytes. */
int sim_arg_check_base64(const char *field, const char *value, sim_error *err);

#endif
