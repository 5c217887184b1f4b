/* SPDX-License-Identifier: MIT */
/* retry.h - which failed attempts may be sent again, and how long to wait.
 *
 * Reads are retried on network errors (not sent, timed out, connection broken),
 * HTTP 429/5xx, a 2xx answer whose body is not a readable API answer, and
 * RetCode 110/150/153.
 * A state-changing action has no idempotency token, so it is resent only when
 * it certainly did not run: not sent at all, HTTP 429, RetCode 153. After an
 * ambiguous failure it is never resent and the outcome is reported unknown. */
#ifndef COMPSHAREFS_RETRY_H
#define COMPSHAREFS_RETRY_H

#include <stdbool.h>

#include "transport.h"

typedef enum retry_verdict {
    RETRY_DONE,        /* success or a final answer: stop */
    RETRY_AGAIN,       /* safe and useful to send again */
    RETRY_AMBIGUOUS,   /* a mutating call may have run: stop, outcome unknown */
} retry_verdict;

/* retcode is the decoded RetCode when the body was a readable API answer,
 * else -1. */
retry_verdict retry_classify(bool mutating, transport_failure failure, long http_status,
                             int retcode);

/* Backoff before attempt number `attempt` (1 = the first retry): exponential
 * from base_ms, capped at max_ms, with full jitter drawn from *seed. */
long retry_backoff_ms(int attempt, long base_ms, long max_ms, unsigned *seed);

#endif
