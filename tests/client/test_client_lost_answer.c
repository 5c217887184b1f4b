/* SPDX-License-Identifier: MIT */
/* test_client_lost_answer.c - a state-changing call whose answer is lost is
 * never sent a second time, by libcurl or by the client.
 *
 * The client talks to compshare-sim through tests/tools/drop_proxy, which
 * relays reads and, for every state-changing action, forwards the request,
 * waits until the sim has answered (so the action ran), and closes the
 * client's connection without the answer. Each trial first reads through the
 * proxy, so that a kept-alive connection sits in the pool: the case in which
 * libcurl resends a request on its own when that connection dies.
 *
 * For each action, TRIALS trials: every one must report an unknown outcome
 * (EIO or ETIMEDOUT, never a success or an EBUSY that only a resend could
 * produce), and the sim must have received the action exactly TRIALS times.
 * What the sim answered (a lock held, a wrong state) does not matter: the
 * answer is lost anyway; only duplicates do.
 *
 * A new state-changing action is one line in ACTIONS plus a small function. */
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

#define TRIALS 100
#define TIMEOUT_MS 5000

/* The instance and image every trial acts on. */
typedef struct target {
    char id[64], zone[64], image[128];
} target;

typedef int (*action_fn)(api_client *c, const target *t, int trial, api_error *err);

static int do_reboot(api_client *c, const target *t, int trial, api_error *err)
{
    (void)trial;
    return api_reboot(c, t->zone, t->id, err);
}

static int do_stop(api_client *c, const target *t, int trial, api_error *err)
{
    (void)trial;
    return api_stop(c, t->zone, t->id, err);
}

static int do_start(api_client *c, const target *t, int trial, api_error *err)
{
    (void)trial;
    return api_start(c, t->zone, t->id, err);
}

static int do_reinstall(api_client *c, const target *t, int trial, api_error *err)
{
    (void)trial;
    return api_reinstall(c, t->zone, t->id, t->image, NULL, err);
}

static int do_rename(api_client *c, const target *t, int trial, api_error *err)
{
    char name[32];
    snprintf(name, sizeof name, "lost-answer-%d", trial);
    return api_rename(c, t->zone, t->id, name, err);
}

static int do_mkimage(api_client *c, const target *t, int trial, api_error *err)
{
    char name[32], *image = NULL;
    snprintf(name, sizeof name, "lost-answer-%d", trial);
    int rc = api_create_custom_image(c, t->zone, t->id, name, NULL, &image, err);
    free(image);
    return rc;
}

typedef struct action {
    const char *name;
    action_fn run;
} action;

static const action ACTIONS[] = {
    {"RebootCompShareInstance", do_reboot},       /* api_reboot */
    {"StopCompShareInstance", do_stop},           /* api_stop */
    {"StartCompShareInstance", do_start},         /* api_start */
    {"ReinstallCompShareInstance", do_reinstall}, /* api_reinstall */
    {"ModifyCompShareInstanceName", do_rename},   /* api_rename */
    {"CreateCompShareCustomImage", do_mkimage},   /* api_create_custom_image */
};
#define N_ACTIONS (sizeof ACTIONS / sizeof ACTIONS[0])

static sim_handle SIM, PROXY;
static api_client *DIRECT, *VIA_PROXY;
static target T;

static int setup(void **state)
{
    const char *sim_args[] = {"--instances", "8", "--time-scale", "100", NULL};
    if (sim_start(&SIM, sim_args) != 0)
        return -1;
    /* --drop Action=X for every action of the table */
    static char drops[N_ACTIONS][96];
    const char *proxy_args[2 * N_ACTIONS + 1];
    for (size_t i = 0; i < N_ACTIONS; i++) {
        snprintf(drops[i], sizeof drops[i], "Action=%s&", ACTIONS[i].name);
        proxy_args[2 * i] = "--drop";
        proxy_args[2 * i + 1] = drops[i];
    }
    proxy_args[2 * N_ACTIONS] = NULL;
    if (proxy_start(&PROXY, &SIM, proxy_args) != 0)
        return -1;

    api_config cfg;
    sim_api_config(&SIM, &cfg, TIMEOUT_MS);
    DIRECT = api_new(&cfg, NULL);
    cfg.endpoint = PROXY.url;
    VIA_PROXY = api_new(&cfg, NULL);
    api_image_list images;
    if (!DIRECT || !VIA_PROXY || sim_running_instances(DIRECT, 1, &T.id, &T.zone) < 0)
        return -1;
    if (api_describe_platform_images(DIRECT, "System", NULL, &images, NULL) != 0)
        return -1;
    if (images.n > 0)
        snprintf(T.image, sizeof T.image, "%s", images.items[0].image_id);
    api_image_list_free(&images);
    return T.id[0] && T.image[0] ? 0 : -1;
}

static int teardown(void **state)
{
    api_free(VIA_PROXY);
    api_free(DIRECT);
    sim_stop(&PROXY);
    sim_stop(&SIM);
    return 0;
}

static void lost_answers(void **state)
{
    const action *a = *state;
    assert_int_equal(sim_reset_stats(&SIM), 0);
    const char *ids[] = {T.id};
    for (int trial = 0; trial < TRIALS; trial++) {
        /* a read through the proxy leaves a kept-alive connection in the pool */
        api_instance_list l;
        assert_int_equal(api_describe_instances(VIA_PROXY, ids, 1, &l, NULL), 0);
        api_instance_list_free(&l);

        api_error err;
        int rc = a->run(VIA_PROXY, &T, trial, &err);
        if ((rc != -EIO && rc != -ETIMEDOUT) || !err.outcome_unknown)
            fail_msg("%s, trial %d: rc %d (%s), outcome_unknown %d: a lost answer must be "
                     "an unknown outcome",
                     a->name, trial, rc, err.message, err.outcome_unknown);
        assert_non_null(strstr(err.message, "may or may not have been carried out"));
        assert_int_equal(err.attempts, 1);
    }
    assert_int_equal(sim_requests(&SIM, "DescribeCompShareInstance"), TRIALS);
    long sent = sim_requests(&SIM, a->name);
    if (sent != TRIALS)
        fail_msg("%s: the sim received it %ld times in %d trials (%ld duplicates)", a->name, sent,
                 TRIALS, sent - TRIALS);
}

int main(void)
{
    struct CMUnitTest tests[N_ACTIONS];
    for (size_t i = 0; i < N_ACTIONS; i++)
        tests[i] = (struct CMUnitTest){.name = ACTIONS[i].name,
                                       .test_func = lost_answers,
                                       .initial_state = (void *)&ACTIONS[i]};
    return cmocka_run_group_tests(tests, setup, teardown);
}
