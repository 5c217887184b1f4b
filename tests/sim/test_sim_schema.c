/* SPDX-License-Identifier: MIT */
/* test_sim_schema.c - every answer of compshare-sim, for every action it implements,
 * successes and errors alike, checked field by field against
 * shared/docs/compshare-schema.json (read at run time, never copied into the repo):
 * names, JSON types, nesting, and nothing the schema does not declare.
 *
 * First the checker is shown wrong samples (it must find each fault), then a sim with a
 * paused clock is driven through every state the answers can show: operations in
 * progress and done, a custom image Making and Available, a scheduled stop, a created
 * instance, Stopped instances with their ReleaseTime, a deleted image and instance. At
 * the end every action of the schema is asked bare: one the sim does not refuse as
 * unknown (161) must have been covered here, with a success and an error.
 * Exit 77 (skipped) when the schema is not there. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_check.h"
#include "sim_harness.h"

static schema_check K;
static sim_handle SIM;
static int passed, failed;

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf(ok ? "ok   - " : "FAIL - ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    ok ? passed++ : failed++;
}

/* ---- the checker, shown wrong samples ---- */

static int faults_in(const char *model_or_action, const char *json, bool answer)
{
    cJSON *v = cJSON_Parse(json);
    K.quiet = true;
    int n = answer ? schema_check_answer(&K, model_or_action, v)
                   : schema_check_model(&K, model_or_action, v, model_or_action);
    K.quiet = false;
    cJSON_Delete(v);
    return n;
}

static void test_checker(void)
{
    int before = K.failures;
    check(faults_in("CompShareInstanceSet",
                    "{\"UHostId\":\"uhost-1\",\"CPU\":16,\"DiskSet\":[{\"IsBoot\":\"True\"}],"
                    "\"Softwares\":[{\"Name\":\"JupyterLab\",\"URL\":\"http://x\"}],"
                    "\"MonitorMessages\":{\"GpuInfo\":[{\"GPU\":\"NVIDIA L40S\"}]}}",
                    false) == 0,
          "checker: a conforming instance passes");
    static const struct {
        const char *what, *json;
    } WRONG[] = {
        {"IsBoot as a bool", "{\"DiskSet\":[{\"IsBoot\":true}]}"},
        {"IsBoot not True/False", "{\"DiskSet\":[{\"IsBoot\":\"yes\"}]}"},
        {"Softwares as an object", "{\"Softwares\":{\"CUDAVersion\":\"12.1\"}}"},
        {"GpuInfo[].GPU as an index", "{\"MonitorMessages\":{\"GpuInfo\":[{\"GPU\":0}]}}"},
        {"a field the model lacks", "{\"BootDiskState\":\"Normal\"}"},
        {"an integer as a string", "{\"CPU\":\"16\"}"},
        {"an integer with a fraction", "{\"Memory\":1.5}"},
        {"a nested object as a number", "{\"GraphicsMemory\":24}"},
    };
    for (size_t i = 0; i < sizeof WRONG / sizeof WRONG[0]; i++)
        check(faults_in("CompShareInstanceSet", WRONG[i].json, false) == 1, "checker finds %s (%s)",
              WRONG[i].what, K.last);
    check(faults_in("GetCompShareImageCreateProgress",
                    "{\"Action\":\"GetCompShareImageCreateProgressResponse\",\"RetCode\":0,"
                    "\"Process\":50,\"TotalDuration\":300,\"RemainingDuration\":\"150\"}",
                    true) == 1,
          "checker finds a duration sent as a number (%s)", K.last);
    check(faults_in("RebootCompShareInstance",
                    "{\"Action\":\"RebootCompShareInstanceResponse\",\"RetCode\":\"8042\","
                    "\"Message\":\"busy\"}",
                    true) == 1,
          "checker finds a RetCode sent as a string (%s)", K.last);
    check(faults_in("RebootCompShareInstance",
                    "{\"Action\":\"RebootCompShareInstanceResponse\",\"RetCode\":8042,"
                    "\"Message\":\"busy\",\"UHostId\":\"uhost-1\"}",
                    true) == 1,
          "checker finds data in an error answer (%s)", K.last);
    check(faults_in("RebootCompShareInstance", "{\"Action\":\"RebootResponse\",\"RetCode\":0}",
                    true) == 1,
          "checker finds a wrong Action (%s)", K.last);
    K.failures = before; /* the samples' faults were the point, not failures */
}

/* ---- calls ---- */

