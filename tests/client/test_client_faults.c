/* SPDX-License-Identifier: MIT */
/* test_client_faults.c - the client against compshare-sim's injected faults.
 *
 * Reads must recover from transient faults (5xx, RetCode 150/153, malformed
 * answers, latency) and report the right class when they persist. A
 * state-changing call is resent only when the sim certainly did not run it
 * (150/153 are decided before the action); after a lost answer (hang, 5xx,
 * malformed: the action ran) it reports the outcome unknown and the sim's
 * stats show it was sent exactly once. Timeouts are 1 s so this runs fast; the sim's
 * clock is paused, so an operation's state holds until the test moves the clock. */
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

#define TIMEOUT_MS 1000

static sim_handle SIM;
static api_client *C;
/* The instances Running at the start (see take_running). */
static char running_ids[16][64], running_zones[16][64];
static size_t n_running, n_taken;

static int setup(void **state)
{
    const char *args[] = {"--instances", "16", "--clock", "manual", "--seed", "3", NULL};
    api_config cfg;
    if (sim_start_config(&SIM, args, TIMEOUT_MS, &cfg) != 0)
        return -1;
    C = api_new(&cfg, NULL);
    int n = C ? sim_running_instances(C, 16, running_ids, running_zones) : -1;
    if (n < 10)
        return -1;
    n_running = (size_t)n;
    return 0;
}

static int teardown(void **state)
{
    api_free(C);
    sim_stop(&SIM);
    return 0;
}

/* Before each test: no faults, counters at zero. */
static int fresh(void **state)
{
    if (sim_reset_faults(&SIM) || sim_reset_stats(&SIM))
        return -1;
    return 0;
}

static void faults(const char *json) { assert_int_equal(sim_set_faults(&SIM, json), 0); }

/* A client more patient than the default, to show recovery. */
static api_client *patient_client(void)
{
    api_config cfg;
    sim_api_config(&SIM, &cfg, TIMEOUT_MS);
    cfg.max_attempts = 12;
    cfg.retry_budget_ms = 120000;
    api_client *c = api_new(&cfg, NULL);
    assert_non_null(c);
    return c;
}

/* The instances Running at the start; each mutating test takes the next one,
 * so that no test meets the lock or the state another one left. */

static void take_running(char *id, char *zone)
{
    assert_true(n_taken < n_running);
    snprintf(id, 64, "%s", running_ids[n_taken]);
    snprintf(zone, 64, "%s", running_zones[n_taken]);
    n_taken++;
}

/* The instance shows state now. */
static void assert_state(const char *id, const char *state)
{
    api_instance in;
    assert_int_equal(sim_get_instance(C, id, &in), 0);
    assert_string_equal(in.state, state);
    api_instance_free(&in);
}

/* Takes the next Running instance (its ID in id) and reboots it with the
 * fault set to value for reboots; the reboot's result. */
static int reboot_with_fault(const char *fault, int value, char *id, api_error *err)
{
    char zone[64], json[256];
    take_running(id, zone);
    snprintf(json, sizeof json, "{\"%s\":%d,\"actions\":\"RebootCompShareInstance\"}", fault,
             value);
    faults(json);
    return api_reboot(C, zone, id, err);
}

/* ---- reads ---- */

/* A fault on every attempt: the read gives up after its attempts with the
 * class of the fault, and the sim saw exactly the attempts made. */
static void persistent_read_fault(const char *json, int want, int want_retcode)
{
    faults(json);
    api_instance_list l;
    api_error err;
    assert_int_equal(api_describe_instances(C, NULL, 0, &l, &err), want);
    assert_int_equal(l.n, 0);
    assert_int_equal(err.retcode, want_retcode);
    assert_false(err.outcome_unknown);
    assert_true(err.attempts >= 2 && err.attempts <= 4);
    assert_int_equal(sim_requests(&SIM, "DescribeCompShareInstance"), err.attempts);
}

static void test_read_5xx(void **state)
{
    persistent_read_fault("{\"http_5xx\":1,\"actions\":\"DescribeCompShareInstance\"}", -EIO, 0);
}

static void test_read_150(void **state)
{
    persistent_read_fault("{\"retcode_150\":1,\"actions\":\"DescribeCompShareInstance\"}", -EIO,
                          150);
}

static void test_read_153(void **state)
{
    persistent_read_fault("{\"retcode_153\":1,\"actions\":\"DescribeCompShareInstance\"}",
                          -EAGAIN, 153);
}

static void test_read_malformed(void **state)
{
    persistent_read_fault("{\"malformed\":1,\"actions\":\"DescribeCompShareInstance\"}", -EIO, 0);
}

