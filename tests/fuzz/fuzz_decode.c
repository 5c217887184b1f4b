/* SPDX-License-Identifier: MIT */
/* fuzz_decode.c - libFuzzer target: any bytes through the response decoder
 * and every struct decoder. Nothing may crash, leak or read out of bounds,
 * and the Password rule must hold for every input that decodes. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_types.h"
#include "decode.h"
#include "utf8.h"

static int has_password_key(const cJSON *node)
{
    for (const cJSON *c = node ? node->child : NULL; c; c = c->next)
        if ((c->string && strcasestr(c->string, "password")) || has_password_key(c))
            return 1;
    return 0;
}

/* Run every decoder that accepts a JSON value on v. */
static void decode_all(const cJSON *v)
{
    api_instance_list instances = {0};
    api_image_list images = {0};
    long long total;
    size_t n_entries;
    decode_instance_page(v, &instances, &total, &n_entries);
    decode_image_page(v, &images, &total, &n_entries);
    for (size_t i = 0; i < instances.n; i++) {
        api_instance copy;
        if (api_instance_copy(&copy, &instances.items[i]) == 0)
            api_instance_free(&copy);
    }
    api_instance_list_free(&instances);
    api_image_list_free(&images);

    api_instance in;
    if (decode_instance(v, &in) == 0) {
        /* info.json never carries a member named like a password */
        cJSON *back = cJSON_Parse(in.info_json);
        if (!back || has_password_key(back))
            abort();
        cJSON_Delete(back);
        api_instance_free(&in);
    }
    api_image img;
    if (decode_image(v, &img) == 0)
        api_image_free(&img);
    api_progress p;
    decode_progress(v, &p);
    api_zone_list zones;
    if (decode_zone_list(v, &zones) == 0)
        api_zone_list_free(&zones);
    api_inventory stock;
    if (decode_gpu_inventory(v, &stock) == 0)
        api_inventory_free(&stock);
    free(decode_info_json(v));
    free(decode_string(v, "Message"));
    (void)decode_int(v, "TotalCount", -1);
    (void)decode_double(v, "Process", 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *json = NULL;
    int retcode;
    char msg[512];
    if (decode_answer((const char *)data, size, &json, &retcode, msg, sizeof msg) == 0) {
        if (!json || retcode < 0 || strlen(msg) >= sizeof msg)
            abort();
        decode_all(json);
        cJSON_Delete(json);
    } else {
        /* not an answer: the struct decoders must still survive any JSON */
        cJSON *any = cJSON_ParseWithLength((const char *)data, size);
        if (any) {
            decode_all(any);
            cJSON_Delete(any);
        }
    }

    /* the one-line cleaner on raw bytes */
    char *text = malloc(size + 1);
    if (text) {
        memcpy(text, data, size);
        text[size] = '\0';
        char line[64];
        utf8_clean_line(line, sizeof line, text);
        for (const char *c = line; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                abort();
        free(text);
    }
    return 0;
}
