/* SPDX-License-Identifier: MIT */
/* test_client_fleet.c - the client's fleet calls against a live compshare-sim whose
 * clock is paused: zones and the zone the image calls name, GPU stock moved by creating
 * and terminating, a created instance booting, a scheduled stop firing, the release
 * time of a stopped instance, a new password (base64 on the wire), deleting a custom
 * image, and each call's errors mapped to their errno. Durations pass only when the
 * test advances the clock (docs/simulator.md). */
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
#include "sim_harness.h"

static sim_handle SIM;
static api_client *C;
static char running[2][64], running_zone[2][64], app_image[64];

static void advance(double seconds) { assert_int_equal(sim_clock_advance(&SIM, seconds), 0); }

static int setup(void **state)
{
    const char *args[] = {"--instances", "8", "--clock", "manual", "--seed", "7", NULL};
    api_config cfg;
    if (sim_start_config(&SIM, args, 5000, &cfg) != 0)
        return -1;
    C = api_new(&cfg, NULL);
    api_image_list apps;
    if (!C || sim_running_instances(C, 2, running, running_zone) < 2 ||
        api_describe_platform_images(C, "App", NULL, &apps, NULL) != 0 || !apps.n)
        return -1;
    snprintf(app_image, sizeof app_image, "%s", apps.items[0].image_id);
    api_image_list_free(&apps);
    return 0;
}

static int teardown(void **state)
{
    api_free(C);
    sim_stop(&SIM);
    return 0;
}

static void get(const char *id, api_instance *in)
{
    assert_int_equal(sim_get_instance(C, id, in), 0);
}

/* The free GPUs of a type in a zone's Exclusive pool, as the inventory shows them. */
static long long free_gpus(long long zone_id, const char *type)
{
    api_inventory g;
    assert_int_equal(api_gpu_inventory(C, NULL, &g, NULL), 0);
    long long n = -1;
    for (size_t i = 0; i < g.n; i++)
        if (g.items[i].zone_id == zone_id && strcmp(g.items[i].pool, "Exclusive") == 0 &&
            strcmp(g.items[i].gpu_type, type) == 0)
            n = g.items[i].count;
    api_inventory_free(&g);
    return n;
}

static void test_zones(void **state)
{
    api_zone_list z;
    assert_int_equal(api_describe_zones(C, NULL, &z, NULL), 0);
    assert_int_equal(z.n, 3);
    assert_string_equal(z.items[0].zone, "cn-wlcb-01");
    assert_int_equal(z.items[0].zone_id, 10027);
    assert_string_equal(api_zone_by_id(&z, 10028)->zone, "cn-wlcb-02");
    assert_true(z.items[0].name[0]);
    api_zone_list_free(&z);

    /* Another region: its image calls name its own first zone, asked once. */
    api_config cfg;
    sim_api_config(&SIM, &cfg, 5000);
    cfg.region = "cn-sh2";
    api_client *sh2 = api_new(&cfg, NULL);
    assert_int_equal(sim_reset_stats(&SIM), 0);
    api_image_list l;
    assert_int_equal(api_describe_custom_images(sh2, NULL, &l, NULL), 0);
    api_image_list_free(&l);
    api_progress p;
    assert_int_equal(api_image_progress(sh2, "compshareImage-none", &p, NULL), -ENOENT);
    assert_int_equal(sim_requests(&SIM, "DescribeCompShareSupportZone"), 1);
    api_free(sh2);

    /* A region without zones: ENOENT, nothing guessed. */
    cfg.region = "cn-nowhere";
    api_client *none = api_new(&cfg, NULL);
    api_error err;
    assert_int_equal(api_describe_custom_images(none, NULL, &l, &err), -ENOENT);
    assert_int_equal(sim_requests(&SIM, "DescribeCompShareCustomImages"), 1);
    api_free(none);
}

