/* SPDX-License-Identifier: MIT */
/* sim_args.c - request parameter validation for compshare-sim's actions. Messages
 * never echo the offending value: errmap.c classifies by words in the message, and a
 * user-chosen value must not be able to change that classification. */
#include "sim_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sim_world.h"
#include "utf8.h"

const char *sim_arg_optional(const params *p, const char *name)
{
    const char *v = params_get(p, name);
    /* An empty value is no value: the Go SDK never sends empty strings. */
    return v && *v ? v : NULL;
}

const char *sim_arg_required(const params *p, const char *name, sim_error *err)
{
    const char *v = sim_arg_optional(p, name);
    if (!v)
        sim_fail(err, SIM_E_MISSING_PARAM, "Missing params [%s]", name);
    return v;
}

/* A non-negative decimal integer without sign, blanks or fraction. */
static bool parse_count(const char *s, long long *out)
{
    if (!*s || strlen(s) > 15)
        return false;
    long long v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return false;
        v = v * 10 + (*c - '0');
    }
    *out = v;
    return true;
}

int sim_arg_int(const params *p, const char *name, bool required, long long lo, long long hi,
                long long *out, sim_error *err)
{
    const char *v = required ? sim_arg_required(p, name, err) : sim_arg_optional(p, name);
    if (!v)
        return required ? err->code : 0; /* absent: *out keeps the caller's default */
    if (!parse_count(v, out) || *out < lo || *out > hi)
        return sim_fail(err, SIM_E_INVALID_PARAM,
                        "Params [%s] not valid: must be an integer from %lld to %lld", name, lo,
                        hi);
    return 0;
}

int sim_arg_paging(const params *p, long long *offset, long long *limit, sim_error *err)
{
    *offset = 0;
    *limit = 20;
    int rc = sim_arg_int(p, "Offset", false, 0, 999999999999999LL, offset, err);
    if (!rc)
        rc = sim_arg_int(p, "Limit", false, 0, 100, limit, err);
    if (!rc && *limit == 0)
        *limit = 20; /* the backend cannot tell 0 from absent */
    return rc;
}

int sim_arg_region_zone(const params *p, bool need_region, bool need_zone, const char **region,
                        const char **zone, sim_error *err)
{
    *region = need_region ? sim_arg_required(p, "Region", err) : sim_arg_optional(p, "Region");
    if (need_region && !*region)
        return err->code;
    *zone = need_zone ? sim_arg_required(p, "Zone", err) : sim_arg_optional(p, "Zone");
    if (need_zone && !*zone)
        return err->code;
    if (*region && *zone) {
        char of_zone[64];
        zone_region(*zone, of_zone, sizeof of_zone);
        if (strcmp(of_zone, *region) != 0)
            return sim_fail(err, SIM_E_INVALID_PARAM,
                            "Params [Zone] not valid: the zone is not in the given Region");
    }
    return 0;
}

int sim_arg_listing(const params *p, bool need_region, bool need_zone, const char **region,
                    const char **zone, long long *offset, long long *limit, sim_error *err)
{
    int rc = sim_arg_region_zone(p, need_region, need_zone, region, zone, err);
    return rc ? rc : sim_arg_paging(p, offset, limit, err);
}

bool sim_zone_matches(const char *zone, const char *region, const char *zone_filter)
{
    if (zone_filter && strcmp(zone, zone_filter) != 0)
        return false;
    if (region) {
        char r[64];
        zone_region(zone, r, sizeof r);
        if (strcmp(r, region) != 0)
            return false;
    }
    return true;
}

int sim_arg_check_name(const char *field, const char *value, int max_chars, sim_error *err)
{
    int chars = 0;
    size_t left = strlen(value);
    for (const char *s = value; *s;) {
        unsigned cp;
        size_t n = utf8_decode(s, left, &cp);
        if (!n)
            return sim_fail(err, SIM_E_INVALID_PARAM, "Params [%s] not valid: not UTF-8", field);
        if (utf8_is_control(cp))
            return sim_fail(err, SIM_E_INVALID_PARAM,
                            "Params [%s] not valid: control characters are not allowed", field);
        s += n;
        left -= n;
        chars++;
    }
    if (chars == 0 || chars > max_chars)
        return sim_fail(err, SIM_E_INVALID_PARAM, "Params [%s] not valid: 1 to %d characters",
                        field, max_chars);
    return 0;
}

int sim_arg_check_base64(const char *field, const char *value, sim_error *err)
{
    size_t len = strlen(value);
    bool ok = len >= 4 && len <= 88 && len % 4 == 0;
    for (size_t i = 0; ok && i < len; i++) {
        char ch = value[i];
        bool pad = ch == '=' && i >= len - 2 && (i == len - 1 || value[len - 1] == '=');
        ok = pad || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
             (ch >= '0' && ch <= '9') || ch == '+' || ch == '/';
    }
    unsigned char out[96];
    if (ok) {
        /* EVP_DecodeBlock counts the padding as data: take it off, then 1..64 bytes
         * (88 characters decode to up to 66). */
        int n = EVP_DecodeBlock(out, (const unsigned char *)value, (int)len);
        n -= (value[len - 1] == '=') + (value[len - 2] == '=');
        ok = n >= 1 && n <= 64;
    }
    if (!ok)
        return sim_fail(err, SIM_E_INVALID_PARAM,
                        "Params [%s] not valid: must be base64 of 1 to 64 bytes", field);
    return 0;
}
