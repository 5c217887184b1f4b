/* SPDX-License-Identifier: MIT */
/* test_decode.c - decoding API answers with every quirk of compshare-api.md:
 * RetCode and numbers as strings, floats for integers, missing fields, wrong
 * types, unknown fields, Chinese text; and secrets kept out of info.json. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "utf8.h"

static cJSON *answer_of(const char *body, int *retcode, char *msg, size_t msg_len)
{
    cJSON *json = NULL;
    assert_int_equal(decode_answer(body, strlen(body), &json, retcode, msg, msg_len), 0);
    assert_non_null(json);
    return json;
}

static void expect_unreadable(const char *body)
{
    cJSON *json = (cJSON *)1;
    int rc = 7;
    char msg[128];
    if (decode_answer(body, strlen(body), &json, &rc, msg, sizeof msg) != -EBADMSG)
        fail_msg("accepted as an answer: %s", body);
    assert_null(json);
    assert_int_equal(rc, -1);
    assert_true(strlen(msg) > 0); /* says why */
}

static void test_retcode_forms(void **state)
{
    int rc;
    char msg[64];
    cJSON *j = answer_of("{\"RetCode\":0}", &rc, msg, sizeof msg);
    assert_int_equal(rc, 0);
    assert_string_equal(msg, "");
    cJSON_Delete(j);
    j = answer_of("{\"RetCode\":\"171\",\"Message\":\"Signature VerifyAC Error\"}", &rc, msg,
                  sizeof msg);
    assert_int_equal(rc, 171);
    assert_string_equal(msg, "Signature VerifyAC Error");
    cJSON_Delete(j);
    j = answer_of("{\"RetCode\":8042.0,\"Message\":\"InstanceOperationInProgress\"}", &rc, msg,
                  sizeof msg);
    assert_int_equal(rc, 8042);
    cJSON_Delete(j);
    j = answer_of("{\"Action\":\"XResponse\",\"RetCode\":\" 0 \",\"Unknown\":[1,2,{}]}", &rc,
                  msg, sizeof msg);
    assert_int_equal(rc, 0);
    cJSON_Delete(j);
}

static void test_unreadable_answers(void **state)
{
    expect_unreadable("");
    expect_unreadable("<html><body>502 Bad Gateway</body></html>");
    expect_unreadable("{\"RetCode\":0,\"UHostSet\":[{\"UHostId\":\"uhost-1\""); /* truncated */
    expect_unreadable("{\"RetCode\":0} trailing");
    expect_unreadable("[{\"RetCode\":0}]");
    expect_unreadable("\"RetCode\"");
    expect_unreadable("null");
    expect_unreadable("{\"Action\":\"XResponse\"}");     /* no RetCode */
    expect_unreadable("{\"RetCode\":\"abc\"}");
    expect_unreadable("{\"RetCode\":null}");
    expect_unreadable("{\"RetCode\":true}");
    expect_unreadable("{\"RetCode\":-5}");
    expect_unreadable("{\"RetCode\":0.5}");
    expect_unreadable("{\"RetCode\":1e300}");
    expect_unreadable("{\"RetCode\":\"0x10\"}");
    /* bytes after a NUL inside the length are not ignored */
    cJSON *json = NULL;
    int rc;
    char msg[64];
    static const char with_nul[] = "{\"RetCode\":0}\0garbage";
    assert_int_equal(decode_answer(with_nul, sizeof with_nul - 1, &json, &rc, msg, sizeof msg),
                     -EBADMSG);
    assert_null(json);
}

static void test_message_cleaned(void **state)
{
    int rc;
    char msg[512];
    cJSON *j = answer_of("{\"RetCode\":8041,\"Message\":\"line one\\nline\\ttwo\\u0007\"}", &rc,
                         msg, sizeof msg);
    assert_string_equal(msg, "line one line two");
    cJSON_Delete(j);
    j = answer_of("{\"RetCode\":8039,\"Message\":\"实例不存在 InstanceNotFound\"}", &rc, msg,
                  sizeof msg);
    assert_string_equal(msg, "实例不存在 InstanceNotFound");
    cJSON_Delete(j);
    /* a non-string Message still reads as text */
    j = answer_of("{\"RetCode\":5,\"Message\":12}", &rc, msg, sizeof msg);
    assert_string_equal(msg, "12");
    cJSON_Delete(j);
}

