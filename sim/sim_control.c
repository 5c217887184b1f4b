/* SPDX-License-Identifier: MIT */
/* sim_control.c - the /_sim/ endpoints of compshare-sim: request counters, fault
 * settings, the world clock and basic info. They are for tests and benchmarks: not
 * signed, not counted, never faulted. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim_control.h"

static void reply_object(sim_reply *out, int status, cJSON *obj)
{
    sim_reply_json(out, status, obj ? cJSON_PrintUnformatted(obj) : NULL);
    cJSON_Delete(obj);
}

static void reply_error(sim_reply *out, int status, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    if (o)
        cJSON_AddStringToObject(o, "error", message);
    reply_object(out, status, o);
}

static void post_faults(sim_server *s, const char *body, size_t len, sim_reply *out)
{
    cJSON *obj = cJSON_ParseWithLength(body, len);
    if (!obj) {
        reply_error(out, 400, "the body must be a JSON object");
        return;
    }
    char why[256] = "";
    int rc = sim_faults_update(&s->faults, obj, why, sizeof why);
    cJSON_Delete(obj);
    if (rc)
        reply_error(out, 400, why);
    else
        reply_object(out, 200, sim_faults_to_json(&s->faults));
}

/* The longest single advance: ten years is more than any test needs, and keeps the
 * world's seconds far from where doubles lose their fractions. */
#define MAX_ADVANCE_SECONDS (10 * 365 * 86400.0)

static cJSON *clock_json(sim_server *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    sim_world_lock(&s->world);
    double now = sim_world_now(&s->world);
    cJSON_AddBoolToObject(o, "running", s->world.clock.running);
    cJSON_AddNumberToObject(o, "now", now);
    cJSON_AddNumberToObject(o, "wall", (double)sim_world_wall(&s->world, now));
    sim_world_unlock(&s->world);
    cJSON_AddNumberToObject(o, "time_scale", s->time_scale);
    return o;
}

/* {"advance": SECONDS} and/or {"run": BOOL}: all checked before anything changes. */
static void post_clock(sim_server *s, const char *body, size_t len, sim_reply *out)
{
    cJSON *obj = cJSON_ParseWithLength(body, len);
    const cJSON *advance = cJSON_GetObjectItemCaseSensitive(obj, "advance");
    const cJSON *run = cJSON_GetObjectItemCaseSensitive(obj, "run");
    const char *why = NULL;
    if (!cJSON_IsObject(obj))
        why = "the body must be a JSON object: {\"advance\": SECONDS} or {\"run\": true|false}";
    else if (cJSON_GetArraySize(obj) != (advance != NULL) + (run != NULL))
        why = "unknown field: only \"advance\" and \"run\" are accepted";
    else if (advance && (!cJSON_IsNumber(advance) || !isfinite(advance->valuedouble) ||
                         advance->valuedouble < 0 || advance->valuedouble > MAX_ADVANCE_SECONDS))
        why = "advance: a number of seconds from 0 to 315360000";
    else if (run && !cJSON_IsBool(run))
        why = "run: true or false";
    if (why) {
        cJSON_Delete(obj);
        reply_error(out, 400, why);
        return;
    }
    sim_world_lock(&s->world);
    if (advance)
        sim_world_advance(&s->world, advance->valuedouble);
    if (run)
        sim_world_run(&s->world, cJSON_IsTrue(run));
    sim_world_unlock(&s->world);
    cJSON_Delete(obj);
    reply_object(out, 200, clock_json(s));
}

static cJSON *info(sim_server *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "public_key", s->public_key);
    cJSON_AddNumberToObject(o, "instances", (double)s->n_instances);
    cJSON_AddNumberToObject(o, "seed", (double)s->seed);
    cJSON_AddNumberToObject(o, "time_scale", s->time_scale);
    cJSON_AddStringToObject(o, "clock", s->clock_manual ? "manual" : "real");
    cJSON_AddStringToObject(o, "version", COMPSHAREFS_VERSION);
    return o;
}

void sim_control_handle(sim_server *s, const char *method, const char *path, const char *body,
                        size_t len, sim_reply *out)
{
    memset(out, 0, sizeof *out);
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    static const struct {
        const char *path;
        bool post; /* else GET */
    } ROUTES[] = {{"/_sim/stats", false}, {"/_sim/stats/reset", true},  {"/_sim/faults", false},
                  {"/_sim/faults", true}, {"/_sim/faults/reset", true}, {"/_sim/info", false},
                  {"/_sim/clock", false}, {"/_sim/clock", true}};
    bool known = false, allowed = false;
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++)
        if (strcmp(ROUTES[i].path, path) == 0) {
            known = true;
            allowed |= ROUTES[i].post ? post : get;
        }
    if (!known) {
        reply_error(
            out, 404,
            "no such /_sim endpoint (stats, stats/reset, faults, faults/reset, clock, info)");
        return;
    }
    if (!allowed) {
        reply_error(out, 405, "method not allowed here");
        return;
    }

    if (strcmp(path, "/_sim/stats") == 0) {
        reply_object(out, 200, sim_stats_to_json(&s->stats));
    } else if (strcmp(path, "/_sim/stats/reset") == 0) {
        sim_stats_reset(&s->stats);
        reply_object(out, 200, sim_stats_to_json(&s->stats));
    } else if (strcmp(path, "/_sim/faults") == 0 && get) {
        reply_object(out, 200, sim_faults_to_json(&s->faults));
    } else if (strcmp(path, "/_sim/faults") == 0) {
        post_faults(s, body, len, out);
    } else if (strcmp(path, "/_sim/clock") == 0 && get) {
        reply_object(out, 200, clock_json(s));
    } else if (strcmp(path, "/_sim/clock") == 0) {
        post_clock(s, body, len, out);
    } else if (strcmp(path, "/_sim/faults/reset") == 0) {
        sim_faults_clear(&s->faults);
        reply_object(out, 200, sim_faults_to_json(&s->faults));
    } else {
        reply_object(out, 200, info(s));
    }
}