/* Actions answered with success and with an error, for the coverage check. */
static char covered_ok[64][64], covered_err[64][64];
static size_t n_ok, n_err;

static void note(char list[][64], size_t *n, const char *action)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(list[i], action) == 0)
            return;
    if (*n < 64)
        snprintf(list[(*n)++], 64, "%s", action);
}

static bool noted(char list[][64], size_t n, const char *action)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], action) == 0)
            return true;
    return false;
}

/* A formatted NAME=VALUE argument; valid for the next 15 calls. */
static const char *arg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *arg(const char *fmt, ...)
{
    static char pool[16][256];
    static unsigned next;
    char *out = pool[next++ % 16];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, 256, fmt, ap);
    va_end(ap);
    return out;
}

/* Call action with p's parameters plus the NAME=VALUE arguments of ap (NULL-ended), check
 * the answer against the schema and its RetCode against want; the answer (caller frees). */
static cJSON *expect_v(int want, const char *action, params *p, va_list ap)
{
    params_add(p, "Action", action);
    for (const char *a; (a = va_arg(ap, const char *));) {
        const char *eq = strchr(a, '=');
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(eq - a), a);
        params_add(p, name, eq + 1);
    }
    cJSON *answer = sim_api_raw(&SIM, p);
    params_free(p);
    int rc = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(answer, "RetCode"));
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answer, "Message"));
    int bad = schema_check_answer(&K, action, answer);
    check(answer && rc == want && bad == 0, "%s: RetCode %d%s%.120s (want %d), %s", action, rc,
          msg ? " " : "", msg ? msg : "", want, bad ? "does not conform" : "conforms");
    note(rc ? covered_err : covered_ok, rc ? &n_err : &n_ok, action);
    return answer;
}

static cJSON *expect(int want, const char *action, ...)
{
    params p;
    params_init(&p);
    va_list ap;
    va_start(ap, action);
    cJSON *answer = expect_v(want, action, &p, ap);
    va_end(ap);
    return answer;
}

typedef struct pick {
    char id[32], zone[32];
} pick;

/* expect() on one instance: Region, Zone and UHostId are its own; the answer is dropped. */
static void expect_on(int want, const char *action, const pick *on, ...)
{
    params p;
    params_init(&p);
    params_add(&p, "Region", "cn-wlcb");
    params_add(&p, "Zone", on->zone);
    params_add(&p, "UHostId", on->id);
    va_list ap;
    va_start(ap, on);
    cJSON_Delete(expect_v(want, action, &p, ap));
    va_end(ap);
}

static const char *str(const cJSON *obj, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));
    return s ? s : "";
}

