/* SPDX-License-Identifier: MIT */
/* test_metrics.c - /metrics follows the Prometheus text exposition grammar,
 * escapes label values, and its counters count. */
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

static char *S(const char *s) { return (char *)s; }

static char *render(metrics *m, const inst_snap *is, const img_snap *imgs, const double *progress,
                    const cache_stats *cs)
{
    strbuf b;
    strbuf_init(&b);
    metrics_view v = {.instances = is, .custom = imgs, .progress = progress, .cache = cs};
    metrics_render(m, &v, &b);
    return strbuf_take(&b, NULL);
}

/* Every line is a HELP, a TYPE or a sample of a family TYPEd before it. */
static void assert_exposition(const char *text)
{
    regex_t help, type, sample;
    assert_int_equal(regcomp(&help, "^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* [^\n]*$", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&type,
                             "^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
                             "(counter|gauge|histogram|summary|untyped)$",
                             REG_EXTENDED),
                     0);
    assert_int_equal(
        regcomp(&sample,
                "^([a-zA-Z_:][a-zA-Z0-9_:]*)"
                "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\[\\\\\"n])*\""
                "(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\[\\\\\"n])*\")*\\})?"
                " (-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|\\+Inf|-Inf|NaN)$",
                REG_EXTENDED),
        0);
    assert_int_equal(text[strlen(text) - 1], '\n');
    char typed[64][96];
    size_t n_typed = 0;
    char *copy = strdup(text);
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        regmatch_t mt[3];
        if (regexec(&help, line, 0, NULL, 0) == 0)
            continue;
        if (regexec(&type, line, 3, mt, 0) == 0) {
            assert_true(n_typed < 64);
            snprintf(typed[n_typed++], sizeof typed[0], "%.*s", (int)(mt[1].rm_eo - mt[1].rm_so),
                     line + mt[1].rm_so);
            continue;
        }
        if (regexec(&sample, line, 2, mt, 0) != 0)
            fail_msg("not an exposition line: \"%s\"", line);
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(mt[1].rm_eo - mt[1].rm_so), line);
        bool known = false;
        for (size_t k = 0; k < n_typed && !known; k++) {
            size_t len = strlen(typed[k]);
            known = strcmp(name, typed[k]) == 0 ||
                    (strncmp(name, typed[k], len) == 0 &&
                     (strcmp(name + len, "_bucket") == 0 || strcmp(name + len, "_sum") == 0 ||
                      strcmp(name + len, "_count") == 0));
        }
        if (!known)
            fail_msg("sample of a family without # TYPE: \"%s\"", line);
        assert_true(strncmp(name, "compsharefs_", 12) == 0);
        /* no series twice */
        const char *sp = strrchr(line, ' ');
        size_t series_len = (size_t)(sp - line);
        for (const char *q = text; q < text + (line - copy); q = strchr(q, '\n') + 1)
            if (strncmp(q, line, series_len) == 0 && q[series_len] == ' ')
                fail_msg("series twice: \"%.*s\"", (int)series_len, line);
    }
    free(copy);
    regfree(&help);
    regfree(&type);
    regfree(&sample);
}

/* The value of the sample line starting with `series` (-1 when absent). */
static double value_of(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return -1;
}

static inst_snap two_instances(api_instance items[2])
{
    items[0] = (api_instance){.uhost_id = S("uhost-a"), .name = S("训练机"),
                              .zone = S("cn-wlcb-01"), .state = S("Running"), .gpu_count = 4};
    items[1] = (api_instance){.uhost_id = S("uhost-b"), .name = S("a\"b\\c\nd"),
                              .zone = S("cn-wlcb-02"), .state = S(""), .gpu_count = 0};
    inst_snap s = {.list = {.items = items, .n = 2, .total_count = 2}, .fetched_at = 1700000000};
    return s;
}

