/* SPDX-License-Identifier: MIT */
/* test_client_load.c - paging over a large fleet, and many threads sharing
 * one client (one libcurl share: connections, TLS sessions, DNS), against a
 * live compshare-sim whose /_sim/stats counts the requests. */
#include <errno.h>
#include <pthread.h>
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

#define THREADS 16

static long last_requests; /* requests the sim saw during the last run_workers */

static sim_handle SIM;
static api_client *C;
static int hook_calls;

static void count_calls(void *ctx, const char *action, int errnum, int retcode, int attempts,
                        double seconds)
{
    __atomic_add_fetch(&hook_calls, 1, __ATOMIC_SEQ_CST);
}

/* 285 instances: the 35 of them in cn-sh2 (every 8th) are not listed for
 * cn-wlcb, which leaves 250: three pages of 100. */
static int setup(void **state)
{
    /* A paused clock: nothing in the world moves while the threads look at it. */
    const char *args[] = {"--instances", "285", "--clock", "manual", "--seed", "5", NULL};
    api_config cfg;
    if (sim_start_config(&SIM, args, 5000, &cfg) != 0)
        return -1;
    cfg.on_call = count_calls;
    C = api_new(&cfg, NULL);
    return C ? 0 : -1;
}

static int teardown(void **state)
{
    api_free(C);
    sim_stop(&SIM);
    return 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const api_instance *)a)->uhost_id, ((const api_instance *)b)->uhost_id);
}

static void test_paging_250(void **state)
{
    assert_int_equal(sim_reset_stats(&SIM), 0);
    api_instance_list l;
    api_error err;
    assert_int_equal(api_describe_instances(C, NULL, 0, &l, &err), 0);
    assert_int_equal(l.n, 250);
    assert_int_equal(l.total_count, 250);
    assert_int_equal(sim_requests(&SIM, "DescribeCompShareInstance"), 3);
    assert_int_equal(sim_requests(&SIM, NULL), 3);
    qsort(l.items, l.n, sizeof *l.items, by_id);
    for (size_t i = 1; i < l.n; i++)
        assert_true(strcmp(l.items[i - 1].uhost_id, l.items[i].uhost_id) < 0); /* no duplicates */
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(strncmp(l.items[i].zone, "cn-wlcb-", 8), 0);
    api_instance_list_free(&l);
}

/* With a zone configured, only that zone is listed. */
static void test_zone_filter(void **state)
{
    api_instance_list all;
    assert_int_equal(api_describe_instances(C, NULL, 0, &all, NULL), 0);
    size_t in_zone = 0;
    for (size_t i = 0; i < all.n; i++)
        in_zone += strcmp(all.items[i].zone, "cn-wlcb-01") == 0;
    api_instance_list_free(&all);
    assert_true(in_zone > 0);

    api_config cfg;
    sim_api_config(&SIM, &cfg, 5000);
    cfg.zone = "cn-wlcb-01";
    api_client *c = api_new(&cfg, NULL);
    assert_non_null(c);
    api_instance_list l;
    assert_int_equal(api_describe_instances(c, NULL, 0, &l, NULL), 0);
    assert_int_equal(l.n, in_zone);
    for (size_t i = 0; i < l.n; i++)
        assert_string_equal(l.items[i].zone, "cn-wlcb-01");
    api_instance_list_free(&l);
    api_free(c);
}

typedef struct worker {
    api_client *c;
    char id[64], zone[64], name[64];
    int failures;
    char why[700];
} worker;

static void note(worker *w, int rc, const api_error *err, const char *what)
{
    if (rc == 0)
        return;
    w->failures++;
    snprintf(w->why, sizeof w->why, "%s: %s (%s)", what, err->message, strerror(-rc));
}

/* One thread's mix of calls: a full listing (3 pages), both image listings,
 * a progress read and a rename of its own instance. */
