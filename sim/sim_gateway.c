/* sim_gateway.c - what the API gateway does with one request: count it, check Action
 * and signature, draw faults, run the action on the locked world, and write the
 * answer (or lose it, when a fault says so). The order of checks and the meaning of
 * each fault are documented in docs/simulator.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sign.h"
#include "sim.h"
#include "sim_actions.h"

void reply_json(sim_reply *out, int status, char *body)
{
    if (!body) {
        reply_text(out, 500, "text/plain", "compshare-sim: out of memory\n");
        return;
    }
    out->status = status;
    out->body = body;
    out->len = strlen(body);
    out->content_type = "application/json";
}

void reply_text(sim_reply *out, int status, const char *content_type, const char *text)
{
    out->status = status;
    out->body = strdup(text);
    out->len = out->body ? strlen(out->body) : 0;
    out->content_type = content_type;
}

void reply_free(sim_reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* Gateway checks: 0 when the request may reach its action. */
static int check_gateway(sim_server *s, const params *p, const char *action, sim_action_fn *fn,
                         sim_error *err)
{
    if (!action)
        return sim_fail(err, 160, "Missing Action");
    const char *signature = params_get(p, "Signature");
    if (!signature || !*signature)
        return sim_fail(err, 170, "Missing signature");
    const char *public_key = params_get(p, "PublicKey");
    if (!public_key || strcmp(public_key, s->public_key) != 0)
        return sim_fail(err, 172, "User not exist: no user has this PublicKey");
    int rc = sign_verify(p, s->private_key);
    if (rc == -ENOMEM)
        return sim_fail(err, SIM_E_UNAVAILABLE, "Service temporarily unavailable: out of memory");
    if (rc)
        return sim_fail(err, 171, "Signature VerifyAC Error");
    *fn = actions_find(action);
    if (!*fn)
        return sim_fail(err, 161, "Action [%.128s] not found", action);
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
        snprintf(html, sizeof html,
                 "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n"
                 "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                 title, title);
        reply_free(out);
        reply_text(out, plan->http_status, "text/html", html);
    } else if (plan->malformed && out->len > 1) {
        size_t keep = (size_t)((double)out->len * plan->cut);
        out->len = keep < 1 ? 1 : keep >= out->len ? out->len - 1 : keep;
    }
}

void gateway_handle(sim_server *s, const params *p, int parse_rc, const char *why, sim_reply *out)
{
    memset(out, 0, sizeof *out);
    const char *action = params_get(p, "Action");
    if (action && !*action)
        action = NULL;
    stats_count(&s->stats, action);
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
        reply_json(out, 500, NULL);
        return;
    }
    char name[160];
    snprintf(name, sizeof name, "%.128sResponse", action ? action : "");
    cJSON_AddStringToObject(resp, "Action", name);

    int http_status = 200;
    if (parse_rc) {
        faults_plan(&s->faults, action, true, &plan);
        http_status = parse_rc == -ENOTSUP ? 415 : parse_rc == -E2BIG ? 413 : 200;
        if (parse_rc == -ENOMEM)
            sim_fail(&err, SIM_E_UNAVAILABLE, "Service temporarily unavailable: out of memory");
        else
            sim_fail(&err, SIM_E_INVALID_PARAM, "Params [body] not valid: %s", why ? why : "unreadable");
    } else if (check_gateway(s, p, action, &fn, &err)) {
        faults_plan(&s->faults, action, true, &plan);
    } else {
        faults_plan(&s->faults, action, false, &plan);
        if (plan.before == 150) {
            sim_fail(&err, 150, "Service temporarily unavailable, retry later");
        } else if (plan.before == 153) {
            sim_fail(&err, 153, "Request throttled, retry later");
        } else {
            sim_call call = {&s->world, p, data, &err, world_now()};
            world_lock(&s->world);
            world_settle(&s->world, call.now);
            fn(&call);
            world_unlock(&s->world);
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
        faults_stringify_numbers(resp);
    reply_json(out, http_status, cJSON_PrintUnformatted(resp));
    cJSON_Delete(resp);

    if (ran)
        lose_answer(&plan, out);
    out->delay_ms = plan.delay_ms;
    if (s->verbose)
        log_info("%s -> RetCode %d, HTTP %d%s%s", action ? action : "(missing)", err.code, out->status,
                 out->hang ? ", hang" : plan.malformed && ran ? ", malformed" : "",
                 plan.delay_ms ? ", delayed" : "");
}
