/* SPDX-License-Identifier: MIT */
/* test_render.c - the text of every instance and image file. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert_text.h"
#include "render.h"

static char *S(const char *s) { return (char *)s; }

/* A full instance, as the decoder would produce it (strings never NULL). */
static api_instance full_instance(void)
{
    static char *ips[] = {"10.0.0.5", "2001:db8::1"};
    static api_gpu_usage gpus[] = {
        {"NVIDIA GeForce RTX 4090", "35.2", "60.1"},
        {"NVIDIA GeForce RTX 4090", "", "12"},
        {"", "7", "8"},
        {"bad\tname\n", "1", "2"},
    };
    static api_app apps[] = {
        {"JupyterLab", "https://uhost-1a2b3c4d-8888.compshare.cn/lab"},
        {"TensorBoard/6006", "https://uhost-1a2b3c4d-6006.compshare.cn"},
        {"..", "https://nowhere.example"},
    };
    static api_disk disks[] = {
        {"bsm-boot1", "CLOUD_SSD", 100, true},
        {"bsm-data 2", "", 500, false},
    };
    api_instance i = {
        .uhost_id = S("uhost-1a2b3c4d"), .name = S("训练机 A"), .tag = S("Default"),
        .remark = S("first\nsecond"), .zone = S("cn-wlcb-01"), .state = S("Running"),
        .image_id = S("compshareImage-abc"), .image_name = S("Ubuntu 22.04"),
        .image_type = S("System"), .instance_type = S("UHost"), .machine_type = S("G"),
        .cpu_platform = S(""), .cpu_arch = S("x86_64"), .gpu_type = S("4090"),
        .ssh_login_command = S("ssh root@10.0.0.5 -p 22"), .charge_type = S("Postpay"),
        .auto_renew = S(""), .is_expire = S("No"), .cpu = 16, .memory_mb = 65536,
        .gpu_count = 2, .gpu_memory_gb = 24, .create_time = 1700000000, .expire_time = 1800000000,
        .update_time = 1700000500, .ips = ips, .n_ips = 2, .cpu_usage_rate = S("12.5"),
        .mem_usage_rate = S("40"), .gpus = gpus, .n_gpus = 4,
        .stop_scheduler_time = 1764583200, .release_time = 1765000000, .price = 2.8,
        .apps = apps, .n_apps = 3, .disks = disks, .n_disks = 2,
        .info_json = S("{\n  \"UHostId\": \"uhost-1a2b3c4d\"\n}"),
    };
    return i;
}

/* An instance where the API left nearly everything out. */
static api_instance empty_instance(void)
{
    api_instance i = {0};
    char **strs[] = {&i.uhost_id, &i.name, &i.tag, &i.remark, &i.zone, &i.state,
                     &i.image_id, &i.image_name, &i.image_type, &i.instance_type,
                     &i.machine_type, &i.cpu_platform, &i.cpu_arch, &i.gpu_type,
                     &i.ssh_login_command, &i.charge_type, &i.auto_renew, &i.is_expire,
                     &i.cpu_usage_rate, &i.mem_usage_rate, &i.info_json};
    for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++)
        *strs[k] = S("");
    i.uhost_id = S("uhost-empty");
    return i;
}

static char *render_inst(const api_instance *i, const char *file)
{
    strbuf b;
    strbuf_init(&b);
    int rc = render_instance(i, file, &b);
    assert_int_equal(rc, 0);
    return strbuf_take(&b, NULL);
}

#define assert_renders(inst, file, expected) assert_text(render_inst((inst), (file)), (expected))

/* A file of an instance and the text it must render as. */
typedef struct rendering {
    const char *file, *text;
} rendering;

static void assert_renders_all(const api_instance *i, const rendering *r, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        char *got = render_inst(i, r[k].file);
        if (strcmp(got, r[k].text) != 0)
            fail_msg("%s renders \"%s\", expected \"%s\"", r[k].file, got, r[k].text);
        free(got);
    }
}

static void test_instance_values(void **state)
{
    api_instance i = full_instance();
    static const rendering files[] = {
        {"status", "Running\n"},
        {"name", "训练机 A\n"},
        {"image", "compshareImage-abc\n"},
        {"zone", "cn-wlcb-01\n"},
        {"region", "cn-wlcb\n"},
        {"gpu_type", "4090\n"},
        {"gpu_count", "2\n"},
        {"gpu_memory_gb", "24\n"},
        {"cpu", "16\n"},
        {"memory_mb", "65536\n"},
        {"ssh", "ssh root@10.0.0.5 -p 22\n"},
        {"image_name", "Ubuntu 22.04\n"},
        {"instance_type", "UHost\n"},
        {"machine_type", "G\n"},
        {"charge_type", "Postpay\n"},
        {"tag", "Default\n"},
        {"create_time", "1700000000\n"},
        {"expire_time", "1800000000\n"},
        {"cpu_usage", "12.5\n"},
        {"mem_usage", "40\n"},
        {"stop_at", "1764583200\n"},
        {"release_time", "1765000000\n"},
        {"price", "2.8\n"},
    };
    assert_renders_all(&i, files, sizeof files / sizeof files[0]);
}