static void *work(void *arg)
{
    worker *w = arg;
    api_error err;
    api_instance_list l;
    int rc = api_describe_instances(w->c, NULL, 0, &l, &err);
    note(w, rc, &err, "describe");
    if (rc == 0 && l.n != 250)
        note(w, -EIO, &(api_error){.message = "wrong instance count"}, "describe");
    if (rc == 0)
        api_instance_list_free(&l);
    api_image_list imgs;
    rc = api_describe_platform_images(w->c, "System", NULL, &imgs, &err);
    note(w, rc, &err, "platform images");
    if (rc == 0)
        api_image_list_free(&imgs);
    rc = api_describe_custom_images(w->c, NULL, &imgs, &err);
    note(w, rc, &err, "custom images");
    if (rc == 0) {
        if (imgs.n > 0) {
            api_progress p;
            note(w, api_image_progress(w->c, imgs.items[0].image_id, &p, &err), &err, "progress");
        } else { /* the sim's fleet always has custom images (docs/simulator.md) */
            note(w, -EIO, &(api_error){.message = "no custom image listed"}, "custom images");
        }
        api_image_list_free(&imgs);
    }
    note(w, api_rename(w->c, w->zone, w->id, w->name, &err), &err, "rename");
    return NULL;
}

/* Run the THREADS workers on c, with the given faults (NULL: none) while
 * they run. */
static void run_workers(api_client *c, const char *faults)
{
    api_instance_list l;
    assert_int_equal(api_describe_instances(C, NULL, 0, &l, NULL), 0);
    assert_true(l.n >= THREADS);
    static worker w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].c = c;
        snprintf(w[i].id, sizeof w[i].id, "%s", l.items[i].uhost_id);
        snprintf(w[i].zone, sizeof w[i].zone, "%s", l.items[i].zone);
        snprintf(w[i].name, sizeof w[i].name, "线程-%02d-%p", i, (void *)c);
    }
    api_instance_list_free(&l);
    assert_int_equal(sim_reset_stats(&SIM), 0);
    if (faults)
        assert_int_equal(sim_set_faults(&SIM, faults), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    long requests = sim_requests(&SIM, NULL);
    assert_int_equal(sim_reset_faults(&SIM), 0);
    last_requests = requests;
    for (int i = 0; i < THREADS; i++)
        if (w[i].failures)
            fail_msg("thread %d: %s", i, w[i].why);
    /* every rename landed on its own instance */
    for (int i = 0; i < THREADS; i++) {
        api_instance in;
        assert_int_equal(sim_get_instance(C, w[i].id, &in), 0);
        assert_string_equal(in.name, w[i].name);
        api_instance_free(&in);
    }
}

static void test_threads(void **state)
{
    int before = __atomic_load_n(&hook_calls, __ATOMIC_SEQ_CST);
    run_workers(C, NULL);
    /* 3 + 1 + 1 + 1 + 1 requests per thread, none retried without faults, and once for
     * all threads the region's zone (DescribeCompShareSupportZone) for the image calls */
    assert_int_equal(last_requests, THREADS * 7 + 1);
    assert_int_equal(sim_requests(&SIM, "DescribeCompShareSupportZone"), 1);
    /* one per request: the listing that picks the instances (3 pages), the
     * threads' requests, and the check of each rename */
    assert_int_equal(__atomic_load_n(&hook_calls, __ATOMIC_SEQ_CST) - before,
                     3 + THREADS * 7 + 1 + THREADS);
}

/* Threads and throttling at once: everything still gets through. */
static void test_threads_throttled(void **state)
{
    api_config cfg;
    sim_api_config(&SIM, &cfg, 5000);
    cfg.max_attempts = 12;
    cfg.retry_budget_ms = 120000;
    api_client *c = api_new(&cfg, NULL);
    assert_non_null(c);
    run_workers(c, "{\"retcode_153\":0.3,\"latency_ms\":20}");
    assert_true(last_requests > THREADS * 7); /* throttled requests were resent */
    api_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paging_250),
        cmocka_unit_test(test_zone_filter),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_threads_throttled),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
