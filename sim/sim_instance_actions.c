/* SPDX-License-Identifier: MIT */
/* sim_instance_actions.c - the instance actions of compshare-sim (describe,
 * reboot, stop, start, reinstall, rename). The rules are those of compshare-api.md; the
 * order of checks is documented in docs/simulator.md. */
#include "sim_instance_actions.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "sim_args.h"
#include "sim_render.h"

int sim_find_instance_arg(sim_call *c, bool need_zone, const char *also_required,
                          sim_instance **out)
{
    const char *region, *zone;
    int rc = sim_arg_region_zone(c->p, true, need_zone, &region, &zone, c->err);
    if (rc)
        return rc;
    const char *id = sim_arg_required(c->p, "UHostId", c->err);
    if (!id)
        return c->err->code;
    if (also_required && !sim_arg_required(c->p, also_required, c->err))
        return c->err->code;
    sim_instance *in = sim_world_instance(c->w, id);
    if (!in || !sim_zone_matches(in->zone, region, zone))
        /* The ID is ours (an existing-looking uhost-...) or the caller's; either way it
         * names no instance here, so echoing it cannot mislead the classification. */
        return sim_fail(c->err, SIM_E_INSTANCE_NOT_FOUND,
                        "InstanceNotFound: instance %.40s does not exist in this %s", id,
                        zone ? "zone" : "region");
    *out = in;
    return 0;
}

int sim_check_can_operate(sim_call *c, const sim_instance *in, const char *what, sim_state need,
                          sim_state or_need)
{
    if (c->now < in->lock_until) {
        long long left = (long long)(in->lock_until - c->now + 0.999);
        return sim_fail(
            c->err, SIM_E_IN_PROGRESS,
            "InstanceOperationInProgress: instance %s is busy with %s (about %lld s left)", in->id,
            sim_op_name(in->op), left < 1 ? 1 : left);
    }
    const sim_image *making = sim_world_making_image_of(c->w, in);
    if (making)
        return sim_fail(c->err, SIM_E_IMAGE_MAKING,
                        "InstanceImageMaking: custom image %s is being made from instance %s; %s "
                        "must wait until it is Available",
                        making->id, in->id, what);
    if (in->state != need && in->state != or_need) {
        if (need == or_need)
            return sim_fail(c->err, SIM_E_INVALID_STATE,
                            "InvalidInstanceState: instance %s is %s; %s needs %s", in->id,
                            sim_state_name(in->state), what, sim_state_name(need));
        return sim_fail(c->err, SIM_E_INVALID_STATE,
                        "InvalidInstanceState: instance %s is %s; %s needs %s or %s", in->id,
                        sim_state_name(in->state), what, sim_state_name(need),
                        sim_state_name(or_need));
    }
    return 0;
}

/* Collect the UHostIds.N filter into *ids (*n = 0: no filter). -1 on ENOMEM. */
static int uhost_filter(const params *p, const char ***ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    size_t cap = 0;
    for (size_t i = 0; i < p->n; i++) {
        const char *name = p->items[i].name;
        const char *index = name + 9;
        if (strncmp(name, "UHostIds.", 9) != 0 || !*index ||
            strspn(index, "0123456789") != strlen(index))
            continue;
        const char **grown = array_grow(*ids, *n, &cap, sizeof *grown);
        if (!grown) {
            free(*ids);
            *ids = NULL;
            return -1;
        }
        *ids = grown;
        (*ids)[(*n)++] = p->items[i].value;
    }
    return 0;
}

static bool in_filter(const char *id, const char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return false;
}

static int describe_instances(sim_call *c)
{
    const char *region, *zone;
    long long offset, limit;
    int rc = sim_arg_listing(c->p, false, false, &region, &zone, &offset, &limit, c->err);
    if (rc)
        return rc;
    const char **ids;
    size_t n_ids;
    if (uhost_filter(c->p, &ids, &n_ids))
        return sim_fail(c->err, SIM_E_UNAVAILABLE,
                        "Service temporarily unavailable: out of memory");

    cJSON *set = cJSON_AddArrayToObject(c->resp, "UHostSet");
    long long total = 0;
    /* Instances are kept sorted by creation time and ID, so pages are stable. */
    for (size_t i = 0; i < c->w->n_instances; i++) {
        const sim_instance *in = &c->w->instances[i];
        if (!sim_zone_matches(in->zone, region, zone))
            continue;
        if (n_ids && !in_filter(in->id, ids, n_ids))
            continue;
        if (total >= offset && total < offset + limit && set)
            cJSON_AddItemToArray(set, sim_render_instance(c->w, in, c->now));
        total++;
    }
    free(ids);
    cJSON_AddNumberToObject(c->resp, "TotalCount", (double)total);
    return 0;
}

