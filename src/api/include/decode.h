/* SPDX-License-Identifier: MIT */
/* decode.h - lenient decoding of CompShare API answers into api_types.h.
 *
 * The real API is loose with types (RetCode and integers as strings, floats
 * where integers are documented, fields missing), and a proxy or a broken
 * server may send anything at all. These functions never crash on any input:
 * a field of the wrong type reads as its default, unknown fields are ignored. */
#ifndef COMPSHAREFS_DECODE_H
#define COMPSHAREFS_DECODE_H

#include <stddef.h>

#include "api_types.h"

struct cJSON;

/* Read body as an API answer: a JSON object with a RetCode (number or numeric
 * string, 0..INT_MAX). Returns 0 with *json (caller frees with cJSON_Delete),
 * *retcode and the cleaned Message in msg; or -EBADMSG when the body is not
 * such an answer, with msg saying why (*json NULL, *retcode -1). */
int decode_answer(const char *body, size_t len, struct cJSON **json, int *retcode, char *msg,
                  size_t msg_len);

/* Field readers. A number, a numeric string ("42", " 4.5 ") or a float all
 * read as numbers (integers truncate toward zero and saturate); anything else
 * gives def. Strings: a string as is, a number in its shortest form, a bool
 * as "true"/"false", anything else "". Returned strings are malloc'd; NULL
 * only when out of memory. obj may be NULL or not an object. */
long long decode_int(const struct cJSON *obj, const char *key, long long def);
double decode_double(const struct cJSON *obj, const char *key, double def);
char *decode_string(const struct cJSON *obj, const char *key);

/* One object of UHostSet / ImageSet, and a progress answer. 0 or -ENOMEM
 * (then *out is left empty and safe to free). */
int decode_instance(const struct cJSON *obj, api_instance *out);
int decode_image(const struct cJSON *obj, api_image *out);
int decode_progress(const struct cJSON *answer, api_progress *out);

/* ZoneInfo[] of a DescribeCompShareSupportZone answer (entries without a Zone are
 * skipped; a missing ZoneId reads -1). 0 or -ENOMEM (then *out is empty). */
int decode_zone_list(const struct cJSON *answer, api_zone_list *out);
/* A DescribeCompShareGpuInventory answer: GpuInventoryByZone (a string holding JSON, or
 * the object itself) into one entry per pool, numeric zone ID and GPU type, plus
 * SpotUnsupportedGpuTypes and UpdateTime. 0 or -ENOMEM (then *out is empty). */
int decode_gpu_inventory(const struct cJSON *answer, api_inventory *out);

/* Append the entries of one page (UHostSet / ImageSet) to out. Entries that
 * are not objects or have no ID are skipped: they cannot be addressed. Sets
 * *total_count from TotalCount (-1 when absent) and *n_entries to the raw
 * length of the array, for paging. 0 or -ENOMEM. */
int decode_instance_page(const struct cJSON *answer, api_instance_list *out,
                         long long *total_count, size_t *n_entries);
int decode_image_page(const struct cJSON *answer, api_image_list *out, long long *total_count,
                      size_t *n_entries);

/* obj pretty-printed, with every member whose name contains "password"
 * (any case, any depth) removed. malloc'd, NULL when out of memory. */
char *decode_info_json(const struct cJSON *obj);

#endif