static void test_read_hang(void **state)
{
    faults("{\"hang\":1,\"actions\":\"GetCompShareImageCreateProgress\"}");
    api_image_list l;
    assert_int_equal(api_describe_custom_images(C, NULL, &l, NULL), 0);
    assert_true(l.n > 0);
    api_progress p;
    api_error err;
    assert_int_equal(api_image_progress(C, l.items[0].image_id, &p, &err), -ETIMEDOUT);
    api_image_list_free(&l);
    assert_false(err.outcome_unknown);
    /* the time budget (2 x timeout) bounds the attempts */
    assert_true(err.attempts >= 1 && err.attempts <= 2);
    assert_int_equal(sim_requests(&SIM, "GetCompShareImageCreateProgress"), err.attempts);
    assert_non_null(strstr(err.message, "no answer from"));
}

/* Half the requests faulted: every read still succeeds, by retrying. */
static void recovering_reads(const char *json)
{
    api_client *c = patient_client();
    api_instance_list ref;
    assert_int_equal(api_describe_instances(c, NULL, 0, &ref, NULL), 0);
    assert_int_equal(sim_reset_stats(&SIM), 0);
    faults(json);
    for (int i = 0; i < 10; i++) {
        api_instance_list l;
        api_error err;
        int rc = api_describe_instances(c, NULL, 0, &l, &err);
        if (rc)
            fail_msg("read %d failed: %s", i, err.message);
        assert_int_equal(l.n, ref.n);
        api_instance_list_free(&l);
    }
    /* some of those reads needed more than one request */
    assert_true(sim_requests(&SIM, "DescribeCompShareInstance") > 10);
    api_instance_list_free(&ref);
    api_free(c);
}

static void test_read_recovers_from_5xx(void **state) { recovering_reads("{\"http_5xx\":0.5}"); }
static void test_read_recovers_from_150(void **state) { recovering_reads("{\"retcode_150\":0.5}"); }
static void test_read_recovers_from_153(void **state) { recovering_reads("{\"retcode_153\":0.5}"); }
static void test_read_recovers_from_malformed(void **state) { recovering_reads("{\"malformed\":0.5}"); }

static void test_latency(void **state)
{
    faults("{\"latency_ms\":300,\"jitter_ms\":100}");
    api_instance_list l;
    api_error err;
    assert_int_equal(api_describe_instances(C, NULL, 0, &l, &err), 0);
    assert_true(l.n > 0);
    api_instance_list_free(&l);
    assert_int_equal(sim_requests(&SIM, "DescribeCompShareInstance"), 1);

    /* slower than the timeout: a read gives up with ETIMEDOUT */
    faults("{\"latency_ms\":1500,\"jitter_ms\":0}");
    assert_int_equal(api_describe_instances(C, NULL, 0, &l, &err), -ETIMEDOUT);
}

/* Every number as a string: the same fleet, the same values. */
static void test_string_numbers(void **state)
{
    api_instance_list plain, strings;
    assert_int_equal(api_describe_instances(C, NULL, 0, &plain, NULL), 0);
    faults("{\"string_numbers\":true}");
    assert_int_equal(api_describe_instances(C, NULL, 0, &strings, NULL), 0);
    assert_int_equal(strings.n, plain.n);
    assert_int_equal(strings.total_count, plain.total_count);
    for (size_t i = 0; i < plain.n; i++) {
        const api_instance *a = &plain.items[i], *b = &strings.items[i];
        assert_string_equal(a->uhost_id, b->uhost_id);
        assert_int_equal(a->cpu, b->cpu);
        assert_int_equal(a->memory_mb, b->memory_mb);
        assert_int_equal(a->gpu_count, b->gpu_count);
        assert_int_equal(a->gpu_memory_gb, b->gpu_memory_gb);
        assert_int_equal(a->create_time, b->create_time);
        assert_true(a->price == b->price);
        assert_int_equal(a->n_ips, b->n_ips);
    }
    api_instance_list_free(&plain);
    api_instance_list_free(&strings);

    /* a new image: its ID and progress come as strings too */
    char id[64], zone[64];
    take_running(id, zone);
    char *image = NULL;
    assert_int_equal(api_create_custom_image(C, zone, id, "string-numbers", NULL, &image, NULL),
                     0);
    api_progress p;
    assert_int_equal(api_image_progress(C, image, &p, NULL), 0);
    assert_true(p.process >= 0 && p.process <= 100);
    assert_true(p.total_duration > 0);
    assert_true(p.remaining_duration <= p.total_duration);
    api_image_list imgs;
    assert_int_equal(api_describe_custom_images(C, image, &imgs, NULL), 0);
    assert_int_equal(imgs.n, 1);
    assert_string_equal(imgs.items[0].name, "string-numbers");
    assert_true(imgs.items[0].create_time > 1600000000);
    api_image_list_free(&imgs);
    free(image);

    /* error answers with "RetCode": "8039" are classified all the same */
    api_error err;
    assert_int_equal(api_reboot(C, "cn-wlcb-01", "uhost-00000000", &err), -ENOENT);
    assert_int_equal(err.retcode, 8039);
}