/* disks: one line a disk, "ID TYPE SIZE boot|data", blanks never splitting a
 * field; apps: one file per app, named safely; price as given. */
static void test_fleet_files(void **state)
{
    api_instance i = full_instance();
    assert_renders(&i, "disks", "bsm-boot1 CLOUD_SSD 100 boot\nbsm-data_2 - 500 data\n");
    char name[64];
    render_app_file_name(&i.apps[1], name, sizeof name);
    assert_string_equal(name, "TensorBoard_6006");
    render_app_file_name(&i.apps[2], name, sizeof name);
    assert_string_equal(name, ""); /* ".." gets no file */
    assert_ptr_equal(render_app_find(&i, "JupyterLab"), &i.apps[0]);
    assert_null(render_app_find(&i, ".."));
    assert_null(render_app_find(&i, ""));
    strbuf b;
    strbuf_init(&b);
    assert_int_equal(render_app(&i.apps[0], &b), 0);
    assert_string_equal(b.data, "https://uhost-1a2b3c4d-8888.compshare.cn/lab\n");
    strbuf_free(&b);
    assert_renders(&i, "apps",
                   "JupyterLab\thttps://uhost-1a2b3c4d-8888.compshare.cn/lab\n"
                   "TensorBoard_6006\thttps://uhost-1a2b3c4d-6006.compshare.cn\n");
    i.price = 0.05;
    assert_renders(&i, "price", "0.05\n");
    i.price = 12;
    assert_renders(&i, "price", "12\n");
    i.stop_scheduler_time = 0;
    assert_renders(&i, "stop_at", "");
}

static void test_instance_lists(void **state)
{
    api_instance i = full_instance();
    assert_renders(&i, "ip", "10.0.0.5\n2001:db8::1\n");
    /* one line per GPU in the API's order, the card named as the API names it; fields
     * tab-separated (names have blanks), "-" for a field left out so columns stay put,
     * the GPU's index when it has no name, no tab or newline inside a field */
    assert_renders(&i, "gpu_usage",
                   "NVIDIA GeForce RTX 4090\t35.2\t60.1\nNVIDIA GeForce RTX 4090\t-\t12\n"
                   "2\t7\t8\nbad name \t1\t2\n");
    i.n_ips = 0;
    i.n_gpus = 0;
    assert_renders(&i, "ip", "");
    assert_renders(&i, "gpu_usage", "");
}

/* A value with a line break still renders as one line. */
static void test_instance_one_line(void **state)
{
    api_instance i = full_instance();
    assert_renders(&i, "remark", "first second\n");
    i.name = S("a\tb\r");
    assert_renders(&i, "name", "a b \n");
}

static void test_instance_missing_fields(void **state)
{
    api_instance i = empty_instance();
    /* status: an empty State is the API saying it does not know */
    static const rendering files[] = {
        {"status", "Unknown\n"}, {"name", ""},         {"zone", ""},
        {"region", ""},          {"gpu_count", "0\n"}, {"create_time", ""},
        {"expire_time", ""},     {"cpu_usage", ""},    {"info.json", ""},
    };
    assert_renders_all(&i, files, sizeof files / sizeof files[0]);
}

static void test_instance_info_json_newline(void **state)
{
    api_instance i = full_instance();
    assert_renders(&i, "info.json", "{\n  \"UHostId\": \"uhost-1a2b3c4d\"\n}\n");
    i.info_json = S("{}\n"); /* already ends with one: not doubled */
    assert_renders(&i, "info.json", "{}\n");
}

/* Every listed data file renders, non-empty ones end with exactly one newline. */
static void test_every_instance_file(void **state)
{
    api_instance i = full_instance();
    size_t n = 0;
    for (const file_def *d = render_instance_files; d->name; d++, n++) {
        strbuf b;
        strbuf_init(&b);
        int rc = render_instance(&i, d->name, &b);
        if (!d->data) { /* ctl, error, log: the tree's own files */
            assert_int_equal(rc, -ENOENT); /* the tree's own files */
        } else {
            assert_int_equal(rc, 0);
            assert_true(b.len > 0);
            assert_int_equal(b.data[b.len - 1], '\n');
        }
        strbuf_free(&b);
    }
    assert_true(n >= 26);
    strbuf b;
    strbuf_init(&b);
    assert_int_equal(render_instance(&i, "Password", &b), -ENOENT);
    assert_int_equal(render_instance(&i, "nosuch", &b), -ENOENT);
    strbuf_free(&b);
}

