/* SPDX-License-Identifier: MIT */
/* test_tree_capacity.c - the renter's fleet commands and capacity files,
 * without a mount: zones/ and their stock, terminate (only when Stopped),
 * stop_at, password (never shown anywhere), an image's delete, the root's
 * create (fixture in fake_tree.h). */
#include <time.h>

#include "fake_tree.h"

static void test_zones(void **state)
{
    env *e = *state;
    listing *l = list_dir(e, "/zones");
    assert_int_equal(l->n, 2); /* the inventory's zone 999 is no zone of the region */
    assert_string_equal(l->names[0], "cn-wlcb-01");
    assert_string_equal(l->names[1], "cn-wlcb-02");
    free(l);
    l = list_dir(e, "/zones/cn-wlcb-01");
    assert_int_equal(l->n, 3);
    assert_true(listed(l, "name") && listed(l, "gpus") && listed(l, "spot-gpus"));
    free(l);
    assert_file(e, "/zones/cn-wlcb-01/name", "乌兰察布A\n");
    assert_file(e, "/zones/cn-wlcb-01/gpus/4090", "5\n");
    assert_file(e, "/zones/cn-wlcb-01/spot-gpus/4090", "2\n");
    assert_file(e, "/zones/cn-wlcb-02/gpus/H20", "0\n"); /* sold here, none free */
    node_attr a;
    assert_int_equal(stat_path(e, "/zones/cn-wlcb-02/spot-gpus/H20", &a), -ENOENT);
    assert_int_equal(stat_path(e, "/zones/cn-wlcb-02/gpus/4090", &a), -ENOENT);
    assert_int_equal(stat_path(e, "/zones/cn-sh2-01", &a), -ENOENT);
    assert_int_equal(stat_path(e, "/zones/cn-wlcb-01/cpus", &a), -ENOENT);
    l = list_dir(e, "/zones/cn-wlcb-02/spot-gpus");
    assert_int_equal(l->n, 0);
    free(l);
    /* all of it from one round: the zones and the inventory once per ttl */
    assert_int_equal(e->f.n_zones, 1);
    assert_int_equal(e->f.n_inventory, 1);
    assert_int_equal(e->f.n_list_inst, 0); /* capacity costs no instance listing */
}

/* A count's mtime is when it changed: a refresh that finds it the same keeps it. */
static void test_stock_change_times(void **state)
{
    env *e = *state;
    node_attr a, b;
    assert_int_equal(stat_path(e, "/zones/cn-wlcb-01/gpus/4090", &a), 0);
    assert_true(a.valid_ms > 0 && a.valid_ms <= TTL_MS);
    e->f.now += TTL_MS;
    assert_int_equal(stat_path(e, "/zones/cn-wlcb-01/gpus/4090", &b), 0);
    assert_int_equal(e->f.n_inventory, 2);
    assert_int_equal(b.mtime_ns, a.mtime_ns);
    e->f.stock_4090 = 0;
    e->f.now += TTL_MS;
    assert_file(e, "/zones/cn-wlcb-01/gpus/4090", "0\n");
    assert_int_equal(stat_path(e, "/zones/cn-wlcb-01/gpus/4090", &b), 0);
    assert_true(b.mtime_ns > a.mtime_ns);
    assert_int_equal(stat_path(e, "/zones/cn-wlcb-01/spot-gpus/4090", &b), 0);
    assert_int_equal(b.mtime_ns, a.mtime_ns); /* the spot count did not change */
}

static void test_terminate_only_stopped(void **state)
{
    env *e = *state;
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "terminate\n"), -EPERM);
    assert_int_equal(e->f.n_send, 0); /* Running: nothing sent */
    assert_true(file_contains(e, "/instances/uhost-a/error", "only a Stopped instance"));
    assert_true(file_contains(e, "/instances/uhost-a/log", "terminate\tEPERM"));
    assert_true(file_contains(e, "/events", "command terminate by uid 1000: EPERM"));
    assert_int_equal(write_str(e, "/instances/uhost-b/ctl", "terminate\n"), 10); /* Stopped */
    assert_int_equal(e->f.n_send, 1);
    assert_int_equal(e->f.sent.verb, CTL_TERMINATE);
    assert_string_equal(e->f.sent_id, "uhost-b");
    assert_string_equal(e->f.sent_zone, "cn-wlcb-02");
}

static void test_stop_at(void **state)
{
    env *e = *state;
    assert_int_equal(write_str(e, "/instances/uhost-a/stop_at", "+2h\n"), 4);
    assert_int_equal(e->f.sent.verb, CTL_STOP_AT);
    long long now = time(NULL);
    assert_true(e->f.sent.when >= now + 7200 - 5 && e->f.sent.when <= now + 7200 + 5);
    assert_int_equal(write_str(e, "/instances/uhost-a/stop_at", "none\n"), 5);
    assert_int_equal(e->f.sent.verb, CTL_STOP_AT_CANCEL);
    assert_int_equal(write_str(e, "/instances/uhost-a/stop_at", "1000\n"), -EINVAL);
    assert_int_equal(e->f.n_send, 2); /* the past: nothing sent */
    assert_true(file_contains(e, "/instances/uhost-a/error", "not in the future"));
    assert_file(e, "/instances/uhost-a/stop_at", ""); /* none scheduled in the fake */
}

