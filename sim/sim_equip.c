/* SPDX-License-Identifier: MIT */
/* sim_equip.c - fitting out a new instance (see sim_equip.h). */
#include "sim_equip.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char HEX[] = "0123456789abcdef";

/* The listed price: per hour for hourly billing, per month or day for prepaid. */
static double price_of(const sim_gpu_model *g, int gpus, const char *charge_type)
{
    double hourly = g->price_per_gpu_hour * gpus;
    if (strcmp(charge_type, "Month") == 0)
        hourly *= 720 * 0.85;
    else if (strcmp(charge_type, "Day") == 0)
        hourly *= 24 * 0.95;
    else if (strcmp(charge_type, "Spot") == 0)
        hourly *= 0.5;
    return round(hourly * 100) / 100;
}

void sim_instance_equip(sim_world *w, sim_instance *in, const char *zone, const sim_gpu_model *g,
                        int gpus, const sim_image *img, const char *charge_type)
{
    snprintf(in->zone, sizeof in->zone, "%s", zone);
    sim_world_set_image(in, img);
    in->tag = "Default";
    in->remark = "";
    in->gpu_model = g;
    in->gpu = gpus;
    in->gpu_memory_gb = g->memory_gb;
    in->cpu = g->cpu_per_gpu * gpus;
    in->memory_mb = g->ram_gb_per_gpu * gpus * 1024;
    in->machine_type = "G";
    in->cpu_arch = "x86_64";

    bool sh2 = strncmp(zone, "cn-sh2", 6) == 0;
    uint64_t r = sim_rand_next(&w->rng);
    in->n_ips = 2;
    in->ips[0] =
        (sim_ip){.mode = "IPv4", .type = "Bgp", .bandwidth = 100 * (1 + (int)(r >> 16) % 2)};
    snprintf(in->ips[0].ip, sizeof in->ips[0].ip, "%s.%u.%u", sh2 ? "106.75" : "117.50",
             (unsigned)(r & 0xff), (unsigned)((r >> 8) % 254 + 1));
    in->ips[1] = (sim_ip){.mode = "IPv4", .type = "Private", .bandwidth = 0};
    snprintf(in->ips[1].ip, sizeof in->ips[1].ip, "10.%u.%u.%u", sh2 ? 23u : 60u,
             (unsigned)((r >> 24) & 0xff), (unsigned)((r >> 32) % 254 + 1));
    in->ssh_port = in->container ? 23000 + (int)((r >> 40) % 1000) : 22;
    in->load_seed = (uint32_t)(r >> 48);
    sim_world_new_password(&w->rng, in->password, sizeof in->password);

    in->charge_type = charge_type;
    in->auto_renew = strcmp(charge_type, "Month") == 0 ? "Yes" : "No";
    in->price = price_of(g, gpus, charge_type);
}

bool sim_instance_add_disk(sim_world *w, sim_instance *in, bool boot, int size_gb, const char *type)
{
    if (in->n_disks >= SIM_MAX_DISKS)
        return false;
    sim_disk *d = &in->disks[in->n_disks++];
    *d = (sim_disk){.boot = boot, .size_gb = size_gb, .type = type};
    sim_world_random_id(&w->rng, boot ? "bsi-" : "bsd-", HEX, 8, d->id, sizeof d->id);
    return true;
}

void sim_image_made_from(sim_world *w, sim_image *img, const sim_instance *src)
{
    img->type = "Custom";
    img->container = src->container;
    img->size_mb = src->disks[0].size_gb * 1024 / 3 + (int)(sim_rand_next(&w->rng) % 4096);
    img->os_name = src->os_name;
    img->software = src->software;
    zone_region(src->zone, img->region, sizeof img->region);
    snprintf(img->source_uhost, sizeof img->source_uhost, "%s", src->id);
    img->source_gpu = src->gpu_model->type;
    img->from_official =
        strcmp(src->image_type, "System") == 0 || strcmp(src->image_type, "App") == 0;
}
