/* SPDX-License-Identifier: MIT */
/* tree_write.c - writes to the control files (instance ctl, name, image)
 * and truncation.
 *
 * A write is one command, run inside write(2): it is parsed first (a bad
 * command is EINVAL and nothing is sent), the instance and its zone come from
 * the cache, then the command is sent once. Its errno goes back to the
 * writer and its message into the instance's and the mount's error files.
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

/* A command that cannot run is still a failure of the instance: recorded. */
static long refuse(tree *t, const char *uhost_id, const char *what, int rc, const char *message)
{
    api_error err = {.err = rc};
    snprintf(err.message, sizeof err.message, "%s", message);
    errlog_record(t->log, uhost_id, what, &err);
    return rc;
}

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

/* path must name a writable control file (ctl, name, image of an instance). */
static int parse_control_file(const char *path, tree_path *p)
{
    int rc = tree_parse_path(path, p);
    if (rc)
        return rc;
    if (tree_is_dir(p->type))
        return -EISDIR;
    return p->type == N_INST_FILE && p->file->writable ? 0 : -EACCES;
}

long tree_write(tree *t, const char *path, const char *buf, size_t len)
{
    tree_path p;
    int rc = parse_control_file(path, &p);
    if (rc)
        return rc;

    control_cmd cmd;
    char why[256], what[32];
    snprintf(what, sizeof what, "write %s", p.file->name);
    rc = control_parse(p.file->name, buf, len, &cmd, why, sizeof why);
    if (rc)
        return refuse(t, p.name, what, rc, why);
    const char *verb = control_verb_name(cmd.verb);

    /* An instance's zone never changes: the last listing, however old, is
     * enough, so a command costs no Describe round even right after another
     * command invalidated that listing. An ID never listed is fetched. */
    inst_snap *snap = NULL;
    const api_instance *inst = NULL;
    api_error err = {0};
    rc = tree_get_known_instance(t, p.name, &snap, &inst, &err);
    if (rc == -ENOENT)
        return refuse(t, p.name, verb, -ENOENT, "no such instance");
    if (rc) { /* nothing was sent: say why in both error files */
        char message[sizeof err.message];
        snprintf(message, sizeof message, "not sent: reading the instance failed: %.400s",
                 err.message);
        snprintf(err.message, sizeof err.message, "%s", message);
        err.outcome_unknown = false;
        errlog_record(t->log, p.name, verb, &err);
        return rc;
    }
    char zone[128];
    snprintf(zone, sizeof zone, "%s", inst->zone);
    inst_snap_put(snap);

    char *result_id = NULL;
    rc = control_run(t->ctl, &cmd, zone, p.name, &result_id, &err);
    if (rc == 0) {
        errlog_clear_instance(t->log, p.name);
        invalidate_after(t, p.name, cmd.verb);
        if (cmd.verb == CTL_MKIMAGE)
            log_info("mkimage %s: making image %s", p.name, result_id ? result_id : "(no ID)");
        else
            log_info("%s %s: accepted", verb, p.name);
        free(result_id);
        return (long)len;
    }
    free(result_id);
    errlog_record(t->log, p.name, verb, &err);
    if (err.outcome_unknown || rc == -ENOENT || rc == -EPERM)
        invalidate_after(t, p.name, cmd.verb);
    return rc;
}

int tree_truncate(tree *t, const char *path)
{
    tree_path p;
    int rc = parse_control_file(path, &p);
    if (rc)
        return rc;
    /* a control file has no stored content: truncation only has to exist */
    inst_snap *snap;
    const api_instance *inst;
    api_error err = {0};
    rc = tree_get_known_instance(t, p.name, &snap, &inst, &err);
    if (rc == 0)
        inst_snap_put(snap);
    else if (rc != -ENOENT)
        tree_read_failed(t, "read instances", rc, &err);
    return rc;
}
