/* sim_actions.h - compshare-sim's API actions: one function per action, looked up by
 * name. Each runs with the world locked and settled at `now`, fills `resp` (the
 * Action and RetCode fields are the gateway's job) or returns a RetCode with a
 * message whose words are those of docs/errors.md. */
#ifndef SIM_ACTIONS_H
#define SIM_ACTIONS_H

#include <cjson/cJSON.h>

#include "params.h"
#include "sim_world.h"

/* Product error codes (docs/errors.md). */
enum {
    SIM_E_MISSING_PARAM = 230,
    SIM_E_INVALID_PARAM = 231,
    SIM_E_INSTANCE_NOT_FOUND = 8039,
    SIM_E_IMAGE_NOT_FOUND = 8040,
    SIM_E_INVALID_STATE = 8041,
    SIM_E_IN_PROGRESS = 8042,
    SIM_E_IMAGE_MAKING = 8043,
    SIM_E_NAME_DUPLICATE = 8044,
    SIM_E_UNAVAILABLE = 150,
};

typedef struct sim_error {
    int code;
    char message[320];
} sim_error;

/* Everything one action call sees. */
typedef struct sim_call {
    sim_world *w;
    const params *p;
    cJSON *resp;
    sim_error *err;
    double now;
} sim_call;

typedef int (*sim_action_fn)(sim_call *c);

/* The action called name, or NULL when there is none (RetCode 161). */
sim_action_fn actions_find(const char *name);

/* Record an error in err and return its code. */
int sim_fail(sim_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Image actions (sim_image_actions.c). */
int action_create_custom_image(sim_call *c);
int action_get_image_progress(sim_call *c);
int action_describe_custom_images(sim_call *c);
int action_describe_images(sim_call *c);

/* Shared by the instance and image actions: Region, Zone, UHostId and also_required
 * (unless NULL) must be present, the instance must be in that zone. Returns 0 and sets
 * *out, or an error code. */
int find_instance_arg(sim_call *c, const char *also_required, sim_instance **out);
/* The lock, a custom image in the making, then the state: 0 when op may start. */
int check_can_operate(sim_call *c, const sim_instance *in, const char *what, sim_state need,
                      sim_state or_need);

#endif
