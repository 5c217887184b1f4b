/* SPDX-License-Identifier: MIT */
/* tree_command.c - the commands written to control files, in two steps:
 * tree_command_parse checks one completely (a bad command is EINVAL and
 * nothing is sent), tree_command_run sends it once, where waiting for the
 * API is harmless (the glue runs it off the FUSE worker threads). Its errno
 * goes back to the writer and its message into the instance's and the mount's
 * error files.
 *
 * After a command the cached data of that instance (only that one: see
 * invalidate_after) no longer tells the truth, so it is invalidated: after
 * success (no "Running" after an accepted reboot), after an unknown outcome
 * (the next read shows what really happened; the command itself is never
 * resent), and after ENOENT or EPERM, which mean the instance is not what
 * the cache showed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clocks.h"
#include "errmap.h"
#include "log.h"
#include "tree_internal.h"

int tree_refuse(tree *t, const char *uhost_id, const char *what, int rc, const char *message)
{
    api_error err = {.err = rc};
    snprintf(err.message, sizeof err.message, "%s", message);
    errlog_record(t->log, uhost_id, what, &err);
    return rc;
}

int tree_command_parse(tree *t, const char *path, const char *buf, size_t len, unsigned uid,
                       tree_command **out)
{
    *out = NULL;
    tree_path p;
    if (tree_path_split(path, &p) != 0)
        return -ENOENT;
    const tree_area *a = NULL;
    for (size_t k = 0; p.n > 0 && tree_areas[k] && !a; k++)
        if (strcmp(tree_areas[k]->name, p.part[0]) == 0)
            a = tree_areas[k];
    if (p.n == 0 || (a && a->readdir && p.n == 1))
        return -EISDIR;
    if (!a)
        return -ENOENT;
    if (!a->command_parse)
        return -EACCES;
    tree_command *cmd = calloc(1, sizeof *cmd);
    if (!cmd)
        return -ENOMEM;
    cmd->uid = uid;
    int rc = a->command_parse(t, &p, buf, len, cmd);
    if (rc) {
        free(cmd);
        return rc;
    }
    *out = cmd;
    return 0;
}

void tree_command_free(tree_command *cmd) { free(cmd); }

/* Only the instance a command changed must be read afresh; other instances
 * keep their cached data (up to ttl), so a shell loop rebooting a hundred
 * instances costs no Describe round per command. A rename also changes
 * by-name/, which is built from the whole listing. */
static void invalidate_after(tree *t, const char *uhost_id, control_verb verb)
{
    if (verb == CTL_RENAME)
        cache_invalidate_instances(t->cache);
    else
        cache_invalidate_instance(t->cache, uhost_id);
    if (verb == CTL_MKIMAGE)
        cache_invalidate_images(t->cache);
}

/* The command as the log and events show it (never a secret). */
static void command_text(const tree_command *c, char *out, size_t len)
{
    const char *verb = control_verb_name(c->cmd.verb);
    if (c->cmd.verb == CTL_WAIT)
        snprintf(out, len, "wait %.32s %ld", c->cmd.arg, c->cmd.seconds); /* a state: short */
    else
        snprintf(out, len, "%s%s%.200s", verb, c->cmd.arg[0] ? " " : "", c->cmd.arg);
}

/* A command's outcome in the instance's log and in the fleet's events. */
static void record(tree *t, const tree_command *c, int rc, const api_error *err,
                   const char *result_id)
{
    char text[300], outcome[600];
    command_text(c, text, sizeof text);
    if (rc == 0)
        snprintf(outcome, sizeof outcome, "ok%s%s", result_id ? " " : "",
                 result_id ? result_id : "");
    else
        snprintf(outcome, sizeof outcome, "%s%s%s%s", errmap_name(rc), err ? ": " : "",
                 err ? err->message : "",
                 err && err->outcome_unknown ? " (outcome unknown)" : "");
    long long now = clock_wall_ns();
    cmdlog_add(t->cmdlog, c->uhost_id, now, c->uid, text, outcome);
    if (c->cmd.verb == CTL_WAIT)
        return; /* nothing changed: not a fleet event */
    inst_snap *snap = NULL;
    const api_instance *inst = NULL;
    bool named = cache_peek_instances(t->cache, &snap) == 0 &&
                 (inst = inst_snap_find(snap, c->uhost_id)) != NULL;
    events_add(t->events, now, c->uhost_id, named ? inst->name : "", "command %s by uid %u: %s",
               text, c->uid, rc == 0 ? "ok" : errmap_name(rc));
    if (snap)
        inst_snap_put(snap);
}

/* `image` written with the image the instance runs already: nothing to do.
 * (A saved `image` file copied back must not wipe a system disk; `reinstall
 * IMAGE_ID` in ctl always reinstalls.) Decided on fresh data. */
static bool image_unchanged(tree *t, const tree_command *c)
{
    if (c->cmd.verb != CTL_REINSTALL || !c->cmd.from_image_file)
        return false;
    inst_snap *snap;
    const api_instance *inst;
    if (tree_get_instance(t, c->uhost_id, &snap, &inst) != 0)
        return false; /* the command then tells what is wrong */
    bool same = strcmp(inst->image_id, c->cmd.arg) == 0;
    inst_snap_put(snap);
    return same;
}

