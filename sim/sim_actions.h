/* SPDX-License-Identifier: MIT */
/* sim_actions.h - compshare-sim's API actions, looked up by name. */
#ifndef SIM_ACTIONS_H
#define SIM_ACTIONS_H

#include "sim_call.h"

/* The tables of the action modules that have no header of their own. */
extern const sim_action_entry sim_manage_actions[]; /* sim_manage_actions.c */
extern const sim_action_entry sim_zone_actions[];   /* sim_zone_actions.c */
extern const sim_action_entry sim_create_actions[]; /* sim_create_action.c */

/* The action called name, or NULL when there is none (RetCode 161). */
sim_action_fn sim_actions_find(const char *name);

#endif
