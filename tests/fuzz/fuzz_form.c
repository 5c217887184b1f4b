/* SPDX-License-Identifier: MIT */
/* fuzz_form.c - libFuzzer target: params_form_decode on any bytes. Whatever
 * decodes must encode and decode back to the same parameters, and signing
 * them must work. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    params p;
    params_init(&p);
    if (params_form_decode(&p, (const char *)data, size) == 0) {
        char *body = params_form_encode(&p);
        if (body) {
            params again;
            params_init(&again);
            if (params_form_decode(&again, body, strlen(body)) != 0 || again.n != p.n)
                abort();
            for (size_t i = 0; i < p.n; i++)
                if (strcmp(p.items[i].name, again.items[i].name) != 0 ||
                    strcmp(p.items[i].value, again.items[i].value) != 0)
                    abort();
            params_free(&again);
            free(body);
        }
        char sig[SIGN_HEX_LEN + 1];
        if (sign_params(&p, "fuzz-private-key", sig) == 0)
            (void)sign_verify(&p, "fuzz-private-key");
    }
    params_free(&p);
    return 0;
}
