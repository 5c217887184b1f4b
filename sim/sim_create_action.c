/* SPDX-License-Identifier: MIT */
/* sim_create_action.c - CreateCompShareInstance: checks every parameter, takes the
 * GPUs from the zone's stock, and adds one instance that goes Initializing -> Running.
 * Quantity is the purchase duration, as the SDKs declare it (not a count of
 * instances): one call creates one instance, its ID answered in UHostIds. */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <time.h>

#include "sim_actions.h"
#include "sim_args.h"
#include "sim_equip.h"
#include "sim_instance_actions.h"

#define DAY 86400LL
#define MIN_DISK_GB 20
#define MAX_DISK_GB 32000

/* Static copies of an accepted value, so that the instance may keep the pointer. */
static const char *one_of(const char *value, const char *const *allowed)
{
    for (; value && *allowed; allowed++)
        if (strcmp(value, *allowed) == 0)
            return *allowed;
    return NULL;
}

static const char *const CHARGE_TYPES[] = {"Month", "Day", "Dynamic", "Postpay", "Spot", NULL};
static const char *const MACHINE_TYPES[] = {"N",    "C",    "G",    "O",     "OS", "OM",
                                            "OPRO", "OMAX", "O.BM", "O.EPC", NULL};
static const char *const DISK_TYPES[] = {"CLOUD_NORMAL", "CLOUD_SSD", "CLOUD_RSSD",
                                         "LOCAL_NORMAL", "LOCAL_SSD", NULL};

/* What the request asks for, once checked. */
typedef struct order {
    int zone, gpu;
    long long gpus, cpu, memory, quantity;
    const char *machine_type, *charge_type, *name, *password;
    sim_image *image;
    int n_disks;
    sim_disk disks[SIM_MAX_DISKS]; /* without IDs yet; the boot disk first */
} order;

static int invalid(sim_call *c, const char *what, const char *why)
{
    return sim_fail(c->err, SIM_E_INVALID_PARAM, "Params [%s] not valid: %s", what, why);
}

/* Disks.N.IsBoot/Size/Type, N = 0, 1, ... while any of the three is given. */
static int read_disks(sim_call *c, order *o)
{
    int boots = 0;
    for (int n = 0;; n++) {
        char boot_name[32], size_name[32], type_name[32];
        snprintf(boot_name, sizeof boot_name, "Disks.%d.IsBoot", n);
        snprintf(size_name, sizeof size_name, "Disks.%d.Size", n);
        snprintf(type_name, sizeof type_name, "Disks.%d.Type", n);
        const char *boot = sim_arg_optional(c->p, boot_name);
        const char *type = sim_arg_optional(c->p, type_name);
        if (!boot && !type && !sim_arg_optional(c->p, size_name))
            break;
        if (n >= SIM_MAX_DISKS)
            return invalid(c, "Disks", "at most 4 disks");
        /* A bool: the SDKs send true/false; the comment's True/False is accepted too. */
        if (!boot || (strcasecmp(boot, "true") != 0 && strcasecmp(boot, "false") != 0))
            return invalid(c, boot_name, "true or false");
        long long size = 0;
        int rc = sim_arg_int(c->p, size_name, true, MIN_DISK_GB, MAX_DISK_GB, &size, c->err);
        if (rc)
            return rc;
        const char *kind = one_of(type, DISK_TYPES);
        if (!kind)
            return invalid(c, type_name, "a disk type such as CLOUD_SSD");
        bool is_boot = strcasecmp(boot, "true") == 0;
        boots += is_boot;
        /* The boot disk goes first, as DiskSet lists it. */
        sim_disk d = {.boot = is_boot, .size_gb = (int)size, .type = kind};
        if (is_boot) {
            memmove(&o->disks[1], &o->disks[0], (size_t)o->n_disks * sizeof d);
            o->disks[0] = d;
        } else {
            o->disks[o->n_disks] = d;
        }
        o->n_disks++;
    }
    if (o->n_disks && boots != 1)
        return invalid(c, "Disks", "exactly one disk must be the boot disk");
    return 0;
}

