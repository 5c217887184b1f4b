/* SPDX-License-Identifier: MIT */
/* tree_record.c - what a command leaves behind once it has run: a line in
 * the instance's `log` (time, uid, command, outcome) and an event in
 * `events`. The command is shown as written, but never a password. */
#include <stdio.h>

#include "clocks.h"
#include "errmap.h"
#include "tree_internal.h"

static void command_text(const control_cmd *cmd, char *out, size_t len)
{
    const char *verb = control_verb_name(cmd->verb);
    const control_create *c = &cmd->create;
    switch (cmd->verb) {
    case CTL_WAIT: snprintf(out, len, "wait %.32s %ld", cmd->arg, cmd->seconds); break;
    case CTL_PASSWORD: snprintf(out, len, "password (reset)"); break; /* never the secret */
    case CTL_STOP_AT: snprintf(out, len, "stop_at %lld", cmd->when); break;
    case CTL_CREATE:
        snprintf(out, len,
                 "create gpu_type=%s gpus=%d cpu=%d memory_mb=%lld image=%s zone=%s "
                 "machine_type=%s charge_type=%s%s%.64s",
                 c->gpu_type, c->gpus, c->cpu, c->memory_mb, c->image, c->zone, c->machine_type,
                 c->charge_type, c->name[0] ? " name=" : "", c->name);
        break;
    default: snprintf(out, len, "%s%s%.200s", verb, cmd->arg[0] ? " " : "", cmd->arg);
    }
}

void tree_record(tree *t, const tree_command *c, const char *id, int rc, const api_error *err,
                 const char *result_id)
{
    char text[400], outcome[600];
    command_text(&c->cmd, text, sizeof text);
    if (rc == 0)
        snprintf(outcome, sizeof outcome, "ok%s%s", result_id ? " " : "",
                 result_id ? result_id : "");
    else
        snprintf(outcome, sizeof outcome, "%s%s%s%s", errmap_name(rc), err ? ": " : "",
                 err ? err->message : "",
                 err && err->outcome_unknown ? " (outcome unknown)" : "");
    long long now = clock_wall_ns();
    if (c->target == TARGET_INSTANCE || (c->target == TARGET_FLEET && rc == 0))
        cmdlog_add(t->cmdlog, id, now, c->uid, text, outcome);
    if (c->cmd.verb == CTL_WAIT)
        return; /* nothing changed: not a fleet event */
    inst_snap *snap = NULL;
    const api_instance *inst = NULL;
    const char *name = c->target == TARGET_FLEET ? c->cmd.create.name : ""; /* as asked */
    if (c->target == TARGET_INSTANCE && cache_peek_instances(t->cache, &snap) == 0 &&
        (inst = inst_snap_find(snap, id)) != NULL)
        name = inst->name;
    events_add(t->events, now, id, name, "command %s by uid %u: %s", text, c->uid,
               rc == 0 ? "ok" : errmap_name(rc));
    if (snap)
        inst_snap_put(snap);
}
