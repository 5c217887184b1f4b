/* SPDX-License-Identifier: MIT */
/* api_actions.c - the state-changing calls on an instance or an image: reboot,
 * stop, start, reinstall, rename, terminate, the scheduled stop, the password, and
 * making and deleting a custom image (creating instances: api_create.c). Each is sent
 * with mutating = true, so api_call never resends one that may have run (retry.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_internal.h"
#include "decode.h"
#include "zone.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* Start the params of an action on one instance: Region from its own zone.
 * On failure err is filled and p is freed. */
static int instance_request(api_client *c, params *p, const char *action, const char *zone,
                            const char *uhost_id, api_error *err)
{
    params_init(p);
    int rc = api_required(uhost_id, "instance ID", action, err);
    if (rc)
        return rc;
    bool own_zone = zone && zone[0];
    char region[128];
    zone_region(own_zone ? zone : "", region, sizeof region);
    rc = params_add(p, "Action", action);
    if (!rc && own_zone)
        rc = params_add(p, "Region", region);
    if (!rc && (own_zone || api_client_zone(c)[0])) /* else Region defaults to the configured one */
        rc = params_add(p, "Zone", own_zone ? zone : api_client_zone(c));
    if (!rc)
        rc = params_add(p, "UHostId", uhost_id);
    return api_params_done(p, rc, action, err);
}

/* A parameter of an instance action, left out when its value is NULL or empty. */
typedef struct named_value {
    const char *name, *value;
} named_value;

/* Send action on one instance with the n parameters more, keeping secret
 * (NULL: none) out of every message as api_call_hiding does; the answer in
 * *answer when answer is set. */
static int instance_action(api_client *c, const char *action, const char *zone,
                           const char *uhost_id, const named_value *more, size_t n,
                           const char *secret, cJSON **answer, api_error *err)
{
    params p;
    int rc = instance_request(c, &p, action, zone, uhost_id, err);
    if (rc)
        return rc;
    for (size_t k = 0; !rc && k < n; k++)
        if (more[k].value && more[k].value[0])
            rc = params_add(&p, more[k].name, more[k].value);
    if ((rc = api_params_done(&p, rc, action, err)))
        return rc;
    rc = api_call_hiding(c, &p, true, secret, answer, err);
    params_free(&p);
    return rc;
}

static int simple_instance_action(api_client *c, const char *action, const char *zone,
                                  const char *uhost_id, api_error *err)
{
    return instance_action(c, action, zone, uhost_id, NULL, 0, NULL, NULL, err);
}

int api_reboot(api_client *c, const char *zone, const char *uhost_id, api_error *err)
{
    return simple_instance_action(c, "RebootCompShareInstance", zone, uhost_id, err);
}

int api_stop(api_client *c, const char *zone, const char *uhost_id, api_error *err)
{
    return simple_instance_action(c, "StopCompShareInstance", zone, uhost_id, err);
}

int api_start(api_client *c, const char *zone, const char *uhost_id, api_error *err)
{
    return simple_instance_action(c, "StartCompShareInstance", zone, uhost_id, err);
}

int api_terminate(api_client *c, const char *zone, const char *uhost_id, api_error *err)
{
    return simple_instance_action(c, "TerminateCompShareInstance", zone, uhost_id, err);
}

int api_update_stop_scheduler(api_client *c, const char *zone, const char *uhost_id,
                              long long stop_time, api_error *err)
{
    char when[32];
    snprintf(when, sizeof when, "%lld", stop_time);
    named_value more[] = {{"StopTime", when}};
    return instance_action(c, "UpdateCompShareStopScheduler", zone, uhost_id, more, 1, NULL, NULL,
                           err);
}

int api_delete_stop_scheduler(api_client *c, const char *zone, const char *uhost_id, api_error *err)
{
    return simple_instance_action(c, "DeleteCompShareStopScheduler", zone, uhost_id, err);
}

char *api_base64(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, (int)n);
    return out;
}

void api_secret_free(char *s)
{
    if (s)
        OPENSSL_cleanse(s, strlen(s));
    free(s);
}

int api_reset_password(api_client *c, const char *zone, const char *uhost_id, const char *password,
                       api_error *err)
{
    static const char action[] = "ResetCompShareInstancePassword";
    int rc = api_required(password, "password", action, err);
    if (rc)
        return rc;
    /* The API takes the password base64-encoded; api_call redacts the Password
     * parameter from every message, as given and as sent. */
    char *encoded = api_base64(password);
    if (!encoded)
        return api_local_error(err, action, -ENOMEM, "%s: out of memory", action);
    named_value more[] = {{"Password", encoded}};
    rc = instance_action(c, action, zone, uhost_id, more, 1, password, NULL, err);
    api_secret_free(encoded);
    return rc;
}

int api_reinstall(api_client *c, const char *zone, const char *uhost_id, const char *image_id,
                  const char *password, api_error *err)
{
    static const char action[] = "ReinstallCompShareInstance";
    named_value more[] = {{"CompShareImageId", image_id}, {"Password", password}};
    int rc = api_required(image_id, "image ID", action, err);
    return rc ? rc : instance_action(c, action, zone, uhost_id, more, 2, NULL, NULL, err);
}

int api_rename(api_client *c, const char *zone, const char *uhost_id, const char *name,
               api_error *err)
{
    static const char action[] = "ModifyCompShareInstanceName";
    named_value more[] = {{"Name", name}};
    int rc = api_required(name, "name", action, err);
    return rc ? rc : instance_action(c, action, zone, uhost_id, more, 1, NULL, NULL, err);
}

int api_create_custom_image(api_client *c, const char *zone, const char *uhost_id,
                            const char *name, const char *description, char **image_id_out,
                            api_error *err)
{
    static const char action[] = "CreateCompShareCustomImage";
    if (image_id_out)
        *image_id_out = NULL;
    named_value more[] = {{"Name", name}, {"Description", description}};
    cJSON *answer = NULL;
    int rc = api_required(name, "image name", action, err);
    if (rc || (rc = instance_action(c, action, zone, uhost_id, more, 2, NULL, &answer, err)))
        return rc;
    char *id = decode_string(answer, "CompShareImageId");
    cJSON_Delete(answer);
    if (!id)
        return api_local_error(err, action, -ENOMEM, "%s: out of memory", action);
    if (!id[0]) {
        /* It ran (RetCode 0), but the new image cannot be named. */
        free(id);
        return api_local_error(err, action, -EIO,
                               "%s succeeded but its answer has no CompShareImageId", action);
    }
    if (image_id_out)
        *image_id_out = id;
    else
        free(id);
    return 0;
}

int api_delete_custom_image(api_client *c, const char *image_id, api_error *err)
{
    params p;
    int rc = api_image_request(c, &p, "TerminateCompShareCustomImage", image_id, err);
    if (rc)
        return rc;
    rc = api_call(c, &p, true, NULL, err);
    params_free(&p);
    return rc;
}