static void test_clean_text(void **state)
{
    char out[16];
    utf8_clean_line(out, sizeof out, "bad\xff\xfe utf8");
    assert_string_equal(out, "bad?? utf8");
    utf8_clean_line(out, sizeof out, "over\xc0\xafong"); /* overlong '/' */
    assert_string_equal(out, "over??ong");
    /* cut at a character boundary, marked with "..." */
    utf8_clean_line(out, sizeof out, "训练机训练机训练机");
    assert_true(strlen(out) <= 15);
    assert_string_equal(out, "训练机训...");
    utf8_clean_line(out, sizeof out, "0123456789abcdefghij");
    assert_string_equal(out, "0123456789ab...");
    utf8_clean_line(out, sizeof out, "fits exactly 15");
    assert_string_equal(out, "fits exactly 15");
    utf8_clean_line(out, sizeof out, NULL);
    assert_string_equal(out, "");
    char tiny[2];
    utf8_clean_line(tiny, sizeof tiny, "long text");
    assert_string_equal(tiny, "l");
}

static void test_lenient_numbers(void **state)
{
    cJSON *o = cJSON_Parse("{\"a\":16,\"b\":\"1700000000\",\"c\":16.9,\"d\":\"4.5\","
                           "\"e\":\"x\",\"f\":null,\"g\":true,\"h\":\"9007199254740993\","
                           "\"i\":1e30,\"j\":-1e30,\"k\":\" 42 \",\"l\":\"\",\"m\":[1],"
                           "\"n\":\"1e3\",\"o\":\"nan\",\"p\":\"inf\"}");
    assert_non_null(o);
    assert_int_equal(decode_int(o, "a", -1), 16);
    assert_int_equal(decode_int(o, "b", -1), 1700000000LL);
    assert_int_equal(decode_int(o, "c", -1), 16);
    assert_int_equal(decode_int(o, "d", -1), 4);
    assert_int_equal(decode_int(o, "e", -1), -1);
    assert_int_equal(decode_int(o, "f", -1), -1);
    assert_int_equal(decode_int(o, "g", -1), -1);
    assert_true(decode_int(o, "h", -1) == 9007199254740993LL); /* exact past 2^53 */
    assert_true(decode_int(o, "i", -1) == INT64_MAX);
    assert_true(decode_int(o, "j", -1) == INT64_MIN);
    assert_int_equal(decode_int(o, "k", -1), 42);
    assert_int_equal(decode_int(o, "l", -1), -1);
    assert_int_equal(decode_int(o, "m", -1), -1);
    assert_int_equal(decode_int(o, "n", -1), 1000);
    assert_int_equal(decode_int(o, "o", -1), -1);
    assert_int_equal(decode_int(o, "p", -1), -1);
    assert_int_equal(decode_int(o, "missing", -1), -1);
    assert_true(decode_double(o, "d", 0) == 4.5);
    assert_true(decode_double(o, "e", -2) == -2);
    assert_int_equal(decode_int(NULL, "a", 3), 3);
    cJSON *arr = cJSON_Parse("[1,2]");
    assert_int_equal(decode_int(arr, "a", 3), 3);
    cJSON_Delete(arr);
    cJSON_Delete(o);
}

static void test_lenient_strings(void **state)
{
    cJSON *o = cJSON_Parse("{\"s\":\"训练机-01\",\"n\":123,\"f\":0.5,\"b\":false,\"o\":{},"
                           "\"a\":[\"x\"],\"z\":null}");
    const char *keys[] = {"s", "n", "f", "b", "o", "a", "z", "missing"};
    const char *want[] = {"训练机-01", "123", "0.5", "false", "", "", "", ""};
    for (size_t i = 0; i < 8; i++) {
        char *s = decode_string(o, keys[i]);
        assert_non_null(s);
        assert_string_equal(s, want[i]);
        free(s);
    }
    cJSON_Delete(o);
}

