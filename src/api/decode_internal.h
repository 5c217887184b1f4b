/* SPDX-License-Identifier: MIT */
/* decode_internal.h - the lenient readers and the page reader decode.c shares with
 * decode_instance.c and decode_fleet.c; not a public contract (decode.h is). */
#ifndef COMPSHAREFS_DECODE_INTERNAL_H
#define COMPSHAREFS_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

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
/* One more element, zeroed and counted, at the end of the array whose
 * address is items_at (a T ** passed as void *), of *n elements of elem_size
 * bytes and capacity *cap: the new element, or NULL with the failure noted in
 * r. Every decoder that collects a list grows it this one way. */
void *reader_append(field_reader *r, void *items_at, size_t *n, size_t *cap, size_t elem_size);
/* The list member key of obj into the array at items_at (as reader_append),
 * one element per entry filled by fill: the entries that are objects, and when
 * need is set, only those with a non-empty string member need. Anything else
 * in the list is skipped, and a key that is not a list adds nothing. */
void reader_list(field_reader *r, const struct cJSON *obj, const char *key, const char *need,
                 void *items_at, size_t *n, size_t elem_size,
                 void (*fill)(field_reader *r, const struct cJSON *entry, void *elem));

/* Append the entries of the page's array set_key that have a non-empty
 * string id_key to the array *items (n entries of elem_size bytes), each
 * decoded by decode. The array may hold exactly n: it grows on the first
 * append. 0 or -ENOMEM. */
int decode_page(const struct cJSON *answer, const char *set_key, const char *id_key,
                void **items, size_t *n, size_t elem_size,
                int (*decode)(const struct cJSON *obj, void *out), long long *total_count,
                size_t *n_entries);

#endif
