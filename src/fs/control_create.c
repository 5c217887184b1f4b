/* SPDX-License-Identifier: MIT */
/* control_create.c - `create KEY=VALUE ...` written to the root's ctl:
 *
 *   create gpu_type=4090 gpus=1 cpu=16 memory_mb=65536 image=compshareImage-x
 *          [name=NAME] [zone=ZONE] [machine_type=G] [disk_gb=N]
 *          [charge_type=Dynamic] [count=N]
 *
 * Every key is checked against what CreateCompShareInstance accepts before
 * anything is sent: an unknown or repeated key, a missing required one, a
 * number out of range or a value of the wrong form is EINVAL. Values hold no
 * blanks. The zone may come from the mount's zone option (the tree fills it
 * in); charge_type is Dynamic (hourly) unless given, never the API's own
 * default (monthly). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_internal.h"
#include "why.h"

/* What CreateCompShareInstance takes (compshare-schema.json). */
static const char *const CHARGE_TYPES[] = {"Dynamic", "Postpay", "Day", "Month", "Spot"};
static const char *const MACHINE_TYPES[] = {"G", "N", "C", "O", "OS", "OM", "OPRO", "OMAX",
                                            "O.BM", "O.EPC"};

typedef enum key_kind { K_WORD, K_ID, K_NAME, K_NUMBER, K_ONE_OF } key_kind;

typedef struct key_def {
    const char *key;
    key_kind kind;
    bool required;
    long long min, max;            /* K_NUMBER */
    const char *const *values;     /* K_ONE_OF */
    size_t n_values;
} key_def;

#define N(a) (sizeof a / sizeof a[0])
static const key_def KEYS[] = {
    {"gpu_type", K_WORD, true, 0, 0, NULL, 0},
    {"gpus", K_NUMBER, true, 1, 64, NULL, 0},
    {"cpu", K_NUMBER, true, 1, 64, NULL, 0},
    {"memory_mb", K_NUMBER, true, 1024, 262144, NULL, 0},
    {"image", K_ID, true, 0, 0, NULL, 0},
    {"name", K_NAME, false, 0, 0, NULL, 0},
    {"zone", K_WORD, false, 0, 0, NULL, 0},
    {"machine_type", K_ONE_OF, false, 0, 0, MACHINE_TYPES, N(MACHINE_TYPES)},
    {"disk_gb", K_NUMBER, false, 20, 65536, NULL, 0},
    {"charge_type", K_ONE_OF, false, 0, 0, CHARGE_TYPES, N(CHARGE_TYPES)},
    {"count", K_NUMBER, false, 1, CONTROL_CREATE_MAX, NULL, 0},
};

static int check_value(const key_def *k, const char *v, size_t n, long long *number, char *why,
                       size_t why_len)
{
    char shown[48];
    control_quote(v, n, shown, sizeof shown);
    switch (k->kind) {
    case K_NUMBER: {
        long long x = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i] < '0' || v[i] > '9' || (x = x * 10 + (v[i] - '0')) > k->max)
                return why_set(why, why_len, -EINVAL, "create: %s=%s: a number from %lld to %lld",
                               k->key, shown, k->min, k->max);
        if (n == 0 || x < k->min)
            return why_set(why, why_len, -EINVAL, "create: %s=%s: a number from %lld to %lld",
                           k->key, shown, k->min, k->max);
        if (strcmp(k->key, "memory_mb") == 0 && x % 1024)
            return why_set(why, why_len, -EINVAL, "create: memory_mb=%s: a multiple of 1024", shown);
        *number = x;
        return 0;
    }
    case K_ONE_OF:
        for (size_t i = 0; i < k->n_values; i++)
            if (strlen(k->values[i]) == n && memcmp(k->values[i], v, n) == 0)
                return 0;
        return why_set(why, why_len, -EINVAL, "create: %s=%s is not one the API takes", k->key,
                       shown);
    case K_NAME:
        return control_check_name(v, n, "create: name", why, why_len);
    case K_ID:
    case K_WORD:
        return control_check_id(v, n, k->key, why, why_len);
    }
    return -EINVAL;
}

/* Every text value was checked against its key's limits before it gets here, and
 * each field is sized for the longest value the check lets through; the bound
 * below only keeps the copy safe if the two ever drift apart. */
static void copy_text(char *dst, size_t cap, const char *v, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static void store(control_create *c, const key_def *k, const char *v, size_t n, long long number)
{
    if (strcmp(k->key, "gpu_type") == 0)
        copy_text(c->gpu_type, sizeof c->gpu_type, v, n);
    else if (strcmp(k->key, "gpus") == 0)
        c->gpus = (int)number;
    else if (strcmp(k->key, "cpu") == 0)
        c->cpu = (int)number;
    else if (strcmp(k->key, "memory_mb") == 0)
        c->memory_mb = number;
    else if (strcmp(k->key, "image") == 0)
        copy_text(c->image, sizeof c->image, v, n);
    else if (strcmp(k->key, "name") == 0)
        copy_text(c->name, sizeof c->name, v, n);
    else if (strcmp(k->key, "zone") == 0)
        copy_text(c->zone, sizeof c->zone, v, n);
    else if (strcmp(k->key, "machine_type") == 0)
        copy_text(c->machine_type, sizeof c->machine_type, v, n);
    else if (strcmp(k->key, "disk_gb") == 0)
        c->disk_gb = (int)number;
    else if (strcmp(k->key, "charge_type") == 0)
        copy_text(c->charge_type, sizeof c->charge_type, v, n);
    else
        c->count = (int)number;
}

int control_parse_create(const char *s, size_t n, control_cmd *out, char *why, size_t why_len)
{
    control_create *c = &out->create;
    memset(c, 0, sizeof *c);
    snprintf(c->machine_type, sizeof c->machine_type, "G");
    snprintf(c->charge_type, sizeof c->charge_type, "Dynamic");
    c->count = 1;
    bool seen[N(KEYS)] = {false};
    for (size_t i = 0; i < n;) {
        while (i < n && control_is_blank(s[i]))
            i++;
        size_t start = i;
        while (i < n && !control_is_blank(s[i]))
            i++;
        if (start == i)
            break;
        const char *word = s + start, *eq = memchr(word, '=', i - start);
        char shown[48];
        control_quote(word, i - start, shown, sizeof shown);
        if (!eq)
            return why_set(why, why_len, -EINVAL, "create: \"%s\" is not KEY=VALUE", shown);
        size_t klen = (size_t)(eq - word), vlen = i - start - klen - 1;
        size_t k = 0;
        while (k < N(KEYS) && !(strlen(KEYS[k].key) == klen && memcmp(KEYS[k].key, word, klen) == 0))
            k++;
        if (k == N(KEYS))
            return why_set(why, why_len, -EINVAL,
                           "create: unknown key in \"%s\": gpu_type, gpus, cpu, memory_mb, image, "
                           "name, zone, machine_type, disk_gb, charge_type, count",
                           shown);
        if (seen[k])
            return why_set(why, why_len, -EINVAL, "create: %s given twice", KEYS[k].key);
        long long number = 0;
        int rc = check_value(&KEYS[k], eq + 1, vlen, &number, why, why_len);
        if (rc)
            return rc;
        seen[k] = true;
        store(c, &KEYS[k], eq + 1, vlen, number);
    }
    for (size_t k = 0; k < N(KEYS); k++)
        if (KEYS[k].required && !seen[k])
            return why_set(why, why_len, -EINVAL,
                           "create: %s is missing (needed: gpu_type, gpus, cpu, memory_mb, image)",
                           KEYS[k].key);
    out->verb = CTL_CREATE;
    return 0;
}
