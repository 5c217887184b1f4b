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

static int join_name(char **out, const char *prefix, const char *name)
{
    if (!prefix || !*prefix)
        *out = strdup(name);
    else if (asprintf(out, "%s.%s", prefix, name) < 0)
        *out = NULL;
    return *out ? 0 : -ENOMEM;
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
            char *elem;
            if (asprintf(&elem, "%s.%zu", name, i++) < 0)
                return -ENOMEM;
            int rc = flatten_value(p, item, elem);
            free(elem);
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
        char *name;
        if (!v->string)
            return -EINVAL;
        if (join_name(&name, prefix, v->string))
            return -ENOMEM;
        int rc = flatten_value(p, v, name);
        free(name);
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
