/* SPDX-License-Identifier: MIT */
/* test_decode_fleet.c - decoding what the fleet actions and the real instance shapes
 * bring: an instance's served applications (Softwares {Name, URL}), its disks (IsBoot
 * "True"/"False"), scheduled stop and release time, the per-GPU card names; the
 * zones; the GPU stock string. Real shapes first, then every looser form, then junk. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"

/* As compshare-sim sends it, in the schema's shapes. */
static const char REAL_INSTANCE[] =
    "{\"UHostId\":\"uhost-1a2b3c4d\",\"State\":\"Stopped\","
    "\"Softwares\":[{\"Name\":\"JupyterLab\",\"URL\":\"http://117.50.1.2:8888/lab\"},"
    "{\"Name\":\"vLLM\",\"URL\":\"http://117.50.1.2:8000/docs\"}],"
    "\"DiskSet\":[{\"DiskId\":\"bsi-1\",\"DiskType\":\"CLOUD_SSD\",\"IsBoot\":\"True\","
    "\"Size\":100,\"Drive\":\"vda\",\"Encrypted\":\"false\"},"
    "{\"DiskId\":\"bsd-2\",\"DiskType\":\"CLOUD_RSSD\",\"IsBoot\":\"False\",\"Size\":400}],"
    "\"StopTime\":1800000000,\"StopSchedulerTime\":1800000000,\"ReleaseTime\":1801296000,"
    "\"MonitorMessages\":{\"GpuInfo\":[{\"GPU\":\"NVIDIA GeForce RTX 4090\","
    "\"GpuUsageRate\":\"35.2\",\"MemoryUsageRate\":\"60.1\"}]}}";

static void test_instance_real_shapes(void **state)
{
    cJSON *o = cJSON_Parse(REAL_INSTANCE);
    api_instance in;
    assert_int_equal(decode_instance(o, &in), 0);
    assert_int_equal(in.n_apps, 2);
    assert_string_equal(in.apps[0].name, "JupyterLab");
    assert_string_equal(in.apps[0].url, "http://117.50.1.2:8888/lab");
    assert_string_equal(in.apps[1].name, "vLLM");
    assert_int_equal(in.n_disks, 2);
    assert_string_equal(in.disks[0].id, "bsi-1");
    assert_string_equal(in.disks[0].type, "CLOUD_SSD");
    assert_int_equal(in.disks[0].size_gb, 100);
    assert_true(in.disks[0].boot);
    assert_false(in.disks[1].boot);
    assert_int_equal(in.disks[1].size_gb, 400);
    assert_int_equal(in.stop_time, 1800000000);
    assert_int_equal(in.stop_scheduler_time, 1800000000);
    assert_int_equal(in.release_time, 1801296000);
    assert_int_equal(in.n_gpus, 1);
    assert_string_equal(in.gpus[0].gpu, "NVIDIA GeForce RTX 4090");

    api_instance copy;
    assert_int_equal(api_instance_copy(&copy, &in), 0);
    assert_int_equal(copy.n_apps, 2);
    assert_string_equal(copy.apps[1].url, "http://117.50.1.2:8000/docs");
    assert_ptr_not_equal(copy.apps[1].url, in.apps[1].url);
    assert_int_equal(copy.n_disks, 2);
    assert_string_equal(copy.disks[1].id, "bsd-2");
    assert_true(copy.disks[0].boot);
    api_instance_free(&copy);
    api_instance_free(&in);
    cJSON_Delete(o);
}

/* Looser forms are read; shapes that carry nothing usable are skipped, never fatal. */
static void test_instance_loose_shapes(void **state)
{
    cJSON *o = cJSON_Parse(
        "{\"Softwares\":{\"CUDAVersion\":\"12.1\",\"Applications\":[\"JupyterLab\"]},"
        "\"DiskSet\":[{\"IsBoot\":true,\"Size\":\"50\"},{\"IsBoot\":1},{\"IsBoot\":\"true\"},"
        "{\"IsBoot\":\"no\"},\"junk\",7],\"StopSchedulerTime\":\"1800000000\","
        "\"ReleaseTime\":null}");
    api_instance in;
    assert_int_equal(decode_instance(o, &in), 0);
    assert_int_equal(in.n_apps, 0); /* an image's Softwares object names no served app */
    assert_int_equal(in.n_disks, 4);
    assert_true(in.disks[0].boot && in.disks[1].boot && in.disks[2].boot);
    assert_false(in.disks[3].boot);
    assert_int_equal(in.disks[0].size_gb, 50);
    assert_string_equal(in.disks[0].id, "");
    assert_int_equal(in.stop_scheduler_time, 1800000000);
    assert_int_equal(in.release_time, 0);
    api_instance_free(&in);
    cJSON_Delete(o);

    o = cJSON_Parse("{\"Softwares\":[{\"URL\":\"http://x\"},{\"Name\":\"\"},\"JupyterLab\","
                    "{\"Name\":\"ComfyUI\",\"URL\":5}],\"DiskSet\":{\"IsBoot\":\"True\"}}");
    assert_int_equal(decode_instance(o, &in), 0);
    assert_int_equal(in.n_apps, 1); /* only an entry with a name counts */
    assert_string_equal(in.apps[0].name, "ComfyUI");
    assert_string_equal(in.apps[0].url, "5");
    assert_int_equal(in.n_disks, 0);
    api_instance_free(&in);
    cJSON_Delete(o);
}

