/* SPDX-License-Identifier: MIT */
/* test_errmap.c - every row of docs/errors.md maps to its errno, and the
 * transport failures map to the errno classes of the README. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "errmap.h"

typedef struct row {
    int retcode;
    const char *message;
    int err;
} row;

/* The catalog, with the messages compshare-sim sends. */
static const row catalog[] = {
    {160, "Missing Action", -EIO},
    {161, "Action [FooBar] not found", -EIO},
    {170, "Missing signature", -EACCES},
    {171, "Signature VerifyAC Error", -EACCES},
    {172, "User not exist", -EACCES},
    {230, "Missing params [UHostId]", -EINVAL},
    {231, "Params [Limit] not valid", -EINVAL},
    {8039, "InstanceNotFound: uhost-1a2b3c4d", -ENOENT},
    {8040, "ImageNotFound: compshareImage-xyz", -ENOENT},
    {8041, "InvalidInstanceState: instance uhost-1a2b3c4d is Stopped; reboot needs Running",
     -EPERM},
    {8042, "InstanceOperationInProgress: instance uhost-1 is busy with reboot (about 20 s left)",
     -EBUSY},
    {8043, "InstanceImageMaking: a custom image is being made", -EBUSY},
    {8044, "ImageNameDuplicate: name already used", -EEXIST},
    {8045, "InsufficientGpuStock: 0 H20 GPUs free in cn-wlcb-02 (Exclusive), 1 asked", -ENOSPC},
    {231, "Params [StopTime] not valid: the time is in the past", -EINVAL},
    {8043, "ImageMaking: custom image compshareImage-x is still being made", -EBUSY},
    {150, "Service temporarily unavailable", -EIO},
    {153, "Request throttled", -EAGAIN},
    {110, "API response timeout", -ETIMEDOUT},
};

static void test_catalog_rows(void **state)
{
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++) {
        int got = errmap_retcode(catalog[i].retcode, catalog[i].message);
        if (got != catalog[i].err)
            fail_msg("RetCode %d \"%s\": got %s, want %s", catalog[i].retcode,
                     catalog[i].message, errmap_name(got), errmap_name(catalog[i].err));
    }
}

/* The message wins over the number: real product errors have other codes. */
static void test_message_words_any_code(void **state)
{
    assert_int_equal(errmap_retcode(12345, "instanceoperationinprogress"), -EBUSY);
    assert_int_equal(errmap_retcode(99, "the uhost does not exist"), -ENOENT);
    assert_int_equal(errmap_retcode(99, "Resource Not Found"), -ENOENT);
    assert_int_equal(errmap_retcode(99, "bad instance state"), -EPERM);
    assert_int_equal(errmap_retcode(99, "Name already exists"), -EEXIST);
    assert_int_equal(errmap_retcode(99, "4090 is sold out in this zone"), -ENOSPC);
    assert_int_equal(errmap_retcode(99, "GPU out of stock"), -ENOSPC);
    /* the lock is EBUSY even when the text also says "state" */
    assert_int_equal(errmap_retcode(8042, "InstanceOperationInProgress: state Rebooting"),
                     -EBUSY);
}

static void test_codes_without_words(void **state)
{
    assert_int_equal(errmap_retcode(0, ""), 0);
    assert_int_equal(errmap_retcode(110, ""), -ETIMEDOUT);
    assert_int_equal(errmap_retcode(153, NULL), -EAGAIN);
    for (int rc = 170; rc <= 174; rc++)
        assert_int_equal(errmap_retcode(rc, ""), -EACCES);
    for (int rc = 292; rc <= 299; rc++)
        assert_int_equal(errmap_retcode(rc, ""), -EACCES);
    assert_int_equal(errmap_retcode(250, ""), -EINVAL);
    assert_int_equal(errmap_retcode(130, ""), -EIO);
    assert_int_equal(errmap_retcode(5000, "something else"), -EIO);
    /* 161 and 172 are classified by code even though the words match ENOENT */
    assert_int_equal(errmap_retcode(172, "User not exist"), -EACCES);
    assert_int_equal(errmap_retcode(161, "Action not found"), -EIO);
}

static void test_transport(void **state)
{
    assert_int_equal(errmap_transport(TRANSPORT_NOT_SENT, 0), -EIO);
    assert_int_equal(errmap_transport(TRANSPORT_TIMEOUT_SENT, 0), -ETIMEDOUT);
    assert_int_equal(errmap_transport(TRANSPORT_BROKEN_SENT, 0), -EIO);
    assert_int_equal(errmap_transport(TRANSPORT_TOO_LARGE, 200), -EIO);
    assert_int_equal(errmap_transport(TRANSPORT_REFUSED, 302), -EIO);
    assert_int_equal(errmap_transport(TRANSPORT_OK, 429), -EAGAIN);
    assert_int_equal(errmap_transport(TRANSPORT_OK, 500), -EIO);
    assert_int_equal(errmap_transport(TRANSPORT_OK, 503), -EIO);
    assert_int_equal(errmap_transport(TRANSPORT_OK, 200), -EIO); /* unreadable body */
}

static void test_names(void **state)
{
    assert_string_equal(errmap_name(-EBUSY), "EBUSY");
    assert_string_equal(errmap_name(ETIMEDOUT), "ETIMEDOUT");
    assert_string_equal(errmap_name(-EACCES), "EACCES");
    assert_string_equal(errmap_name(0), "OK");
    assert_string_equal(errmap_name(-ENOSPC), "ENOSPC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog_rows),  cmocka_unit_test(test_message_words_any_code),
        cmocka_unit_test(test_codes_without_words), cmocka_unit_test(test_transport),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
