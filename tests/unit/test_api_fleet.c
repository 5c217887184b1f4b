/* SPDX-License-Identifier: MIT */
/* test_api_fleet.c - the fleet calls of the API client over the fake transport: what
 * each sends (signed, state-changing ones never resent), the password base64-encoded and
 * in no message, the zone the image calls name taken from DescribeCompShareSupportZone
 * (never guessed), and what a region without zones gives. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api.h"
#include "fake_client.h"
#include "fake_transport.h"
#include "params.h"
#include "sign.h"

static const char *OK = "{\"RetCode\":0}";

static void test_instance_calls(void **state)
{
    fixture *fx = fx_new();
    api_client *c = fx_client(fx);
    fake_net *f = &fx->net;
    for (int i = 0; i < 4; i++)
        fake_ok(f, OK);
    api_error err;
    assert_int_equal(api_terminate(c, "cn-sh2-01", "uhost-a", &err), 0);
    expect_param(f, 0, "Action", "TerminateCompShareInstance");
    expect_param(f, 0, "Region", "cn-sh2");
    expect_param(f, 0, "Zone", "cn-sh2-01");
    expect_param(f, 0, "UHostId", "uhost-a");
    assert_int_equal(api_update_stop_scheduler(c, "cn-wlcb-01", "uhost-a", 1800000000, &err), 0);
    expect_param(f, 1, "Action", "UpdateCompShareStopScheduler");
    expect_param(f, 1, "StopTime", "1800000000");
    expect_param(f, 1, "UHostId", "uhost-a");
    assert_int_equal(api_delete_stop_scheduler(c, "cn-wlcb-01", "uhost-a", &err), 0);
    expect_param(f, 2, "Action", "DeleteCompShareStopScheduler");
    assert_int_equal(api_reset_password(c, "cn-wlcb-01", "uhost-a", "Password1", &err), 0);
    expect_param(f, 3, "Action", "ResetCompShareInstancePassword");
    expect_param(f, 3, "Password", "UGFzc3dvcmQx"); /* the schema's example */
    assert_int_equal(f->n_sent, 4);
    assert_int_equal(api_reset_password(c, "cn-wlcb-01", "uhost-a", "", &err), -EINVAL);
    assert_int_equal(f->n_sent, 4); /* nothing sent */
    fx_free(fx);
}

/* A lost answer to a state-changing call is not resent; a password is in no message,
 * even when an echoing server quotes it back. */
static void test_never_resent_password_hidden(void **state)
{
    fixture *fx = fx_new();
    api_client *c = fx_client(fx);
    fake_net *f = &fx->net;
    fake_push(f, TRANSPORT_TIMEOUT_SENT, 0, NULL);
    api_error err;
    assert_int_equal(api_reset_password(c, "cn-wlcb-01", "uhost-a", "s3cret-Passw0rd", &err),
                     -ETIMEDOUT);
    assert_true(err.outcome_unknown);
    assert_int_equal(f->n_sent, 1);
    fake_clear(f);
    fake_ok(f, "{\"RetCode\":231,\"Message\":\"Params [Password] not valid: "
               "czNjcmV0LVBhc3N3MHJk / s3cret-Passw0rd\"}");
    assert_int_equal(api_reset_password(c, "cn-wlcb-01", "uhost-a", "s3cret-Passw0rd", &err),
                     -EINVAL);
    assert_null(strstr(err.message, "s3cret-Passw0rd"));
    assert_null(strstr(err.message, "czNjcmV0LVBhc3N3MHJk"));
    assert_non_null(strstr(err.message, "Params [Password] not valid"));
    fake_clear(f);
    fake_push(f, TRANSPORT_BROKEN_SENT, 0, NULL);
    char **ids;
    size_t n;
    api_create_request req = {.zone = "cn-wlcb-01",
                              .gpu_type = "4090",
                              .gpus = 1,
                              .cpu = 16,
                              .memory_mb = 65536,
                              .image_id = "compshareImage-x"};
    assert_int_equal(api_create_instances(c, &req, &ids, &n, &err), -EIO);
    assert_true(err.outcome_unknown);
    assert_int_equal(f->n_sent, 1); /* a second create would make a second machine */
    fx_free(fx);
}

