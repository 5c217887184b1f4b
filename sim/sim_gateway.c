/* SPDX-License-Identifier: MIT */
/* sim_gateway.c - what the API gateway does with one request: count it, check Action
 * and signature, draw faults, run the action on the locked world, and write the
 * answer (or lose it, when a fault says so). The order of checks and the meaning of
 * each fault are documented in docs/simulator.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "retcode.h"
#include "sign.h"
#include "sim_actions.h"
#include "sim_gateway.h"

/* Gateway checks: 0 when the request may reach its action. */
static int check_gateway(sim_server *s, const params *p, const char *action, sim_action_fn *fn,
                         sim_error *err)
{
    if (!action)
        return sim_fail(err, RETCODE_MISSING_ACTION, "Missing Action");
    const char *signature = params_get(p, "Signature");
    if (!signature || !*signature)
        return sim_fail(err, RETCODE_MISSING_SIGNATURE, "Missing signature");
    const char *public_key = params_get(p, "PublicKey");
    if (!public_key || strcmp(public_key, s->public_key) != 0)
        return sim_fail(err, RETCODE_NO_SUCH_USER, "User not exist: no user has this PublicKey");
    int rc = sign_verify(p, s->private_key);
    if (rc == -ENOMEM)
        return sim_fail(err, SIM_E_UNAVAILABLE, "Service temporarily unavailable: out of memory");
    if (rc)
        return sim_fail(err, RETCODE_BAD_SIGNATURE, "Signature VerifyAC Error");
    *fn = sim_actions_find(action);
    if (!*fn)
        return sim_fail(err, RETCODE_UNKNOWN_ACTION, "Action [%.128s] not found", action);
    return 0;
}

/* Move data's members after the RetCode, so that answers read Action, RetCode, data. */
static void take_members(cJSON *to, cJSON *from)
{
    while (from->child) {
        cJSON *item = cJSON_DetachItemViaPointer(from, from->child);
        if (!cJSON_AddItemToObject(to, item->string, item))
            cJSON_Delete(item);
    }
}

static void lose_answer(const sim_fault_plan *plan, sim_reply *out)
{
    if (plan->hang) {
        out->hang = true;
    } else if (plan->http_status) {
        static const char *const titles[] = {"500 Internal Server Error", "502 Bad Gateway",
                                             "503 Service Temporarily Unavailable"};
        const char *title = titles[plan->http_status == 500 ? 0 : plan->http_status == 502 ? 1 : 2];
        char html[256];
        snprintf(
            html, sizeof html,
            "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            title, title);
        sim_reply_free(out);
        sim_reply_text(out, plan->http_status, "text/html", html);
    } else if (plan->malformed && out->len > 1) {
        size_t keep = (size_t)((double)out->len * plan->cut);
        out->len = keep < 1 ? 1 : keep >= out->len ? out->len - 1 : keep;
    }
}

void sim_gateway_handle(sim_server *s, const params *p, int parse_rc, const char *why,
                        sim_reply *out)
{
    memset(out, 0, sizeof *out);
    const char *action = params_get(p, "Action");
    if (action && !*action)
        action = NULL;
    sim_stats_count(&s->stats, action);
    /* Drawn once the gateway checks are done: a rejected request is never faulted and
     * must not consume the fault dice of the valid ones. */
    sim_fault_plan plan;

    sim_error err = {0};
    sim_action_fn fn = NULL;
    bool ran = false;
    cJSON *resp = cJSON_CreateObject(), *data = cJSON_CreateObject();
    if (!resp || !data) {
        cJSON_Delete(resp);
        cJSON_Delete(data);
        sim_reply_json(out, 500, NULL);
        return;
    }
    char name[160];
    snprintf(name, sizeof name, "%.128sResponse", action ? action : "");
    cJSON_AddStringToObject(resp, "Action", name);

    int http_status = 200;
    if (parse_rc) {
        sim_faults_plan(&s->faults, action, true, &plan);
        http_status = parse_rc == -ENOTSUP ? 415 : parse_rc == -E2BIG ? 413 : 200;
        if (parse_rc == -ENOMEM)
            sim_fail(&err, SIM_E_UNAVAILABLE, "Service temporarily unavailable: out of memory");
        else
            sim_fail(&err, SIM_E_INVALID_PARAM, "Params [body] not valid: %s",
                     why ? why : "unreadable");
    } else if (check_gateway(s, p, action, &fn, &err)) {
        sim_faults_plan(&s->faults, action, true, &plan);
    } else {
        sim_faults_plan(&s->faults, action, false, &plan);
        if (plan.before == RETCODE_UNAVAILABLE) {
            sim_fail(&err, RETCODE_UNAVAILABLE, "Service temporarily unavailable, retry later");
        } else if (plan.before == RETCODE_THROTTLED) {
            sim_fail(&err, RETCODE_THROTTLED, "Request throttled, retry later");
        } else {
            sim_world_lock(&s->world);
            sim_call call = {&s->world, p, data, &err, sim_world_now(&s->world)};
            sim_world_settle(&s->world, call.now);
            fn(&call);
            sim_world_unlock(&s->world);
            ran = true;
        }
    }
    cJSON_AddNumberToObject(resp, "RetCode", err.code);
    if (err.code)
        cJSON_AddStringToObject(resp, "Message", err.message);
    else
        take_members(resp, data);
    cJSON_Delete(data);
    if (plan.string_numbers)
        sim_faults_stringify_numbers(resp);
    sim_reply_json(out, http_status, cJSON_PrintUnformatted(resp));
    cJSON_Delete(resp);

    if (ran)
        lose_answer(&plan, out);
    out->delay_ms = plan.delay_ms;
    if (s->verbose)
        log_info("%s -> RetCode %d, HTTP %d%s%s", action ? action : "(missing)", err.code,
                 out->status,
                 out->hang               ? ", hang"
                 : plan.malformed && ran ? ", malformed"
                                         : "",
                 plan.delay_ms ? ", delayed" : "");
}