static const char *FULL_INSTANCE =
    "{\"UHostId\":\"uhost-1a2b3c4d\",\"Name\":\"训练机-01\",\"Tag\":\"Default\","
    "\"Zone\":\"cn-wlcb-01\",\"State\":\"Running\",\"CompShareImageId\":\"compshareImage-abc\","
    "\"CompShareImageName\":\"Ubuntu 22.04\",\"CompShareImageType\":\"System\","
    "\"InstanceType\":\"UHost\",\"MachineType\":\"G\",\"CpuPlatform\":\"Intel/Auto\","
    "\"CpuArch\":\"x86_64\",\"CPU\":\"16\",\"Memory\":65536.0,\"GpuType\":\"4090\",\"GPU\":\"2\","
    "\"GraphicsMemory\":{\"Value\":\"24\",\"Unit\":\"GB\"},"
    "\"IPSet\":[{\"IP\":\"117.50.1.2\",\"IPMode\":\"IPv4\",\"Type\":\"Bgp\"},{\"IPMode\":\"IPv4\"},"
    "{\"IP\":\"10.9.1.2\",\"Type\":\"Private\"},\"junk\"],"
    "\"SshLoginCommand\":\"ssh root@117.50.1.2\",\"Password\":\"c2VjcmV0\","
    "\"ChargeType\":\"Dynamic\",\"AutoRenew\":\"Yes\",\"IsExpire\":\"No\","
    "\"CreateTime\":\"1700000000\",\"ExpireTime\":1800000000,\"StartTime\":1700000100.0,"
    "\"InstancePrice\":\"2.85\","
    "\"MonitorMessages\":{\"CpuUsageRate\":\"12.5\",\"MemUsageRate\":30,"
    "\"GpuInfo\":[{\"GPU\":0,\"GpuUsageRate\":\"90\",\"MemoryUsageRate\":\"50\"},7,"
    "{\"GPU\":\"1\",\"GpuUsageRate\":\"10\",\"MemoryUsageRate\":\"5\"}]},"
    "\"DiskSet\":[{\"DiskId\":\"disk-1\",\"IsBoot\":\"True\",\"Size\":100,"
    "\"RootPassword\":\"deep-secret\"}],"
    "\"Extra\":{\"Nested\":{\"PASSWORD\":\"upper-secret\",\"keep\":1}},"
    "\"SomethingNew\":{\"x\":[1,2,3]}}";

static void test_instance_full(void **state)
{
    cJSON *o = cJSON_Parse(FULL_INSTANCE);
    assert_non_null(o);
    api_instance in;
    assert_int_equal(decode_instance(o, &in), 0);
    assert_string_equal(in.uhost_id, "uhost-1a2b3c4d");
    assert_string_equal(in.name, "训练机-01");
    assert_string_equal(in.zone, "cn-wlcb-01");
    assert_string_equal(in.state, "Running");
    assert_string_equal(in.image_id, "compshareImage-abc");
    assert_string_equal(in.gpu_type, "4090");
    assert_string_equal(in.remark, ""); /* missing */
    assert_int_equal(in.cpu, 16);
    assert_int_equal(in.memory_mb, 65536);
    assert_int_equal(in.gpu_count, 2);
    assert_int_equal(in.gpu_memory_gb, 24);
    assert_int_equal(in.create_time, 1700000000);
    assert_int_equal(in.expire_time, 1800000000);
    assert_int_equal(in.start_time, 1700000100);
    assert_int_equal(in.stop_time, 0);
    assert_true(in.price > 2.849 && in.price < 2.851);
    assert_int_equal(in.n_ips, 2);
    assert_string_equal(in.ips[0], "117.50.1.2");
    assert_string_equal(in.ips[1], "10.9.1.2");
    assert_string_equal(in.cpu_usage_rate, "12.5");
    assert_string_equal(in.mem_usage_rate, "30");
    assert_int_equal(in.n_gpus, 2);
    assert_string_equal(in.gpus[0].gpu, "0");
    assert_string_equal(in.gpus[1].gpu_usage_rate, "10");
    assert_string_equal(in.ssh_login_command, "ssh root@117.50.1.2");

    /* info.json: the object as returned, minus every password at any depth */
    assert_null(strstr(in.info_json, "c2VjcmV0"));
    assert_null(strstr(in.info_json, "deep-secret"));
    assert_null(strstr(in.info_json, "upper-secret"));
    assert_null(strcasestr(in.info_json, "password"));
    cJSON *back = cJSON_Parse(in.info_json);
    assert_non_null(back);
    assert_string_equal(cJSON_GetObjectItem(back, "UHostId")->valuestring, "uhost-1a2b3c4d");
    assert_non_null(cJSON_GetObjectItem(back, "SomethingNew"));
    assert_int_equal(cJSON_GetObjectItem(
                         cJSON_GetObjectItem(cJSON_GetObjectItem(back, "Extra"), "Nested"), "keep")
                         ->valueint,
                     1);
    cJSON_Delete(back);

    api_instance copy;
    assert_int_equal(api_instance_copy(&copy, &in), 0);
    assert_string_equal(copy.name, in.name);
    assert_ptr_not_equal(copy.name, in.name);
    assert_int_equal(copy.n_ips, 2);
    assert_string_equal(copy.ips[1], "10.9.1.2");
    assert_string_equal(copy.gpus[1].gpu, "1");
    api_instance_free(&copy);
    api_instance_free(&in);
    cJSON_Delete(o);
}

