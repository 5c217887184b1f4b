/* SPDX-License-Identifier: MIT */
/* sim_render.h - compshare-sim's instances and images as the API's JSON objects. */
#ifndef SIM_RENDER_H
#define SIM_RENDER_H

#include <cjson/cJSON.h>

#include "sim_world.h"

/* Call with the world locked and settled at now. NULL on ENOMEM. */
cJSON *sim_render_instance(const sim_world *w, const sim_instance *in, double now);
cJSON *sim_render_image(const sim_world *w, const sim_image *img);

/* Progress of a custom image at now: percent (one decimal), total and remaining
 * seconds after time-scaling, as GetCompShareImageCreateProgress reports them. */
void sim_image_progress(const sim_image *img, double now, double *process, long long *total,
                        long long *remaining);

#endif
