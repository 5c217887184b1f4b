/* SPDX-License-Identifier: MIT */
/* defaults.h - defaults that several layers must agree on. */
#ifndef COMPSHAREFS_DEFAULTS_H
#define COMPSHAREFS_DEFAULTS_H

/* One API request attempt, connect to last byte (-o timeout=SECONDS). */
#define CS_DEFAULT_TIMEOUT_MS 15000L
/* The largest answer body read (after decoding); a larger one is refused. */
#define CS_DEFAULT_MAX_BODY ((size_t)16 << 20)

#endif
