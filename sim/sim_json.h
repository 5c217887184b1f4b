/* SPDX-License-Identifier: MIT */
/* sim_json.h - adding members to compshare-sim's JSON answers.
 *
 * cJSON_Add* return NULL on ENOMEM; the caller checks the whole tree once by printing
 * it, so the adds are not checked one by one. */
#ifndef SIM_JSON_H
#define SIM_JSON_H

#include <stdio.h>

#include <cjson/cJSON.h>

/* cJSON_AddItemToObject takes ownership of a NULL-free item only, hence this helper. */
static inline void sim_json_add(cJSON *obj, const char *name, cJSON *item)
{
    if (item && !cJSON_AddItemToObject(obj, name, item))
        cJSON_Delete(item);
}

/* A string member; NULL is sent as "" (the API never sends null). */
static inline void sim_json_str(cJSON *obj, const char *name, const char *value)
{
    cJSON_AddStringToObject(obj, name, value ? value : "");
}

/* An integer member (a JSON number without fraction). */
static inline void sim_json_int(cJSON *obj, const char *name, long long value)
{
    cJSON_AddNumberToObject(obj, name, (double)value);
}

/* An integer the schema types as a string ("300"), as the SDKs declare it. */
static inline void sim_json_int_text(cJSON *obj, const char *name, long long value)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", value);
    cJSON_AddStringToObject(obj, name, text);
}

#endif
