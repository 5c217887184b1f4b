/* SPDX-License-Identifier: MIT */
/* sim_actions.c - the table that maps action names to compshare-sim's actions.
 * The rules are those of compshare-api.md; the order of checks is documented in
 * docs/simulator.md. */
#include "sim_actions.h"

#include <string.h>

#include "sim_image_actions.h"
#include "sim_instance_actions.h"

/* Every actions module's table. */
static const sim_action_entry *const TABLES[] = {sim_instance_actions, sim_image_actions,
                                                 sim_manage_actions, sim_zone_actions,
                                                 sim_create_actions};

sim_action_fn sim_actions_find(const char *name)
{
    for (size_t t = 0; t < sizeof TABLES / sizeof TABLES[0]; t++)
        for (const sim_action_entry *e = TABLES[t]; e->name; e++)
            if (strcmp(e->name, name) == 0)
                return e->fn;
    return NULL;
}
