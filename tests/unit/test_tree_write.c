/* SPDX-License-Identifier: MIT */
/* test_tree_write.c - writing the tree without a mount: which files take commands,
 * truncation, commands (parsed before anything is sent), their errors in the
 * error files, and fresh data after them (fixture in fake_tree.h). */
#include "fake_tree.h"

/* The line is in the instance's error file and in the mount's. */
static void assert_error_logged(env *e, const char *uhost_id, const char *line)
{
    char path[64];
    snprintf(path, sizeof path, "/instances/%s/error", uhost_id);
    assert_true(file_contains(e, path, line));
    assert_true(file_contains(e, "/error", line));
}

/* Which files take commands: a write anywhere else is refused before
 * anything is parsed or sent. */
static void test_command_files(void **state)
{
    env *e = *state;
    const struct {
        const char *path;
        int rc;
    } refused[] = {
        {"/instances/uhost-a/status", -EACCES}, {"/instances/uhost-a/info.json", -EACCES},
        {"/error", -EACCES},                    {"/metrics", -EACCES},
        {"/images/compshareImage-mk/name", -EACCES}, {"/instances/uhost-a", -EISDIR},
        {"/instances", -EISDIR},                {"/", -EISDIR},
        {"/nope", -ENOENT},                     {"/instances/uhost-a/nope", -ENOENT},
    };
    for (size_t k = 0; k < sizeof refused / sizeof refused[0]; k++) {
        tree_command *cmd = NULL;
        int rc = tree_command_parse(e->t, refused[k].path, "reboot\n", 7, 0, &cmd);
        if (rc != refused[k].rc)
            fail_msg("%s: %d, expected %d", refused[k].path, rc, refused[k].rc);
        assert_null(cmd);
    }
    const char *writable[] = {"/instances/uhost-a/ctl", "/instances/uhost-a/name",
                             "/instances/uhost-a/image"};
    for (size_t k = 0; k < 3; k++) {
        tree_command *cmd = NULL;
        const char *text = k == 0 ? "reboot\n" : k == 1 ? "new-name\n" : "compshareImage-x\n";
        assert_int_equal(tree_command_parse(e->t, writable[k], text, strlen(text), 0, &cmd), 0);
        assert_non_null(cmd);
        tree_command_free(cmd);
    }
    /* an instance that does not exist: checked when the command runs */
    assert_int_equal(write_str(e, "/instances/uhost-zzz/ctl", "reboot\n"), -ENOENT);
    assert_int_equal(e->f.n_send, 0);
}

static void test_truncate(void **state)
{
    env *e = *state;
    assert_int_equal(tree_truncate(e->t, "/instances/uhost-a/ctl"), 0);
    assert_int_equal(tree_truncate(e->t, "/instances/uhost-a/name"), 0);
    assert_int_equal(tree_truncate(e->t, "/instances/uhost-a/image"), 0);
    assert_int_equal(tree_truncate(e->t, "/instances/uhost-a/status"), -EACCES);
    assert_int_equal(tree_truncate(e->t, "/metrics"), -EACCES);
    assert_int_equal(tree_truncate(e->t, "/instances/uhost-a"), -EISDIR);
    assert_int_equal(tree_truncate(e->t, "/"), -EISDIR);
    assert_int_equal(tree_truncate(e->t, "/instances/uhost-zzz/ctl"), -ENOENT);
    assert_file(e, "/instances/uhost-a/name", "web\n"); /* nothing changed */
    assert_int_equal(e->f.n_send, 0);
}

/* A bad command is refused before anything is sent, and said so in the error files. */
static void test_write_einval(void **state)
{
    env *e = *state;
    const char *bad[] = {"rebot\n", "reboot\nstop\n", "\n", "reinstall\n", "stop now\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        assert_int_equal(write_str(e, "/instances/uhost-a/ctl", bad[k]), -EINVAL);
    char big[CONTROL_MAX_WRITE + 10];
    memset(big, 'a', sizeof big);
    tree_command *cmd = NULL;
    assert_int_equal(tree_command_parse(e->t, "/instances/uhost-a/name", big, sizeof big, 0, &cmd),
                     -EINVAL);
    assert_int_equal(write_str(e, "/instances/uhost-a/image", "not an id!\n"), -EINVAL);
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "rebot\n"), -EINVAL);
    assert_int_equal(e->f.n_send, 0);
    assert_error_logged(e, "uhost-a", "write ctl uhost-a: EINVAL: unknown command \"rebot\"");
    assert_file(e, "/instances/uhost-b/error", "");
    /* not a control file at all */
    assert_int_equal(write_str(e, "/instances/uhost-a/status", "Running\n"), -EACCES);
    assert_int_equal(write_str(e, "/instances/uhost-a", "x\n"), -EISDIR);
    assert_int_equal(write_str(e, "/nope", "x\n"), -ENOENT);
    assert_int_equal(e->f.n_send, 0);
}

