/* SPDX-License-Identifier: MIT */
/* test_sign.c - the request signature and the encoding of parameters. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "params.h"
#include "sign.h"

static const char *PUB = "ucloudsomeone@example.com1296235120854146120";
static const char *PRIV = "46f09bb9fab4f12dfc160dae12273d5332b5debe";

/* p, signed with PRIV, gives the signature of the API reference's example. */
static void assert_reference_signature(const params *p)
{
    char sig[SIGN_HEX_LEN + 1];
    assert_int_equal(sign_params(p, PRIV, sig), 0);
    assert_string_equal(sig, "cba5cf5ec4d4233d206b1b54951e3787350a642f");
}

/* The public test vector from the API reference. */
static void test_public_vector(void **state)
{
    params p;
    params_init(&p);
    params_add(&p, "Action", "DescribeUHostInstance");
    params_add(&p, "Region", "cn-bj2");
    params_add_int(&p, "Limit", 10);
    params_add(&p, "PublicKey", PUB);
    assert_reference_signature(&p);
    params_free(&p);
}

/* Order of insertion does not matter, and an existing Signature is ignored. */
static void test_order_and_signature_excluded(void **state)
{
    params p;
    params_init(&p);
    params_add(&p, "PublicKey", PUB);
    params_add_int(&p, "Limit", 10);
    params_add(&p, "Signature", "deadbeef");
    params_add(&p, "Region", "cn-bj2");
    params_add(&p, "Action", "DescribeUHostInstance");
    assert_reference_signature(&p);
    params_free(&p);
}

static void test_verify(void **state)
{
    params p;
    params_init(&p);
    params_add(&p, "Action", "DescribeUHostInstance");
    params_add(&p, "Region", "cn-bj2");
    params_add(&p, "Limit", "10");
    params_add(&p, "PublicKey", PUB);
    assert_int_equal(sign_verify(&p, PRIV), -ENOENT);
    params_add(&p, "Signature", "CBA5CF5EC4D4233D206B1B54951E3787350A642F");
    assert_int_equal(sign_verify(&p, PRIV), 0);
    params_add(&p, "Signature", "cba5cf5ec4d4233d206b1b54951e3787350a642e");
    assert_int_equal(sign_verify(&p, PRIV), -EACCES);
    assert_int_equal(sign_verify(&p, "another-private-key"), -EACCES);
    params_free(&p);
}

static void test_value_formats(void **state)
{
    params p;
    params_init(&p);
    params_add_bool(&p, "B", true);
    params_add_bool(&p, "F", false);
    params_add_double(&p, "D1", 42.0);
    params_add_double(&p, "D2", 0.5);
    params_add_double(&p, "D3", 1e6);
    params_add_double(&p, "D4", 0.0000001);
    params_add_double(&p, "D5", -3.25);
    params_add_indexed(&p, "UHostIds", 0, "uhost-a");
    params_add_indexed(&p, "UHostIds", 1, "uhost-b");
    assert_string_equal(params_get(&p, "B"), "true");
    assert_string_equal(params_get(&p, "F"), "false");
    assert_string_equal(params_get(&p, "D1"), "42");
    assert_string_equal(params_get(&p, "D2"), "0.5");
    assert_string_equal(params_get(&p, "D3"), "1000000");
    assert_string_equal(params_get(&p, "D4"), "0.0000001");
    assert_string_equal(params_get(&p, "D5"), "-3.25");
    assert_string_equal(params_get(&p, "UHostIds.0"), "uhost-a");
    assert_string_equal(params_get(&p, "UHostIds.1"), "uhost-b");
    params_free(&p);
}

/* Signs the name, value pairs (up to a NULL name), added in that order, with key. */
static void sign_pairs(const char *key, char *sig, const char *const *pairs)
{
    params p;
    params_init(&p);
    for (; *pairs; pairs += 2)
        params_add(&p, pairs[0], pairs[1]);
    assert_int_equal(sign_params(&p, key, sig), 0);
    params_free(&p);
}

/* UTF-8 values are signed as raw bytes (not escaped), and a sorted order
 * puts "UHostIds.10" before "UHostIds.2" (byte order). */
static void test_utf8_and_byte_order(void **state)
{
    char sa[SIGN_HEX_LEN + 1], sb[SIGN_HEX_LEN + 1];
    sign_pairs("k", sa,
               (const char *[]){"Name", "训练机", "UHostIds.10", "x", "UHostIds.2", "y", NULL});
    sign_pairs("k", sb,
               (const char *[]){"UHostIds.2", "y", "UHostIds.10", "x", "Name", "训练机", NULL});
    assert_string_equal(sa, sb);
    /* SHA-1("Name训练机UHostIds.10xUHostIds.2yk"), computed independently with sha1sum */
    assert_string_equal(sa, "dde1aa02bdc46d7cd7853ac8b97ba8f6360444ce");
}

static void test_form_roundtrip(void **state)
{
    params p, q;
    params_init(&p);
    params_init(&q);
    params_add(&p, "Name", "训练机 a&b=c+d%");
    params_add(&p, "Empty", "");
    char *body = params_form_encode(&p);
    assert_non_null(body);
    assert_null(strchr(body, ' '));
    assert_int_equal(params_form_decode(&q, body, strlen(body)), 0);
    assert_string_equal(params_get(&q, "Name"), "训练机 a&b=c+d%");
    assert_string_equal(params_get(&q, "Empty"), "");
    free(body);
    params_free(&q);
    params_init(&q);
    assert_int_equal(params_form_decode(&q, "a=%4", 4), -EINVAL);
    params_free(&q);
    params_init(&q);
    assert_int_equal(params_form_decode(&q, "a=x+y&b", 7), 0);
    assert_string_equal(params_get(&q, "a"), "x y");
    assert_string_equal(params_get(&q, "b"), "");
    params_free(&q);
    params_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_vector),
        cmocka_unit_test(test_order_and_signature_excluded),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_value_formats),
        cmocka_unit_test(test_utf8_and_byte_order),
        cmocka_unit_test(test_form_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
