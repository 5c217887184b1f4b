/* SPDX-License-Identifier: MIT */
/* test_api_fake.c - the API client over a scripted fake transport and a fake
 * clock: what is sent (signed, complete), what is retried and what never is,
 * the attempt and time limits, the errors reported. Paging: test_api_paging.c. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "api.h"
#include "zone.h"
#include "fake_transport.h"
#include "fake_client.h"
#include "params.h"
#include "sign.h"

static const char *OK = "{\"Action\":\"XResponse\",\"RetCode\":0}";

/* ---- what is sent ---- */

static void test_request_is_signed_and_complete(void **state)
{
    fixture *fx = fx_new();
    fx->cfg.project_id = "org-abc";
    api_client *c = fx_client(fx);
    fake_ok(&fx->net, "{\"RetCode\":0,\"UHostId\":\"uhost-1\"}");
    api_error err;
    assert_int_equal(api_reboot(c, "cn-wlcb-02", "uhost-1", &err), 0);
    assert_int_equal(fx->net.n_sent, 1);

    params p;
    fake_sent_params(&fx->net, 0, &p);
    assert_string_equal(params_get(&p, "Action"), "RebootCompShareInstance");
    assert_string_equal(params_get(&p, "Region"), "cn-wlcb"); /* from the zone */
    assert_string_equal(params_get(&p, "Zone"), "cn-wlcb-02");
    assert_string_equal(params_get(&p, "UHostId"), "uhost-1");
    assert_string_equal(params_get(&p, "PublicKey"), PUB);
    assert_string_equal(params_get(&p, "ProjectId"), "org-abc");
    assert_int_equal(sign_verify(&p, PRIV), 0);
    assert_int_equal(sign_verify(&p, "another-private-key"), -EACCES);
    params_free(&p);

    const fake_sent *s = &fx->net.sent[0];
    assert_null(strstr(s->body, PRIV));
    assert_int_equal(strncmp(s->user_agent, "compsharefs/", 12), 0);
    assert_true(s->timestamp_ms > 1600000000000LL); /* milliseconds since the epoch */
    assert_int_equal(s->timeout_ms, 1000);
    assert_true(s->connect_timeout_ms > 0 && s->connect_timeout_ms <= 1000);
    assert_true(s->max_body > 0);
    fx_free(fx);
}

/* The Region of an instance action follows the instance's zone, not the
 * configured region. */
static void test_region_follows_instance_zone(void **state)
{
    fixture *fx = fx_new();
    api_client *c = fx_client(fx);
    fake_ok(&fx->net, OK);
    assert_int_equal(api_stop(c, "cn-sh2-01", "uhost-9", NULL), 0);
    params p;
    fake_sent_params(&fx->net, 0, &p);
    assert_string_equal(params_get(&p, "Region"), "cn-sh2");
    assert_string_equal(params_get(&p, "Zone"), "cn-sh2-01");
    assert_null(params_get(&p, "ProjectId")); /* none configured */
    params_free(&p);
    fx_free(fx);
}

