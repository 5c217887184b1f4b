/* SPDX-License-Identifier: MIT */
/* errmap.h - the one place that maps a failure to an errno (README, "Commands
 * and errors"; docs/errors.md):
 *   EINVAL bad input, EBUSY operation lock, EPERM wrong state, ENOENT no such
 *   instance or image, EEXIST name taken, ENOSPC no GPUs left in the zone, EACCES
 *   credentials/IAM, EAGAIN throttled, ETIMEDOUT timeout, EIO everything else. */
#ifndef COMPSHAREFS_ERRMAP_H
#define COMPSHAREFS_ERRMAP_H

#include "transport.h"

/* An API answer with RetCode != 0 and its Message. Returns a negative errno. */
int errmap_retcode(int retcode, const char *message);

/* A transport failure (or HTTP error status with no API answer). Negative errno. */
int errmap_transport(transport_failure failure, long http_status);

/* Short English name of an errno for messages ("EBUSY"). */
const char *errmap_name(int err);

#endif
