/* SPDX-License-Identifier: MIT */
/* sim_image_actions.h - the image actions of compshare-sim. */
#ifndef SIM_IMAGE_ACTIONS_H
#define SIM_IMAGE_ACTIONS_H

#include "sim_call.h"

/* CreateCustomImage, GetImageCreateProgress, DescribeCustomImages, DescribeImages. */
extern const sim_action_entry sim_image_actions[];

#endif