static void test_file_defs(void **state)
{
    const file_def *d = render_find(render_instance_files, "name");
    assert_non_null(d);
    assert_int_equal(d->mode, FILE_RW);
    assert_int_equal(render_find(render_instance_files, "image")->mode, FILE_RW);
    assert_int_equal(render_find(render_instance_files, "ctl")->mode, FILE_RW);
    assert_int_equal(render_find(render_instance_files, "status")->mode, FILE_RO);
    assert_null(render_find(render_instance_files, "progress"));
    /* only name, image and ctl are writable anywhere */
    const file_def *lists[] = {render_instance_files, render_image_files,
                               render_platform_image_files};
    size_t writable = 0;
    for (size_t l = 0; l < 3; l++)
        for (d = lists[l]; d->name; d++)
            writable += d->mode == FILE_RW;
    assert_int_equal(writable, 5); /* an instance's name, image, ctl, stop_at; an image's ctl */
    assert_int_equal(render_find(render_instance_files, "password")->mode, 0200);
    assert_true(render_find(render_instance_files, "apps")->dir);
    assert_non_null(render_find(render_image_files, "progress"));
    assert_null(render_find(render_platform_image_files, "progress"));
    assert_non_null(render_find(render_platform_image_files, "info.json"));
}

static char *render_img(const api_image *img, const api_progress *p, const char *file)
{
    strbuf b;
    strbuf_init(&b);
    assert_int_equal(render_image(img, p, file, &b), 0);
    return strbuf_take(&b, NULL);
}

#define assert_image(img, p, file, expected) assert_text(render_img((img), (p), (file)), (expected))

static void test_image_files(void **state)
{
    api_image img = {
        .image_id = S("compshareImage-xyz"), .name = S("我的镜像"), .image_type = S("Custom"),
        .status = S("Making"), .description = S("torch\n2.1"), .failed_reason = S(""),
        .container = S("False"), .size_mb = 20480, .create_time = 1700000000,
        .info_json = S("{\"CompShareImageId\": \"compshareImage-xyz\"}"),
    };
    api_progress p = {.process = 65.5, .total_duration = 300, .remaining_duration = 105};
    assert_image(&img, NULL, "status", "Making\n");
    assert_image(&img, NULL, "name", "我的镜像\n");
    assert_image(&img, NULL, "type", "Custom\n");
    assert_image(&img, NULL, "size_mb", "20480\n");
    assert_image(&img, NULL, "description", "torch 2.1\n");
    assert_image(&img, NULL, "create_time", "1700000000\n");
    assert_image(&img, NULL, "info.json", "{\"CompShareImageId\": \"compshareImage-xyz\"}\n");
    assert_image(&img, &p, "progress", "65.5\n");
    assert_image(&img, &p, "remaining", "105\n");
    assert_image(&img, &p, "total", "300\n");
    img.status = S("");
    assert_image(&img, NULL, "status", "Unknown\n");

    strbuf b;
    strbuf_init(&b);
    assert_int_equal(render_image(&img, NULL, "progress", &b), -EINVAL);
    assert_int_equal(render_image(&img, &p, "nosuch", &b), -ENOENT);
    strbuf_free(&b);
}

static void test_progress_format(void **state)
{
    api_image img = {.image_id = S("i"), .name = S(""), .status = S("Making")};
    struct {
        double in;
        const char *out;
    } cases[] = {
        {65.5, "65.5\n"}, {100, "100\n"}, {0, "0\n"}, {99.96, "100\n"},
        {12.34, "12.3\n"}, {7.0, "7\n"},  {-0.0, "0\n"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        api_progress p = {.process = cases[k].in};
        assert_image(&img, &p, "progress", cases[k].out);
    }
}

static void test_needs_progress(void **state)
{
    assert_true(render_image_needs_progress("progress"));
    assert_true(render_image_needs_progress("remaining"));
    assert_true(render_image_needs_progress("total"));
    assert_false(render_image_needs_progress("status"));
    assert_false(render_image_needs_progress("info.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_instance_values),
        cmocka_unit_test(test_instance_lists), cmocka_unit_test(test_fleet_files),
        cmocka_unit_test(test_instance_one_line),
        cmocka_unit_test(test_instance_missing_fields),
        cmocka_unit_test(test_instance_info_json_newline),
        cmocka_unit_test(test_every_instance_file),
        cmocka_unit_test(test_file_defs),
        cmocka_unit_test(test_image_files),
        cmocka_unit_test(test_progress_format),
        cmocka_unit_test(test_needs_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
