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
    const tree_area *a = tree_area_of(&p);
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

void tree_command_free(tree_command *cmd)
{
    if (cmd)
        control_cmd_wipe(&cmd->cmd);
    free(cmd);
}

/* Only the instance a command changed must be read afresh; other instances
 * keep their cached data (up to ttl), so a shell loop rebooting a hundred
 * instances costs no Describe round per command. A rename also changes
 * by-name/, and a terminate the listing itself. */
static void invalidate_after(tree *t, const char *uhost_id, control_verb verb)
{
    if (verb == CTL_RENAME || verb == CTL_TERMINATE)
        cache_invalidate_instances(t->cache);
    else
        cache_invalidate_instance(t->cache, uhost_id);
    if (verb == CTL_MKIMAGE)
        cache_invalidate_images(t->cache);
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
    if (tree_get_instance(t, c->id, &snap, &inst) != 0)
        return false; /* the command then tells what is wrong */
    bool same = strcmp(inst->image_id, c->cmd.arg) == 0;
    inst_snap_put(snap);
    return same;
}

/* terminate: only a Stopped instance, as fresh data shows it; anything else
 * is EPERM with nothing sent (a running machine is never destroyed by a
 * stray write). 0 when it may go ahead. */
static int terminate_refused(tree *t, const tree_command *c)
{
    if (c->cmd.verb != CTL_TERMINATE)
        return 0;
    inst_snap *snap;
    const api_instance *inst;
    int rc = tree_get_instance(t, c->id, &snap, &inst);
    if (rc)
        return 0; /* the command then tells what is wrong */
    char state[64];
    snprintf(state, sizeof state, "%s", inst->state && *inst->state ? inst->state : "Unknown");
    inst_snap_put(snap);
    if (strcmp(state, "Stopped") == 0)
        return 0;
    api_error err = {.err = -EPERM};
    snprintf(err.message, sizeof err.message,
             "the instance is %s: only a Stopped instance is terminated (nothing sent)", state);
    tree_record(t, c, c->id, -EPERM, &err, NULL);
    errlog_record(t->log, c->id, "terminate", &err);
    return -EPERM;
}

static int run_on_instance(tree *t, tree_command *c, tree_effect *effect)
{
    const char *verb = control_verb_name(c->cmd.verb);
    if (image_unchanged(t, c)) {
        tree_record(t, c, c->id, 0, NULL, "(already its image: nothing sent)");
        return 0;
    }
    int rc = terminate_refused(t, c);
    if (rc)
        return rc;

    /* An instance's zone never changes: the last listing, however old, is
     * enough, so a command costs no Describe round even right after another
     * command invalidated that listing. An ID never listed is fetched. */
    inst_snap *snap = NULL;
    const api_instance *inst = NULL;
    api_error err = {0};
    rc = tree_get_known_instance(t, c->id, &snap, &inst, &err);
    if (rc == -ENOENT) {
        tree_record(t, c, c->id, -ENOENT, NULL, NULL);
        return tree_refuse(t, c->id, verb, -ENOENT, "no such instance");
    }
    if (rc) { /* nothing was sent: say why in both error files */
        char message[sizeof err.message];
        snprintf(message, sizeof message, "not sent: reading the instance failed: %.400s",
                 err.message);
        snprintf(err.message, sizeof err.message, "%s", message);
        err.outcome_unknown = false;
        errlog_record(t->log, c->id, verb, &err);
        return rc;
    }
    char zone[128];
    snprintf(zone, sizeof zone, "%s", inst->zone);
    inst_snap_put(snap);

    char *result_id = NULL;
    rc = control_run(t->ctl, &c->cmd, zone, c->id, &result_id, &err);
    effect->renamed = c->cmd.verb == CTL_RENAME;
    effect->fleet_changed = c->cmd.verb == CTL_TERMINATE && (rc == 0 || err.outcome_unknown);
    tree_record(t, c, c->id, rc, &err, result_id);
    if (rc == 0) {
        errlog_clear_instance(t->log, c->id);
        invalidate_after(t, c->id, c->cmd.verb);
        if (c->cmd.verb == CTL_MKIMAGE)
            log_info("mkimage %s: making image %s", c->id, result_id ? result_id : "(no ID)");
        else
            log_info("%s %s: accepted", verb, c->id);
        free(result_id);
        return 0;
    }
    free(result_id);
    errlog_record(t->log, c->id, verb, &err);
    if (err.outcome_unknown || rc == -ENOENT || rc == -EPERM)
        invalidate_after(t, c->id, c->cmd.verb);
    return rc;
}

int tree_command_run(tree *t, tree_command *c, tree_effect *effect)
{
    memset(effect, 0, sizeof *effect);
    if (c->cmd.verb == CTL_WAIT)
        return -EINVAL; /* the glue waits (tree_wait_check): nothing to send */
    int rc;
    switch (c->target) {
    case TARGET_IMAGE:
        snprintf(effect->image_id, sizeof effect->image_id, "%.64s", c->id);
        rc = tree_run_on_image(t, c, effect);
        break;
    case TARGET_FLEET: rc = tree_run_on_fleet(t, c, effect); break;
    default:
        snprintf(effect->uhost_id, sizeof effect->uhost_id, "%.64s", c->id);
        rc = run_on_instance(t, c, effect);
    }
    control_cmd_wipe(&c->cmd); /* a password is forgotten once sent */
    return rc;
}

/* ---- wait ---- */

bool tree_command_is_wait(const tree_command *c, const char **uhost_id, const char **state,
                          long *seconds)
{
    if (c->cmd.verb != CTL_WAIT)
        return false;
    *uhost_id = c->id;
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
    tree_record(t, c, c->id, rc, rc ? &err : NULL, NULL);
    if (rc && rc != -EINTR)
        errlog_record(t->log, c->id, "wait", &err);
}

int tree_truncate(tree *t, const char *path)
{
    tree_path p;
    if (tree_path_split(path, &p) != 0)
        return -ENOENT;
    const tree_area *area = tree_area_of(&p);
    if (area && area->truncate)
        return area->truncate(t, &p);
    node_attr a;
    int rc = tree_stat(t, path, &a, NULL);
    return rc ? rc : a.kind == NODE_DIR ? -EISDIR : -EACCES;
}
