/* SPDX-License-Identifier: MIT */
/* config_keys.h - the state of one resolution, the CLI's JSON files, and
 * where keys come from (config_keys.c), for config.c, which resolves the
 * settings and runs it all in order; not a contract beyond the two. */
#ifndef COMPSHAREFS_CONFIG_KEYS_H
#define COMPSHAREFS_CONFIG_KEYS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

/* State of one resolution. */
typedef struct resolver {
    const char *(*getenv_fn)(const char *name);
    char *why;
    size_t why_len;
    fs_config *out;
    char cfg_path[512], cred_path[512]; /* "" without a home directory */
    cJSON *cfg_root, *cred_root;        /* NULL when absent or not read */
    bool cred_loaded, cred_missing;
    mode_t cred_mode;
    const char *profile;
    cJSON *prof; /* this profile's settings in config.json, or NULL */
} resolver;

/* Appends to a fixed buffer, truncating. */
void cfg_appendf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An environment variable; empty counts as unset, as shells make it easy to
 * set one to nothing. */
const char *cfg_env(const resolver *r, const char *name);

/* The UCloud CLI's JSON files. */
/* Wipe every string of a parsed file (key files' values are secret), then free it. */
void cfg_json_wipe_delete(cJSON *j);
/* Read and parse a JSON file: -ENOENT when it does not exist (why not set);
 * -EINVAL with why set when it cannot be read or parsed. *mode gets its
 * permission bits. */
int cfg_load_json(resolver *r, const char *path, cJSON **out, mode_t *mode);
/* 0 when root is an array of profile objects (a lone object counts as one);
 * else -EINVAL with why set. */
int cfg_check_profiles(resolver *r, const cJSON *root, const char *path);
/* obj's member name when it is a non-empty string, else NULL. */
const char *cfg_json_str(const cJSON *obj, const char *name);
/* The profile named name in a CLI file's array, or NULL. */
cJSON *cfg_find_profile(cJSON *root, const char *name);
/* The name of the profile marked active in config.json, or NULL. */
const char *cfg_active_profile(const cJSON *root);
/* Read ~/.ucloud/credential.json once (a missing one is noted, not an error). */
int cfg_load_cred_file(resolver *r);
/* The keys, first found wins: credentials=, the environment, the CLI's files. */
int cfg_resolve_keys(resolver *r, const config_options *opt);

#endif
