/* decode.c - lenient decoding of CompShare API answers (see decode.h).
 *
 * Every reader takes whatever JSON type arrives and either makes sense of it
 * (numeric strings, floats for integers) or falls back to a default, because
 * the published API and SDKs disagree on several field types and a hostile
 * server may send anything. */
#include "decode.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"

/* ---- clean one-line text ---- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_seq_len(const unsigned char *s)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL terminator */
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Write src cleaned into dst, using at most limit bytes (no NUL counted).
 * Returns the bytes written; *complete tells whether all of src fit. */
static size_t clean_into(char *dst, size_t limit, const char *src, bool *complete)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t out = 0;
    while (*s) {
        size_t n = utf8_seq_len(s);
        char one;
        const char *piece = (const char *)s;
        size_t piece_len = n;
        if (n == 0) {
            one = '?';
            piece = &one;
            piece_len = 1;
            n = 1;
        } else if (n == 1 && (*s < 0x20 || *s == 0x7F)) {
            one = ' ';
            piece = &one;
            piece_len = 1;
        }
        if (out + piece_len > limit) {
            *complete = false;
            return out;
        }
        memcpy(dst + out, piece, piece_len);
        out += piece_len;
        s += n;
    }
    *complete = true;
    return out;
}

void decode_clean_text(char *dst, size_t dst_len, const char *src)
{
    if (!dst || dst_len == 0)
        return;
    if (!src)
        src = "";
    bool complete;
    size_t n = clean_into(dst, dst_len - 1, src, &complete);
    if (!complete && dst_len > 4) {
        n = clean_into(dst, dst_len - 4, src, &complete);
        while (n > 0 && dst[n - 1] == ' ')
            n--;
        memcpy(dst + n, "...", 3);
        n += 3;
    }
    while (n > 0 && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
}

/* ---- scalar readers ---- */

static const cJSON *member(const cJSON *obj, const char *key)
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

static long long item_int(const cJSON *item, long long def)
{
    long long exact;
    if (cJSON_IsString(item) && item->valuestring &&
        parse_integer_text(item->valuestring, &exact))
        return exact;
    double d;
    return item_double(item, &d) ? saturate(d) : def;
}

static char *item_string(const cJSON *item)
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
    return item_int(member(obj, key), def);
}

double decode_double(const cJSON *obj, const char *key, double def)
{
    double d;
    return item_double(member(obj, key), &d) ? d : def;
}

char *decode_string(const cJSON *obj, const char *key)
{
    return item_string(member(obj, key));
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
    const cJSON *rc = member(root, "RetCode");
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
        decode_clean_text(msg, msg_len, message);
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

/* Collects string fields; remembers an allocation failure so that the
 * decoders stay linear and check once at the end. */
typedef struct field_reader {
    bool oom;
} field_reader;

static char *take(field_reader *r, char *s)
{
    if (!s)
        r->oom = true;
    return s;
}

static char *str(field_reader *r, const cJSON *obj, const char *key)
{
    return take(r, decode_string(obj, key));
}

/* Append to a growing array of elem_size elements; NULL on ENOMEM. */
static void *grow(void *items, size_t n, size_t *cap, size_t elem_size)
{
    if (n < *cap)
        return items;
    size_t cap2 = *cap ? *cap * 2 : 8;
    void *p = realloc(items, cap2 * elem_size);
    if (p)
        *cap = cap2;
    return p;
}

static void decode_ips(field_reader *r, const cJSON *obj, api_instance *out)
{
    const cJSON *set = member(obj, "IPSet");
    if (!cJSON_IsArray(set))
        return;
    size_t cap = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, set) {
        const cJSON *ip = member(entry, "IP");
        if (!cJSON_IsString(ip) || !ip->valuestring || !ip->valuestring[0])
            continue;
        char **ips = grow(out->ips, out->n_ips, &cap, sizeof *ips);
        char *copy = ips ? strdup(ip->valuestring) : NULL;
        if (ips)
            out->ips = ips;
        if (!copy) {
            r->oom = true;
            return;
        }
        out->ips[out->n_ips++] = copy;
    }
}

static void decode_monitor(field_reader *r, const cJSON *obj, api_instance *out)
{
    const cJSON *mon = member(obj, "MonitorMessages");
    out->cpu_usage_rate = str(r, mon, "CpuUsageRate");
    out->mem_usage_rate = str(r, mon, "MemUsageRate");
    const cJSON *gpus = member(mon, "GpuInfo");
    if (!cJSON_IsArray(gpus))
        return;
    size_t cap = 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, gpus) {
        if (!cJSON_IsObject(g))
            continue;
        api_gpu_usage *items = grow(out->gpus, out->n_gpus, &cap, sizeof *items);
        if (!items) {
            r->oom = true;
            return;
        }
        out->gpus = items;
        api_gpu_usage *u = &out->gpus[out->n_gpus++];
        u->gpu = str(r, g, "GPU");
        u->gpu_usage_rate = str(r, g, "GpuUsageRate");
        u->memory_usage_rate = str(r, g, "MemoryUsageRate");
    }
}