int tree_command_run(tree *t, tree_command *c, tree_effect *effect)
{
    memset(effect, 0, sizeof *effect);
    snprintf(effect->uhost_id, sizeof effect->uhost_id, "%.64s", c->uhost_id);
    const char *verb = control_verb_name(c->cmd.verb);
    if (c->cmd.verb == CTL_WAIT)
        return -EINVAL; /* the glue waits (tree_wait_check): nothing to send */
    if (image_unchanged(t, c)) {
        record(t, c, 0, NULL, "(already its image: nothing sent)");
        return 0;
    }

    /* An instance's zone never changes: the last listing, however old, is
     * enough, so a command costs no Describe round even right after another
     * command invalidated that listing. An ID never listed is fetched. */
    inst_snap *snap = NULL;
    const api_instance *inst = NULL;
    api_error err = {0};
    int rc = tree_get_known_instance(t, c->uhost_id, &snap, &inst, &err);
    if (rc == -ENOENT) {
        record(t, c, -ENOENT, NULL, NULL);
        return tree_refuse(t, c->uhost_id, verb, -ENOENT, "no such instance");
    }
    if (rc) { /* nothing was sent: say why in both error files */
        char message[sizeof err.message];
        snprintf(message, sizeof message, "not sent: reading the instance failed: %.400s",
                 err.message);
        snprintf(err.message, sizeof err.message, "%s", message);
        err.outcome_unknown = false;
        errlog_record(t->log, c->uhost_id, verb, &err);
        return rc;
    }
    char zone[128];
    snprintf(zone, sizeof zone, "%s", inst->zone);
    inst_snap_put(snap);

    char *result_id = NULL;
    rc = control_run(t->ctl, &c->cmd, zone, c->uhost_id, &result_id, &err);
    effect->renamed = c->cmd.verb == CTL_RENAME;
    record(t, c, rc, &err, result_id);
    if (rc == 0) {
        errlog_clear_instance(t->log, c->uhost_id);
        invalidate_after(t, c->uhost_id, c->cmd.verb);
        if (c->cmd.verb == CTL_MKIMAGE)
            log_info("mkimage %s: making image %s", c->uhost_id, result_id ? result_id : "(no ID)");
        else
            log_info("%s %s: accepted", verb, c->uhost_id);
        free(result_id);
        return 0;
    }
    free(result_id);
    errlog_record(t->log, c->uhost_id, verb, &err);
    if (err.outcome_unknown || rc == -ENOENT || rc == -EPERM)
        invalidate_after(t, c->uhost_id, c->cmd.verb);
    return rc;
}

/* ---- wait ---- */

bool tree_command_is_wait(const tree_command *c, const char **uhost_id, const char **state,
                          long *seconds)
{
    if (c->cmd.verb != CTL_WAIT)
        return false;
    *uhost_id = c->uhost_id;
    *state = c->cmd.arg;
    *seconds = c->cmd.seconds;
    return true;
}

int tree_wait_check(tree *t, const char *uhost_id, const char *state)
{
    inst_snap *snap;
    const api_instance *inst;
    api_error err = {0};
    int rc = cache_get_instance(t->cache, uhost_id, &snap, &err);
    if (rc)
        return rc; /* could not tell now: the waiter tries again at the next refresh */
    inst = inst_snap_find(snap, uhost_id);
    rc = !inst ? -ENOENT : strcmp(inst->state, state) == 0 ? 1 : 0;
    inst_snap_put(snap);
    return rc;
}

void tree_wait_done(tree *t, const tree_command *c, int rc)
{
    api_error err = {.err = rc};
    if (rc == -ETIMEDOUT)
        snprintf(err.message, sizeof err.message, "not %.32s after %ld s", c->cmd.arg,
                 c->cmd.seconds);
    else if (rc == -ENOENT)
        snprintf(err.message, sizeof err.message, "the instance is gone");
    else if (rc == -EINTR)
        snprintf(err.message, sizeof err.message, "interrupted");
    else if (rc)
        snprintf(err.message, sizeof err.message, "%s", strerror(-rc));
    record(t, c, rc, rc ? &err : NULL, NULL);
    if (rc && rc != -EINTR)
        errlog_record(t->log, c->uhost_id, "wait", &err);
}

int tree_truncate(tree *t, const char *path)
{
    tree_path p;
    if (tree_path_split(path, &p) != 0)
        return -ENOENT;
    for (size_t k = 0; p.n > 0 && tree_areas[k]; k++)
        if (strcmp(tree_areas[k]->name, p.part[0]) == 0 && tree_areas[k]->truncate)
            return tree_areas[k]->truncate(t, &p);
    node_attr a;
    int rc = tree_stat(t, path, &a, NULL);
    return rc ? rc : a.kind == NODE_DIR ? -EISDIR : -EACCES;
}
