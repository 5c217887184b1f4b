/* SPDX-License-Identifier: MIT */
/* sim_actions.h - compshare-sim's API actions, looked up by name. */
#ifndef SIM_ACTIONS_H
#define SIM_ACTIONS_H

#include "sim_call.h"

/* The action called name, or NULL when there is none (RetCode 161). */
sim_action_fn sim_actions_find(const char *name);

#endif
