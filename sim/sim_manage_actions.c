/* SPDX-License-Identifier: MIT */
/* sim_manage_actions.c - compshare-sim's actions that manage an instance rather than
 * run it: its scheduled stop, its password, and terminating it. The rules and the
 * order of checks are documented in docs/simulator.md. */
#include <stdio.h>
#include <string.h>

#include "sim_actions.h"
#include "sim_args.h"
#include "sim_instance_actions.h"

/* The latest scheduled stop accepted: year 9999, past which Unix seconds stop being
 * ordinary dates. */
#define MAX_STOP_TIME 253402300799LL

/* Creates or moves the scheduled stop. Zone is optional for this action. */
static int update_stop_scheduler(sim_call *c)
{
    sim_instance *in;
    int rc = sim_find_instance_arg(c, false, "StopTime", &in);
    long long at = 0;
    if (!rc)
        rc = sim_arg_int(c->p, "StopTime", true, 0, MAX_STOP_TIME, &at, c->err);
    if (rc)
        return rc;
    if (at <= sim_world_wall(c->w, c->now))
        return sim_fail(c->err, SIM_E_INVALID_PARAM,
                        "Params [StopTime] not valid: the time is in the past");
    /* Any state: on an instance that is not Running when it comes, it does nothing. */
    in->stop_at = at;
    return 0;
}

/* Cancels the scheduled stop; with none set there is nothing to do, and that is fine. */
static int delete_stop_scheduler(sim_call *c)
{
    sim_instance *in;
    int rc = sim_find_instance_arg(c, false, NULL, &in);
    if (rc)
        return rc;
    in->stop_at = 0;
    return 0;
}

static int reset_password(sim_call *c)
{
    sim_instance *in;
    int rc = sim_find_instance_arg(c, true, "Password", &in);
    const char *password = sim_arg_optional(c->p, "Password");
    if (!rc)
        rc = sim_arg_check_base64("Password", password, c->err);
    /* No lock of its own, but not while an operation or an image holds the instance. */
    if (!rc)
        rc = sim_check_can_operate(c, in, "resetting the password", SIM_RUNNING, SIM_STOPPED);
    if (rc)
        return rc;
    snprintf(in->password, sizeof in->password, "%s", password);
    cJSON_AddStringToObject(c->resp, "UHostId", in->id);
    return 0;
}

/* Only a Stopped instance; it disappears at once and its GPUs go back to the stock.
 * The custom images made from it stay: they are the account's. */
static int terminate(sim_call *c)
{
    sim_instance *in;
    int rc = sim_find_instance_arg(c, true, NULL, &in);
    if (!rc)
        rc = sim_check_can_operate(c, in, "terminate", SIM_STOPPED, SIM_STOPPED);
    if (rc)
        return rc;
    cJSON_AddStringToObject(c->resp, "UHostId", in->id);
    sim_world_remove_instance(c->w, in);
    return 0;
}

const sim_action_entry sim_manage_actions[] = {
    {"UpdateCompShareStopScheduler", update_stop_scheduler},
    {"DeleteCompShareStopScheduler", delete_stop_scheduler},
    {"ResetCompShareInstancePassword", reset_password},
    {"TerminateCompShareInstance", terminate},
    {NULL, NULL},
};
