/* SPDX-License-Identifier: MIT */
/* test_tree_fleet.c - the files that follow the fleet, without a mount:
 * events (what changed, commands), each instance's command log, the selector
 * directories, ssh_config, waiting, and the `image` file that does nothing
 * when it names the running image (fixture in fake_tree.h). */
#include "fake_tree.h"

/* A refresh after ttl, as any read makes one. */
static void refresh(env *e)
{
    e->f.now += TTL_MS;
    node_attr a;
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), 0);
}

static void test_events_follow_changes(void **state)
{
    env *e = *state;
    assert_file(e, "/events", ""); /* the first listing is what was found, not a change */
    e->f.inst[0].state = (char *)"Rebooting";
    e->f.inst[1].name = (char *)"训练机-2";
    e->f.inst[4] = e->f.inst[--e->f.n_inst];               /* uhost-e gone */
    e->f.inst[e->f.n_inst++] = mk_inst("uhost-f", "new", "cn-wlcb-01", "Initializing", 0);
    refresh(e);
    char *ev = read_file(e, "/events");
    assert_non_null(strstr(ev, "\tuhost-a\tweb\tstate Running -> Rebooting\n"));
    assert_non_null(strstr(ev, "\tuhost-b\t训练机-2\tname 训练机 -> 训练机-2\n"));
    assert_non_null(strstr(ev, "\tuhost-e\ta/b\tgone\n"));
    assert_non_null(strstr(ev, "\tuhost-f\tnew\tcreated\n"));
    /* four fields, a UTC time first */
    assert_true(ev[4] == '-' && ev[10] == 'T' && ev[19] == 'Z' && ev[20] == '\t');
    size_t lines = 0;
    for (const char *p = ev; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);
    free(ev);
    node_attr a;
    assert_int_equal(stat_path(e, "/events", &a), 0);
    assert_int_equal(a.valid_ms, 0); /* asked for every time: tail -f follows it */
    long long grew = a.mtime_ns;
    refresh(e); /* nothing changed: no event, no new mtime */
    assert_int_equal(stat_path(e, "/events", &a), 0);
    assert_int_equal(a.mtime_ns, grew);
}

static void test_commands_logged(void **state)
{
    env *e = *state;
    e->f.outcome_unknown = false;
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "reboot\n"), 7);
    e->f.send_rc = -EBUSY;
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "stop\n"), -EBUSY);
    char *log = read_file(e, "/instances/uhost-a/log");
    assert_non_null(strstr(log, "\tuid 1000\treboot\tok\n"));
    assert_non_null(strstr(log, "\tuid 1000\tstop\tEBUSY: "));
    assert_ptr_equal(strstr(log, "reboot"), strstr(log, "\treboot") + 1); /* oldest first */
    assert_true(strstr(log, "reboot") < strstr(log, "stop"));
    free(log);
    assert_file(e, "/instances/uhost-b/log", "");
    char *ev = read_file(e, "/events");
    assert_non_null(strstr(ev, "\tuhost-a\tweb\tcommand reboot by uid 1000: ok\n"));
    assert_non_null(strstr(ev, "\tuhost-a\tweb\tcommand stop by uid 1000: EBUSY\n"));
    free(ev);
    node_attr a;
    assert_int_equal(stat_path(e, "/instances/uhost-a/log", &a), 0);
    assert_int_equal(a.valid_ms, 0);
}

/* Writing `image` with the running image changes nothing and sends nothing;
 * `reinstall` in ctl always reinstalls. */
static void test_image_write_of_current_image(void **state)
{
    env *e = *state;
    assert_int_equal(write_str(e, "/instances/uhost-a/image", "compshareImage-sys\n"), 19);
    assert_int_equal(e->f.n_send, 0);
    assert_true(file_contains(e, "/instances/uhost-a/log", "already its image: nothing sent"));
    assert_int_equal(write_str(e, "/instances/uhost-a/image", "compshareImage-ok\n"), 18);
    assert_int_equal(e->f.n_send, 1);
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "reinstall compshareImage-sys\n"),
                     29);
    assert_int_equal(e->f.n_send, 2);
}