static void test_instances_and_escaping(void **state)
{
    metrics *m = metrics_new();
    api_instance items[2];
    inst_snap is = two_instances(items);
    cache_stats cs = {.hits = 10, .misses = 3, .fetches = 3, .fetch_errors = 1};
    char *t = render(m, &is, NULL, NULL, &cs);
    assert_exposition(t);
    assert_true(value_of(t, "compsharefs_api_up") == 1);
    assert_true(value_of(t, "compsharefs_instances") == 2);
    assert_true(value_of(t, "compsharefs_instance_state{uhost_id=\"uhost-a\",name=\"训练机\","
                            "zone=\"cn-wlcb-01\",state=\"Running\"}") == 1);
    /* backslash, double quote and newline escaped; empty state shown as Unknown */
    assert_true(value_of(t, "compsharefs_instance_state{uhost_id=\"uhost-b\","
                            "name=\"a\\\"b\\\\c\\nd\",zone=\"cn-wlcb-02\","
                            "state=\"Unknown\"}") == 1);
    assert_true(value_of(t, "compsharefs_instance_gpus{uhost_id=\"uhost-a\","
                            "name=\"训练机\"}") == 4);
    assert_true(value_of(t, "compsharefs_cache_hits_total") == 10);
    assert_true(value_of(t, "compsharefs_cache_misses_total") == 3);
    free(t);
    metrics_free(m);
}

/* Per GPU: labelled by position and by the card's name (two cards of one
 * name stay two series); a rate the API left empty is no sample. Price. */
static void test_gpus_and_price(void **state)
{
    metrics *m = metrics_new();
    api_instance items[2];
    inst_snap is = two_instances(items);
    api_gpu_usage gpus[3] = {{S("NVIDIA GeForce RTX 4090"), S("35.5"), S("60")},
                             {S("NVIDIA GeForce RTX 4090"), S("0"), S("12.25")},
                             {S("NVIDIA GeForce RTX 4090"), S(""), S("x")}};
    items[0].gpus = gpus;
    items[0].n_gpus = 3;
    items[0].price = 8.32;
    items[0].charge_type = S("Dynamic");
    char *t = render(m, &is, NULL, NULL, NULL);
    assert_exposition(t);
    assert_true(value_of(t, "compsharefs_gpu_utilization_percent{uhost_id=\"uhost-a\","
                            "name=\"训练机\",index=\"0\",gpu=\"NVIDIA GeForce RTX 4090\"}") ==
                35.5);
    assert_true(value_of(t, "compsharefs_gpu_memory_used_percent{uhost_id=\"uhost-a\","
                            "name=\"训练机\",index=\"1\",gpu=\"NVIDIA GeForce RTX 4090\"}") ==
                12.25);
    assert_null(strstr(t, "index=\"2\"")); /* nothing readable for the third */
    assert_true(value_of(t, "compsharefs_instance_price{uhost_id=\"uhost-a\",name=\"训练机\","
                            "charge_type=\"Dynamic\"}") == 8.32);
    free(t);
    metrics_free(m);
}

static void test_api_down(void **state)
{
    metrics *m = metrics_new();
    char *t = render(m, NULL, NULL, NULL, NULL);
    assert_exposition(t);
    assert_true(value_of(t, "compsharefs_api_up") == 0);
    assert_null(strstr(t, "compsharefs_instance_state{"));
    free(t);
    metrics_free(m);
}

static void test_image_progress(void **state)
{
    api_image imgs[3] = {
        {.image_id = S("compshareImage-a"), .name = S("snap"), .status = S("Making")},
        {.image_id = S("compshareImage-b"), .name = S("done"), .status = S("Available")},
        {.image_id = S("compshareImage-c"), .name = S("x"), .status = S("Making")},
    };
    img_snap custom = {.list = {.items = imgs, .n = 3}};
    double progress[3] = {65.5, -1, 0};
    char *t = render(NULL, NULL, &custom, progress, NULL);
    assert_exposition(t);
    assert_true(value_of(t, "compsharefs_image_progress_percent{image_id=\"compshareImage-a\","
                            "name=\"snap\"}") == 65.5);
    assert_true(value_of(t, "compsharefs_image_progress_percent{image_id=\"compshareImage-c\","
                            "name=\"x\"}") == 0);
    /* unknown progress: no series rather than a made-up number */
    assert_null(strstr(t, "compshareImage-b"));
    assert_true(value_of(t, "compsharefs_custom_images") == 3);
    free(t);
}