static void test_create_and_terminate(void **state)
{
    long long before = free_gpus(10027, "4090");
    assert_true(before >= 2);
    api_create_request req = {.zone = "cn-wlcb-01",
                              .gpu_type = "4090",
                              .gpus = 2,
                              .cpu = 32,
                              .memory_mb = 131072,
                              .image_id = app_image,
                              .name = "client-新机",
                              .charge_type = "Dynamic",
                              .password = "Password1",
                              .boot_disk_gb = 120};
    char **ids;
    size_t n;
    api_error err;
    assert_int_equal(api_create_instances(C, &req, &ids, &n, &err), 0);
    assert_int_equal(n, 1);
    char id[64];
    snprintf(id, sizeof id, "%s", ids[0]);
    free(ids[0]);
    free(ids);

    api_instance in;
    get(id, &in);
    assert_string_equal(in.state, "Initializing");
    assert_string_equal(in.charge_type, "Dynamic");
    assert_string_equal(in.name, "client-新机");
    assert_int_equal(in.n_disks, 1);
    assert_true(in.disks[0].boot);
    assert_int_equal(in.disks[0].size_gb, 120);
    api_instance_free(&in);
    assert_int_equal(api_reboot(C, "cn-wlcb-01", id, &err), -EBUSY); /* booting holds the lock */
    assert_int_equal(free_gpus(10027, "4090"), before); /* the inventory is 5 minutes old */
    advance(300);
    assert_int_equal(free_gpus(10027, "4090"), before - 2);
    get(id, &in);
    assert_string_equal(in.state, "Running");
    assert_true(in.n_apps >= 1); /* an App image serves applications */
    assert_non_null(strstr(in.apps[0].url, "http://"));
    assert_int_equal(in.n_gpus, 2);
    assert_string_equal(in.gpus[0].gpu, "NVIDIA GeForce RTX 4090");
    api_instance_free(&in);

    /* No H20 left in cn-wlcb-02: ENOSPC. An unknown image: ENOENT. */
    api_create_request h20 = {.zone = "cn-wlcb-02",
                              .gpu_type = "H20",
                              .gpus = 1,
                              .cpu = 20,
                              .memory_mb = 196608,
                              .image_id = app_image};
    assert_int_equal(api_create_instances(C, &h20, &ids, &n, &err), -ENOSPC);
    assert_int_equal(err.retcode, 8045);
    h20.gpu_type = "4090";
    h20.image_id = "compshareImage-none";
    assert_int_equal(api_create_instances(C, &h20, &ids, &n, &err), -ENOENT);

    /* Terminate: only when Stopped; then it is gone and its GPUs come back. */
    assert_int_equal(api_terminate(C, "cn-wlcb-01", id, &err), -EPERM);
    assert_int_equal(api_stop(C, "cn-wlcb-01", id, &err), 0);
    advance(20);
    assert_int_equal(api_terminate(C, "cn-wlcb-01", id, &err), 0);
    assert_int_equal(sim_get_instance(C, id, &in), -ENOENT);
    assert_int_equal(api_terminate(C, "cn-wlcb-01", id, &err), -ENOENT);
    advance(300);
    assert_int_equal(free_gpus(10027, "4090"), before);
}

static void test_scheduled_stop(void **state)
{
    const char *id = running[0], *zone = running_zone[0];
    long long now = sim_clock_wall(&SIM);
    api_error err;
    assert_int_equal(api_update_stop_scheduler(C, zone, id, now - 1, &err), -EINVAL);
    assert_int_equal(api_update_stop_scheduler(C, zone, id, now + 3600, &err), 0);
    api_instance in;
    get(id, &in);
    assert_int_equal(in.stop_scheduler_time, now + 3600);
    assert_int_equal(in.release_time, 0);
    api_instance_free(&in);
    advance(3599);
    get(id, &in);
    assert_string_equal(in.state, "Running");
    api_instance_free(&in);
    advance(1);
    get(id, &in);
    assert_string_equal(in.state, "Stopping");
    assert_int_equal(in.stop_scheduler_time, 0); /* it fired: cleared */
    api_instance_free(&in);
    advance(20);
    get(id, &in);
    assert_string_equal(in.state, "Stopped");
    assert_int_equal(in.release_time, now + 3600 + 20 + 15 * 86400);
    api_instance_free(&in);

    /* set, then cancelled: nothing happens */
    now = sim_clock_wall(&SIM);
    assert_int_equal(api_update_stop_scheduler(C, running_zone[1], running[1], now + 60, &err), 0);
    assert_int_equal(api_delete_stop_scheduler(C, running_zone[1], running[1], &err), 0);
    advance(120);
    get(running[1], &in);
    assert_string_equal(in.state, "Running");
    assert_int_equal(in.stop_scheduler_time, 0);
    api_instance_free(&in);
}

static void test_password(void **state)
{
    api_error err;
    assert_int_equal(api_reset_password(C, running_zone[1], running[1], "New-Passw0rd#", &err), 0);
    params p;
    params_init(&p);
    params_add(&p, "Action", "DescribeCompShareInstance");
    params_add(&p, "UHostIds.0", running[1]);
    cJSON *answer = sim_api_raw(&SIM, &p);
    params_free(&p);
    const cJSON *in = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(answer, "UHostSet"), 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in, "Password")),
                        "TmV3LVBhc3N3MHJkIw=="); /* base64 of the new password */
    cJSON_Delete(answer);
    assert_int_equal(api_reset_password(C, "cn-wlcb-01", "uhost-00000000", "x-Passw0rd", &err),
                     -ENOENT);
    assert_null(strstr(err.message, "x-Passw0rd"));
}

static void test_delete_custom_image(void **state)
{
    api_error err;
    char *image = NULL;
    assert_int_equal(api_create_custom_image(C, running_zone[1], running[1], "client-fleet-img",
                                             NULL, &image, &err),
                     0);
    assert_int_equal(api_delete_custom_image(C, image, &err), -EBUSY); /* still Making */
    advance(300);
    assert_int_equal(api_delete_custom_image(C, image, &err), 0);
    api_image_list l;
    assert_int_equal(api_describe_custom_images(C, image, &l, &err), 0);
    assert_int_equal(l.n, 0);
    api_image_list_free(&l);
    assert_int_equal(api_delete_custom_image(C, image, &err), -ENOENT);
    free(image);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_create_and_terminate),
        cmocka_unit_test(test_scheduled_stop),
        cmocka_unit_test(test_password),
        cmocka_unit_test(test_delete_custom_image),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