static void test_selectors(void **state)
{
    env *e = *state;
    listing *l = list_dir(e, "/by-state");
    assert_true(listed(l, "Running") && listed(l, "Stopped") && listed(l, "Unknown"));
    assert_int_equal(l->n, 3);
    free(l);
    l = list_dir(e, "/by-state/Running");
    assert_int_equal(l->n, 3); /* uhost-a, uhost-c, uhost-e */
    assert_true(listed(l, "uhost-a") && listed(l, "uhost-c") && listed(l, "uhost-e"));
    assert_int_equal(l->attrs[0].kind, NODE_LINK);
    free(l);
    char buf[64];
    assert_int_equal(tree_readlink(e->t, "/by-state/Running/uhost-c", buf, sizeof buf), 0);
    assert_string_equal(buf, "../../instances/uhost-c");
    node_attr a;
    assert_int_equal(stat_path(e, "/by-state/Running/uhost-b", &a), -ENOENT); /* Stopped */
    assert_int_equal(stat_path(e, "/by-state/Sleeping", &a), -ENOENT);
    l = list_dir(e, "/by-gpu/4090");
    assert_int_equal(l->n, 5);
    free(l);
    l = list_dir(e, "/by-zone");
    assert_true(listed(l, "cn-wlcb-01") && listed(l, "cn-wlcb-02"));
    free(l);
    l = list_dir(e, "/by-zone/cn-wlcb-02");
    assert_int_equal(l->n, 1);
    assert_string_equal(l->names[0], "uhost-b");
    free(l);
    assert_int_equal(e->f.n_list_inst, 1); /* all from the one snapshot */
    /* a change moves the link */
    e->f.inst[0].state = (char *)"Stopped";
    e->f.now += TTL_MS;
    assert_int_equal(stat_path(e, "/by-state/Stopped/uhost-a", &a), 0);
    assert_int_equal(stat_path(e, "/by-state/Running/uhost-a", &a), -ENOENT);
}

static void test_ssh_config(void **state)
{
    env *e = *state;
    e->f.inst[0].ssh_login_command = (char *)"ssh -p 23001 root@117.50.1.2";
    e->f.inst[1].ssh_login_command = (char *)"ssh ubuntu@106.75.3.4";
    e->f.inst[2].ssh_login_command = (char *)"not a command";
    char *c = read_file(e, "/ssh_config");
    assert_non_null(strstr(c, "Host web uhost-a\n    HostName 117.50.1.2\n    Port 23001\n"
                              "    User root\n"));
    /* a Chinese name is no safe ssh alias: the ID alone */
    assert_non_null(strstr(c, "Host uhost-b\n    HostName 106.75.3.4\n    User ubuntu\n"));
    /* "dup" is shared by two: no alias; no command and no IP: no Host at all */
    assert_null(strstr(c, "Host dup"));
    assert_null(strstr(c, "uhost-c"));
    assert_true(c[0] == '#');
    free(c);
}

static void test_wait_check(void **state)
{
    env *e = *state;
    assert_int_equal(tree_wait_check(e->t, "uhost-a", "Running"), 1);
    assert_int_equal(tree_wait_check(e->t, "uhost-a", "Stopped"), 0);
    assert_int_equal(tree_wait_check(e->t, "uhost-zzz", "Running"), -ENOENT);
    e->f.inst[0].state = (char *)"Stopped";
    assert_int_equal(tree_wait_check(e->t, "uhost-a", "Stopped"), 0); /* within ttl: cached */
    e->f.now += TTL_MS;
    assert_int_equal(tree_wait_check(e->t, "uhost-a", "Stopped"), 1);
    assert_int_equal(e->f.n_list_inst, 2); /* one refresh per ttl, however often asked */
    e->f.inst_rc = -ETIMEDOUT;
    e->f.now += TTL_MS;
    assert_int_equal(tree_wait_check(e->t, "uhost-a", "Stopped"), -ETIMEDOUT);

    /* a wait is parsed like any command, sends nothing, and its end is logged */
    e->f.inst_rc = 0;
    e->f.now += 1000; /* past the failed refresh's hold (cache_flight.c: FAIL_HOLD_MS) */
    tree_command *cmd = NULL;
    assert_int_equal(tree_command_parse(e->t, "/instances/uhost-a/ctl", "wait Running 5\n", 15,
                                        1000, &cmd),
                     0);
    const char *id, *st;
    long secs;
    assert_true(tree_command_is_wait(cmd, &id, &st, &secs));
    assert_string_equal(id, "uhost-a");
    assert_string_equal(st, "Running");
    assert_int_equal(secs, 5);
    tree_wait_done(e->t, cmd, -ETIMEDOUT);
    tree_command_free(cmd);
    assert_true(file_contains(e, "/instances/uhost-a/log", "\twait Running 5\tETIMEDOUT: "));
    assert_true(file_contains(e, "/instances/uhost-a/error", "wait uhost-a: ETIMEDOUT"));
    assert_int_equal(e->f.n_send, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_events_follow_changes), T(test_commands_logged),
        T(test_image_write_of_current_image), T(test_selectors),
        T(test_ssh_config),            T(test_wait_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#undef T
}
