/* SPDX-License-Identifier: MIT */
/* decode.c - lenient decoding of CompShare API answers (see decode.h).
 *
 * Every reader takes whatever JSON type arrives and either makes sense of it
 * (numeric strings, floats for integers) or falls back to a default, because
 * the published API and SDKs disagree on several field types and a hostile
 * server may send anything. */
#include "decode.h"
#include "decode_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "params.h"
#include "utf8.h"

/* ---- scalar readers ---- */

const cJSON *decode_member(const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A numeric string: optional blanks, a decimal number, optional blanks.
 * Hex, "inf" and "nan", which strtod would accept, are not numbers here. */
static bool parse_numeric_text(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    const char *start = s, *end = s;
    while ((*end >= '0' && *end <= '9') || *end == '+' || *end == '-' || *end == '.' ||
           *end == 'e' || *end == 'E')
        end++;
    const char *rest = end;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (end == start || *rest != '\0')
        return false;
    char *stop;
    double d = strtod(start, &stop);
    if (stop != end || !isfinite(d))
        return false;
    *out = d;
    return true;
}

/* Integer text read exactly (doubles lose digits past 2^53). */
static bool parse_integer_text(const char *s, long long *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '+'))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno)
        return false;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}

static long long saturate(double d)
{
    if (d >= 9.2e18)
        return LLONG_MAX;
    if (d <= -9.2e18)
        return LLONG_MIN;
    return (long long)d; /* truncates toward zero */
}

static bool item_double(const cJSON *item, double *out)
{
    if (cJSON_IsNumber(item)) {
        if (!isfinite(item->valuedouble))
            return false;
        *out = item->valuedouble;
        return true;
    }
    if (cJSON_IsString(item) && item->valuestring)
        return parse_numeric_text(item->valuestring, out);
    return false;
}

long long decode_item_int(const cJSON *item, long long def)
{
    long long exact;
    if (cJSON_IsString(item) && item->valuestring &&
        parse_integer_text(item->valuestring, &exact))
        return exact;
    double d;
    return item_double(item, &d) ? saturate(d) : def;
}

char *decode_item_string(const cJSON *item)
{
    if (cJSON_IsString(item) && item->valuestring)
        return strdup(item->valuestring);
    if (cJSON_IsNumber(item) && isfinite(item->valuedouble)) {
        char buf[400];
        params_format_double(item->valuedouble, buf, sizeof buf);
        return strdup(buf);
    }
    if (cJSON_IsBool(item))
        return strdup(cJSON_IsTrue(item) ? "true" : "false");
    return strdup("");
}

long long decode_int(const cJSON *obj, const char *key, long long def)
{
    return decode_item_int(decode_member(obj, key), def);
}

double decode_double(const cJSON *obj, const char *key, double def)
{
    double d;
    return item_double(decode_member(obj, key), &d) ? d : def;
}

char *decode_string(const cJSON *obj, const char *key)
{
    return decode_item_string(decode_member(obj, key));
}

/* ---- the answer envelope ---- */

int decode_answer(const char *body, size_t len, cJSON **json, int *retcode, char *msg,
                  size_t msg_len)
{
    *json = NULL;
    *retcode = -1;
    if (msg && msg_len)
        msg[0] = '\0';
    const char *problem = NULL;
    cJSON *root = NULL;
    if (!body || len == 0) {
        problem = "empty answer";
        goto bad;
    }
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (!root) {
        problem = "answer is not JSON";
        goto bad;
    }
    /* Only blanks may follow the value: "{...} junk" is not an answer. */
    for (; end && end < body + len; end++) {
        if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n') {
            problem = "answer has bytes after the JSON";
            goto bad;
        }
    }
    if (!cJSON_IsObject(root)) {
        problem = "answer is not a JSON object";
        goto bad;
    }
    const cJSON *rc = decode_member(root, "RetCode");
    if (!rc) {
        problem = "answer has no RetCode";
        goto bad;
    }
    /* "RetCode": 0, "0" and 0.0 are all seen; 0.5 is not a code. */
    double d;
    long long exact = -1;
    bool integral = cJSON_IsString(rc) && rc->valuestring &&
                    parse_integer_text(rc->valuestring, &exact);
    if (!integral && item_double(rc, &d) && d == trunc(d) && fabs(d) < 9e18) {
        exact = (long long)d;
        integral = true;
    }
    if (!integral || exact < 0 || exact > INT_MAX) {
        problem = "answer has an unreadable RetCode";
        goto bad;
    }
    char *message = decode_string(root, "Message");
    if (!message) {
        cJSON_Delete(root);
        return -ENOMEM;
    }
    if (msg && msg_len)
        utf8_clean_line(msg, msg_len, message);
    free(message);
    *json = root;
    *retcode = (int)exact;
    return 0;
bad:
    cJSON_Delete(root);
    if (msg && msg_len)
        snprintf(msg, msg_len, "%s", problem);
    return -EBADMSG;
}

/* ---- info.json ---- */

static void strip_passwords(cJSON *node)
{
    cJSON *child = node->child;
    while (child) {
        cJSON *next = child->next;
        if (child->string && strcasestr(child->string, "password"))
            cJSON_Delete(cJSON_DetachItemViaPointer(node, child));
        else if (cJSON_IsObject(child) || cJSON_IsArray(child))
            strip_passwords(child);
        child = next;
    }
}

