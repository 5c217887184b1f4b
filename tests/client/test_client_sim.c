/* SPDX-License-Identifier: MIT */
/* test_client_sim.c - the API client against a live compshare-sim: every
 * action, and every error answer mapped to its errno (wrong state EPERM,
 * unknown instance or image ENOENT, lock EBUSY, bad keys EACCES, ...). */
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

/* The sim's clock is paused (--clock manual): an operation is in progress until the
 * test advances the clock by its duration (docs/simulator.md), however slow the
 * machine. */

typedef struct world {
    sim_handle sim;
    api_client *c;
    int hook_calls;
    /* picked from the starting fleet by what they are, not by position */
    char running[4][64];
    char stopped[64];        /* Stopped, free to use */
    char making_source[64];  /* Stopped, a custom image is being made from it */
} world;

static world W;

static void count_calls(void *ctx, const char *action, int errnum, int retcode, int attempts,
                        double seconds)
{
    __atomic_add_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
}


static int setup(void **state)
{
    const char *args[] = {"--instances", "8", "--clock", "manual", "--seed", "7", NULL};
    api_config cfg;
    if (sim_start_config(&W.sim, args, 5000, &cfg) != 0)
        return -1;
    cfg.on_call = count_calls;
    cfg.hook_ctx = &W.hook_calls;
    int err;
    W.c = api_new(&cfg, &err);
    if (!W.c)
        return -1;

    api_instance_list l;
    if (api_describe_instances(W.c, NULL, 0, &l, NULL) != 0)
        return -1;
    size_t n_running = 0;
    for (size_t i = 0; i < l.n; i++) {
        const api_instance *in = &l.items[i];
        if (strcmp(in->state, "Running") == 0 && n_running < 4)
            snprintf(W.running[n_running++], 64, "%s", in->uhost_id);
        else if (strcmp(in->state, "Stopped") == 0 && strcmp(in->zone, "cn-wlcb-02") == 0)
            snprintf(W.making_source, 64, "%s", in->uhost_id);
        else if (strcmp(in->state, "Stopped") == 0)
            snprintf(W.stopped, 64, "%s", in->uhost_id);
    }
    api_instance_list_free(&l);
    if (n_running < 4 || !W.stopped[0] || !W.making_source[0]) {
        fprintf(stderr, "the simulated fleet is not the documented one\n");
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    api_free(W.c);
    sim_stop(&W.sim);
    return 0;
}

/* The zone of an instance, as listed. */
static const char *zone_of(const char *id)
{
    static char zone[64];
    api_instance in;
    assert_int_equal(sim_get_instance(W.c, id, &in), 0);
    snprintf(zone, sizeof zone, "%s", in.zone);
    api_instance_free(&in);
    return zone;
}

/* The instance shows state now. */
static void assert_state(const char *id, const char *state)
{
    api_instance in;
    assert_int_equal(sim_get_instance(W.c, id, &in), 0);
    assert_string_equal(in.state, state);
    api_instance_free(&in);
}

/* Move the sim's clock on by seconds. */
static void advance(double seconds) { assert_int_equal(sim_clock_advance(&W.sim, seconds), 0); }

static void test_list_instances(void **state)
{
    assert_int_equal(sim_reset_stats(&W.sim), 0);
    api_instance_list l;
    api_error err;
    assert_int_equal(api_describe_instances(W.c, NULL, 0, &l, &err), 0);
    /* 8 instances, one of them (#7) in cn-sh2, which a cn-wlcb listing leaves out */
    assert_int_equal(l.n, 7);
    assert_int_equal(l.total_count, 7);
    for (size_t i = 0; i < l.n; i++) {
        const api_instance *in = &l.items[i];
        assert_int_equal(strncmp(in->uhost_id, "uhost-", 6), 0);
        assert_int_equal(strncmp(in->zone, "cn-wlcb-0", 9), 0);
        assert_true(in->name[0]);
        assert_true(in->gpu_count >= 1);
        assert_true(in->cpu > 0 && in->memory_mb > 0);
        assert_true(in->n_ips >= 1);
        assert_true(in->create_time > 1600000000);
        assert_true(in->gpu_type[0]);
        assert_non_null(strstr(in->info_json, in->uhost_id));
        assert_null(strstr(in->info_json, "Password")); /* the sim sends one */
    }
    assert_int_equal(sim_requests(&W.sim, "DescribeCompShareInstance"), 1);
    api_instance_list_free(&l);
}

static void test_reboot_and_lock(void **state)
{
    const char *id = W.running[0];
    char zone[64];
    snprintf(zone, sizeof zone, "%s", zone_of(id));
    api_error err;
    assert_int_equal(api_reboot(W.c, zone, id, &err), 0);
    assert_state(id, "Rebooting");

    /* a second operation while the first runs: the operation lock */
    assert_int_equal(api_reboot(W.c, zone, id, &err), -EBUSY);
    assert_int_equal(err.retcode, 8042);
    assert_non_null(strstr(err.message, "InstanceOperationInProgress"));
    assert_false(err.outcome_unknown);
    assert_string_equal(err.action, "RebootCompShareInstance");
    advance(29);
    assert_state(id, "Rebooting"); /* a reboot takes 30 s */
    assert_int_equal(api_stop(W.c, zone, id, &err), -EBUSY);
    advance(1);
    assert_state(id, "Running");
}

static void test_wrong_state(void **state)
{
    char zone[64];
    snprintf(zone, sizeof zone, "%s", zone_of(W.stopped));
    api_error err;
    assert_int_equal(api_reboot(W.c, zone, W.stopped, &err), -EPERM);
    assert_int_equal(err.retcode, 8041);
    assert_int_equal(api_stop(W.c, zone, W.stopped, &err), -EPERM);

    snprintf(zone, sizeof zone, "%s", zone_of(W.running[3]));
    assert_int_equal(api_start(W.c, zone, W.running[3], &err), -EPERM);
    assert_int_equal(api_reinstall(W.c, zone, W.running[3], "compshareImage-any", NULL, &err),
                     -ENOENT); /* the image is checked before the state */
}

static const char *first_platform_image(const char *type, char *out, size_t len)
{
    api_image_list l;
    assert_int_equal(api_describe_platform_images(W.c, type, NULL, &l, NULL), 0);
    assert_true(l.n > 0);
    snprintf(out, len, "%s", l.items[0].image_id);
    api_image_list_free(&l);
    return out;
}

static void test_stop_reinstall_start(void **state)
{
    const char *id = W.running[1];
    char zone[64], image[128];
    snprintf(zone, sizeof zone, "%s", zone_of(id));
    first_platform_image("App", image, sizeof image);
    api_error err;

    /* reinstall needs Stopped */
    assert_int_equal(api_reinstall(W.c, zone, id, image, NULL, &err), -EPERM);
    assert_int_equal(api_stop(W.c, zone, id, &err), 0);
    assert_state(id, "Stopping");
    advance(20);
    assert_state(id, "Stopped");
    assert_int_equal(api_reinstall(W.c, zone, id, image, NULL, &err), 0);
    api_instance in;
    assert_int_equal(sim_get_instance(W.c, id, &in), 0);
    assert_string_equal(in.state, "Initializing");
    assert_string_equal(in.image_id, image);
    api_instance_free(&in);
    advance(60);
    assert_state(id, "Running"); /* it boots */

    assert_int_equal(api_stop(W.c, zone, id, &err), 0);
    advance(20);
    assert_state(id, "Stopped");
    assert_int_equal(api_start(W.c, zone, id, &err), 0);
    assert_state(id, "Starting");
    advance(25);
    assert_state(id, "Running");
}

static void test_rename(void **state)
{
    const char *id = W.running[2];
    char zone[64];
    snprintf(zone, sizeof zone, "%s", zone_of(id));
    api_error err;
    assert_int_equal(api_rename(W.c, zone, id, "推理服务-改名 & co", &err), 0);
    api_instance in;
    assert_int_equal(sim_get_instance(W.c, id, &in), 0);
    assert_string_equal(in.name, "推理服务-改名 & co");
    api_instance_free(&in);
    /* names with control characters are refused by the API: EINVAL */
    assert_int_equal(api_rename(W.c, zone, id, "bad\nname", &err), -EINVAL);
    assert_int_equal(err.retcode, 231);
}

static void test_custom_images(void **state)
{
    const char *id = W.running[3];
    char zone[64];
    snprintf(zone, sizeof zone, "%s", zone_of(id));
    api_error err;
    char *image = NULL;
    assert_int_equal(
        api_create_custom_image(W.c, zone, id, "client-test-镜像", "made by a test", &image, &err),
        0);
    assert_non_null(image);

    api_image_list l;
    assert_int_equal(api_describe_custom_images(W.c, NULL, &l, &err), 0);
    bool found = false;
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.items[i].image_id, image) == 0) {
            found = true;
            assert_string_equal(l.items[i].name, "client-test-镜像");
            assert_string_equal(l.items[i].status, "Making");
        }
    }
    assert_true(found);
    api_image_list_free(&l);

    assert_int_equal(api_describe_custom_images(W.c, image, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].image_id, image);
    api_image_list_free(&l);

    api_progress p;
    assert_int_equal(api_image_progress(W.c, image, &p, &err), 0);
    assert_true(p.process >= 0 && p.process < 100);
    assert_true(p.total_duration > 0);
    assert_true(p.remaining_duration >= 0 && p.remaining_duration <= p.total_duration);

    /* the same name again */
    char *again = NULL;
    assert_int_equal(
        api_create_custom_image(W.c, zone, id, "client-test-镜像", NULL, &again, &err), -EEXIST);
    assert_null(again);
    assert_int_equal(err.retcode, 8044);
    free(image);
}