static void test_write_success(void **state)
{
    env *e = *state;
    assert_file(e, "/instances/uhost-c/status", "Running\n");
    /* an earlier failure, cleared by the success */
    e->f.send_rc = -EBUSY;
    assert_int_equal(write_str(e, "/instances/uhost-c/ctl", "reboot\n"), -EBUSY);
    assert_true(file_contains(e, "/instances/uhost-c/error", "EBUSY"));
    int fetched = e->f.n_list_inst;

    e->f.send_rc = 0;
    e->f.inst[2].state = (char *)"Rebooting"; /* what the API now says */
    assert_int_equal(write_str(e, "/instances/uhost-c/ctl", "  reboot \n"), 10);
    assert_int_equal(e->f.sent.verb, CTL_REBOOT);
    assert_string_equal(e->f.sent_id, "uhost-c");
    assert_string_equal(e->f.sent_zone, "cn-wlcb-01");
    /* fresh data at once, no ttl wait (the clock has not moved) */
    assert_file(e, "/instances/uhost-c/status", "Rebooting\n");
    assert_int_equal(e->f.n_list_inst, fetched + 1);
    assert_file(e, "/instances/uhost-c/error", "");

    const char *rename = "新名字\n";
    assert_int_equal(write_str(e, "/instances/uhost-b/name", rename), (long)strlen(rename));
    assert_int_equal(e->f.sent.verb, CTL_RENAME);
    assert_string_equal(e->f.sent.arg, "新名字");
    assert_string_equal(e->f.sent_zone, "cn-wlcb-02");
    assert_int_equal(write_str(e, "/instances/uhost-b/image", "compshareImage-ok\n"), 18);
    assert_int_equal(e->f.sent.verb, CTL_REINSTALL);
    assert_string_equal(e->f.sent.arg, "compshareImage-ok");
    assert_int_equal(write_str(e, "/instances/uhost-b/ctl", "reinstall compshareImage-ok"), 27);
    assert_int_equal(e->f.sent.verb, CTL_REINSTALL);
    assert_int_equal(e->f.n_send, 5);
}

static void test_mkimage_refreshes_images(void **state)
{
    env *e = *state;
    listing *l = list_dir(e, "/images");
    assert_int_equal(l->n, 2);
    free(l);
    e->f.custom[e->f.n_custom++] = mk_img("compshareImage-new", "nightly", "Making");
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "mkimage nightly\n"), 16);
    assert_int_equal(e->f.sent.verb, CTL_MKIMAGE);
    assert_string_equal(e->f.sent.arg, "nightly");
    l = list_dir(e, "/images");
    assert_true(listed(l, "compshareImage-new"));
    free(l);
}

static void expect_failure(env *e, int rc, const char *cmd, const char *line)
{
    e->f.send_rc = rc;
    int sends = e->f.n_send;
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", cmd), rc);
    assert_int_equal(e->f.n_send, sends + 1);
    assert_error_logged(e, "uhost-a", line);
}

static void test_write_errors(void **state)
{
    env *e = *state;
    expect_failure(e, -EBUSY, "reboot\n",
                   "reboot uhost-a: EBUSY: InstanceOperationInProgress: instance uhost-a is busy "
                   "with reboot (RetCode 8042)\n");
    expect_failure(e, -EPERM, "start\n",
                   "start uhost-a: EPERM: InvalidInstanceState: uhost-a is Stopped "
                   "(RetCode 8041)\n");
    expect_failure(e, -ENOENT, "stop\n", "stop uhost-a: ENOENT: InstanceNotFound (RetCode 8039)");
    /* another instance's error file is its own */
    assert_file(e, "/instances/uhost-b/error", "");
    /* the instance vanished in the meantime: ENOENT without a send */
    int sends = e->f.n_send;
    assert_int_equal(write_str(e, "/instances/uhost-zzz/ctl", "reboot\n"), -ENOENT);
    assert_int_equal(e->f.n_send, sends);
}

/* Unknown outcome: ETIMEDOUT, said plainly, never resent, and the next read
 * shows what really happened. */
static void test_outcome_unknown(void **state)
{
    env *e = *state;
    assert_file(e, "/instances/uhost-a/status", "Running\n");
    int fetched = e->f.n_list_inst;
    e->f.send_rc = -ETIMEDOUT;
    e->f.outcome_unknown = true;
    e->f.inst[0].state = (char *)"Stopping"; /* the stop did go through */
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "stop\n"), -ETIMEDOUT);
    assert_int_equal(e->f.n_send, 1);
    assert_error_logged(e, "uhost-a",
                        "stop uhost-a: ETIMEDOUT: no answer within 15 s; outcome unknown");
    assert_true(file_contains(e, "/instances/uhost-a/error", "check status before retrying"));
    assert_file(e, "/instances/uhost-a/status", "Stopping\n");
    assert_int_equal(e->f.n_list_inst, fetched + 1);
    assert_int_equal(e->f.n_send, 1);
}

/* A loop of commands costs no listing: each finds its instance's zone in the
 * last listing. Afterwards only the instances commanded are read afresh; a
 * rename makes everything fresh, since by-name/ comes from the whole list. */
static void test_commands_cost_no_listing(void **state)
{
    env *e = *state;
    assert_file(e, "/instances/uhost-a/status", "Running\n");
    assert_int_equal(e->f.n_list_inst, 1);
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "reboot\n"), 7);
    assert_int_equal(write_str(e, "/instances/uhost-c/ctl", "reboot\n"), 7);
    assert_int_equal(e->f.n_send, 2);
    assert_int_equal(e->f.n_list_inst, 1);

    e->f.inst[0].state = (char *)"Rebooting"; /* what the API now says of uhost-a */
    assert_file(e, "/instances/uhost-b/status", "Stopped\n"); /* not commanded: cached */
    assert_int_equal(e->f.n_list_inst, 1);
    assert_file(e, "/instances/uhost-a/status", "Rebooting\n"); /* commanded: fetched */
    assert_int_equal(e->f.n_list_inst, 2);
    assert_file(e, "/instances/uhost-c/status", "Running\n"); /* that fetch serves it too */
    assert_int_equal(e->f.n_list_inst, 2);

    assert_int_equal(write_str(e, "/instances/uhost-b/name", "renamed\n"), 8);
    assert_file(e, "/instances/uhost-a/status", "Rebooting\n");
    assert_int_equal(e->f.n_list_inst, 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_command_files),     T(test_truncate),
        T(test_commands_cost_no_listing),
        T(test_write_einval),   T(test_write_success),
        T(test_mkimage_refreshes_images), T(test_write_errors),
        T(test_outcome_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#undef T
}
