/* SPDX-License-Identifier: MIT */
/* sim_request.c - reading an API request body into parameters: form bodies through
 * params_form_decode (the client's own decoder), JSON bodies through cJSON and a
 * flattening that matches the SDKs' request encoding. */
#include "sim_request.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool media_type_is(const char *content_type, const char *type)
{
    size_t n = strlen(type);
    while (*content_type == ' ')
        content_type++;
    /* "application/json; charset=utf-8" is application/json. */
    return strncasecmp(content_type, type, n) == 0 &&
           (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

/* An object member's name: prefix.name, or name alone at the top. NULL: no memory. */
static char *member_name(const char *prefix, const char *name)
{
    char *out;
    if (!prefix || !*prefix)
        return strdup(name);
    return asprintf(&out, "%s.%s", prefix, name) < 0 ? NULL : out;
}

/* An array element's name: name.i, whatever name is. NULL: no memory. */
static char *element_name(const char *name, size_t i)
{
    char *out;
    return asprintf(&out, "%s.%zu", name, i) < 0 ? NULL : out;
}

static int flatten_value(params *p, const cJSON *v, const char *name);

/* v under name, which this frees; name NULL (it could not be made): -ENOMEM. */
static int flatten_named(params *p, const cJSON *v, char *name)
{
    if (!name)
        return -ENOMEM;
    int rc = flatten_value(p, v, name);
    free(name);
    return rc;
}

static int flatten_value(params *p, const cJSON *v, const char *name)
{
    if (cJSON_IsNull(v))
        return 0; /* an SDK leaves a nil field out */
    if (cJSON_IsObject(v))
        return sim_request_flatten_json(p, v, name);
    if (cJSON_IsArray(v)) {
        size_t i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, v) {
            int rc = flatten_named(p, item, element_name(name, i++));
            if (rc)
                return rc;
        }
        return 0;
    }
    if (cJSON_IsBool(v))
        return params_add_bool(p, name, cJSON_IsTrue(v));
    if (cJSON_IsNumber(v))
        return params_add_double(p, name, v->valuedouble);
    if (cJSON_IsString(v))
        return params_add(p, name, v->valuestring);
    return -EINVAL;
}

int sim_request_flatten_json(params *p, const cJSON *obj, const char *prefix)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, obj) {
        if (!v->string)
            return -EINVAL;
        int rc = flatten_named(p, v, member_name(prefix, v->string));
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_json(params *p, const char *body, size_t len, char *why, size_t whylen)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, false);
    bool trailing = false;
    for (const char *c = end; root && c && c < body + len; c++)
        trailing |= !(*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n');
    if (!root || trailing) {
        cJSON_Delete(root);
        snprintf(why, whylen, "the body is not valid JSON");
        return -EINVAL;
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        snprintf(why, whylen, "a JSON body must be an object");
        return -EINVAL;
    }
    int rc = sim_request_flatten_json(p, root, NULL);
    cJSON_Delete(root);
    if (rc == -EINVAL)
        snprintf(why, whylen, "the JSON body cannot be flattened into parameters");
    return rc;
}

int sim_request_parse_body(params *p, const char *content_type, const char *body, size_t len,
                           char *why, size_t whylen)
{
    if (len == 0)
        return 0;
    if (memchr(body, '\0', len)) {
        snprintf(why, whylen, "the body contains a NUL byte");
        return -EINVAL;
    }
    bool json;
    if (!content_type || !*content_type) {
        /* No type: sniff, as lenient gateways do. */
        size_t i = 0;
        while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
            i++;
        json = i < len && body[i] == '{';
    } else if (media_type_is(content_type, "application/json")) {
        json = true;
    } else if (media_type_is(content_type, "application/x-www-form-urlencoded")) {
        json = false;
    } else {
        snprintf(
            why, whylen,
            "unsupported Content-Type (use application/x-www-form-urlencoded or application/json)");
        return -ENOTSUP;
    }
    if (json)
        return parse_json(p, body, len, why, whylen);
    int rc = params_form_decode(p, body, len);
    if (rc == -EINVAL)
        snprintf(why, whylen, "malformed %%-escape in the form body");
    return rc;
}