char *decode_info_json(const cJSON *obj)
{
    cJSON *copy = cJSON_Duplicate(obj, 1);
    if (!copy)
        return NULL;
    strip_passwords(copy);
    char *text = cJSON_Print(copy);
    cJSON_Delete(copy);
    return text;
}

/* ---- structs ---- */

char *reader_take(field_reader *r, char *s)
{
    if (!s)
        r->oom = true;
    return s;
}

char *reader_str(field_reader *r, const cJSON *obj, const char *key)
{
    return reader_take(r, decode_string(obj, key));
}

void *reader_append(field_reader *r, void *items_at, size_t *n, size_t *cap, size_t elem_size)
{
    /* memcpy: the array's pointer has its own type, not void * */
    void *items;
    memcpy(&items, items_at, sizeof items);
    char *grown = array_grow(items, *n, cap, elem_size);
    if (!grown) {
        r->oom = true;
        return NULL;
    }
    memcpy(items_at, &grown, sizeof grown);
    char *slot = grown + (*n)++ * elem_size;
    memset(slot, 0, elem_size);
    return slot;
}

void reader_list(field_reader *r, const cJSON *obj, const char *key, const char *need,
                 void *items_at, size_t *n, size_t elem_size,
                 void (*fill)(field_reader *r, const cJSON *entry, void *elem))
{
    const cJSON *list = decode_member(obj, key);
    if (!cJSON_IsArray(list))
        return;
    size_t cap = *n;
    const cJSON *e;
    cJSON_ArrayForEach (e, list) {
        const cJSON *id = need ? decode_member(e, need) : NULL;
        if (need ? !cJSON_IsString(id) || !id->valuestring || !id->valuestring[0]
                 : !cJSON_IsObject(e))
            continue;
        void *elem = reader_append(r, items_at, n, &cap, elem_size);
        if (!elem)
            return;
        fill(r, e, elem);
    }
}

int decode_image(const cJSON *obj, api_image *out)
{
    memset(out, 0, sizeof *out);
    field_reader r = {false};
    out->image_id = reader_str(&r, obj, "CompShareImageId");
    out->name = reader_str(&r, obj, "Name");
    out->image_type = reader_str(&r, obj, "ImageType");
    out->status = reader_str(&r, obj, "Status");
    out->description = reader_str(&r, obj, "Description");
    out->failed_reason = reader_str(&r, obj, "FailedReason");
    const cJSON *container = decode_member(obj, "Container");
    if (cJSON_IsBool(container)) /* the documented form is the string "True"/"False" */
        out->container = reader_take(&r, strdup(cJSON_IsTrue(container) ? "True" : "False"));
    else
        out->container = reader_take(&r, decode_item_string(container));
    out->size_mb = decode_int(obj, "Size", 0);
    out->create_time = decode_int(obj, "CreateTime", 0);
    out->info_json = reader_take(&r, cJSON_IsObject(obj) ? decode_info_json(obj) : strdup("{\n}"));
    if (r.oom) {
        api_image_free(out);
        return -ENOMEM;
    }
    return 0;
}

int decode_progress(const cJSON *answer, api_progress *out)
{
    out->process = decode_double(answer, "Process", 0.0);
    out->total_duration = decode_int(answer, "TotalDuration", 0);
    out->remaining_duration = decode_int(answer, "RemainingDuration", 0);
    return 0;
}

/* ---- pages ---- */

static const cJSON *page_array(const cJSON *answer, const char *key, long long *total_count,
                               size_t *n_entries)
{
    *total_count = decode_int(answer, "TotalCount", -1);
    if (*total_count < -1)
        *total_count = -1;
    const cJSON *set = decode_member(answer, key);
    if (!cJSON_IsArray(set))
        set = NULL;
    *n_entries = set ? (size_t)cJSON_GetArraySize(set) : 0;
    return set;
}

int decode_page(const cJSON *answer, const char *set_key, const char *id_key,
                       void **items, size_t *n, size_t elem_size,
                       int (*decode)(const cJSON *obj, void *out), long long *total_count,
                       size_t *n_entries)
{
    const cJSON *set = page_array(answer, set_key, total_count, n_entries);
    size_t cap = *n;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, set) {
        const cJSON *id = decode_member(entry, id_key);
        if (!cJSON_IsString(id) || !id->valuestring || !id->valuestring[0])
            continue;
        char *grown = array_grow(*items, *n, &cap, elem_size);
        if (!grown)
            return -ENOMEM;
        *items = grown;
        if (decode(entry, grown + *n * elem_size))
            return -ENOMEM;
        (*n)++;
    }
    return 0;
}

static int decode_image_at(const cJSON *obj, void *out) { return decode_image(obj, out); }

int decode_image_page(const cJSON *answer, api_image_list *out, long long *total_count,
                      size_t *n_entries)
{
    void *items = out->items;
    int rc = decode_page(answer, "ImageSet", "CompShareImageId", &items, &out->n,
                         sizeof *out->items, decode_image_at, total_count, n_entries);
    out->items = items;
    return rc;
}
