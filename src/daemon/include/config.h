/* SPDX-License-Identifier: MIT */
/* config.h - where compsharefs finds its settings and keys.
 *
 * Keys, first found wins: credentials=FILE; UCLOUD_PUBLIC_KEY +
 * UCLOUD_PRIVATE_KEY; ~/.ucloud/credential.json (UCloud CLI profiles).
 * Other settings: -o option, then environment, then the profile in
 * ~/.ucloud/config.json, then the default. */
#ifndef COMPSHAREFS_CONFIG_H
#define COMPSHAREFS_CONFIG_H

#include <stddef.h>

/* What the command line said (NULL = not given). */
typedef struct config_options {
    const char *endpoint, *region, *zone, *project_id, *profile, *credentials, *ca_file;
    const char *ttl, *timeout; /* seconds, as text */
} config_options;

typedef struct fs_config {
    char *endpoint, *region, *zone, *project_id, *profile, *ca_file;
    char *public_key;
    char *private_key; /* wiped by fs_config_free */
    long long ttl_ms;
    long timeout_ms;
    char key_source[300]; /* where the keys came from, e.g. "UCLOUD_PUBLIC_KEY" or a path */
    char looked[600];     /* every place searched, for the "no credentials" message */
    char warning[400];    /* e.g. credentials file readable by others; "" when none */
} fs_config;

/* home: the directory holding .ucloud/ (NULL = $HOME). getenv_fn: NULL = getenv
 * (tests pass their own). Returns 0, or -EINVAL / -ENOENT with a one-line
 * reason in why that never contains the private key. */
int config_resolve(const config_options *opt, const char *home,
                   const char *(*getenv_fn)(const char *name), fs_config *out, char *why,
                   size_t why_len);
void fs_config_free(fs_config *c);
/* Wipe and free the private key (it is NULL after): once the API client holds
 * its own copy, in memory excluded from core dumps, this one must not stay in
 * the heap until exit. */
void fs_config_forget_private_key(fs_config *c);

#endif