/* Everything missing or of the wrong type reads as a default. */
static void test_instance_wrong_types(void **state)
{
    cJSON *o = cJSON_Parse("{\"UHostId\":\"uhost-x\",\"Name\":[1],\"CPU\":{},\"Memory\":\"lots\","
                           "\"GPU\":null,\"GraphicsMemory\":\"48\",\"IPSet\":\"1.2.3.4\","
                           "\"MonitorMessages\":[],\"CreateTime\":true,\"InstancePrice\":\"?\"}");
    api_instance in;
    assert_int_equal(decode_instance(o, &in), 0);
    assert_string_equal(in.uhost_id, "uhost-x");
    assert_string_equal(in.name, "");
    assert_string_equal(in.state, "");
    assert_int_equal(in.cpu, 0);
    assert_int_equal(in.memory_mb, 0);
    assert_int_equal(in.gpu_count, 0);
    assert_int_equal(in.gpu_memory_gb, 48); /* a bare number is accepted */
    assert_int_equal(in.n_ips, 0);
    assert_int_equal(in.n_gpus, 0);
    assert_string_equal(in.cpu_usage_rate, "");
    assert_int_equal(in.create_time, 0);
    assert_true(in.price == 0.0);
    api_instance_free(&in);
    cJSON_Delete(o);

    /* not even an object: every field empty, never NULL */
    cJSON *n = cJSON_Parse("42");
    assert_int_equal(decode_instance(n, &in), 0);
    assert_string_equal(in.uhost_id, "");
    assert_non_null(in.info_json);
    api_instance_free(&in);
    cJSON_Delete(n);
}

static void test_image(void **state)
{
    cJSON *o = cJSON_Parse("{\"CompShareImageId\":\"compshareImage-1\",\"Name\":\"我的镜像\","
                           "\"ImageType\":\"Custom\",\"Status\":\"Making\",\"Size\":\"20480\","
                           "\"Container\":\"False\",\"CreateTime\":1700000000.0,"
                           "\"FailedReason\":\"\",\"Softwares\":{\"CUDAVersion\":\"12.1\"},"
                           "\"Password\":\"x\"}");
    api_image img;
    assert_int_equal(decode_image(o, &img), 0);
    assert_string_equal(img.image_id, "compshareImage-1");
    assert_string_equal(img.name, "我的镜像");
    assert_string_equal(img.status, "Making");
    assert_string_equal(img.container, "False");
    assert_int_equal(img.size_mb, 20480);
    assert_int_equal(img.create_time, 1700000000);
    assert_string_equal(img.description, "");
    assert_non_null(strstr(img.info_json, "CUDAVersion"));
    assert_null(strstr(img.info_json, "Password"));
    api_image copy;
    assert_int_equal(api_image_copy(&copy, &img), 0);
    assert_string_equal(copy.name, "我的镜像");
    api_image_free(&copy);
    api_image_free(&img);
    cJSON_Delete(o);

    o = cJSON_Parse("{\"CompShareImageId\":\"c\",\"Container\":true}");
    assert_int_equal(decode_image(o, &img), 0);
    assert_string_equal(img.container, "True");
    api_image_free(&img);
    cJSON_Delete(o);
}

