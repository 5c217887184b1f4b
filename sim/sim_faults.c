/* SPDX-License-Identifier: MIT */
/* sim_faults.c - fault settings, their JSON form, and the dice that decide which
 * request gets which fault. */
#include "sim_faults.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "retcode.h"
#include "why.h"
#include "sim_world.h"

void sim_faults_init(sim_faults *f, uint64_t seed)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    /* Distinct from the world's stream, so that faults do not change the IDs of new images. */
    f->rng = seed ^ 0xFA017FA017FA017Full;
    f->jitter_rng = seed ^ 0x7E7E57E7E57E7E57ull;
}

void sim_faults_destroy(sim_faults *f) { pthread_mutex_destroy(&f->mu); }

void sim_faults_clear(sim_faults *f)
{
    pthread_mutex_lock(&f->mu);
    memset(&f->s, 0, sizeof f->s);
    pthread_mutex_unlock(&f->mu);
}

/* Append one action name to a comma list, checking that it looks like an action. */
static int add_action(char *list, size_t cap, const char *name, size_t len, char *why,
                      size_t whylen)
{
    while (len && (*name == ' ' || *name == '\t'))
        name++, len--;
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    if (!len)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return why_set(why, whylen, -EINVAL, "actions: not an action name");
    }
    size_t used = strlen(list);
    if (used + len + 2 > cap)
        return why_set(why, whylen, -EINVAL, "actions: list too long");
    if (used)
        list[used++] = ',';
    memcpy(list + used, name, len);
    list[used + len] = '\0';
    return 0;
}

static int parse_actions(const cJSON *v, char *list, size_t cap, char *why, size_t whylen)
{
    list[0] = '\0';
    if (cJSON_IsString(v)) {
        for (const char *s = v->valuestring; *s;) {
            const char *comma = strchr(s, ',');
            size_t len = comma ? (size_t)(comma - s) : strlen(s);
            if (add_action(list, cap, s, len, why, whylen))
                return -EINVAL;
            s += len + (comma ? 1 : 0);
        }
        return 0;
    }
    if (cJSON_IsArray(v)) {
        const cJSON *item;
        cJSON_ArrayForEach(item, v) {
            if (!cJSON_IsString(item))
                return why_set(why, whylen, -EINVAL, "actions: array items must be strings");
            if (add_action(list, cap, item->valuestring, strlen(item->valuestring), why, whylen))
                return -EINVAL;
        }
        return 0;
    }
    if (cJSON_IsNull(v))
        return 0;
    return why_set(why, whylen, -EINVAL,
                   "actions: a comma-separated string or an array of strings");
}

int sim_faults_update(sim_faults *f, const cJSON *obj, char *why, size_t whylen)
{
    if (!cJSON_IsObject(obj))
        return why_set(why, whylen, -EINVAL, "the body must be a JSON object");
    pthread_mutex_lock(&f->mu);
    sim_fault_settings s = f->s;
    uint64_t seed = 0;
    bool reseed = false;
    int rc = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, obj) {
        const char *k = v->string;
        double *fraction = strcmp(k, "http_5xx") == 0      ? &s.http_5xx
                           : strcmp(k, "retcode_150") == 0 ? &s.retcode_150
                           : strcmp(k, "retcode_153") == 0 ? &s.retcode_153
                           : strcmp(k, "hang") == 0        ? &s.hang
                           : strcmp(k, "malformed") == 0   ? &s.malformed
                                                           : NULL;
        double *ms = strcmp(k, "latency_ms") == 0  ? &s.latency_ms
                     : strcmp(k, "jitter_ms") == 0 ? &s.jitter_ms
                                                   : NULL;
        if (fraction) {
            if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1))
                rc = why_set(why, whylen, -EINVAL, "%s: a number from 0 to 1", k);
            else
                *fraction = v->valuedouble;
        } else if (ms) {
            if (!cJSON_IsNumber(v) ||
                !(v->valuedouble >= 0 && v->valuedouble <= SIM_FAULT_MAX_DELAY_MS))
                rc = why_set(why, whylen, -EINVAL, "%s: a number of milliseconds from 0 to %.0f", k,
                             SIM_FAULT_MAX_DELAY_MS);
            else
                *ms = v->valuedouble;
        } else if (strcmp(k, "string_numbers") == 0) {
            if (!cJSON_IsBool(v))
                rc = why_set(why, whylen, -EINVAL, "string_numbers: true or false");
            else
                s.string_numbers = cJSON_IsTrue(v);
        } else if (strcmp(k, "actions") == 0) {
            rc = parse_actions(v, s.actions, sizeof s.actions, why, whylen);
        } else if (strcmp(k, "seed") == 0) {
            if (!cJSON_IsNumber(v) ||
                !(v->valuedouble >= 0 && v->valuedouble < 9007199254740992.0) ||
                v->valuedouble != floor(v->valuedouble))
                rc = why_set(why, whylen, -EINVAL, "seed: a non-negative integer");
            else
                seed = (uint64_t)v->valuedouble, reseed = true;
        } else {
            rc = why_set(why, whylen, -EINVAL, "unknown field %.64s", k);
        }
        if (rc)
            break;
    }
    if (!rc) {
        f->s = s;
        if (reseed) {
            f->rng = seed ^ 0xFA017FA017FA017Full;
            f->jitter_rng = seed ^ 0x7E7E57E7E57E7E57ull;
        }
    }
    pthread_mutex_unlock(&f->mu);
    return rc;
}