static double num(const cJSON *obj, const char *name)
{
    return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

/* ---- the fleet ---- */

/* Picked by what they are (docs/simulator.md "Starting fleet"): Running ones, Stopped
 * ones that no Making image blocks (#1, in cn-wlcb-02, is its source), a container. */
static pick run[4], stop[2];
static char app_image[64], custom_available[64], custom_making[64];

static bool pick_fleet(void)
{
    cJSON *a = expect(0, "DescribeCompShareInstance", "Region=cn-wlcb", "Limit=100", NULL);
    size_t n_run = 0, n_stop = 0;
    const cJSON *in;
    cJSON_ArrayForEach (in, cJSON_GetObjectItemCaseSensitive(a, "UHostSet")) {
        pick *to = NULL;
        if (strcmp(str(in, "State"), "Running") == 0 && n_run < 4)
            to = &run[n_run++];
        else if (strcmp(str(in, "State"), "Stopped") == 0 &&
                 strcmp(str(in, "Zone"), "cn-wlcb-02") != 0 && n_stop < 2)
            to = &stop[n_stop++];
        if (to) {
            snprintf(to->id, sizeof to->id, "%s", str(in, "UHostId"));
            snprintf(to->zone, sizeof to->zone, "%s", str(in, "Zone"));
        }
    }
    cJSON_Delete(a);
    return n_run == 4 && n_stop == 2;
}

/* The first image of a listing whose Status is status (NULL: any), into out. */
static void first_image(cJSON *listing, const char *status, char *out, size_t len)
{
    const cJSON *img;
    out[0] = '\0';
    cJSON_ArrayForEach (img, cJSON_GetObjectItemCaseSensitive(listing, "ImageSet")) {
        if (!status || strcmp(str(img, "Status"), status) == 0) {
            snprintf(out, len, "%s", str(img, "CompShareImageId"));
            return;
        }
    }
}

/* Every instance of both regions, in whatever state they are now. */
static void describe_everything(const char *when)
{
    printf("# listings %s\n", when);
    cJSON_Delete(expect(0, "DescribeCompShareInstance", "Region=cn-wlcb", "Limit=100", NULL));
    cJSON_Delete(expect(0, "DescribeCompShareInstance", "Region=cn-sh2", "Limit=100", NULL));
    cJSON_Delete(expect(231, "DescribeCompShareInstance", "Limit=101", NULL));
    cJSON_Delete(expect(0, "DescribeCompShareCustomImages", "Region=cn-wlcb", "Zone=cn-wlcb-01",
                        "Limit=100", NULL));
}

/* ---- the actions, success and error answers ---- */

static void test_images(void)
{
    cJSON *a = expect(0, "DescribeCompShareImages", "Region=cn-wlcb", "ImageType=App", NULL);
    first_image(a, NULL, app_image, sizeof app_image);
    cJSON_Delete(a);
    cJSON_Delete(expect(0, "DescribeCompShareImages", "Region=cn-wlcb", NULL));
    cJSON_Delete(expect(231, "DescribeCompShareImages", "Region=cn-wlcb", "ImageType=Bogus", NULL));
    a = expect(0, "DescribeCompShareCustomImages", "Region=cn-wlcb", "Zone=cn-wlcb-01", NULL);
    first_image(a, "Available", custom_available, sizeof custom_available);
    first_image(a, "Making", custom_making, sizeof custom_making);
    char broken[64];
    first_image(a, "UnAvailable", broken, sizeof broken);
    cJSON_Delete(a);
    cJSON_Delete(expect(230, "DescribeCompShareCustomImages", "Region=cn-wlcb", NULL));
    check(custom_available[0] && custom_making[0] && broken[0],
          "the fleet has Available, Making and UnAvailable custom images");
    const char *ids[] = {custom_available, custom_making, broken};
    for (size_t i = 0; i < 3; i++) {
        a = expect(0, "GetCompShareImageCreateProgress", "Region=cn-wlcb", "Zone=cn-wlcb-01",
                   arg("CompShareImageId=%s", ids[i]), NULL);
        check(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(a, "Process")) &&
                  strspn(str(a, "TotalDuration"), "0123456789") == strlen(str(a, "TotalDuration")),
              "progress of %s: Process %g, TotalDuration \"%s\", RemainingDuration \"%s\"", ids[i],
              num(a, "Process"), str(a, "TotalDuration"), str(a, "RemainingDuration"));
        cJSON_Delete(a);
    }
    cJSON_Delete(expect(8040, "GetCompShareImageCreateProgress", "Region=cn-wlcb",
                        "Zone=cn-wlcb-01", arg("CompShareImageId=%s", app_image), NULL));
}

static void test_operations(void)
{
    const pick *r = &run[0], *s = &stop[0];
    expect_on(0, "RebootCompShareInstance", r, NULL);
    expect_on(8042, "RebootCompShareInstance", r, NULL);
    expect_on(0, "StopCompShareInstance", &run[1], NULL);
    expect_on(8041, "StopCompShareInstance", s, NULL);
    expect_on(0, "StartCompShareInstance", s, NULL);
    cJSON_Delete(expect(8039, "StartCompShareInstance", "Region=cn-wlcb", "Zone=cn-wlcb-01",
                        "UHostId=uhost-00000000", NULL));
    expect_on(0, "ModifyCompShareInstanceName", &run[2], "Name=改名 schema", NULL);
    expect_on(230, "ModifyCompShareInstanceName", &run[2], NULL);
    describe_everything("with operations in progress");
    check(sim_clock_advance(&SIM, 30) == 0, "the clock moves on 30 s");
    expect_on(0, "ReinstallCompShareInstance", &run[1], arg("CompShareImageId=%s", app_image),
              NULL);
    expect_on(8040, "ReinstallCompShareInstance", s, "CompShareImageId=compshareImage-none", NULL);
    describe_everything("after a reinstall started (an App image: Softwares with URLs)");
}