static void test_progress_forms(void **state)
{
    const char *bodies[] = {
        "{\"RetCode\":0,\"Process\":65.5,\"TotalDuration\":300,\"RemainingDuration\":105}",
        ("{\"RetCode\":\"0\",\"Process\":\"65.5\",\"TotalDuration\":\"300\","
         "\"RemainingDuration\":\"105\"}"),
        "{\"RetCode\":0,\"Process\":65.5,\"TotalDuration\":300.0,\"RemainingDuration\":105.9}",
    };
    for (size_t i = 0; i < 3; i++) {
        int rc;
        char msg[32];
        cJSON *j = answer_of(bodies[i], &rc, msg, sizeof msg);
        api_progress p;
        assert_int_equal(decode_progress(j, &p), 0);
        assert_true(p.process == 65.5);
        assert_int_equal(p.total_duration, 300);
        assert_int_equal(p.remaining_duration, 105);
        cJSON_Delete(j);
    }
    cJSON *j = cJSON_Parse("{\"RetCode\":0}");
    api_progress p;
    decode_progress(j, &p);
    assert_true(p.process == 0.0);
    assert_int_equal(p.total_duration, 0);
    cJSON_Delete(j);
}

static void test_pages(void **state)
{
    cJSON *j = cJSON_Parse("{\"RetCode\":0,\"TotalCount\":\"250\",\"UHostSet\":["
                           "{\"UHostId\":\"uhost-1\"},{\"Name\":\"no id\"},7,null,"
                           "{\"UHostId\":\"\"},{\"UHostId\":\"uhost-2\",\"State\":\"Stopped\"}]}");
    api_instance_list l = {0};
    long long total;
    size_t n_entries;
    assert_int_equal(decode_instance_page(j, &l, &total, &n_entries), 0);
    assert_int_equal(total, 250);
    assert_int_equal(n_entries, 6);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[1].uhost_id, "uhost-2");
    assert_string_equal(l.items[1].state, "Stopped");
    /* a second page appends */
    assert_int_equal(decode_instance_page(j, &l, &total, &n_entries), 0);
    assert_int_equal(l.n, 4);
    api_instance_list_free(&l);
    cJSON_Delete(j);

    j = cJSON_Parse("{\"RetCode\":0,\"UHostSet\":{\"not\":\"array\"}}");
    assert_int_equal(decode_instance_page(j, &l, &total, &n_entries), 0);
    assert_int_equal(total, -1);
    assert_int_equal(n_entries, 0);
    assert_int_equal(l.n, 0);
    cJSON_Delete(j);

    j = cJSON_Parse("{\"RetCode\":0,\"TotalCount\":2,\"ImageSet\":[{\"CompShareImageId\":\"a\"},"
                    "{\"CompShareImageId\":5},{\"CompShareImageId\":\"b\",\"Status\":1}]}");
    api_image_list il = {0};
    assert_int_equal(decode_image_page(j, &il, &total, &n_entries), 0);
    assert_int_equal(total, 2);
    assert_int_equal(il.n, 2);
    assert_string_equal(il.items[1].status, "1");
    api_image_list_free(&il);
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retcode_forms),     cmocka_unit_test(test_unreadable_answers),
        cmocka_unit_test(test_message_cleaned),   cmocka_unit_test(test_clean_text),
        cmocka_unit_test(test_lenient_numbers),   cmocka_unit_test(test_lenient_strings),
        cmocka_unit_test(test_instance_full),     cmocka_unit_test(test_instance_wrong_types),
        cmocka_unit_test(test_image),             cmocka_unit_test(test_progress_forms),
        cmocka_unit_test(test_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
