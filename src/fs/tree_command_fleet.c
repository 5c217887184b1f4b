/* SPDX-License-Identifier: MIT */
/* tree_command_fleet.c - the commands that are not about one instance: an
 * image's `delete` (images/ID/ctl) and the root's `create` (ctl).
 *
 * `create count=N` is N CreateCompShareInstance calls, one instance each (the
 * API's Quantity is how long an instance is bought for, not how many). They
 * run one after another and stop at the first failure: the writer gets that
 * errno, and the instances made before it are in `events`, in their own
 * `log` and in the error text, so nothing made is lost track of. A call
 * whose outcome is unknown is never repeated, and ends the run too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strbuf.h"
#include "tree_internal.h"

int tree_run_on_image(tree *t, tree_command *c, tree_effect *effect)
{
    api_error err = {0};
    char what[96];
    snprintf(what, sizeof what, "delete image %s", c->id);
    /* the image's region is the mount's: no zone of its own */
    int rc = control_run(t->ctl, &c->cmd, "", c->id, NULL, &err);
    tree_record(t, c, c->id, rc, &err, NULL);
    if (rc == 0 || err.outcome_unknown || rc == -ENOENT)
        cache_invalidate_images(t->cache);
    if (rc) {
        errlog_record(t->log, NULL, what, &err);
        return rc;
    }
    (void)effect; /* the glue forgets images/ID and images/ from effect->image_id */
    log_info("%s: accepted", what);
    return 0;
}

int tree_run_on_fleet(tree *t, tree_command *c, tree_effect *effect)
{
    const control_create *want = &c->cmd.create;
    strbuf made; /* the IDs made so far, for the error text */
    strbuf_init(&made);
    int rc = 0, n = 0;
    api_error err = {0};
    for (; n < want->count; n++) {
        char *id = NULL;
        memset(&err, 0, sizeof err);
        rc = control_run(t->ctl, &c->cmd, want->zone, "", &id, &err);
        if (rc == 0 || err.outcome_unknown)
            effect->fleet_changed = true;
        if (rc) {
            free(id);
            break;
        }
        const char *shown = id ? id : "(no ID)";
        tree_record(t, c, shown, 0, NULL, shown);
        log_info("create in %s: made %s (%d of %d)", want->zone, shown, n + 1, want->count);
        strbuf_printf(&made, "%s%s", n ? " " : "", shown);
        free(id);
    }
    if (effect->fleet_changed)
        cache_invalidate_instances(t->cache);
    if (rc) {
        if (n > 0) { /* say what was made before the failure */
            char message[sizeof err.message];
            snprintf(message, sizeof message, "made %d of %d (%.200s), then: %.250s", n,
                     want->count, made.oom ? "..." : made.data, err.message);
            snprintf(err.message, sizeof err.message, "%s", message);
        }
        tree_record(t, c, "-", rc, &err, NULL);
        errlog_record(t->log, NULL, "create", &err);
    }
    strbuf_free(&made);
    return rc;
}