cJSON *sim_faults_to_json(sim_faults *f)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    pthread_mutex_lock(&f->mu);
    sim_fault_settings s = f->s;
    pthread_mutex_unlock(&f->mu);
    cJSON_AddNumberToObject(o, "latency_ms", s.latency_ms);
    cJSON_AddNumberToObject(o, "jitter_ms", s.jitter_ms);
    cJSON_AddNumberToObject(o, "http_5xx", s.http_5xx);
    cJSON_AddNumberToObject(o, "retcode_150", s.retcode_150);
    cJSON_AddNumberToObject(o, "retcode_153", s.retcode_153);
    cJSON_AddNumberToObject(o, "hang", s.hang);
    cJSON_AddNumberToObject(o, "malformed", s.malformed);
    cJSON_AddBoolToObject(o, "string_numbers", s.string_numbers);
    cJSON *list = cJSON_AddArrayToObject(o, "actions");
    for (const char *a = s.actions; list && *a;) {
        const char *comma = strchr(a, ',');
        size_t len = comma ? (size_t)(comma - a) : strlen(a);
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)len, a);
        cJSON_AddItemToArray(list, cJSON_CreateString(name));
        a += len + (comma ? 1 : 0);
    }
    return o;
}

static bool action_listed(const char *list, const char *action)
{
    if (!*list)
        return true;
    if (!action || !*action)
        return false;
    size_t len = strlen(action);
    for (const char *a = list; *a;) {
        const char *comma = strchr(a, ',');
        size_t n = comma ? (size_t)(comma - a) : strlen(a);
        if (n == len && strncmp(a, action, n) == 0)
            return true;
        a += n + (comma ? 1 : 0);
    }
    return false;
}

static double unit(uint64_t *rng)
{
    return (double)(sim_rand_next(rng) >> 11) / 9007199254740992.0;
}

void sim_faults_plan(sim_faults *f, const char *action, bool rejected, sim_fault_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    pthread_mutex_lock(&f->mu);
    const sim_fault_settings *s = &f->s;
    if (!action_listed(s->actions, action)) {
        pthread_mutex_unlock(&f->mu);
        return;
    }
    if (rejected) {
        double ujit = s->jitter_ms > 0 ? unit(&f->jitter_rng) : 0;
        plan->string_numbers = s->string_numbers;
        plan->delay_ms = (unsigned)lround(s->latency_ms + ujit * s->jitter_ms);
        pthread_mutex_unlock(&f->mu);
        return;
    }
    /* Always the same number of draws per request, whatever is enabled, so that
     * switching one fault on does not reshuffle the others. */
    double u150 = unit(&f->rng), u153 = unit(&f->rng), uhang = unit(&f->rng);
    double u5xx = unit(&f->rng), ucode = unit(&f->rng), umal = unit(&f->rng);
    double ucut = unit(&f->rng), ujit = unit(&f->rng);

    if (u150 < s->retcode_150)
        plan->before = RETCODE_UNAVAILABLE;
    else if (u153 < s->retcode_153)
        plan->before = RETCODE_THROTTLED;
    else if (uhang < s->hang)
        plan->hang = true;
    else if (u5xx < s->http_5xx)
        plan->http_status = ucode < 1.0 / 3 ? 500 : ucode < 2.0 / 3 ? 502 : 503;
    else if (umal < s->malformed)
        plan->malformed = true;
    plan->cut = 0.05 + 0.9 * ucut;
    plan->string_numbers = s->string_numbers;
    plan->delay_ms = (unsigned)lround(s->latency_ms + ujit * s->jitter_ms);
    pthread_mutex_unlock(&f->mu);
}

static void stringify_children(cJSON *parent)
{
    for (cJSON *item = parent->child; item;) {
        cJSON *next = item->next;
        if (cJSON_IsNumber(item)) {
            char buf[64];
            params_format_double(item->valuedouble, buf, sizeof buf);
            cJSON *str = cJSON_CreateString(buf);
            if (str) {
                /* ReplaceItemViaPointer keeps neither the key nor the old item: hand the
                 * key over, then the old item is freed without it. */
                str->string = item->string;
                item->string = NULL;
                cJSON_ReplaceItemViaPointer(parent, item, str);
            }
        } else if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
            stringify_children(item);
        }
        item = next;
    }
}

void sim_faults_stringify_numbers(cJSON *node)
{
    if (node && (cJSON_IsObject(node) || cJSON_IsArray(node)))
        stringify_children(node);
}
