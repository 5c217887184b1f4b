/* SPDX-License-Identifier: MIT */
/* schema_check.h - checks an API answer against shared/docs/compshare-schema.json:
 * the envelope (Action, RetCode, Message), then every field of the action's response,
 * recursively through the models it nests: each must be declared there, with the
 * declared JSON type (string, integer, number, boolean, array of items, object of a
 * model). A field the schema does not declare for that action or model is a failure. */
#ifndef SCHEMA_CHECK_H
#define SCHEMA_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct schema_check {
    const cJSON *schema;
    int failures;   /* all failures found so far */
    long fields;    /* fields checked so far */
    bool quiet;     /* count failures without printing them (the self-test) */
    char last[512]; /* the last failure */
} schema_check;

/* The schema from $COMPSHARE_SCHEMA, else $TESTS_DIR/../../shared/docs/compshare-schema.json
 * (the repository's ../shared). NULL when it cannot be read: where says where it looked. */
cJSON *schema_load(char *where, size_t len);

/* The action's declaration in the schema, or NULL. */
const cJSON *schema_action(const schema_check *k, const char *action);

/* Check an answer to action; returns the failures it had (0: it conforms). */
int schema_check_answer(schema_check *k, const char *action, const cJSON *answer);

/* Check value as an object of model (failures named after where). */
int schema_check_model(schema_check *k, const char *model, const cJSON *value, const char *where);

#endif
