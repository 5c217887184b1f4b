/* SPDX-License-Identifier: MIT */
/* retry.c - which failed attempts may be sent again, and the backoff between.
 *
 * The rule for state-changing actions is the important one: they carry no
 * idempotency token, so resending one that may have run could reboot or
 * reinstall a machine twice. They are resent only when the failure proves the
 * server never acted (nothing sent, HTTP 429, RetCode 153). */
#include "retry.h"

#include <stdlib.h>

#include "retcode.h"

/* The answer as an API reply: retcode >= 0 is a readable RetCode. */
static retry_verdict classify_retcode(bool mutating, int retcode)
{
    switch (retcode) {
    case RETCODE_OK:
        return RETRY_DONE;
    case RETCODE_THROTTLED: /* refused before anything ran */
        return RETRY_AGAIN;
    case RETCODE_UNAVAILABLE: /* a read is worth another try; a mutating call
                               * got a definite error answer, which is final */
        return mutating ? RETRY_DONE : RETRY_AGAIN;
    case RETCODE_GATEWAY_TIMEOUT: /* the backend may still act */
        return mutating ? RETRY_AMBIGUOUS : RETRY_AGAIN;
    default:
        return RETRY_DONE;
    }
}

retry_verdict retry_classify(bool mutating, transport_failure failure, long http_status,
                             int retcode)
{
    switch (failure) {
    case TRANSPORT_NOT_SENT:
        return RETRY_AGAIN;
    case TRANSPORT_TIMEOUT_SENT:
    case TRANSPORT_BROKEN_SENT:
        return mutating ? RETRY_AMBIGUOUS : RETRY_AGAIN;
    case TRANSPORT_TOO_LARGE:
        /* An answer came but could not be read: for a read, another try would
         * get the same answer; a mutating call may have run. */
        return mutating ? RETRY_AMBIGUOUS : RETRY_DONE;
    case TRANSPORT_REFUSED:
        return RETRY_DONE;
    case TRANSPORT_OK:
        break;
    }
    if (retcode >= 0)
        return classify_retcode(mutating, retcode);
    if (http_status == 429)
        return RETRY_AGAIN;
    if (http_status >= 500 && http_status <= 599)
        return mutating ? RETRY_AMBIGUOUS : RETRY_AGAIN;
    if (http_status >= 200 && http_status <= 299) /* a success status with a body we cannot read */
        return mutating ? RETRY_AMBIGUOUS : RETRY_AGAIN;
    return RETRY_DONE; /* another 3xx/4xx: a definite refusal */
}

long retry_backoff_ms(int attempt, long base_ms, long max_ms, unsigned *seed)
{
    if (base_ms <= 0 || max_ms <= 0 || attempt < 1)
        return 0;
    long cap = base_ms;
    for (int i = 1; i < attempt && cap < max_ms; i++)
        cap = cap > max_ms / 2 ? max_ms : cap * 2;
    if (cap > max_ms)
        cap = max_ms;
    /* Full jitter: uniform in [0, cap], so that many clients throttled at the
     * same moment do not come back at the same moment. rand_r keeps the draw
     * thread-safe; two draws cover caps beyond RAND_MAX. */
    unsigned long r = ((unsigned long)rand_r(seed) << 16) ^ (unsigned long)rand_r(seed);
    return (long)(r % ((unsigned long)cap + 1));
}