static void test_platform_images(void **state)
{
    api_image_list sys, app;
    assert_int_equal(api_describe_platform_images(W.c, "System", NULL, &sys, NULL), 0);
    assert_int_equal(api_describe_platform_images(W.c, "App", NULL, &app, NULL), 0);
    assert_true(sys.n > 0 && app.n > 0);
    bool container = false;
    for (size_t i = 0; i < sys.n; i++) {
        assert_string_equal(sys.items[i].image_type, "System");
        assert_string_equal(sys.items[i].status, "Available");
        container |= strcmp(sys.items[i].container, "True") == 0;
    }
    assert_true(container);
    for (size_t i = 0; i < app.n; i++)
        assert_string_equal(app.items[i].image_type, "App");
    api_image_list_free(&sys);
    api_image_list_free(&app);
}

static void test_not_found(void **state)
{
    api_error err;
    assert_int_equal(api_reboot(W.c, "cn-wlcb-01", "uhost-00000000", &err), -ENOENT);
    assert_int_equal(err.retcode, 8039);
    char zone[64];
    snprintf(zone, sizeof zone, "%s", zone_of(W.stopped));
    assert_int_equal(
        api_reinstall(W.c, zone, W.stopped, "compshareImage-doesnotexist", NULL, &err), -ENOENT);
    assert_int_equal(err.retcode, 8040);
    api_progress p;
    assert_int_equal(api_image_progress(W.c, "compshareImage-doesnotexist", &p, &err), -ENOENT);
    /* an instance asked for in the wrong zone does not exist there */
    const char *other = strcmp(zone, "cn-wlcb-01") == 0 ? "cn-wlcb-02" : "cn-wlcb-01";
    assert_int_equal(api_start(W.c, other, W.stopped, &err), -ENOENT);
    /* a filter that matches nothing is an empty listing, not an error */
    const char *ids[] = {"uhost-00000000"};
    api_instance_list l;
    assert_int_equal(api_describe_instances(W.c, ids, 1, &l, &err), 0);
    assert_int_equal(l.n, 0);
    api_instance_list_free(&l);
}