static void test_every_action(void **state)
{
    fixture *fx = fx_new();
    api_client *c = fx_client(fx);
    fake_net *f = &fx->net;
    fake_ok(f, OK);                                             /* 0 start */
    fake_ok(f, OK);                                             /* 1 reinstall */
    fake_ok(f, OK);                                             /* 2 reinstall + password */
    fake_ok(f, OK);                                             /* 3 rename */
    fake_ok(f, "{\"RetCode\":0,\"CompShareImageId\":\"compshareImage-new\"}"); /* 4 */
    /* 5: the zones, asked once: the region's first zone is not "<region>-01" here */
    fake_ok(f, "{\"RetCode\":0,\"ZoneInfo\":[{\"Zone\":\"cn-sh2-01\",\"Region\":\"cn-sh2\"},"
               "{\"Zone\":\"cn-wlcb-02\",\"ZoneId\":10028,\"Region\":\"cn-wlcb\"}]}");
    fake_ok(f, "{\"RetCode\":0,\"Process\":\"40.5\",\"TotalDuration\":\"300\","
               "\"RemainingDuration\":178.0}"); /* 6 progress */
    fake_ok(f, "{\"RetCode\":0,\"TotalCount\":1,\"ImageSet\":[{\"CompShareImageId\":\"c1\"}]}");
    fake_ok(f, "{\"RetCode\":0,\"TotalCount\":1,\"ImageSet\":[{\"CompShareImageId\":\"p1\"}]}");
    fake_ok(f, "{\"RetCode\":0,\"TotalCount\":1,\"ImageSet\":[{\"CompShareImageId\":\"p2\"}]}");

    api_error err;
    assert_int_equal(api_start(c, "cn-wlcb-01", "uhost-a", &err), 0);
    expect_param(f, 0, "Action", "StartCompShareInstance");
    assert_int_equal(api_reinstall(c, "cn-wlcb-01", "uhost-a", "compshareImage-x", NULL, &err), 0);
    expect_param(f, 1, "Action", "ReinstallCompShareInstance");
    expect_param(f, 1, "CompShareImageId", "compshareImage-x");
    expect_param(f, 1, "Password", NULL);
    assert_int_equal(api_reinstall(c, "cn-wlcb-01", "uhost-a", "img", "cGFzcw==", &err), 0);
    expect_param(f, 2, "Password", "cGFzcw==");
    assert_int_equal(api_rename(c, "cn-wlcb-01", "uhost-a", "训练机 &=+%", &err), 0);
    expect_param(f, 3, "Action", "ModifyCompShareInstanceName");
    expect_param(f, 3, "Name", "训练机 &=+%"); /* form-encoding survives any text */
    char *id = NULL;
    assert_int_equal(
        api_create_custom_image(c, "cn-wlcb-01", "uhost-a", "snap", "before upgrade", &id, &err),
        0);
    assert_string_equal(id, "compshareImage-new");
    free(id);
    expect_param(f, 4, "Action", "CreateCompShareCustomImage");
    expect_param(f, 4, "Name", "snap");
    expect_param(f, 4, "Description", "before upgrade");
    expect_param(f, 4, "UHostId", "uhost-a");

    api_progress pr;
    assert_int_equal(api_image_progress(c, "compshareImage-new", &pr, &err), 0);
    assert_true(pr.process == 40.5);
    assert_int_equal(pr.total_duration, 300);
    assert_int_equal(pr.remaining_duration, 178);
    expect_param(f, 5, "Action", "DescribeCompShareSupportZone");
    expect_param(f, 5, "Region", "cn-wlcb");
    expect_param(f, 6, "Action", "GetCompShareImageCreateProgress");
    expect_param(f, 6, "CompShareImageId", "compshareImage-new");
    expect_param(f, 6, "Region", "cn-wlcb");
    expect_param(f, 6, "Zone", "cn-wlcb-02"); /* required: the region's first zone, as listed */

    api_image_list l;
    assert_int_equal(api_describe_custom_images(c, NULL, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].image_id, "c1");
    api_image_list_free(&l);
    expect_param(f, 7, "Action", "DescribeCompShareCustomImages");
    expect_param(f, 7, "Zone", "cn-wlcb-02"); /* remembered: no second zone listing */
    expect_param(f, 7, "Limit", "100");
    expect_param(f, 7, "Offset", "0");
    expect_param(f, 7, "CompShareImageId", NULL);

    assert_int_equal(api_describe_platform_images(c, NULL, NULL, &l, &err), 0);
    api_image_list_free(&l);
    expect_param(f, 8, "Action", "DescribeCompShareImages");
    expect_param(f, 8, "ImageType", "System");
    expect_param(f, 8, "Zone", NULL);
    assert_int_equal(api_describe_platform_images(c, "App", "p2", &l, &err), 0);
    assert_string_equal(l.items[0].image_id, "p2");
    api_image_list_free(&l);
    expect_param(f, 9, "ImageType", "App");
    expect_param(f, 9, "CompShareImageId", "p2");
    assert_int_equal(f->n_sent, 10);
    /* the transport is told which requests change state (it never sends
     * those on a reused connection, see transport.h) */
    for (size_t i = 0; i < f->n_sent; i++)
        assert_int_equal(f->sent[i].mutating, i <= 4);
    fx_free(fx);
}