/* ---- state-changing calls ---- */

/* The answer was lost after the action ran: outcome unknown, sent once. */
static void lost_answer(const char *fault, int want, bool timed_out)
{
    char id[64], zone[64];
    take_running(id, zone);
    char json[256];
    snprintf(json, sizeof json, "{\"%s\":1,\"actions\":\"StopCompShareInstance\"}", fault);
    faults(json);
    api_error err;
    assert_int_equal(api_stop(C, zone, id, &err), want);
    assert_true(err.outcome_unknown);
    assert_int_equal(err.attempts, 1);
    assert_non_null(strstr(err.message, "may or may not have been carried out"));
    if (timed_out)
        assert_non_null(strstr(err.message, "no answer from"));
    assert_int_equal(sim_requests(&SIM, "StopCompShareInstance"), 1);
    /* it did run: the instance is stopping, and stops when the time has come */
    assert_int_equal(sim_reset_faults(&SIM), 0);
    assert_state(id, "Stopping");
    assert_int_equal(sim_clock_advance(&SIM, 20), 0);
    assert_state(id, "Stopped");
}

static void test_mutating_hang(void **state) { lost_answer("hang", -ETIMEDOUT, true); }
static void test_mutating_5xx(void **state) { lost_answer("http_5xx", -EIO, false); }
static void test_mutating_malformed(void **state) { lost_answer("malformed", -EIO, false); }

/* 150: a definite "not done" answer, final for a state-changing call. */
static void test_mutating_150(void **state)
{
    char id[64];
    api_error err;
    assert_int_equal(reboot_with_fault("retcode_150", 1, id, &err), -EIO);
    assert_false(err.outcome_unknown);
    assert_int_equal(err.retcode, 150);
    assert_int_equal(sim_requests(&SIM, "RebootCompShareInstance"), 1);
    assert_state(id, "Running"); /* nothing ran */
}

/* 153: throttled before anything ran, so resent; persistent -> EAGAIN. */
static void test_mutating_153(void **state)
{
    char id[64], zone[64];
    api_error err;
    assert_int_equal(reboot_with_fault("retcode_153", 1, id, &err), -EAGAIN);
    assert_false(err.outcome_unknown);
    assert_true(err.attempts >= 2);
    assert_int_equal(sim_requests(&SIM, "RebootCompShareInstance"), err.attempts);
    assert_state(id, "Running");

    /* half throttled: resending gets it through, and it runs once */
    api_client *c = patient_client();
    faults("{\"retcode_153\":0.5,\"seed\":11,\"actions\":\"RebootCompShareInstance\"}");
    assert_int_equal(sim_reset_stats(&SIM), 0);
    for (int i = 0; i < 3; i++) {
        take_running(id, zone);
        assert_int_equal(api_reboot(c, zone, id, &err), 0);
        assert_state(id, "Rebooting");
    }
    /* some of those reboots were throttled and resent */
    assert_true(sim_requests(&SIM, "RebootCompShareInstance") > 3);
    api_free(c);
}

/* A state-changing call that is slower than the timeout: unknown, sent once. */
static void test_mutating_latency(void **state)
{
    char id[64];
    api_error err;
    assert_int_equal(reboot_with_fault("latency_ms", 1500, id, &err), -ETIMEDOUT);
    assert_true(err.outcome_unknown);
    assert_int_equal(sim_requests(&SIM, "RebootCompShareInstance"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_read_5xx, fresh),
        cmocka_unit_test_setup(test_read_150, fresh),
        cmocka_unit_test_setup(test_read_153, fresh),
        cmocka_unit_test_setup(test_read_malformed, fresh),
        cmocka_unit_test_setup(test_read_hang, fresh),
        cmocka_unit_test_setup(test_read_recovers_from_5xx, fresh),
        cmocka_unit_test_setup(test_read_recovers_from_150, fresh),
        cmocka_unit_test_setup(test_read_recovers_from_153, fresh),
        cmocka_unit_test_setup(test_read_recovers_from_malformed, fresh),
        cmocka_unit_test_setup(test_latency, fresh),
        cmocka_unit_test_setup(test_string_numbers, fresh),
        cmocka_unit_test_setup(test_mutating_hang, fresh),
        cmocka_unit_test_setup(test_mutating_5xx, fresh),
        cmocka_unit_test_setup(test_mutating_malformed, fresh),
        cmocka_unit_test_setup(test_mutating_150, fresh),
        cmocka_unit_test_setup(test_mutating_153, fresh),
        cmocka_unit_test_setup(test_mutating_latency, fresh),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
