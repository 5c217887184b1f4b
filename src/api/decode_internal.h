/* SPDX-License-Identifier: MIT */
/* decode_internal.h - the lenient readers decode.c shares with decode_instance.c and
 * decode_fleet.c; not a public contract (decode.h is). */
#ifndef COMPSHAREFS_DECODE_INTERNAL_H
#define COMPSHAREFS_DECODE_INTERNAL_H

#include <stdbool.h>

struct cJSON;

/* obj's member key, or NULL when obj is not an object or has none. */
const struct cJSON *decode_member(const struct cJSON *obj, const char *key);
/* An item read as decode_int / decode_string read a member. */
long long decode_item_int(const struct cJSON *item, long long def);
char *decode_item_string(const struct cJSON *item);

/* Collects string fields; remembers an allocation failure so that the
 * decoders stay linear and check once at the end. */
typedef struct field_reader {
    bool oom;
} field_reader;

/* s, noting NULL (out of memory) in r. */
char *reader_take(field_reader *r, char *s);
/* decode_string(obj, key), noted in r. */
char *reader_str(field_reader *r, const struct cJSON *obj, const char *key);

#endif