static void test_zones(void **state)
{
    cJSON *o =
        cJSON_Parse("{\"RetCode\":0,\"ZoneInfo\":[{\"Zone\":\"cn-wlcb-02\",\"ZoneId\":10028,"
                    "\"Region\":\"cn-wlcb\",\"RegionId\":1000029,\"Describe\":\"乌兰察布可用区B\"},"
                    "{\"ZoneId\":1},\"junk\",{\"Zone\":\"cn-wlcb-05\",\"ZoneId\":\"10031\"}]}");
    api_zone_list l;
    assert_int_equal(decode_zone_list(o, &l), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].zone, "cn-wlcb-02");
    assert_string_equal(l.items[0].name, "乌兰察布可用区B");
    assert_string_equal(l.items[0].region, "cn-wlcb");
    assert_int_equal(l.items[0].zone_id, 10028);
    assert_int_equal(l.items[0].region_id, 1000029);
    assert_int_equal(l.items[1].zone_id, 10031);
    assert_int_equal(l.items[1].region_id, -1);
    assert_string_equal(api_zone_by_id(&l, 10031)->zone, "cn-wlcb-05");
    assert_null(api_zone_by_id(&l, 7));
    api_zone_list_free(&l);
    cJSON_Delete(o);

    o = cJSON_Parse("{\"ZoneInfo\":{\"Zone\":\"x\"}}");
    assert_int_equal(decode_zone_list(o, &l), 0);
    assert_int_equal(l.n, 0);
    api_zone_list_free(&l);
    cJSON_Delete(o);
}

static long long count_of(const api_inventory *g, const char *pool, long long zone,
                          const char *type)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->items[i].pool, pool) == 0 && g->items[i].zone_id == zone &&
            strcmp(g->items[i].gpu_type, type) == 0)
            return g->items[i].count;
    return -1;
}

static void test_inventory(void **state)
{
    /* The map travels as a string holding JSON. */
    cJSON *o = cJSON_Parse(
        "{\"RetCode\":0,\"GpuInventoryByZone\":\"{\\\"Exclusive\\\":{\\\"10027\\\":"
        "{\\\"4090\\\":24,\\\"H20\\\":0}},\\\"Spot\\\":{\\\"10027\\\":{\\\"4090\\\":\\\"8\\\"},"
        "\\\"cn-wlcb-01\\\":{\\\"3090\\\":1},\\\"10028\\\":{\\\"L40S\\\":-3,\\\"A100\\\":\\\"x\\\"}"
        "}}\","
        "\"SpotUnsupportedGpuTypes\":[\"A100\",7,\"H20\"],\"UpdateTime\":1796040300}");
    api_inventory g;
    assert_int_equal(decode_gpu_inventory(o, &g), 0);
    assert_int_equal(g.n, 3);
    assert_int_equal(count_of(&g, "Exclusive", 10027, "4090"), 24);
    assert_int_equal(count_of(&g, "Exclusive", 10027, "H20"), 0);
    assert_int_equal(count_of(&g, "Spot", 10027, "4090"), 8);
    assert_int_equal(g.n_spot_unsupported, 2);
    assert_string_equal(g.spot_unsupported[1], "H20");
    assert_int_equal(g.update_time, 1796040300);
    api_inventory_free(&g);
    cJSON_Delete(o);

    /* the object itself is read too; a string that is not JSON gives nothing */
    o = cJSON_Parse("{\"GpuInventoryByZone\":{\"Exclusive\":{\"7001\":{\"3090\":8}}}}");
    assert_int_equal(decode_gpu_inventory(o, &g), 0);
    assert_int_equal(count_of(&g, "Exclusive", 7001, "3090"), 8);
    api_inventory_free(&g);
    cJSON_Delete(o);
    const char *junk[] = {"{\"GpuInventoryByZone\":\"{\\\"Exclusive\\\":\"}",
                          "{\"GpuInventoryByZone\":[1,2]}",
                          "{\"GpuInventoryByZone\":\"[]\"}",
                          "{\"GpuInventoryByZone\":{\"Exclusive\":[{\"1\":2}]}}",
                          "[]",
                          "3"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        o = cJSON_Parse(junk[i]);
        assert_int_equal(decode_gpu_inventory(o, &g), 0);
        assert_int_equal(g.n, 0);
        api_inventory_free(&g);
        cJSON_Delete(o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_instance_real_shapes),
        cmocka_unit_test(test_instance_loose_shapes),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_inventory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
