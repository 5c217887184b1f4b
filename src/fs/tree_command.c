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

int tree_command_run(tree *t, tree_command *c, tree_effect *effect)
{
    memset(effect, 0, sizeof *effect);
    snprintf(effect->uhost_id, sizeof effect->uhost_id, "%.64s", c->uhost_id);
    const char *verb = control_verb_name(c->cmd.verb);

    /* An instance's zone never changes: the last listing, however old, is
     * enough, so a command costs no Describe round even right after another
     * command invalidated that listing. An ID never listed is fetched. */
    inst_snap *snap = NULL;
    const api_instance *inst = NULL;
    api_error err = {0};
    int rc = tree_get_known_instance(t, c->uhost_id, &snap, &inst, &err);
    if (rc == -ENOENT)
        return tree_refuse(t, c->uhost_id, verb, -ENOENT, "no such instance");
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