static void test_listing_scope(void **state)
{
    fixture *fx = fx_new();
    api_client *c = fx_client(fx);
    fake_ok(&fx->net, "{\"RetCode\":0,\"TotalCount\":0,\"UHostSet\":[]}");
    api_instance_list l;
    assert_int_equal(api_describe_instances(c, NULL, 0, &l, NULL), 0);
    assert_int_equal(l.n, 0);
    api_instance_list_free(&l);
    expect_param(&fx->net, 0, "Action", "DescribeCompShareInstance");
    expect_param(&fx->net, 0, "Region", "cn-wlcb");
    expect_param(&fx->net, 0, "Zone", NULL);
    expect_param(&fx->net, 0, "Limit", "100");
    api_free(c);

    fx->cfg.zone = "cn-wlcb-03";
    c = fx_client(fx);
    const char *ids[] = {"uhost-a", "uhost-b"};
    assert_int_equal(api_describe_instances(c, ids, 2, &l, NULL), 0);
    api_instance_list_free(&l);
    expect_param(&fx->net, 1, "Zone", "cn-wlcb-03");
    expect_param(&fx->net, 1, "UHostIds.0", "uhost-a");
    expect_param(&fx->net, 1, "UHostIds.1", "uhost-b");
    assert_int_equal(api_image_progress(c, "img", &(api_progress){0}, NULL), 0);
    expect_param(&fx->net, 2, "Zone", "cn-wlcb-03");
    fx_free(fx);
}

/* ---- retries ---- */

typedef struct first_failure {
    const char *what;
    transport_failure failure;
    long status;
    const char *body;
} first_failure;

static const first_failure TRANSIENT[] = {
    {"HTTP 500", TRANSPORT_OK, 500, "<html>oops</html>"},
    {"HTTP 502", TRANSPORT_OK, 502, ""},
    {"HTTP 503", TRANSPORT_OK, 503, "{\"RetCode\":0}"}, /* success under 5xx is not trusted */
    {"HTTP 429", TRANSPORT_OK, 429, "slow down"},
    {"RetCode 150", TRANSPORT_OK, 200, "{\"RetCode\":150,\"Message\":\"unavailable\"}"},
    {"RetCode 153", TRANSPORT_OK, 200, "{\"RetCode\":\"153\",\"Message\":\"throttled\"}"},
    {"RetCode 110", TRANSPORT_OK, 200, "{\"RetCode\":110,\"Message\":\"API response timeout\"}"},
    {"malformed", TRANSPORT_OK, 200, "{\"RetCode\":0,\"UHostSet\":[{\"UHo"},
    {"timeout", TRANSPORT_TIMEOUT_SENT, 0, NULL},
    {"broken", TRANSPORT_BROKEN_SENT, 0, NULL},
    {"not sent", TRANSPORT_NOT_SENT, 0, NULL},
};

static void test_reads_retried_until_success(void **state)
{
    for (size_t i = 0; i < sizeof TRANSIENT / sizeof TRANSIENT[0]; i++) {
        fixture *fx = fx_new();
        api_client *c = fx_client(fx);
        fake_push(&fx->net, TRANSIENT[i].failure, TRANSIENT[i].status, TRANSIENT[i].body);
        fake_ok(&fx->net, "{\"RetCode\":0,\"TotalCount\":1,\"UHostSet\":[{\"UHostId\":\"u1\"}]}");
        api_instance_list l;
        api_error err;
        int rc = api_describe_instances(c, NULL, 0, &l, &err);
        if (rc != 0 || fx->net.n_sent != 2)
            fail_msg("%s: rc %d after %zu requests", TRANSIENT[i].what, rc, fx->net.n_sent);
        assert_int_equal(l.n, 1);
        assert_int_equal(fx->hook.calls, 1);
        assert_int_equal(fx->hook.attempts, 2);
        assert_int_equal(fx->hook.errnum, 0);
        assert_int_equal(fx->net.n_sleeps, 1); /* backed off once */
        api_instance_list_free(&l);
        fx_free(fx);
    }
}

/* Resent only when it certainly did not run. */
static void test_mutating_resent_when_not_run(void **state)
{
    const first_failure safe[] = {
        {"not sent", TRANSPORT_NOT_SENT, 0, NULL},
        {"HTTP 429", TRANSPORT_OK, 429, ""},
        {"RetCode 153", TRANSPORT_OK, 200, "{\"RetCode\":153,\"Message\":\"Request throttled\"}"},
    };
    for (size_t i = 0; i < 3; i++) {
        fixture *fx = fx_new();
        api_client *c = fx_client(fx);
        fake_push(&fx->net, safe[i].failure, safe[i].status, safe[i].body);
        fake_ok(&fx->net, OK);
        api_error err;
        int rc = api_reboot(c, "cn-wlcb-01", "uhost-1", &err);
        if (rc != 0 || fx->net.n_sent != 2)
            fail_msg("%s: rc %d after %zu requests", safe[i].what, rc, fx->net.n_sent);
        fx_free(fx);
    }
}