/* A custom image is being made from this instance: it refuses state changes. */
static void test_image_making_busy(void **state)
{
    api_error err;
    assert_int_equal(api_start(W.c, zone_of(W.making_source), W.making_source, &err), -EBUSY);
    assert_int_equal(err.retcode, 8043);
    assert_non_null(strstr(err.message, "ImageMaking"));
}

static void test_bad_keys(void **state)
{
    const struct {
        const char *pub, *priv;
        int retcode;
    } cases[] = {
        {SIM_PUBLIC_KEY, "not-the-private-key", 171},
        {"nobody-public-key", SIM_PRIVATE_KEY, 172},
    };
    for (size_t i = 0; i < 2; i++) {
        api_config cfg;
        sim_api_config(&W.sim, &cfg, 5000);
        cfg.public_key = cases[i].pub;
        cfg.private_key = cases[i].priv;
        api_client *c = api_new(&cfg, NULL);
        assert_non_null(c);
        api_error err;
        api_instance_list l;
        assert_int_equal(sim_reset_stats(&W.sim), 0);
        assert_int_equal(api_describe_instances(c, NULL, 0, &l, &err), -EACCES);
        assert_int_equal(err.retcode, cases[i].retcode);
        assert_int_equal(err.attempts, 1); /* a definite answer: not retried */
        assert_null(strstr(err.message, cases[i].priv));
        assert_int_equal(api_reboot(c, "cn-wlcb-01", W.running[0], &err), -EACCES);
        assert_int_equal(sim_requests(&W.sim, NULL), 2);
        api_free(c);
    }
}

static void test_hook_counts_calls(void **state)
{
    int before = __atomic_load_n(&W.hook_calls, __ATOMIC_SEQ_CST);
    api_progress p;
    api_image_progress(W.c, "compshareImage-doesnotexist", &p, NULL);
    api_instance_list l;
    assert_int_equal(api_describe_instances(W.c, NULL, 0, &l, NULL), 0);
    api_instance_list_free(&l);
    assert_int_equal(__atomic_load_n(&W.hook_calls, __ATOMIC_SEQ_CST) - before, 2);
}

int main(void)
{
    /* First the Making image's block: the later tests move the clock on. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image_making_busy),
        cmocka_unit_test(test_list_instances),
        cmocka_unit_test(test_reboot_and_lock),
        cmocka_unit_test(test_wrong_state),
        cmocka_unit_test(test_stop_reinstall_start),
        cmocka_unit_test(test_rename),
        cmocka_unit_test(test_custom_images),
        cmocka_unit_test(test_platform_images),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_hook_counts_calls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