/* Reboot, Stop and Start: same shape, different state rules. */
static int simple_op(sim_call *c, sim_op op, const char *what, sim_state need)
{
    sim_instance *in;
    int rc = sim_find_instance_arg(c, true, NULL, &in);
    if (!rc)
        rc = sim_check_can_operate(c, in, what, need, need);
    if (rc)
        return rc;
    sim_world_start_op(c->w, in, op, c->now);
    cJSON_AddStringToObject(c->resp, "UHostId", in->id);
    return 0;
}

static int reboot(sim_call *c) { return simple_op(c, SIM_OP_REBOOT, "reboot", SIM_RUNNING); }
static int stop(sim_call *c) { return simple_op(c, SIM_OP_STOP, "stop", SIM_RUNNING); }
static int start(sim_call *c) { return simple_op(c, SIM_OP_START, "start", SIM_STOPPED); }

int sim_usable_image(sim_call *c, const char *zone, const char *image_id, sim_image **out)
{
    sim_image *img = sim_world_image(c->w, image_id);
    char region[64];
    zone_region(zone, region, sizeof region);
    if (!img || (img->region[0] && strcmp(img->region, region) != 0))
        return sim_fail(c->err, SIM_E_IMAGE_NOT_FOUND,
                        "ImageNotFound: image %.48s does not exist in this region", image_id);
    if (img->status != SIM_IMG_AVAILABLE)
        return sim_fail(c->err, SIM_E_IMAGE_NOT_FOUND,
                        "ImageNotFound: image %s is %s, only Available images can be used", img->id,
                        sim_image_status_name(img->status));
    *out = img;
    return 0;
}

static int reinstall(sim_call *c)
{
    sim_instance *in;
    int rc = sim_find_instance_arg(c, true, "CompShareImageId", &in);
    if (rc)
        return rc;
    const char *image_id = sim_arg_optional(c->p, "CompShareImageId");
    const char *password = sim_arg_optional(c->p, "Password");
    if (password && (rc = sim_arg_check_base64("Password", password, c->err)))
        return rc;
    sim_image *img = NULL;
    rc = sim_usable_image(c, in->zone, image_id, &img);
    if (!rc)
        rc = sim_check_can_operate(c, in, "reinstall", SIM_STOPPED, SIM_STOPPED);
    if (rc)
        return rc;

    /* The password survives a reinstall, except that a VM switching to a container
     * image gets a new one (the seed document says so). */
    if (password)
        snprintf(in->password, sizeof in->password, "%s", password);
    else if (!in->container && img->container)
        sim_world_new_password(&c->w->rng, in->password, sizeof in->password);
    sim_world_set_image(in, img);
    if (in->container && in->ssh_port == 22)
        in->ssh_port = 23000 + (int)(sim_world_rand(c->w) % 1000);
    else if (!in->container)
        in->ssh_port = 22;
    /* The system disk is wiped (same disk); data disks are kept as they are. */
    sim_world_start_op(c->w, in, SIM_OP_REINSTALL, c->now);
    cJSON_AddStringToObject(c->resp, "UHostId", in->id);
    return 0;
}

int sim_find_instance_and_name(sim_call *c, sim_instance **out, const char **name)
{
    int rc = sim_find_instance_arg(c, true, "Name", out);
    if (rc)
        return rc;
    *name = sim_arg_optional(c->p, "Name");
    return sim_arg_check_name("Name", *name, SIM_NAME_MAX_CHARS, c->err);
}

static int modify_name(sim_call *c)
{
    sim_instance *in;
    const char *name;
    int rc = sim_find_instance_and_name(c, &in, &name);
    if (rc)
        return rc;
    /* No lock: renaming is a metadata change, allowed in any state, even mid-operation. */
    char *copy = strdup(name);
    if (!copy)
        return sim_fail(c->err, SIM_E_UNAVAILABLE,
                        "Service temporarily unavailable: out of memory");
    free(in->name);
    in->name = copy;
    in->update_time = sim_world_wall(c->w, c->now);
    cJSON_AddStringToObject(c->resp, "UHostId", in->id);
    return 0;
}

const sim_action_entry sim_instance_actions[] = {
    {"DescribeCompShareInstance", describe_instances},
    {"RebootCompShareInstance", reboot},
    {"StopCompShareInstance", stop},
    {"StartCompShareInstance", start},
    {"ReinstallCompShareInstance", reinstall},
    {"ModifyCompShareInstanceName", modify_name},
    {NULL, NULL},
};
