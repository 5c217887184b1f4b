/* SPDX-License-Identifier: MIT */
/* sign.c - SHA-1 request signature shared by the client and compshare-sim. */
#include "sign.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static int by_name(const void *a, const void *b)
{
    /* strcmp compares as unsigned char: ascending byte order, as documented. */
    return strcmp((*(const param *const *)a)->name, (*(const param *const *)b)->name);
}

int sign_params(const params *p, const char *private_key, char out[SIGN_HEX_LEN + 1])
{
    const param **sorted = malloc((p->n ? p->n : 1) * sizeof *sorted);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!sorted || !md) {
        free(sorted);
        EVP_MD_CTX_free(md);
        return -ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].name, "Signature") != 0)
            sorted[n++] = &p->items[i];
    qsort(sorted, n, sizeof *sorted, by_name);

    /* Hash incrementally: the concatenated string, which holds the private key,
     * never exists in memory as a whole. */
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    int ok = EVP_DigestInit_ex(md, EVP_sha1(), NULL);
    for (size_t i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(md, sorted[i]->name, strlen(sorted[i]->name)) &&
             EVP_DigestUpdate(md, sorted[i]->value, strlen(sorted[i]->value));
    ok = ok && EVP_DigestUpdate(md, private_key, strlen(private_key)) &&
         EVP_DigestFinal_ex(md, digest, &dlen);
    EVP_MD_CTX_free(md);
    free(sorted);
    if (!ok)
        return -ENOMEM;

    static const char hex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < dlen && i < SIGN_HEX_LEN / 2; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[SIGN_HEX_LEN] = '\0';
    OPENSSL_cleanse(digest, sizeof digest);
    return 0;
}

int sign_verify(const params *p, const char *private_key)
{
    const char *given = params_get(p, "Signature");
    if (!given || !*given)
        return -ENOENT;
    char want[SIGN_HEX_LEN + 1];
    int rc = sign_params(p, private_key, want);
    if (rc)
        return rc;
    /* Accept upper-case hex too; compare in constant time. */
    char norm[SIGN_HEX_LEN + 1] = {0};
    size_t len = strlen(given);
    for (size_t i = 0; i < SIGN_HEX_LEN && i < len; i++)
        norm[i] = (given[i] >= 'A' && given[i] <= 'F') ? (char)(given[i] - 'A' + 'a') : given[i];
    int same = len == SIGN_HEX_LEN && CRYPTO_memcmp(norm, want, SIGN_HEX_LEN) == 0;
    return same ? 0 : -EACCES;
}
