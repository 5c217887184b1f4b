/* SPDX-License-Identifier: MIT */
/* control_api.c - sending parsed commands: the control object, whose default
 * sender is the API client (tests give their own sender). The sender's
 * contract is a negative errno and a filled api_error on failure; this adapter
 * fills in what a terse sender left out, so the error files always get a
 * complete record. */
#include "control.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

struct control {
    control_ops ops;
};

control *control_new(const control_ops *ops)
{
    if (!ops || !ops->send)
        return NULL;
    control *c = calloc(1, sizeof *c);
    if (c)
        c->ops = *ops;
    return c;
}

void control_free(control *c) { free(c); }

/* The default sender: one API call per command. Reinstall keeps the password
 * (none is ever passed through the filesystem); mkimage has no description. */
static int control_api_send(void *ctx, const control_cmd *cmd, const char *zone,
                            const char *uhost_id, char **result_id, api_error *err)
{
    api_client *client = ctx;
    switch (cmd->verb) {
    case CTL_REBOOT: return api_reboot(client, zone, uhost_id, err);
    case CTL_STOP: return api_stop(client, zone, uhost_id, err);
    case CTL_START: return api_start(client, zone, uhost_id, err);
    case CTL_REINSTALL: return api_reinstall(client, zone, uhost_id, cmd->arg, NULL, err);
    case CTL_RENAME: return api_rename(client, zone, uhost_id, cmd->arg, err);
    case CTL_WAIT:
        break; /* waiting is the mount's own business: nothing to send */
    case CTL_MKIMAGE: {
        char *id = NULL;
        int rc = api_create_custom_image(client, zone, uhost_id, cmd->arg, NULL, &id, err);
        if (result_id)
            *result_id = id;
        else
            free(id);
        return rc;
    }
    }
    return -EINVAL;
}

control *control_new_api(struct api_client *client)
{
    if (!client)
        return NULL;
    control_ops ops = {.send = control_api_send, .ctx = client};
    return control_new(&ops);
}

int control_run(control *c, const control_cmd *cmd, const char *zone, const char *uhost_id,
                char **result_id, api_error *err)
{
    memset(err, 0, sizeof *err);
    if (result_id)
        *result_id = NULL;
    int rc = c->ops.send(c->ops.ctx, cmd, zone, uhost_id, result_id, err);
    if (rc == 0)
        return 0;
    /* The error files need a complete record even from a terse sender. */
    if (err->err == 0)
        err->err = rc;
    if (err->action[0] == '\0')
        snprintf(err->action, sizeof err->action, "%s", control_verb_name(cmd->verb));
    if (err->message[0] == '\0')
        snprintf(err->message, sizeof err->message, "%s failed", control_verb_name(cmd->verb));
    return err->err < 0 ? err->err : rc;
}