static void test_mutating_never_resent_after_ambiguity(void **state)
{
    const struct {
        first_failure f;
        int want;
    } cases[] = {
        {{"timeout", TRANSPORT_TIMEOUT_SENT, 0, NULL}, -ETIMEDOUT},
        {{"broken", TRANSPORT_BROKEN_SENT, 0, NULL}, -EIO},
        {{"HTTP 500", TRANSPORT_OK, 500, "<html/>"}, -EIO},
        {{"HTTP 503", TRANSPORT_OK, 503, ""}, -EIO},
        {{"RetCode 110", TRANSPORT_OK, 200, "{\"RetCode\":110,\"Message\":\"API response timeout\"}"},
         -ETIMEDOUT},
        {{"malformed", TRANSPORT_OK, 200, "{\"RetCode\":0,"}, -EIO},
        {{"too large", TRANSPORT_TOO_LARGE, 200, NULL}, -EIO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture *fx = fx_new();
        api_client *c = fx_client(fx);
        fake_push(&fx->net, cases[i].f.failure, cases[i].f.status, cases[i].f.body);
        fake_ok(&fx->net, OK);
        api_error err;
        int rc = api_reinstall(c, "cn-wlcb-01", "uhost-1", "img", NULL, &err);
        if (rc != cases[i].want || fx->net.n_sent != 1)
            fail_msg("%s: rc %d after %zu requests", cases[i].f.what, rc, fx->net.n_sent);
        assert_true(err.outcome_unknown);
        assert_int_equal(err.err, cases[i].want);
        assert_int_equal(err.attempts, 1);
        assert_string_equal(err.action, "ReinstallCompShareInstance");
        assert_non_null(strstr(err.message, "may or may not have been carried out"));
        assert_int_equal(fx->hook.errnum, -cases[i].want);
        fx_free(fx);
    }
}

/* A definite API error answer is final, for reads and for mutating calls. */
static void test_definite_errors_final(void **state)
{
    const struct {
        const char *body;
        int want, retcode;
        bool mutating;
    } cases[] = {
        {"{\"RetCode\":150,\"Message\":\"Service temporarily unavailable\"}", -EIO, 150, true},
        {"{\"RetCode\":8042,\"Message\":\"InstanceOperationInProgress: busy\"}", -EBUSY, 8042,
         true},
        {"{\"RetCode\":8041,\"Message\":\"InvalidInstanceState: is Stopped\"}", -EPERM, 8041,
         true},
        {"{\"RetCode\":8039,\"Message\":\"InstanceNotFound\"}", -ENOENT, 8039, true},
        {"{\"RetCode\":\"171\",\"Message\":\"Signature VerifyAC Error\"}", -EACCES, 171, false},
        {"{\"RetCode\":231,\"Message\":\"Params [Limit] not valid\"}", -EINVAL, 231, false},
        {"{\"RetCode\":8040,\"Message\":\"ImageNotFound\"}", -ENOENT, 8040, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fixture *fx = fx_new();
        api_client *c = fx_client(fx);
        fake_ok(&fx->net, cases[i].body);
        fake_ok(&fx->net, OK);
        api_error err;
        int rc = cases[i].mutating ? api_reboot(c, "cn-wlcb-01", "uhost-1", &err)
                                   : api_image_progress(c, "img", &(api_progress){0}, &err);
        if (rc != cases[i].want || fx->net.n_sent != 1)
            fail_msg("%s: rc %d after %zu requests", cases[i].body, rc, fx->net.n_sent);
        assert_false(err.outcome_unknown);
        assert_int_equal(err.retcode, cases[i].retcode);
        assert_int_equal(fx->hook.retcode, cases[i].retcode);
        /* the error file gets the API's own message */
        cJSON *j = cJSON_Parse(cases[i].body);
        assert_string_equal(err.message, cJSON_GetObjectItem(j, "Message")->valuestring);
        cJSON_Delete(j);
        fx_free(fx);
    }
}

/* A read failing every time stops after max_attempts, with backoff between
 * attempts that stays within the exponential caps. */
static void test_attempts_bounded(void **state)
{
    fixture *fx = fx_new();
    fx->cfg.retry_budget_ms = 600000; /* only the attempt count limits */
    api_client *c = fx_client(fx);
    fake_push(&fx->net, TRANSPORT_OK, 503, "<html>busy</html>");
    api_error err;
    api_instance_list l;
    assert_int_equal(api_describe_instances(c, NULL, 0, &l, &err), -EIO);
    assert_int_equal(fx->net.n_sent, 4); /* the default */
    assert_int_equal(err.attempts, 4);
    assert_int_equal(err.http_status, 503);
    assert_int_equal(l.n, 0);
    assert_non_null(strstr(err.message, "HTTP 503 from http://127.0.0.1:8080"));
    assert_non_null(strstr(err.message, "after 4 attempts"));
    assert_int_equal(fx->net.n_sleeps, 3);
    for (size_t k = 0; k < fx->net.n_sleeps; k++)
        assert_true(fx->net.sleeps[k] >= 0 && fx->net.sleeps[k] <= 100L << k);
    assert_int_equal(fx->hook.attempts, 4);
    assert_int_equal(fx->hook.errnum, EIO);
    api_free(c);

    fx->cfg.max_attempts = 7;
    c = fx_client(fx);
    fx->net.n_sleeps = 0;
    size_t before = fx->net.n_sent;
    assert_int_equal(api_describe_instances(c, NULL, 0, &l, &err), -EIO);
    assert_int_equal(fx->net.n_sent - before, 7);
    for (size_t k = 0; k < fx->net.n_sleeps; k++) {
        long cap = (100L << k) < 2000 ? (100L << k) : 2000;
        assert_true(fx->net.sleeps[k] >= 0 && fx->net.sleeps[k] <= cap);
    }
    fx_free(fx);
}

/* Timeouts eat the time budget: attempts stop when it is spent, and the last
 * attempt's timeout is clipped to what is left. */
static void test_budget_bounded(void **state)
{
    fixture *fx = fx_new();
    fx->cfg.timeout_ms = 1000; /* budget: 2 x 1000 */
    fx->cfg.max_attempts = 50;
    api_client *c = fx_client(fx);
    fake_push(&fx->net, TRANSPORT_TIMEOUT_SENT, 0, NULL);
    long long start = fx->net.now;
    api_error err;
    assert_int_equal(api_image_progress(c, "img", &(api_progress){0}, &err), -ETIMEDOUT);
    assert_false(err.outcome_unknown); /* a read: nothing to be unsure about */
    assert_true(fx->net.n_sent >= 1 && fx->net.n_sent <= 2);
    long spent = 0;
    for (size_t i = 0; i < fx->net.n_sent; i++)
        spent += fx->net.sent[i].timeout_ms;
    assert_true(spent <= 2000); /* the second attempt is clipped to what is left */
    assert_true(fx->net.now - start <= 2000);
    assert_non_null(strstr(err.message, "no answer from http://127.0.0.1:8080"));
    api_free(c);

    /* quick failures: the budget still ends it, well before 50 attempts */
    fx->cfg.retry_budget_ms = 5000;
    fx->net.latency_ms = 900;
    c = fx_client(fx);
    fake_clear(&fx->net);
    fake_push(&fx->net, TRANSPORT_NOT_SENT, 0, NULL);
    start = fx->net.now;
    assert_int_equal(api_describe_instances(c, NULL, 0, &(api_instance_list){0}, &err), -EIO);
    assert_true(fx->net.n_sent >= 2 && fx->net.n_sent <= 6);
    assert_true(fx->net.now - start <= 5000 + 900);
    fx_free(fx);
}

static void test_error_messages(void **state)
{
    fixture *fx = fx_new();
    fx->cfg.endpoint = "http://user:hunter2@127.0.0.1:1/";
    fx->cfg.max_attempts = 1;
    api_client *c = fx_client(fx);
    fx->net.script[0] = (fake_reply){TRANSPORT_NOT_SENT, 0, NULL, "Connection refused"};
    fx->net.n_script = 1;
    api_error err;
    assert_int_equal(api_reboot(c, "cn-wlcb-01", "uhost-1", &err), -EIO);
    assert_string_equal(err.message, "cannot connect to http://127.0.0.1:1: Connection refused");
    assert_false(err.outcome_unknown);
    assert_int_equal(err.retcode, 0);
    assert_int_equal(err.http_status, 0);
    fx_free(fx);

    /* one line, however the server writes it */
    fx = fx_new();
    c = fx_client(fx);
    fake_ok(&fx->net, "{\"RetCode\":8041,\"Message\":\"InvalidInstanceState:\\r\\nline\\u0001two\"}");
    assert_int_equal(api_start(c, "cn-wlcb-01", "uhost-1", &err), -EPERM);
    assert_string_equal(err.message, "InvalidInstanceState:  line two");
    fx_free(fx);

    /* C1 controls (U+0080..U+009F; U+009B is a terminal's CSI), escaped in
     * JSON or sent raw, reach no error file: spaces instead */
    fx = fx_new();
    c = fx_client(fx);
    fake_ok(&fx->net, "{\"RetCode\":8041,\"Message\":\"state\\u009b31m red\\u0085\xc2\x9b"
                      "2J end\"}");
    assert_int_equal(api_start(c, "cn-wlcb-01", "uhost-1", &err), -EPERM);
    assert_string_equal(err.message, "state 31m red  2J end");
    fx_free(fx);

    /* an HTML error page is named by its status */
    fx = fx_new();
    c = fx_client(fx);
    fake_push(&fx->net, TRANSPORT_OK, 404, "<html>not here</html>");
    assert_int_equal(api_start(c, "cn-wlcb-01", "uhost-1", &err), -EIO);
    assert_int_equal(fx->net.n_sent, 1);
    assert_string_equal(err.message, "HTTP 404 from http://127.0.0.1:8080");
    fx_free(fx);
}

/* Endpoints are shown without user:password@, query or fragment, whatever
 * their scheme; what is not a URL with a host is not shown at all. */
static void test_endpoint_shown(void **state)
{
    static const char *const cases[][2] = {
        {"http://user:hunter2@127.0.0.1:8080/", "http://127.0.0.1:8080"},
        {"https://USER@api.compshare.cn/v1?key=hunter2#x", "https://api.compshare.cn/v1"},
        {"ftp://a:hunter2@host.test", "ftp://host.test"},
        {"https://api.compshare.cn", "https://api.compshare.cn"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *shown = api_endpoint_shown(cases[i][0]);
        assert_non_null(shown);
        assert_string_equal(shown, cases[i][1]);
        free(shown);
    }
    assert_null(api_endpoint_shown("not a url"));
    assert_null(api_endpoint_shown("http://"));
}

/* A server echoing the request must not get the signature into error files. */
static char *echo_signature(fake_net *f, const params *request, fake_reply *reply)
{
    char *body = NULL;
    if (asprintf(&body, "{\"RetCode\":171,\"Message\":\"bad Signature %s for %s\"}",
                 params_get(request, "Signature"), params_get(request, "PublicKey")) < 0)
        return NULL;
    return body;
}

/* The same, with the signature and the key in upper case. */
static char *echo_signature_upper(fake_net *f, const params *request, fake_reply *reply)
{
    char sig[64], key[64];
    snprintf(sig, sizeof sig, "%s", params_get(request, "Signature"));
    snprintf(key, sizeof key, "%s", PRIV);
    for (char *p = sig; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    for (char *p = key; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    char *body = NULL;
    if (asprintf(&body, "{\"RetCode\":171,\"Message\":\"bad Signature %s (key %s)\"}", sig, key) <
        0)
        return NULL;
    return body;
}

static void test_signature_redacted(void **state)
{
    const fake_handler handlers[] = {echo_signature, echo_signature_upper};
    for (size_t i = 0; i < 2; i++) {
        fixture *fx = fx_new();
        fx->net.handler = handlers[i];
        api_client *c = fx_client(fx);
        api_error err;
        assert_int_equal(api_reboot(c, "cn-wlcb-01", "uhost-1", &err), -EACCES);
        params p;
        fake_sent_params(&fx->net, 0, &p);
        assert_null(strcasestr(err.message, params_get(&p, "Signature")));
        assert_null(strcasestr(err.message, PRIV));
        assert_non_null(strstr(err.message, "[redacted]"));
        params_free(&p);
        fx_free(fx);
    }
}

/* No piece of secret as long as 12 characters appears in text. */
static void assert_no_piece_of(const char *text, const char *secret)
{
    size_t n = strlen(secret);
    for (size_t i = 0; i + 12 <= n; i++) {
        char piece[13];
        memcpy(piece, secret + i, 12);
        piece[12] = '\0';
        if (strstr(text, piece)) {
            print_error("\"%s\" of a secret found in \"%s\"\n", piece, text);
            fail();
        }
    }
}

/* Echoes "<pad> Signature=<sig> Key=<key>" with a pad of handler_ctx bytes:
 * the secrets then sit where a cut to 512 bytes would split them. */
static char *echo_after_pad(fake_net *f, const params *request, fake_reply *reply)
{
    size_t pad = *(const size_t *)f->handler_ctx;
    char *fill = malloc(pad + 1);
    char *body = NULL;
    if (!fill)
        return NULL;
    memset(fill, 'x', pad);
    fill[pad] = '\0';
    if (asprintf(&body, "{\"RetCode\":171,\"Message\":\"%s Signature=%s Key=%s\"}", fill,
                 params_get(request, "Signature"), PRIV) < 0)
        body = NULL;
    free(fill);
    return body;
}

static void test_no_piece_of_a_cut_signature(void **state)
{
    for (size_t pad = 440; pad <= 510; pad++) {
        fixture *fx = fx_new();
        fx->net.handler = echo_after_pad;
        fx->net.handler_ctx = &pad;
        api_client *c = fx_client(fx);
        api_error err;
        assert_int_equal(api_reboot(c, "cn-wlcb-01", "uhost-1", &err), -EACCES);
        params p;
        fake_sent_params(&fx->net, 0, &p);
        const char *sig = params_get(&p, "Signature");
        assert_int_equal(strlen(sig), SIGN_HEX_LEN);
        assert_no_piece_of(err.message, sig);
        assert_no_piece_of(err.message, PRIV);
        if (pad < 470)
            assert_non_null(strstr(err.message, "Signature=[redacted]"));
        params_free(&p);
        fx_free(fx);
    }
}

/* Echoes the request's Password, as given and as it was sent. */
static char *echo_password(fake_net *f, const params *request, fake_reply *reply)
{
    const char *sent = f->sent[f->n_sent - 1].body;
    const char *at = strstr(sent, "Password=");
    size_t len = at ? strcspn(at + 9, "&") : 0;
    char *body = NULL;
    if (asprintf(&body, "{\"RetCode\":8041,\"Message\":\"bad Password %s (sent %.*s)\"}",
                 params_get(request, "Password"), (int)len, at ? at + 9 : "") < 0)
        return NULL;
    return body;
}

static void test_password_redacted(void **state)
{
    /* Redacted as given and as form-encoded, however short from 4 characters. */
    const char *passwords[] = {"Hunter2 is & = secret", "s3cr3t-P4ss", "pw12"};
    for (size_t i = 0; i < sizeof passwords / sizeof passwords[0]; i++) {
        fixture *fx = fx_new();
        fx->net.handler = echo_password;
        api_client *c = fx_client(fx);
        api_error err;
        assert_int_equal(
            api_reinstall(c, "cn-wlcb-01", "uhost-1", "img-1", passwords[i], &err), -EIO);
        assert_null(strstr(err.message, passwords[i]));
        assert_string_equal(err.message, "bad Password [redacted] (sent [redacted])");
        fx_free(fx);
    }

    /* Under 4 characters a password is not looked for: it would blank out
     * pieces of ordinary words. */
    fixture *fx = fx_new();
    fx->net.handler = echo_password;
    api_client *c = fx_client(fx);
    api_error err;
    assert_int_equal(api_reinstall(c, "cn-wlcb-01", "uhost-1", "img-1", "abc", &err), -EIO);
    assert_string_equal(err.message, "bad Password abc (sent abc)");
    fx_free(fx);
}

static void test_reset_password_redacted(void **state)
{
    /* A reset sends the password base64-encoded, and its padding goes out as
     * %3D: the plain password, the encoded one and the encoded one as sent
     * are three secrets beside the signature and the key, and all are kept
     * out of the message. */
    fixture *fx = fx_new();
    fx->net.handler = echo_password;
    api_client *c = fx_client(fx);
    api_error err;
    assert_int_equal(api_reset_password(c, "cn-wlcb-01", "uhost-1", "Hunter22", &err), -EIO);
    assert_null(strstr(err.message, "SHVudGVyMjI"));
    assert_string_equal(err.message, "bad Password [redacted] (sent [redacted])");
    fx_free(fx);
}

static void test_bad_input(void **state)
{
    fixture *fx = fx_new();
    api_client *c = fx_client(fx);
    api_error err;
    assert_int_equal(api_reboot(c, "cn-wlcb-01", NULL, &err), -EINVAL);
    assert_true(strlen(err.message) > 0);
    assert_int_equal(api_reboot(c, "cn-wlcb-01", "", &err), -EINVAL);
    assert_int_equal(api_reinstall(c, "cn-wlcb-01", "uhost-1", "", NULL, &err), -EINVAL);
    assert_int_equal(api_rename(c, "cn-wlcb-01", "uhost-1", NULL, &err), -EINVAL);
    assert_int_equal(api_create_custom_image(c, "cn-wlcb-01", "uhost-1", "", NULL, NULL, &err),
                     -EINVAL);
    assert_int_equal(api_image_progress(c, NULL, &(api_progress){0}, &err), -EINVAL);
    params p;
    params_init(&p);
    assert_int_equal(api_call(c, &p, false, NULL, &err), -EINVAL);
    params_free(&p);
    assert_int_equal(fx->net.n_sent, 0); /* nothing was sent for any of these */
    fx_free(fx);

    const char *bad[] = {"ftp://example.com", "not a url", "file:///etc/passwd", "http://",
                         "gopher://h:70"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx = fx_new();
        fx->cfg.endpoint = bad[i];
        int e = 0;
        assert_null(api_new(&fx->cfg, &e));
        assert_int_equal(e, -EINVAL);
        fx_free(fx);
    }
    fx = fx_new();
    fx->cfg.private_key = NULL;
    int e = 0;
    assert_null(api_new(&fx->cfg, &e));
    assert_int_equal(e, -EINVAL);
    fx_free(fx);
}

static void test_create_image_answer_without_id(void **state)
{
    fixture *fx = fx_new();
    api_client *c = fx_client(fx);
    fake_ok(&fx->net, OK);
    char *id = (char *)"unchanged";
    api_error err;
    assert_int_equal(api_create_custom_image(c, "cn-wlcb-01", "uhost-1", "n", NULL, &id, &err),
                     -EIO);
    assert_null(id);
    assert_non_null(strstr(err.message, "CompShareImageId"));
    fx_free(fx);
}

static void test_region_of_zone(void **state)
{
    char out[32];
    zone_region("cn-wlcb-01", out, sizeof out);
    assert_string_equal(out, "cn-wlcb");
    zone_region("cn-sh2-02", out, sizeof out);
    assert_string_equal(out, "cn-sh2");
    zone_region("cn-wlcb", out, sizeof out); /* already a region */
    assert_string_equal(out, "cn-wlcb");
    zone_region("", out, sizeof out);
    assert_string_equal(out, "");
    zone_region(NULL, out, sizeof out);
    assert_string_equal(out, "");
    char small[4];
    zone_region("cn-wlcb-01", small, sizeof small);
    assert_string_equal(small, "cn-");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_is_signed_and_complete),
        cmocka_unit_test(test_region_follows_instance_zone),
        cmocka_unit_test(test_every_action),
        cmocka_unit_test(test_listing_scope),
        cmocka_unit_test(test_reads_retried_until_success),
        cmocka_unit_test(test_mutating_resent_when_not_run),
        cmocka_unit_test(test_mutating_never_resent_after_ambiguity),
        cmocka_unit_test(test_definite_errors_final),
        cmocka_unit_test(test_attempts_bounded),
        cmocka_unit_test(test_budget_bounded),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_endpoint_shown),
        cmocka_unit_test(test_signature_redacted),
        cmocka_unit_test(test_no_piece_of_a_cut_signature),
        cmocka_unit_test(test_password_redacted),
        cmocka_unit_test(test_reset_password_redacted),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_create_image_answer_without_id),
        cmocka_unit_test(test_region_of_zone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
