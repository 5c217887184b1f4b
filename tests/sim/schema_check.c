/* SPDX-License-Identifier: MIT */
/* schema_check.c - an API answer against compshare-schema.json (see schema_check.h). */
#include "schema_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void failed(schema_check *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void failed(schema_check *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->last, sizeof k->last, fmt, ap);
    va_end(ap);
    k->failures++;
    if (!k->quiet)
        printf("FAIL - schema: %s\n", k->last);
}

cJSON *schema_load(char *where, size_t len)
{
    const char *env = getenv("COMPSHARE_SCHEMA"), *tests = getenv("TESTS_DIR");
    if (env && *env)
        snprintf(where, len, "%s", env);
    else
        snprintf(where, len, "%s/../../shared/docs/compshare-schema.json", tests ? tests : "tests");
    FILE *f = fopen(where, "rb");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t size = 0, cap = 0, n;
    char buf[65536];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (size + n + 1 > cap) {
            cap = (size + n + 1) * 2;
            char *grown = realloc(text, cap);
            if (!grown)
                break;
            text = grown;
        }
        memcpy(text + size, buf, n);
        size += n;
    }
    fclose(f);
    cJSON *schema = text ? cJSON_ParseWithLength(text, size) : NULL;
    free(text);
    return schema;
}

const cJSON *schema_action(const schema_check *k, const char *action)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(k->schema, "actions"),
                                            action);
}

static const char *kind_of(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return v->valuedouble == floor(v->valuedouble) ? "an integer" : "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "null";
}

static void check_fields(schema_check *k, const char *model, const cJSON *fields, const cJSON *obj,
                         const char *where);

/* The enumerations that state a wire format ("json": "string", e.g. IsBoot "True" /
 * "False", never a bool) bind the value; the others describe meanings. Keys are
 * "Model.Field", or "instance."/"image." for the two main models. */
static void check_enum(schema_check *k, const char *model, const cJSON *field, const char *where)
{
    const cJSON *enums = cJSON_GetObjectItemCaseSensitive(k->schema, "enumerations");
    const char *alias = strcmp(model, "CompShareInstanceSet") == 0 ? "instance"
                        : strcmp(model, "CompShareImage") == 0     ? "image"
                                                                   : model;
    char key[256];
    snprintf(key, sizeof key, "%s.%s", alias, field->string);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(enums, key);
    if (!e || !cJSON_GetObjectItemCaseSensitive(e, "json") || !cJSON_IsString(field))
        return;
    const cJSON *v;
    cJSON_ArrayForEach (v, cJSON_GetObjectItemCaseSensitive(e, "values"))
        if (cJSON_IsString(v) && strcmp(v->valuestring, field->valuestring) == 0)
            return;
    failed(k, "%s: \"%s\" is not one of the values of %s", where, field->valuestring, key);
}

/* value against a type {"kind": "scalar"|"array"|"object", "json"|"items"|"model"}. */
static void check_type(schema_check *k, const cJSON *type, const cJSON *value, const char *where)
{
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "kind"));
    k->fields++;
    if (kind && strcmp(kind, "array") == 0) {
        if (!cJSON_IsArray(value)) {
            failed(k, "%s: %s where the schema has an array", where, kind_of(value));
            return;
        }
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(type, "items");
        int i = 0;
        const cJSON *item;
        cJSON_ArrayForEach (item, value) {
            char at[400];
            snprintf(at, sizeof at, "%s[%d]", where, i++);
            check_type(k, items, item, at);
        }
    } else if (kind && strcmp(kind, "object") == 0) {
        const char *model = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "model"));
        schema_check_model(k, model ? model : "?", value, where);
    } else {
        const char *json = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(type, "json"));
        bool ok = json && ((strcmp(json, "string") == 0 && cJSON_IsString(value)) ||
                           (strcmp(json, "boolean") == 0 && cJSON_IsBool(value)) ||
                           (strcmp(json, "number") == 0 && cJSON_IsNumber(value)) ||
                           (strcmp(json, "integer") == 0 && cJSON_IsNumber(value) &&
                            value->valuedouble == floor(value->valuedouble)));
        if (!ok)
            failed(k, "%s: %s where the schema has %s %s", where, kind_of(value),
                   json && strchr("aeiou", json[0]) ? "an" : "a", json ? json : "(nothing)");
    }
}

/* Every member of obj must be declared in fields (of model), with its type. */
static void check_fields(schema_check *k, const char *model, const cJSON *fields, const cJSON *obj,
                         const char *where)
{
    if (!cJSON_IsObject(obj)) {
        failed(k, "%s: %s where the schema has an object", where, kind_of(obj));
        return;
    }
    const cJSON *m;
    cJSON_ArrayForEach (m, obj) {
        char at[400];
        snprintf(at, sizeof at, "%s.%s", where, m->string);
        const cJSON *def = cJSON_GetObjectItemCaseSensitive(fields, m->string);
        if (!def) {
            failed(k, "%s: a field the schema does not declare there", at);
        } else {
            check_type(k, cJSON_GetObjectItemCaseSensitive(def, "type"), m, at);
            check_enum(k, model, m, at);
        }
    }
}

int schema_check_model(schema_check *k, const char *model, const cJSON *value, const char *where)
{
    int before = k->failures;
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(k->schema, "models"), model);
    if (!fields)
        failed(k, "%s: model %s is not in the schema", where, model);
    else
        check_fields(k, model, fields, value, where);
    return k->failures - before;
}

int schema_check_answer(schema_check *k, const char *action, const cJSON *answer)
{
    int before = k->failures;
    const cJSON *decl = schema_action(k, action);
    if (!decl) {
        failed(k, "%s: the action is not in the schema", action);
        return k->failures - before;
    }
    if (!cJSON_IsObject(answer)) {
        failed(k, "%s: the answer is %s, not an object", action, kind_of(answer));
        return k->failures - before;
    }
    /* The envelope (wire.response_envelope): Action, an integer RetCode, and a Message
     * exactly when RetCode is not 0; an error carries nothing else. */
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(answer, "Action");
    const cJSON *rc = cJSON_GetObjectItemCaseSensitive(answer, "RetCode");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(answer, "Message");
    char want[160];
    snprintf(want, sizeof want, "%sResponse", action);
    if (!cJSON_IsString(act) || strcmp(act->valuestring, want) != 0)
        failed(k, "%s.Action: not the string %s", action, want);
    if (!cJSON_IsNumber(rc) || rc->valuedouble != floor(rc->valuedouble)) {
        failed(k, "%s.RetCode: %s where the envelope has an integer", action, kind_of(rc));
        return k->failures - before;
    }
    bool error = rc->valuedouble != 0;
    if (error != cJSON_IsString(msg))
        failed(k, "%s.Message: %s with RetCode %g", action, msg ? kind_of(msg) : "absent",
               rc->valuedouble);
    k->fields += 2 + (msg != NULL);
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(decl, "response");
    const cJSON *m;
    cJSON_ArrayForEach (m, answer) {
        if (strcmp(m->string, "Action") == 0 || strcmp(m->string, "RetCode") == 0 ||
            strcmp(m->string, "Message") == 0)
            continue;
        char at[400];
        snprintf(at, sizeof at, "%s.%s", action, m->string);
        const cJSON *def = error ? NULL : cJSON_GetObjectItemCaseSensitive(fields, m->string);
        if (!def)
            failed(k, "%s: %s", at,
                   error ? "a field in an error answer" : "a field the schema does not declare");
        else
            check_type(k, cJSON_GetObjectItemCaseSensitive(def, "type"), m, at);
    }
    return k->failures - before;
}