static void test_custom_image_life(void)
{
    cJSON *a = expect(0, "CreateCompShareCustomImage", "Region=cn-wlcb",
                      arg("Zone=%s", run[2].zone), arg("UHostId=%s", run[2].id),
                      "Name=schema-image", "Description=made by test_sim_schema", NULL);
    char made[64];
    snprintf(made, sizeof made, "%s", str(a, "CompShareImageId"));
    cJSON_Delete(a);
    expect_on(8044, "CreateCompShareCustomImage", &run[3], "Name=schema-image", NULL);
    cJSON_Delete(expect(8043, "TerminateCompShareCustomImage", "Region=cn-wlcb", "Zone=cn-wlcb-01",
                        arg("CompShareImageId=%s", made), NULL));
    check(sim_clock_advance(&SIM, 300) == 0, "the clock moves on 300 s: the image is made");
    a = expect(0, "GetCompShareImageCreateProgress", "Region=cn-wlcb", "Zone=cn-wlcb-01",
               arg("CompShareImageId=%s", made), NULL);
    check(num(a, "Process") == 100 && strcmp(str(a, "RemainingDuration"), "0") == 0,
          "the new image is done: Process 100, RemainingDuration \"0\"");
    cJSON_Delete(a);
    describe_everything("with the new image Available");
    cJSON_Delete(expect(0, "TerminateCompShareCustomImage", "Region=cn-wlcb", "Zone=cn-wlcb-02",
                        arg("CompShareImageId=%s", made), NULL));
    cJSON_Delete(expect(8040, "TerminateCompShareCustomImage", "Region=cn-wlcb", "Zone=cn-wlcb-02",
                        arg("CompShareImageId=%s", made), NULL));
}

static void test_manage(void)
{
    const pick *r = &run[3];
    long long wall = sim_clock_wall(&SIM);
    cJSON_Delete(expect(0, "UpdateCompShareStopScheduler", "Region=cn-wlcb",
                        arg("UHostId=%s", r->id), arg("StopTime=%lld", wall + 3600), NULL));
    expect_on(231, "UpdateCompShareStopScheduler", r, arg("StopTime=%lld", wall - 1), NULL);
    expect_on(0, "UpdateCompShareStopScheduler", &run[2], arg("StopTime=%lld", wall + 7200), NULL);
    describe_everything("with scheduled stops");
    cJSON_Delete(expect(0, "DeleteCompShareStopScheduler", "Region=cn-wlcb",
                        arg("UHostId=%s", run[2].id), NULL));
    cJSON_Delete(expect(8039, "DeleteCompShareStopScheduler", "Region=cn-wlcb",
                        "UHostId=uhost-00000000", NULL));
    expect_on(0, "ResetCompShareInstancePassword", &run[2], "Password=TmV3LVBhc3N3b3JkIzE=", NULL);
    expect_on(231, "ResetCompShareInstancePassword", &run[2], "Password=not base64!", NULL);
    expect_on(0, "TerminateCompShareInstance", &stop[1], NULL);
    expect_on(8041, "TerminateCompShareInstance", &run[2], NULL);
}

/* The inventory's string holds {pool: {numeric zone ID: {GpuType: integer}}}. */
static bool inventory_shape(const char *text)
{
    cJSON *map = cJSON_Parse(text);
    bool ok = cJSON_IsObject(map) && cJSON_GetArraySize(map) == 2;
    const cJSON *pool, *zone, *count;
    cJSON_ArrayForEach (pool, map) {
        ok &= (strcmp(pool->string, "Exclusive") == 0 || strcmp(pool->string, "Spot") == 0) &&
              cJSON_IsObject(pool);
        cJSON_ArrayForEach (zone, pool) {
            ok &=
                strspn(zone->string, "0123456789") == strlen(zone->string) && cJSON_IsObject(zone);
            cJSON_ArrayForEach (count, zone)
                ok &= cJSON_IsNumber(count) && count->valuedouble == floor(count->valuedouble);
        }
    }
    cJSON_Delete(map);
    return ok;
}

