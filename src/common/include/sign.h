/* SPDX-License-Identifier: MIT */
/* sign.h - the CompShare/UCloud request signature.
 *
 * Signature = lowercase hex SHA-1 of: every parameter except "Signature", sorted
 * by name in ascending byte order, written as name+value with no separators and
 * no escaping, followed by the private key. That string is never built: the
 * pieces are fed to SHA-1 one by one, so no copy of it, with the private key,
 * is left in memory (the digest is wiped after use). */
#ifndef COMPSHAREFS_SIGN_H
#define COMPSHAREFS_SIGN_H

#include "params.h"

#define SIGN_HEX_LEN 40

/* Write the 40-hex-digit signature plus NUL into out. Returns 0 or -ENOMEM. */
int sign_params(const params *p, const char *private_key, char out[SIGN_HEX_LEN + 1]);

/* Constant-time check of p's "Signature" against the expected one.
 * Returns 0 when it matches, -ENOENT when there is no Signature, -EACCES when
 * it does not match. */
int sign_verify(const params *p, const char *private_key);

#endif