int decode_instance(const cJSON *obj, api_instance *out)
{
    memset(out, 0, sizeof *out);
    field_reader r = {false};
    out->uhost_id = str(&r, obj, "UHostId");
    out->name = str(&r, obj, "Name");
    out->tag = str(&r, obj, "Tag");
    out->remark = str(&r, obj, "Remark");
    out->zone = str(&r, obj, "Zone");
    out->state = str(&r, obj, "State");
    out->image_id = str(&r, obj, "CompShareImageId");
    out->image_name = str(&r, obj, "CompShareImageName");
    out->image_type = str(&r, obj, "CompShareImageType");
    out->instance_type = str(&r, obj, "InstanceType");
    out->machine_type = str(&r, obj, "MachineType");
    out->cpu_platform = str(&r, obj, "CpuPlatform");
    out->cpu_arch = str(&r, obj, "CpuArch");
    out->gpu_type = str(&r, obj, "GpuType");
    out->ssh_login_command = str(&r, obj, "SshLoginCommand");
    out->charge_type = str(&r, obj, "ChargeType");
    out->auto_renew = str(&r, obj, "AutoRenew");
    out->is_expire = str(&r, obj, "IsExpire");

    out->cpu = decode_int(obj, "CPU", 0);
    out->memory_mb = decode_int(obj, "Memory", 0);
    out->gpu_count = decode_int(obj, "GPU", 0);
    /* Documented as GraphicsMemory.Value; a bare number is accepted too. */
    const cJSON *gm = member(obj, "GraphicsMemory");
    out->gpu_memory_gb = cJSON_IsObject(gm) ? decode_int(gm, "Value", 0) : item_int(gm, 0);
    out->create_time = decode_int(obj, "CreateTime", 0);
    out->expire_time = decode_int(obj, "ExpireTime", 0);
    out->start_time = decode_int(obj, "StartTime", 0);
    out->update_time = decode_int(obj, "UpdateTime", 0);
    out->stop_time = decode_int(obj, "StopTime", 0);
    out->price = decode_double(obj, "InstancePrice", 0.0);

    decode_ips(&r, obj, out);
    decode_monitor(&r, obj, out);
    out->info_json = take(&r, cJSON_IsObject(obj) ? decode_info_json(obj) : strdup("{\n}"));
    if (r.oom) {
        api_instance_free(out);
        return -ENOMEM;
    }
    return 0;
}

int decode_image(const cJSON *obj, api_image *out)
{
    memset(out, 0, sizeof *out);
    field_reader r = {false};
    out->image_id = str(&r, obj, "CompShareImageId");
    out->name = str(&r, obj, "Name");
    out->image_type = str(&r, obj, "ImageType");
    out->status = str(&r, obj, "Status");
    out->description = str(&r, obj, "Description");
    out->failed_reason = str(&r, obj, "FailedReason");
    const cJSON *container = member(obj, "Container");
    if (cJSON_IsBool(container)) /* the documented form is the string "True"/"False" */
        out->container = take(&r, strdup(cJSON_IsTrue(container) ? "True" : "False"));
    else
        out->container = take(&r, item_string(container));
    out->size_mb = decode_int(obj, "Size", 0);
    out->create_time = decode_int(obj, "CreateTime", 0);
    out->info_json = take(&r, cJSON_IsObject(obj) ? decode_info_json(obj) : strdup("{\n}"));
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
    const cJSON *set = member(answer, key);
    if (!cJSON_IsArray(set))
        set = NULL;
    *n_entries = set ? (size_t)cJSON_GetArraySize(set) : 0;
    return set;
}

int decode_instance_page(const cJSON *answer, api_instance_list *out, long long *total_count,
                         size_t *n_entries)
{
    const cJSON *set = page_array(answer, "UHostSet", total_count, n_entries);
    size_t cap = out->n; /* the list may hold exactly n: grow on the first append */
    const cJSON *entry;
    cJSON_ArrayForEach(entry, set) {
        const cJSON *id = member(entry, "UHostId");
        if (!cJSON_IsString(id) || !id->valuestring || !id->valuestring[0])
            continue;
        api_instance *items = grow(out->items, out->n, &cap, sizeof *items);
        if (!items)
            return -ENOMEM;
        out->items = items;
        if (decode_instance(entry, &out->items[out->n]))
            return -ENOMEM;
        out->n++;
    }
    return 0;
}

int decode_image_page(const cJSON *answer, api_image_list *out, long long *total_count,
                      size_t *n_entries)
{
    const cJSON *set = page_array(answer, "ImageSet", total_count, n_entries);
    size_t cap = out->n;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, set) {
        const cJSON *id = member(entry, "CompShareImageId");
        if (!cJSON_IsString(id) || !id->valuestring || !id->valuestring[0])
            continue;
        api_image *items = grow(out->items, out->n, &cap, sizeof *items);
        if (!items)
            return -ENOMEM;
        out->items = items;
        if (decode_image(entry, &out->items[out->n]))
            return -ENOMEM;
        out->n++;
    }
    return 0;
}