static void test_password_never_shown(void **state)
{
    env *e = *state;
    const char *secret = "S3cret-Pa55 word";
    node_attr a;
    assert_int_equal(stat_path(e, "/instances/uhost-a/password", &a), 0);
    assert_int_equal(a.mode, 0200);
    assert_int_equal(a.size, 0);
    assert_file(e, "/instances/uhost-a/password", ""); /* the glue refuses reads: mode 0200 */
    char text[64];
    snprintf(text, sizeof text, "%s\n", secret);
    assert_int_equal(write_str(e, "/instances/uhost-a/password", text), (long)strlen(text));
    assert_int_equal(e->f.sent.verb, CTL_PASSWORD);
    assert_string_equal(e->f.sent.arg, secret); /* the sender had it ... */
    e->f.send_rc = -EIO;
    assert_int_equal(write_str(e, "/instances/uhost-a/password", text), -EIO);
    const char *files[] = {"/instances/uhost-a/log", "/instances/uhost-a/error", "/events",
                           "/error", "/metrics"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) { /* ... and nobody else */
        /* read here, not with file_contains(), which reports every file that
         * lacks the needle: here each one must */
        char *t = read_file(e, files[k]);
        bool leaked = strstr(t, "S3cret") != NULL;
        free(t);
        if (leaked)
            fail_msg("the password is in %s", files[k]);
    }
    assert_true(file_contains(e, "/instances/uhost-a/log", "password (reset)\tok"));
}

static void test_image_delete(void **state)
{
    env *e = *state;
    assert_file(e, "/images/compshareImage-ok/ctl", "delete\n");
    assert_int_equal(write_str(e, "/images/compshareImage-ok/ctl", "remove\n"), -EINVAL);
    assert_int_equal(e->f.n_send, 0);
    assert_true(file_contains(e, "/error", "write images/compshareImage-ok/ctl"));
    assert_int_equal(write_str(e, "/images/compshareImage-ok/ctl", "delete\n"), 7);
    assert_int_equal(e->f.sent.verb, CTL_DELETE_IMAGE);
    assert_string_equal(e->f.sent_id, "compshareImage-ok");
    assert_true(
        file_contains(e, "/events", "\tcompshareImage-ok\t-\tcommand delete by uid 1000: ok"));
    assert_int_equal(write_str(e, "/images/compshareImage-ok/status", "x\n"), -EACCES);
}

static void test_create(void **state)
{
    env *e = *state;
    const char *cmd = "create gpu_type=4090 gpus=1 cpu=16 memory_mb=65536 image=img-1 count=3\n";
    /* no zone= and no zone option on the mount: refused, nothing sent */
    assert_int_equal(write_str(e, "/ctl", cmd), -EINVAL);
    assert_int_equal(e->f.n_send, 0);
    assert_true(file_contains(e, "/error", "zone= is needed"));
    tree_set_default_zone(e->t, "cn-wlcb-01");
    assert_int_equal(write_str(e, "/ctl", "create gpus=1\n"), -EINVAL);
    assert_int_equal(e->f.n_send, 0);
    assert_int_equal(write_str(e, "/ctl", cmd), (long)strlen(cmd));
    assert_int_equal(e->f.n_create, 3); /* one call per instance */
    assert_string_equal(e->f.sent_zone, "cn-wlcb-01");
    assert_string_equal(e->f.sent.create.charge_type, "Dynamic");
    char *ev = read_file(e, "/events");
    for (int k = 1; k <= 3; k++) {
        char line[128];
        snprintf(line, sizeof line, "\tuhost-new%d\t-\tcommand create gpu_type=4090", k);
        assert_non_null(strstr(ev, line));
    }
    free(ev);
    /* once listed, a new instance's log says how it was made, and by whom */
    e->f.inst[e->f.n_inst++] = mk_inst("uhost-new1", "", "cn-wlcb-01", "Initializing", 0);
    e->f.now += TTL_MS;
    assert_true(file_contains(e, "/instances/uhost-new1/log",
                              "\tuid 1000\tcreate gpu_type=4090 gpus=1 cpu=16 memory_mb=65536 "
                              "image=img-1 zone=cn-wlcb-01 machine_type=G charge_type=Dynamic\tok "
                              "uhost-new1\n"));

    /* the second of three fails: one made, the writer told, nothing retried */
    e->f.n_create = 0;
    e->f.create_fail_at = 2;
    assert_int_equal(write_str(e, "/ctl", cmd), -ENOSPC);
    assert_int_equal(e->f.n_create, 2);
    assert_true(file_contains(e, "/error", "made 1 of 3 (uhost-new1), then: InsufficientGpuStock"));
    assert_file(e, "/ctl", control_root_help());
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_zones),          T(test_stock_change_times), T(test_terminate_only_stopped),
        T(test_stop_at),        T(test_password_never_shown), T(test_image_delete),
        T(test_create),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
