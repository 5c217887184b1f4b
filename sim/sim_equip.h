/* SPDX-License-Identifier: MIT */
/* sim_equip.h - fitting out a new instance: hardware, image, network, password and
 * price. One routine for the starting fleet (sim_seed.c) and CreateCompShareInstance,
 * so that a created instance looks exactly like a seeded one. */
#ifndef SIM_EQUIP_H
#define SIM_EQUIP_H

#include "sim_world.h"

/* Zone, image, GPU model and count, CPU and memory to match, machine type, public and
 * private IPv4, ssh port, a new password, the price for charge_type (static string).
 * Draws from the world's random stream. No disks: see sim_instance_add_disk. */
void sim_instance_equip(sim_world *w, sim_instance *in, const char *zone, const sim_gpu_model *g,
                        int gpus, const sim_image *img, const char *charge_type);

/* Append a disk with a new ID (bsi- for the boot disk, bsd- for data disks); false when
 * the instance has SIM_MAX_DISKS already. */
bool sim_instance_add_disk(sim_world *w, sim_instance *in, bool boot, int size_gb,
                           const char *type);

/* Make img a custom image of src: type, container, size, OS, software, region, source
 * (name, ID, description, status and times are the caller's). Draws from the stream. */
void sim_image_made_from(sim_world *w, sim_image *img, const sim_instance *src);

#endif