static void test_requests_counted(void **state)
{
    metrics *m = metrics_new();
    metrics_api_hook(m, "RebootCompShareInstance", 0, 0, 1, 0.03);
    char *t = render(m, NULL, NULL, NULL, NULL);
    assert_exposition(t);
    const char *ok = "compsharefs_api_requests_total{action=\"RebootCompShareInstance\","
                     "result=\"ok\"}";
    const char *busy = "compsharefs_api_requests_total{action=\"RebootCompShareInstance\","
                       "result=\"EBUSY\"}";
    assert_true(value_of(t, ok) == 1);
    assert_true(value_of(t, busy) == -1);
    free(t);

    metrics_api_hook(m, "RebootCompShareInstance", 0, 0, 1, 0.2);
    metrics_api_hook(m, "RebootCompShareInstance", EBUSY, 8042, 1, 0.07);
    metrics_api_hook(m, "DescribeCompShareInstance", ETIMEDOUT, 0, 3, 12.5);
    t = render(m, NULL, NULL, NULL, NULL);
    assert_exposition(t);
    assert_true(value_of(t, ok) == 2);
    assert_true(value_of(t, busy) == 1);
    assert_true(value_of(t, "compsharefs_api_requests_total{action=\"DescribeCompShareInstance\","
                            "result=\"ETIMEDOUT\"}") == 1);
    assert_true(value_of(t, "compsharefs_api_retries_total{"
                            "action=\"DescribeCompShareInstance\"}") == 2);
    assert_true(value_of(t, "compsharefs_api_retries_total{action=\"RebootCompShareInstance\"}") ==
                0);
    free(t);
    metrics_free(m);
}

static void test_histogram(void **state)
{
    metrics *m = metrics_new();
    double seconds[] = {0.005, 0.03, 0.03, 0.2, 0.9, 3, 11};
    double sum = 0;
    for (size_t k = 0; k < 7; k++) {
        metrics_api_hook(m, "DescribeCompShareInstance", 0, 0, 1, seconds[k]);
        sum += seconds[k];
    }
    char *t = render(m, NULL, NULL, NULL, NULL);
    assert_exposition(t);
    const char *les[] = {"0.01", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
    const double want[] = {1, 3, 3, 4, 4, 5, 5, 6, 6, 7};
    for (size_t k = 0; k < 10; k++) {
        char series[160];
        snprintf(series, sizeof series,
                 "compsharefs_api_request_duration_seconds_bucket{"
                 "action=\"DescribeCompShareInstance\",le=\"%s\"}",
                 les[k]);
        if (value_of(t, series) != want[k])
            fail_msg("%s = %g, expected %g", series, value_of(t, series), want[k]);
    }
    assert_true(value_of(t, "compsharefs_api_request_duration_seconds_count{action="
                            "\"DescribeCompShareInstance\"}") == 7);
    double got_sum = value_of(t, "compsharefs_api_request_duration_seconds_sum{action="
                                 "\"DescribeCompShareInstance\"}");
    assert_true(got_sum > sum - 1e-6 && got_sum < sum + 1e-6);
    free(t);
    metrics_free(m);
}

/* Many distinct actions and results never overflow the table: they fold into "other". */
static void test_bounded(void **state)
{
    metrics *m = metrics_new();
    char action[32];
    for (int k = 0; k < 100; k++) {
        snprintf(action, sizeof action, "Action%d", k);
        metrics_api_hook(m, action, k % 40, 0, 1, 0.01);
        metrics_api_hook(m, "Same", k % 40, 0, 1, 0.01);
    }
    char *t = render(m, NULL, NULL, NULL, NULL);
    assert_exposition(t);
    assert_non_null(strstr(t, "action=\"other\""));
    /* however many results, a bounded number of series that still add up */
    size_t series = 0;
    double total = 0;
    const char *key = "compsharefs_api_requests_total{action=\"Same\",result=";
    for (const char *p = strstr(t, key); p; p = strstr(p + 1, key)) {
        series++;
        total += strtod(strchr(p, ' ') + 1, NULL);
    }
    assert_true(series >= 1 && series <= 16);
    assert_true(total == 100);
    free(t);
    metrics_free(m);
}

static void *hook_many(void *p)
{
    for (int k = 0; k < 1000; k++)
        metrics_api_hook(p, "RebootCompShareInstance", 0, 0, 1, 0.01);
    return NULL;
}

static void test_threads(void **state)
{
    metrics *m = metrics_new();
    pthread_t th[4];
    for (int k = 0; k < 4; k++)
        assert_int_equal(pthread_create(&th[k], NULL, hook_many, m), 0);
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    char *t = render(m, NULL, NULL, NULL, NULL);
    assert_true(value_of(t, "compsharefs_api_requests_total{action=\"RebootCompShareInstance\","
                            "result=\"ok\"}") == 4000);
    free(t);
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_instances_and_escaping), cmocka_unit_test(test_gpus_and_price),
        cmocka_unit_test(test_api_down),
        cmocka_unit_test(test_image_progress),
        cmocka_unit_test(test_requests_counted),
        cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
