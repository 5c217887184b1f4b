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

/* The new ID to the caller who asked for it, else freed. */
static void hand_over(char *id, char **result_id)
{
    if (result_id)
        *result_id = id;
    else
        free(id);
}

/* One CreateCompShareInstance: one instance (the API's Quantity is how long it is
 * bought for, not how many; `count=` is one call each, made by the caller). */
static int send_create(api_client *client, const control_create *c, const char *zone,
                       char **result_id, api_error *err)
{
    api_create_request req = {
        .zone = zone,
        .gpu_type = c->gpu_type,
        .gpus = c->gpus,
        .cpu = c->cpu,
        .memory_mb = c->memory_mb,
        .image_id = c->image,
        .machine_type = c->machine_type,
        .name = c->name[0] ? c->name : NULL,
        .charge_type = c->charge_type,
        .boot_disk_gb = c->disk_gb,
    };
    char **ids = NULL;
    size_t n = 0;
    int rc = api_create_instances(client, &req, &ids, &n, err);
    for (size_t i = 0; i < n; i++)
        if (i == 0)
            hand_over(ids[0], result_id);
        else
            free(ids[i]);
    free(ids);
    return rc;
}

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
    case CTL_TERMINATE: return api_terminate(client, zone, uhost_id, err);
    case CTL_STOP_AT: return api_update_stop_scheduler(client, zone, uhost_id, cmd->when, err);
    case CTL_STOP_AT_CANCEL: return api_delete_stop_scheduler(client, zone, uhost_id, err);
    case CTL_PASSWORD: return api_reset_password(client, zone, uhost_id, cmd->arg, err);
    case CTL_DELETE_IMAGE: return api_delete_custom_image(client, uhost_id /* the image */, err);
    case CTL_WAIT:
        break; /* waiting is the mount's own business: nothing to send */
    case CTL_MKIMAGE: {
        char *id = NULL;
        int rc = api_create_custom_image(client, zone, uhost_id, cmd->arg, NULL, &id, err);
        hand_over(id, result_id);
        return rc;
    }
    case CTL_CREATE: return send_create(client, &cmd->create, zone, result_id, err);
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
