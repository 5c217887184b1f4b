/* SPDX-License-Identifier: MIT */
/* control.h - the commands written to control files, validated before any
 * API call, then sent through the API client.
 *
 *   ctl:   reboot | stop | start | reinstall IMAGE_ID | mkimage NAME
 *   image: IMAGE_ID      (reinstall with it)
 *   name:  NEW_NAME      (rename)
 *
 * One command per write; a trailing newline and surrounding blanks are
 * ignored; more than one line, over 4 KiB, an unknown command or a malformed
 * argument is -EINVAL with nothing sent. IDs are [A-Za-z0-9_-]+ words. */
#ifndef COMPSHAREFS_CONTROL_H
#define COMPSHAREFS_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "api_types.h"

#define CONTROL_MAX_WRITE 4096

typedef enum control_verb {
    CTL_REBOOT, CTL_STOP, CTL_START, CTL_REINSTALL, CTL_MKIMAGE, CTL_RENAME,
    CTL_WAIT,           /* no API call: until the instance is in a state */
    CTL_TERMINATE,      /* only a Stopped instance */
    CTL_STOP_AT,        /* stop_at: schedule the stop at `when` */
    CTL_STOP_AT_CANCEL, /* stop_at: none */
    CTL_PASSWORD,       /* password: arg is the new one, a secret (control_cmd_wipe) */
    CTL_DELETE_IMAGE,   /* images/ID/ctl: delete */
    CTL_CREATE,         /* the root's ctl: create (create holds what) */
} control_verb;

/* `create count=N`: at most this many instances by one write. */
#define CONTROL_CREATE_MAX 20
#define CONTROL_MAX_NAME 63 /* characters of a name */

/* What `create KEY=VALUE ...` asks for (control_create.c says the rules). */
typedef struct control_create {
    char gpu_type[65], image[65], zone[65], machine_type[16], charge_type[16];
    char name[CONTROL_MAX_NAME * 4 + 1]; /* "" when not given */
    int gpus, cpu, disk_gb, count;       /* disk_gb 0: the API's default */
    long long memory_mb;
} control_create;

/* How long `wait` waits when no SECONDS is given, and at most. */
#define CONTROL_WAIT_DEFAULT_SECONDS 600
#define CONTROL_WAIT_MAX_SECONDS 86400

typedef struct control_cmd {
    control_verb verb;
    char arg[CONTROL_MAX_WRITE + 1]; /* image ID, image name, new name, or the state
                                      * awaited (as the API spells it); "" when none */
    long seconds;                    /* wait: how long at most */
    long long when;                  /* stop_at: Unix seconds */
    bool from_image_file;            /* reinstall written to `image` (not ctl) */
    control_create create;
} control_cmd;

/* Forget a password the command held (wiped, not just freed). */
void control_cmd_wipe(control_cmd *cmd);

/* Which file was written: an instance's "ctl", "image", "name", "stop_at" or
 * "password", an image's "image-ctl", or the root's "root-ctl". Returns 0 or
 * -EINVAL with a one-line reason in why (never the password). */
int control_parse(const char *file, const char *buf, size_t len, control_cmd *out, char *why,
                  size_t why_len);

/* True for [A-Za-z0-9_-]+ of sane length. */
int control_valid_id(const char *s);

/* The text of `cat ctl`: the commands, one per line; of an image's ctl, and
 * of the root's. */
const char *control_help(void);
const char *control_image_help(void);
const char *control_root_help(void);

/* Sends commands. The default sender calls the API client; tests pass fakes.
 * send returns 0 or a negative errno (never a positive one). */
typedef struct control_ops {
    int (*send)(void *ctx, const control_cmd *cmd, const char *zone, const char *uhost_id,
                char **result_id /* mkimage: new image ID */, api_error *err);
    void *ctx;
} control_ops;

typedef struct control control;
struct api_client;
control *control_new_api(struct api_client *client);
control *control_new(const control_ops *ops);
void control_free(control *c);

/* Run cmd on the instance (its zone from the cache). 0 or negative errno. */
int control_run(control *c, const control_cmd *cmd, const char *zone, const char *uhost_id,
                char **result_id, api_error *err);

/* Name of the verb for messages and metrics ("reboot"). */
const char *control_verb_name(control_verb v);

#endif