static int read_order(sim_call *c, order *o)
{
    const char *region, *zone;
    int rc = sim_arg_region_zone(c->p, true, true, &region, &zone, c->err);
    static const char *const REQUIRED[] = {"GpuType", "GPU",         "CPU",
                                           "Memory",  "MachineType", "CompShareImageId"};
    for (size_t i = 0; !rc && i < sizeof REQUIRED / sizeof REQUIRED[0]; i++)
        if (!sim_arg_required(c->p, REQUIRED[i], c->err))
            rc = c->err->code;
    if (rc)
        return rc;
    if ((o->zone = sim_zone_index(zone)) < 0)
        return invalid(c, "Zone", "no such zone");
    if ((o->gpu = sim_gpu_index(sim_arg_optional(c->p, "GpuType"))) < 0)
        return invalid(c, "GpuType", "no such GPU type");
    if ((rc = sim_arg_int(c->p, "GPU", true, 1, 8, &o->gpus, c->err)) ||
        (rc = sim_arg_int(c->p, "CPU", true, 1, 256, &o->cpu, c->err)) ||
        (rc = sim_arg_int(c->p, "Memory", true, 1024, 2097152, &o->memory, c->err)))
        return rc;
    if (o->memory % 1024)
        return invalid(c, "Memory", "a multiple of 1024 (MB)");
    if (!(o->machine_type = one_of(sim_arg_optional(c->p, "MachineType"), MACHINE_TYPES)))
        return invalid(c, "MachineType", "one of N, C, G, O, OS, OM, OPRO, OMAX, O.BM, O.EPC");
    const char *charge = sim_arg_optional(c->p, "ChargeType");
    if (!(o->charge_type = charge ? one_of(charge, CHARGE_TYPES) : "Month"))
        return invalid(c, "ChargeType", "one of Month, Day, Dynamic, Postpay, Spot");
    o->quantity = 1;
    if ((rc = sim_arg_int(c->p, "Quantity", false, 0, 100, &o->quantity, c->err)))
        return rc;
    if (o->quantity == 0 && strcmp(o->charge_type, "Month") != 0)
        return invalid(c, "Quantity", "0 (until the end of the month) is for Month only");
    o->name = sim_arg_optional(c->p, "Name");
    if (o->name && (rc = sim_arg_check_name("Name", o->name, SIM_NAME_MAX_CHARS, c->err)))
        return rc;
    o->password = sim_arg_optional(c->p, "Password");
    if (o->password && (rc = sim_arg_check_base64("Password", o->password, c->err)))
        return rc;
    const char *login = sim_arg_optional(c->p, "LoginMode");
    if (login && strcmp(login, "Password") != 0)
        return invalid(c, "LoginMode", "Password");
    if ((rc = read_disks(c, o)))
        return rc;
    return sim_usable_image(c, zone, sim_arg_optional(c->p, "CompShareImageId"), &o->image);
}

/* The first second of the next month in China (UTC+8): a Month order with Quantity 0. */
static long long end_of_month(long long wall)
{
    time_t t = (time_t)(wall + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mon++;
    return (long long)timegm(&tm) - 8 * 3600;
}

static long long expire_time(const order *o, long long created)
{
    if (strcmp(o->charge_type, "Month") == 0)
        return o->quantity ? created + o->quantity * 30 * DAY : end_of_month(created);
    if (strcmp(o->charge_type, "Day") == 0)
        return created + o->quantity * DAY;
    return created + 365 * DAY; /* billed by the hour: no term to run out */
}

static int create_instance(sim_call *c)
{
    order o = {0};
    int rc = read_order(c, &o);
    if (rc)
        return rc;
    const sim_gpu_model *g = &SIM_GPUS[o.gpu];
    int pool = strcmp(o.charge_type, "Spot") == 0 ? SIM_POOL_SPOT : SIM_POOL_EXCLUSIVE;
    if (pool == SIM_POOL_SPOT && !g->spot)
        return invalid(c, "ChargeType", "Spot is not offered for this GpuType");
    int *free_cards = &c->w->stock[pool][o.zone][o.gpu];
    if (*free_cards < o.gpus)
        return sim_fail(c->err, SIM_E_NO_STOCK,
                        "InsufficientGpuStock: %d %s GPUs free in %s (%s), %lld asked",
                        *free_cards < 0 ? 0 : *free_cards, g->type, SIM_ZONES[o.zone].zone,
                        SIM_POOL_NAMES[pool], o.gpus);

    sim_instance proto = {.create_time = sim_world_wall(c->w, c->now)};
    do
        sim_world_random_id(&c->w->rng, "uhost-", "0123456789abcdef", 8, proto.id, sizeof proto.id);
    while (sim_world_instance(c->w, proto.id));
    char *name_copy = strdup(o.name ? o.name : "CompShare");
    sim_instance *in = name_copy ? sim_world_add_instance(c->w, &proto) : NULL;
    if (!in) {
        free(name_copy);
        return sim_fail(c->err, SIM_E_UNAVAILABLE,
                        "Service temporarily unavailable: out of memory");
    }
    in->name = name_copy;
    sim_instance_equip(c->w, in, SIM_ZONES[o.zone].zone, g, (int)o.gpus, o.image, o.charge_type);
    in->cpu = (int)o.cpu;
    in->memory_mb = (int)o.memory;
    in->machine_type = o.machine_type;
    if (o.password)
        snprintf(in->password, sizeof in->password, "%s", o.password);
    if (!o.n_disks)
        sim_instance_add_disk(c->w, in, true, in->container ? 50 : 100, "CLOUD_SSD");
    for (int d = 0; d < o.n_disks; d++)
        sim_instance_add_disk(c->w, in, o.disks[d].boot, o.disks[d].size_gb, o.disks[d].type);
    in->expire_time = expire_time(&o, in->create_time);
    sim_world_start_op(c->w, in, SIM_OP_CREATE, c->now);
    *free_cards -= (int)o.gpus;
    o.image->created_count++;

    cJSON *ids = cJSON_AddArrayToObject(c->resp, "UHostIds");
    if (ids)
        cJSON_AddItemToArray(ids, cJSON_CreateString(in->id));
    return 0;
}

const sim_action_entry sim_create_actions[] = {
    {"CreateCompShareInstance", create_instance},
    {NULL, NULL},
};
