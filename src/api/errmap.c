/* SPDX-License-Identifier: MIT */
/* errmap.c - the one place that turns a failure into an errno.
 *
 * The real API documents only its common RetCodes; product errors (not found,
 * wrong state, lock held) have undocumented numbers but stable words in their
 * Message, so the Message is matched first and the RetCode second, exactly in
 * the order docs/errors.md gives. */
#include "errmap.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "retcode.h"

/* Case-insensitive substring test; strcasestr is a GNU extension we build with. */
static bool has(const char *message, const char *word)
{
    return message && strcasestr(message, word) != NULL;
}

int errmap_retcode(int retcode, const char *message)
{
    if (retcode == RETCODE_OK)
        return 0;
    if (has(message, "InstanceOperationInProgress"))
        return -EBUSY;
    if (has(message, "ImageMaking"))
        return -EBUSY;
    /* No GPUs of the type left in the zone: the resource is exhausted, not the call wrong. */
    if (has(message, "GpuStock") || has(message, "out of stock") || has(message, "sold out"))
        return -ENOSPC;
    /* 161 "Action [X] not found" and 172 "User not exist" read like a missing
     * resource but are a client bug and a credentials problem. */
    if (retcode != RETCODE_UNKNOWN_ACTION && retcode != RETCODE_NO_SUCH_USER &&
        (has(message, "NotFound") || has(message, "not exist") || has(message, "not found")))
        return -ENOENT;
    if (has(message, "InvalidInstanceState") || has(message, "state"))
        return -EPERM;
    if (has(message, "Duplicate") || has(message, "already exist"))
        return -EEXIST;

    if (retcode == RETCODE_GATEWAY_TIMEOUT)
        return -ETIMEDOUT;
    if (retcode == RETCODE_THROTTLED)
        return -EAGAIN;
    if ((retcode >= RETCODE_AUTH_FIRST && retcode <= RETCODE_AUTH_LAST) ||
        (retcode >= RETCODE_ACCESS_FIRST && retcode <= RETCODE_ACCESS_LAST))
        return -EACCES;
    if (retcode >= RETCODE_PARAM_FIRST && retcode <= RETCODE_PARAM_LAST)
        return -EINVAL;
    return -EIO;
}

int errmap_transport(transport_failure failure, long http_status)
{
    switch (failure) {
    case TRANSPORT_OK:
        if (http_status == 429)
            return -EAGAIN;
        return -EIO; /* 5xx, unexpected 4xx, or an unreadable body */
    case TRANSPORT_TIMEOUT_SENT:
        return -ETIMEDOUT;
    case TRANSPORT_NOT_SENT:
    case TRANSPORT_BROKEN_SENT:
    case TRANSPORT_TOO_LARGE:
    case TRANSPORT_REFUSED:
        break;
    }
    return -EIO;
}

const char *errmap_name(int err)
{
    switch (err < 0 ? -err : err) {
    case 0: return "OK";
    case EINVAL: return "EINVAL";
    case EBUSY: return "EBUSY";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EAGAIN: return "EAGAIN";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EIO: return "EIO";
    case EEXIST: return "EEXIST";
    case ENOSPC: return "ENOSPC";
    case ENOMEM: return "ENOMEM";
    case EBADMSG: return "EBADMSG";
    default: return "error";
    }
}