static void test_fleet(void)
{
    cJSON *a = expect(0, "DescribeCompShareSupportZone", "Region=cn-wlcb", NULL);
    check(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "ZoneInfo")) == 3,
          "cn-wlcb has three zones");
    cJSON_Delete(a);
    cJSON_Delete(expect(230, "DescribeCompShareSupportZone", NULL));
    a = expect(0, "DescribeCompShareGpuInventory", "Region=cn-wlcb", NULL);
    check(inventory_shape(str(a, "GpuInventoryByZone")),
          "GpuInventoryByZone is a string of {pool: {zone ID: {GpuType: count}}}");
    cJSON_Delete(a);
    cJSON_Delete(
        expect(0, "DescribeCompShareGpuInventory", "Region=cn-sh2", "Zone=cn-sh2-01", NULL));
    cJSON_Delete(
        expect(231, "DescribeCompShareGpuInventory", "Region=cn-sh2", "Zone=cn-wlcb-01", NULL));

    const char *base[] = {"Region=cn-wlcb", "CPU=16", "Memory=65536", "MachineType=G", NULL};
    a = expect(0, "CreateCompShareInstance", base[0], "Zone=cn-wlcb-01", "GpuType=4090", "GPU=1",
               base[1], base[2], base[3], arg("CompShareImageId=%s", app_image),
               "ChargeType=Dynamic", "Name=schema-新机", "Disks.0.IsBoot=true", "Disks.0.Size=100",
               "Disks.0.Type=CLOUD_SSD", "Disks.1.IsBoot=false", "Disks.1.Size=500",
               "Disks.1.Type=CLOUD_RSSD", NULL);
    check(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "UHostIds")) == 1,
          "CreateCompShareInstance answers one UHostId");
    cJSON_Delete(a);
    cJSON_Delete(expect(8045, "CreateCompShareInstance", base[0], "Zone=cn-wlcb-02", "GpuType=H20",
                        "GPU=1", base[1], base[2], base[3], arg("CompShareImageId=%s", app_image),
                        NULL));
    cJSON_Delete(expect(230, "CreateCompShareInstance", base[0], "Zone=cn-wlcb-01", "GpuType=4090",
                        base[1], base[2], base[3], arg("CompShareImageId=%s", app_image), NULL));
    describe_everything("with an instance being created");
    check(sim_clock_advance(&SIM, 86400) == 0, "the clock moves on a day");
    describe_everything("a day later (the new instance Running)");
}

/* Requests the gateway refuses: the envelope only, named after the action asked. */
static void test_gateway_errors(void)
{
    params p;
    params_init(&p);
    params_add(&p, "Action", "NoSuchAction");
    cJSON *a = sim_api_raw(&SIM, &p);
    params_free(&p);
    check(num(a, "RetCode") == 161 && cJSON_GetArraySize(a) == 3 &&
              strcmp(str(a, "Action"), "NoSuchActionResponse") == 0,
          "an unknown action: Action, RetCode 161, Message and nothing else");
    cJSON_Delete(a);
}

/* Every action of the schema, asked with no parameters: unknown to the sim (161), or
 * covered above with a success and an error. */
static void test_coverage(void)
{
    const cJSON *action;
    int implemented = 0;
    cJSON_ArrayForEach (action, cJSON_GetObjectItemCaseSensitive(K.schema, "actions")) {
        params p;
        params_init(&p);
        params_add(&p, "Action", action->string);
        cJSON *a = sim_api_raw(&SIM, &p);
        params_free(&p);
        int rc = (int)num(a, "RetCode");
        if (rc != 161) {
            implemented++;
            check(schema_check_answer(&K, action->string, a) == 0 &&
                      noted(covered_ok, n_ok, action->string) &&
                      noted(covered_err, n_err, action->string),
                  "%s is implemented (bare: RetCode %d); its success and error answers were "
                  "checked",
                  action->string, rc);
        }
        cJSON_Delete(a);
    }
    check(implemented == 18, "the sim implements 18 of the schema's actions (%d)", implemented);
}

int main(void)
{
    char where[1024];
    cJSON *schema = schema_load(where, sizeof where);
    if (!schema) {
        printf("SKIP: the schema is not there (%s); set COMPSHARE_SCHEMA to its path\n", where);
        return 77;
    }
    K.schema = schema;
    test_checker();
    const char *args[] = {"--instances", "16", "--seed", "3", "--clock", "manual", NULL};
    if (sim_start(&SIM, args) != 0) {
        cJSON_Delete(schema);
        return 1;
    }
    if (pick_fleet()) {
        test_images();
        test_operations();
        test_custom_image_life();
        test_manage();
        test_fleet();
        test_gateway_errors();
        test_coverage();
    } else {
        check(false, "the fleet is the documented one (4 Running, 2 Stopped outside cn-wlcb-02)");
    }
    sim_stop(&SIM);
    check(K.failures == 0, "every answer conforms to the schema (%ld fields checked, %d faults)",
          K.fields, K.failures);
    printf("%d passed, %d failed, 0 skipped\n", passed, failed);
    cJSON_Delete(schema);
    return failed ? 1 : 0;
}