static void test_create(void **state)
{
    fixture *fx = fx_new();
    api_client *c = fx_client(fx);
    fake_net *f = &fx->net;
    fake_ok(f, "{\"RetCode\":0,\"UHostIds\":[\"uhost-new1\",7,\"uhost-new2\"]}");
    fake_ok(f, "{\"RetCode\":0,\"UHostIds\":[]}");
    api_create_request req = {.zone = "cn-wlcb-03",
                              .gpu_type = "4090",
                              .gpus = 2,
                              .cpu = 32,
                              .memory_mb = 131072,
                              .image_id = "compshareImage-x",
                              .name = "训练机-新",
                              .charge_type = "Dynamic",
                              .password = "Password1",
                              .boot_disk_gb = 200};
    char **ids;
    size_t n;
    api_error err;
    assert_int_equal(api_create_instances(c, &req, &ids, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(ids[0], "uhost-new1");
    assert_string_equal(ids[1], "uhost-new2");
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    static const char *const want[][2] = {
        {"Action", "CreateCompShareInstance"},
        {"Region", "cn-wlcb"},
        {"Zone", "cn-wlcb-03"},
        {"GpuType", "4090"},
        {"GPU", "2"},
        {"CPU", "32"},
        {"Memory", "131072"},
        {"MachineType", "G"},
        {"CompShareImageId", "compshareImage-x"},
        {"Name", "训练机-新"},
        {"ChargeType", "Dynamic"},
        {"Password", "UGFzc3dvcmQx"},
        {"Disks.0.IsBoot", "true"},
        {"Disks.0.Size", "200"},
        {"Disks.0.Type", "CLOUD_SSD"},
        {"Quantity", NULL},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        expect_param(f, 0, want[i][0], want[i][1]);

    /* it ran, but names no instance: EIO, said plainly */
    assert_int_equal(api_create_instances(c, &req, &ids, &n, &err), -EIO);
    assert_non_null(strstr(err.message, "no UHostIds"));
    assert_null(ids);
    req.image_id = NULL;
    assert_int_equal(api_create_instances(c, &req, &ids, &n, &err), -EINVAL);
    assert_int_equal(f->n_sent, 2);
    fx_free(fx);
}

static void test_zones_and_stock(void **state)
{
    fixture *fx = fx_new();
    fx->cfg.zone = "cn-wlcb-01";
    api_client *c = fx_client(fx);
    fake_net *f = &fx->net;
    fake_ok(f, "{\"RetCode\":0,\"ZoneInfo\":[{\"Zone\":\"cn-sh2-02\",\"ZoneId\":7002}]}");
    fake_ok(f, "{\"RetCode\":0,\"GpuInventoryByZone\":\"{\\\"Exclusive\\\":{\\\"10027\\\":"
               "{\\\"4090\\\":24}}}\",\"SpotUnsupportedGpuTypes\":[\"A100\"],"
               "\"UpdateTime\":1796040300}");
    fake_ok(f, OK);
    api_zone_list zones;
    api_error err;
    assert_int_equal(api_describe_zones(c, "cn-sh2", &zones, &err), 0);
    assert_string_equal(zones.items[0].zone, "cn-sh2-02");
    api_zone_list_free(&zones);
    expect_param(f, 0, "Action", "DescribeCompShareSupportZone");
    expect_param(f, 0, "Region", "cn-sh2");
    api_inventory g;
    assert_int_equal(api_gpu_inventory(c, NULL, &g, &err), 0);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.items[0].count, 24);
    api_inventory_free(&g);
    expect_param(f, 1, "Action", "DescribeCompShareGpuInventory");
    expect_param(f, 1, "Zone", "cn-wlcb-01"); /* the configured zone */
    /* With a configured zone, the image calls name it without asking for zones. */
    assert_int_equal(api_delete_custom_image(c, "compshareImage-old", &err), 0);
    expect_param(f, 2, "Action", "TerminateCompShareCustomImage");
    expect_param(f, 2, "Region", "cn-wlcb");
    expect_param(f, 2, "Zone", "cn-wlcb-01");
    expect_param(f, 2, "CompShareImageId", "compshareImage-old");
    assert_int_equal(f->n_sent, 3);
    fx_free(fx);
}

/* A region the API lists no zone for: the image calls fail with ENOENT, saying so, and
 * ask again next time (nothing wrong is remembered). So does a failed zone listing. */
static void test_region_without_zones(void **state)
{
    fixture *fx = fx_new();
    fx->cfg.region = "cn-nowhere";
    api_client *c = fx_client(fx);
    fake_net *f = &fx->net;
    fake_ok(f, "{\"RetCode\":0,\"ZoneInfo\":[{\"Zone\":\"cn-wlcb-01\",\"Region\":\"cn-wlcb\"}]}");
    fake_ok(f, "{\"RetCode\":171,\"Message\":\"Signature VerifyAC Error\"}");
    api_image_list l;
    api_error err;
    assert_int_equal(api_describe_custom_images(c, NULL, &l, &err), -ENOENT);
    assert_non_null(strstr(err.message, "cn-nowhere has no zone"));
    assert_int_equal(api_image_progress(c, "img", &(api_progress){0}, &err), -EACCES);
    assert_string_equal(err.action, "DescribeCompShareSupportZone");
    assert_int_equal(f->n_sent, 2); /* two zone listings, nothing else */
    expect_param(f, 1, "Action", "DescribeCompShareSupportZone");
    fx_free(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_instance_calls),
        cmocka_unit_test(test_never_resent_password_hidden),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_zones_and_stock),
        cmocka_unit_test(test_region_without_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
