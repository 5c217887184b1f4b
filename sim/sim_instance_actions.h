/* SPDX-License-Identifier: MIT */
/* sim_instance_actions.h - the instance actions of compshare-sim, and the
 * checks that the image actions share with them. */
#ifndef SIM_INSTANCE_ACTIONS_H
#define SIM_INSTANCE_ACTIONS_H

#include "sim_call.h"

/* Describe, Reboot, Stop, Start, Reinstall, ModifyName. */
extern const sim_action_entry sim_instance_actions[];

/* Region, Zone (unless need_zone is false: then it is optional), UHostId and
 * also_required (unless NULL) must be present, the instance must be in that region
 * and zone. Returns 0 and sets *out, or an error code. */
int sim_find_instance_arg(sim_call *c, bool need_zone, const char *also_required,
                          sim_instance **out);
/* As sim_find_instance_arg with Zone and Name required, then Name checked as every
 * name is: the instance, and the new name that Name gives (to it when renaming, to the
 * image made from it). Returns 0 and sets *out and *name, or an error code. */
int sim_find_instance_and_name(sim_call *c, sim_instance **out, const char **name);
/* An image an instance of zone may run (reinstall, create): any platform image, or an
 * Available custom image of the zone's region. 0 and *out, or 8040. */
int sim_usable_image(sim_call *c, const char *zone, const char *image_id, sim_image **out);
/* The lock, a custom image in the making, then the state: 0 when op may start. */
int sim_check_can_operate(sim_call *c, const sim_instance *in, const char *what, sim_state need,
                          sim_state or_need);

#endif
