/* SPDX-License-Identifier: MIT */
/* test_tree.c - reading the tree without a mount: listings, attributes and
 * sizes, file contents, names, images, failures to refresh (fixture in
 * fake_tree.h; writes are in test_tree_write.c). */
#include <pthread.h>

#include "fake_tree.h"

static void test_root(void **state)
{
    env *e = *state;
    node_attr a;
    assert_int_equal(stat_path(e, "/", &a), 0);
    assert_int_equal(a.kind, NODE_DIR);
    assert_int_equal(a.mode, 0555);
    listing *l = list_dir(e, "/");
    const char *want[] = {"instances", "by-name", "by-state", "by-gpu", "by-zone", "images",
                          "platform-images", "zones", "ctl", "events", "ssh_config", "error",
                          "metrics"};
    size_t n_want = sizeof want / sizeof want[0], dirs = 8;
    assert_int_equal(l->n, n_want);
    for (size_t k = 0; k < n_want; k++) {
        assert_string_equal(l->names[k], want[k]);
        assert_int_equal(l->attrs[k].kind, k < dirs ? NODE_DIR : NODE_FILE);
        unsigned mode = k < dirs ? 0555 : strcmp(want[k], "ctl") == 0 ? 0644 : 0444;
        assert_int_equal(l->attrs[k].mode, mode);
    }
    free(l);
    assert_file(e, "/error", "");
}

/* Listing and `ls -l` of every instance: one API call, however many files. */
static void test_listing_one_call(void **state)
{
    env *e = *state;
    listing *l = list_dir(e, "/instances");
    assert_int_equal(l->n, 5);
    assert_string_equal(l->names[0], "uhost-a");
    assert_string_equal(l->names[4], "uhost-e");
    for (size_t k = 0; k < l->n; k++) {
        char path[300];
        snprintf(path, sizeof path, "/instances/%s", l->names[k]);
        node_attr a;
        assert_int_equal(stat_path(e, path, &a), 0);
        assert_int_equal(a.kind, NODE_DIR);
        listing *files = list_dir(e, path);
        assert_true(files->n >= 26);
        for (size_t j = 0; j < files->n; j++) {
            char fpath[600];
            snprintf(fpath, sizeof fpath, "%s/%s", path, files->names[j]);
            assert_int_equal(stat_path(e, fpath, &a), 0);
        }
        free(files);
    }
    free(l);
    assert_int_equal(e->f.n_list_inst, 1);
    assert_int_equal(e->f.n_find + e->f.n_progress, 0);
}

/* stat's size is exactly what an open reads, for every file of the tree.
 * Returns how many files it opened. */
static size_t check_sizes(env *e, const char *dir)
{
    size_t n = 0;
    listing *l = list_dir(e, dir);
    for (size_t k = 0; k < l->n; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", l->names[k]);
        node_attr a;
        assert_int_equal(stat_path(e, path, &a), 0);
        if (strcmp(path, "/metrics") != 0) /* its counters move between two calls */
            assert_int_equal(a.size, l->attrs[k].size); /* listing and stat agree */
        if (a.kind == NODE_DIR) {
            n += check_sizes(e, path);
        } else if (a.kind == NODE_FILE && !(a.mode & 0444)) { /* password: nothing to read */
            assert_int_equal(a.size, 0);
            assert_int_equal(a.mode, 0200);
        } else if (a.kind == NODE_FILE && strcmp(path, "/metrics") != 0) {
            char *text = read_file(e, path); /* its length is stat's size */
            if (strlen(text) != a.size)
                fail_msg("%s: the listing says %zu bytes, a read gives %zu", path, a.size,
                         strlen(text));
            if (*text)
                assert_int_equal(text[strlen(text) - 1], '\n');
            free(text);
            n++;
        }
    }
    free(l);
    return n;
}

static void test_sizes_match_reads(void **state)
{
    env *e = *state;
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "bogus\n"), -EINVAL);
    /* 26 files in each of the 5 instances, and more outside instances/ */
    assert_true(check_sizes(e, "/") > 5 * 26);
}

static void test_modes(void **state)
{
    env *e = *state;
    node_attr a;
    const char *rw[] = {"name", "image", "ctl"};
    for (size_t k = 0; k < 3; k++) {
        char path[64];
        snprintf(path, sizeof path, "/instances/uhost-a/%s", rw[k]);
        assert_int_equal(stat_path(e, path, &a), 0);
        assert_int_equal(a.mode, 0644);
    }
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), 0);
    assert_int_equal(a.mode, 0444);
    assert_int_equal(a.kind, NODE_FILE);
    assert_int_equal(a.nlink, 1);
    assert_int_equal(stat_path(e, "/instances/uhost-a", &a), 0);
    assert_int_equal(a.mode, 0555);
    assert_int_equal(stat_path(e, "/by-name/web", &a), 0);
    assert_int_equal(a.kind, NODE_LINK);
    assert_int_equal(a.mode, 0777);
    assert_int_equal(stat_path(e, "/images/compshareImage-mk/progress", &a), 0);
    assert_int_equal(a.mode, 0444);
    assert_int_equal(stat_path(e, "/metrics", &a), 0);
    assert_int_equal(a.mode, 0444);
}

/* Every answer says how long it holds: until the data it came from turns
 * ttl old; never longer; 0 for what changes on its own. */
static void test_timeouts(void **state)
{
    env *e = *state;
    node_attr a;
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), 0);
    assert_int_equal(a.valid_ms, TTL_MS); /* fetched just now */
    e->f.now += 500;
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), 0);
    assert_int_equal(a.valid_ms, TTL_MS - 500); /* the same data, older */
    assert_int_equal(stat_path(e, "/instances/uhost-a", &a), 0);
    assert_int_equal(a.valid_ms, TTL_MS - 500);
    assert_int_equal(stat_path(e, "/by-name/web", &a), 0);
    assert_int_equal(a.valid_ms, TTL_MS - 500);
    long long valid;
    listing l = {0};
    assert_int_equal(tree_readdir(e->t, "/instances", collect, &l, &valid), 0);
    assert_int_equal(valid, TTL_MS - 500);
    for (size_t k = 0; k < l.n; k++)
        assert_int_equal(l.attrs[k].valid_ms, TTL_MS - 500);
    /* a name the listing does not have: as long as the listing holds */
    assert_int_equal(stat_path(e, "/instances/uhost-zzz", &a), -ENOENT);
    assert_int_equal(a.valid_ms, TTL_MS - 500);
    /* what changes on its own is asked for every time */
    assert_int_equal(stat_path(e, "/instances/uhost-a/error", &a), 0);
    assert_int_equal(a.valid_ms, 0);
    assert_int_equal(stat_path(e, "/error", &a), 0);
    assert_int_equal(a.valid_ms, 0);
    /* a path that can never exist, and the fixed directories, hold long */
    assert_int_equal(stat_path(e, "/instances/bad id", &a), -ENOENT);
    assert_true(a.valid_ms >= 3600 * 1000);
    assert_int_equal(stat_path(e, "/", &a), 0);
    assert_true(a.valid_ms >= 3600 * 1000);
    /* stale data is fetched again, and holds for a whole ttl from then */
    e->f.now += TTL_MS;
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), 0);
    assert_int_equal(a.valid_ms, TTL_MS);
    assert_int_equal(e->f.n_list_inst, 2);
}

/* A file's mtime is when its value changed, as the mount saw it: a refresh
 * that changes nothing changes no mtime; one that changes a value changes the
 * mtime of that value's files only. */
static void test_mtimes_are_change_times(void **state)
{
    env *e = *state;
    node_attr a;
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), 0);
    long long status0 = a.mtime_ns;
    assert_int_equal(stat_path(e, "/instances/uhost-a/name", &a), 0);
    long long name0 = a.mtime_ns;
    assert_true(status0 > 0 && name0 > 0);

    e->f.now += TTL_MS; /* refreshed, nothing changed */
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), 0);
    assert_int_equal(a.mtime_ns, status0);
    assert_int_equal(e->f.n_list_inst, 2);

    e->f.inst[0].state = (char *)"Stopping";
    e->f.now += TTL_MS; /* refreshed, the state changed */
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), 0);
    assert_true(a.mtime_ns > status0);
    long long status1 = a.mtime_ns;
    assert_int_equal(stat_path(e, "/instances/uhost-a/name", &a), 0);
    assert_int_equal(a.mtime_ns, name0); /* the name did not change */
    assert_int_equal(stat_path(e, "/instances/uhost-a", &a), 0);
    assert_int_equal(a.mtime_ns, status1); /* the directory: its latest change */
    assert_int_equal(stat_path(e, "/instances/uhost-b/status", &a), 0);
    assert_true(a.mtime_ns < status1); /* another instance: untouched */

    /* an error file changes when a failure is recorded */
    assert_int_equal(stat_path(e, "/instances/uhost-a/error", &a), 0);
    long long err0 = a.mtime_ns;
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "bogus\n"), -EINVAL);
    assert_int_equal(stat_path(e, "/instances/uhost-a/error", &a), 0);
    assert_true(a.mtime_ns > err0);
    assert_true(a.size > 0);
}

static void test_instance_files(void **state)
{
    env *e = *state;
    assert_file(e, "/instances/uhost-a/status", "Running\n");
    assert_file(e, "/instances/uhost-d/status", "Unknown\n");
    assert_file(e, "/instances/uhost-b/name", "训练机\n");
    assert_file(e, "/instances/uhost-b/zone", "cn-wlcb-02\n");
    assert_file(e, "/instances/uhost-b/region", "cn-wlcb\n");
    assert_file(e, "/instances/uhost-a/gpu_count", "2\n");
    assert_file(e, "/instances/uhost-a/image", "compshareImage-sys\n");
    assert_file(e, "/instances/uhost-a/error", "");
    assert_true(file_contains(e, "/instances/uhost-a/ctl", "reboot\n"));
    assert_true(file_contains(e, "/instances/uhost-a/ctl", "mkimage NAME\n"));
}

static void test_by_name(void **state)
{
    env *e = *state;
    listing *l = list_dir(e, "/by-name");
    assert_true(listed(l, "web"));
    assert_true(listed(l, "训练机"));
    assert_true(listed(l, "dup@uhost-c"));
    assert_true(listed(l, "dup@uhost-d"));
    assert_true(listed(l, "a%2Fb"));
    assert_false(listed(l, "dup"));
    for (size_t k = 0; k < l->n; k++)
        assert_int_equal(l->attrs[k].kind, NODE_LINK);
    free(l);
    char buf[256];
    assert_int_equal(tree_readlink(e->t, "/by-name/dup@uhost-d", buf, sizeof buf), 0);
    assert_string_equal(buf, "../instances/uhost-d");
    assert_int_equal(tree_readlink(e->t, "/by-name/训练机", buf, sizeof buf), 0);
    assert_string_equal(buf, "../instances/uhost-b");
    node_attr a;
    assert_int_equal(stat_path(e, "/by-name/训练机", &a), 0);
    assert_int_equal(a.size, strlen("../instances/uhost-b"));
    assert_int_equal(tree_readlink(e->t, "/by-name/nobody", buf, sizeof buf), -ENOENT);
    assert_int_equal(tree_readlink(e->t, "/instances/uhost-a", buf, sizeof buf), -EINVAL);
    char small[8];
    assert_int_equal(tree_readlink(e->t, "/by-name/web", small, sizeof small), 0);
    assert_string_equal(small, "../inst"); /* cut short, NUL-terminated */
}

/* Names that cannot exist cost nothing; names that might are answered from
 * fresh data without another call. */
static void test_unknown_names(void **state)
{
    env *e = *state;
    node_attr a;
    const char *impossible[] = {"/nope", "/instances/bad id", "/instances/uhost-a/.git",
                                "/instances/uhost-a/status/x", "/error/x", "/metrics/x",
                                "/images/compshareImage-mk/apps", "/by-name/web/status",
                                "/instances/..", "/platform-images/a/progress"};
    for (size_t k = 0; k < sizeof impossible / sizeof impossible[0]; k++)
        assert_int_equal(stat_path(e, impossible[k], &a), -ENOENT);
    assert_int_equal(e->f.n_list_inst + e->f.n_list_custom + e->f.n_list_platform + e->f.n_find,
                     0);
    assert_int_equal(stat_path(e, "/instances/uhost-zzz", &a), -ENOENT);
    assert_int_equal(stat_path(e, "/instances/uhost-zzz/status", &a), -ENOENT);
    assert_int_equal(stat_path(e, "/by-name/nobody", &a), -ENOENT);
    assert_int_equal(e->f.n_list_inst, 1);
    assert_int_equal(stat_path(e, "/platform-images/compshareImage-zz", &a), -ENOENT);
    assert_int_equal(stat_path(e, "/platform-images/compshareImage-zz", &a), -ENOENT);
    assert_int_equal(e->f.n_list_platform, 1);
    /* an unknown image ID is looked up once, and the answer is kept for ttl */
    assert_int_equal(stat_path(e, "/images/compshareImage-zz", &a), -ENOENT);
    assert_int_equal(stat_path(e, "/images/compshareImage-zz/status", &a), -ENOENT);
    assert_int_equal(e->f.n_find, 1);
    /* none of these is a failure worth an error line */
    assert_file(e, "/error", "");
    listing l = {0};
    long long valid;
    assert_int_equal(tree_readdir(e->t, "/instances/uhost-zzz", collect, &l, &valid), -ENOENT);
    assert_int_equal(tree_readdir(e->t, "/instances/uhost-a/status", collect, &l, &valid),
                     -ENOTDIR);
}

static void test_images(void **state)
{
    env *e = *state;
    listing *l = list_dir(e, "/images");
    assert_int_equal(l->n, 2);
    assert_true(listed(l, "compshareImage-mk"));
    assert_false(listed(l, "compshareImage-hid"));
    free(l);
    assert_file(e, "/images/compshareImage-mk/status", "Making\n");
    assert_file(e, "/images/compshareImage-mk/progress", "65.5\n");
    assert_file(e, "/images/compshareImage-mk/remaining", "105\n");
    assert_file(e, "/images/compshareImage-mk/total", "300\n");
    assert_file(e, "/images/compshareImage-mk/name", "snap\n");
    assert_int_equal(e->f.n_find, 0); /* listed: no lookup by ID */
    assert_int_equal(e->f.n_progress, 1);

    /* not listed, but reachable by its path */
    node_attr a;
    assert_int_equal(stat_path(e, "/images/compshareImage-hid", &a), 0);
    assert_int_equal(a.kind, NODE_DIR);
    assert_file(e, "/images/compshareImage-hid/progress", "65.5\n");
    assert_file(e, "/images/compshareImage-hid/name", "hidden\n");
    assert_int_equal(e->f.n_find, 1);
    l = list_dir(e, "/images/compshareImage-hid");
    assert_true(listed(l, "progress") && listed(l, "info.json") && listed(l, "status"));
    free(l);

    l = list_dir(e, "/platform-images");
    assert_int_equal(l->n, 1);
    assert_string_equal(l->names[0], "compshareImage-sys");
    free(l);
    assert_file(e, "/platform-images/compshareImage-sys/name", "Ubuntu 22.04\n");
    assert_file(e, "/platform-images/compshareImage-sys/type", "System\n");
    assert_file(e, "/platform-images/compshareImage-sys/info.json", "{}\n");
}

/* IDs that are not file names are never listed. */
static void test_bad_ids_skipped(void **state)
{
    env *e = *state;
    e->f.inst[e->f.n_inst++] = mk_inst("bad/id", "x", "cn-wlcb-01", "Running", 0);
    e->f.inst[e->f.n_inst++] = mk_inst("..", "y", "cn-wlcb-01", "Running", 0);
    e->f.custom[e->f.n_custom++] = mk_img("", "noid", "Available");
    listing *l = list_dir(e, "/instances");
    assert_int_equal(l->n, 5);
    free(l);
    l = list_dir(e, "/by-name");
    assert_false(listed(l, "x"));
    assert_false(listed(l, "y"));
    free(l);
    l = list_dir(e, "/images");
    assert_int_equal(l->n, 2);
    free(l);
}

/* A blob is one version: whoever holds it keeps its bytes while the data
 * changes; the next read gets the new value. */
static void test_blob_is_one_version(void **state)
{
    env *e = *state;
    node_attr a;
    tree_blob *b = NULL;
    assert_int_equal(tree_stat(e->t, "/instances/uhost-a/status", &a, &b), 0);
    e->f.inst[0].state = (char *)"Stopping";
    e->f.now += TTL_MS + 1;
    assert_file(e, "/instances/uhost-a/status", "Stopping\n");
    assert_string_equal(tree_blob_data(b), "Running\n");
    assert_int_equal(tree_blob_len(b), a.size);
    tree_blob_put(b);
}

/* A failed refresh is an error, never stale data, and it is in /error. */
static void test_read_failure(void **state)
{
    env *e = *state;
    assert_file(e, "/instances/uhost-a/status", "Running\n");
    e->f.inst_rc = -ETIMEDOUT;
    e->f.now += TTL_MS + 1;
    node_attr a;
    assert_int_equal(stat_path(e, "/instances/uhost-a/status", &a), -ETIMEDOUT);
    tree_blob *b = NULL;
    assert_int_equal(tree_stat(e->t, "/instances/uhost-a/status", &a, &b), -ETIMEDOUT);
    assert_null(b);
    listing l = {0};
    long long valid;
    assert_int_equal(tree_readdir(e->t, "/instances", collect, &l, &valid), -ETIMEDOUT);
    assert_true(file_contains(e, "/error", "read instances: ETIMEDOUT: no answer within 15 s"));
    /* a command needs only the instance's zone, which never changes and which
     * the last listing knows: it is sent while the listing cannot be refreshed */
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "reboot\n"), 7);
    assert_int_equal(e->f.n_send, 1);
    /* an instance never listed cannot be looked up: nothing is sent */
    assert_int_equal(write_str(e, "/instances/uhost-new/ctl", "reboot\n"), -ETIMEDOUT);
    assert_int_equal(e->f.n_send, 1);
    assert_true(file_contains(e, "/error", "reboot uhost-new: ETIMEDOUT: not sent"));
    /* the fixed parts of the tree still answer, and /metrics says the API is down */
    assert_int_equal(stat_path(e, "/", &a), 0);
    assert_int_equal(stat_path(e, "/instances", &a), 0);
    int custom_calls = e->f.n_list_custom;
    assert_true(file_contains(e, "/metrics", "compsharefs_api_up 0\n"));
    assert_int_equal(e->f.n_list_custom, custom_calls); /* one failure is enough to wait for */

    e->f.inst_rc = 0;
    assert_file(e, "/instances/uhost-a/status", "Running\n");
    /* the accepted reboot left no error on uhost-a */
    char *text = read_file(e, "/instances/uhost-a/error");
    assert_string_equal(text, "");
    free(text);
}

/* /metrics is rendered once per ttl: stat, open and a second read see the
 * same bytes (the counters it shows would otherwise move in between), and
 * reading it again makes no new call. */
static void test_metrics_stable_within_ttl(void **state)
{
    env *e = *state;
    node_attr a;
    assert_int_equal(stat_path(e, "/metrics", &a), 0);
    int calls = e->f.n_list_inst + e->f.n_list_custom + e->f.n_progress;
    char *first = read_file(e, "/metrics");
    char *second = read_file(e, "/metrics");
    assert_int_equal(strlen(first), a.size);
    assert_string_equal(first, second);
    assert_int_equal(e->f.n_list_inst + e->f.n_list_custom + e->f.n_progress, calls);
    free(first);
    free(second);
}

/* When progress cannot be read, a scrape gives up on the other images
 * instead of waiting out one timeout per Making image. */
static void test_metrics_progress_failure_stops_early(void **state)
{
    env *e = *state;
    e->f.custom[1].status = (char *)"Making"; /* now two images are Making */
    e->f.progress_rc = -ETIMEDOUT;
    char *m = read_file(e, "/metrics");
    assert_non_null(strstr(m, "compsharefs_api_up 1\n"));
    assert_int_equal(e->f.n_progress, 1);
    free(m);
}

static void test_metrics_file(void **state)
{
    env *e = *state;
    char *m = read_file(e, "/metrics");
    assert_non_null(strstr(m, "compsharefs_api_up 1\n"));
    assert_non_null(strstr(m, "compsharefs_instances 5\n"));
    assert_non_null(strstr(m, "compsharefs_instance_state{uhost_id=\"uhost-b\",name=\"训练机\","
                              "zone=\"cn-wlcb-02\",state=\"Stopped\"} 1\n"));
    assert_non_null(strstr(m, "compsharefs_instance_gpus{uhost_id=\"uhost-a\",name=\"web\"} "
                              "2\n"));
    assert_non_null(strstr(m, "compsharefs_image_progress_percent{image_id=\"compshareImage-mk\","
                              "name=\"snap\"} 65.5\n"));
    assert_null(strstr(m, "image_id=\"compshareImage-ok\"")); /* not being made */
    assert_non_null(strstr(m, "compsharefs_cache_misses_total "));
    free(m);
}

static void *read_everything(void *p)
{
    env *e = p;
    for (int round = 0; round < 20; round++)
        assert_true(check_sizes(e, "/instances") >= 5 * 26);
    return NULL;
}

/* Many readers at once see consistent files, and share one listing call. */
static void test_concurrent_readers(void **state)
{
    env *e = *state;
    pthread_t th[4];
    for (int k = 0; k < 4; k++)
        assert_int_equal(pthread_create(&th[k], NULL, read_everything, e), 0);
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    assert_int_equal(e->f.n_list_inst, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_root),           T(test_listing_one_call), T(test_sizes_match_reads),
        T(test_modes), T(test_timeouts), T(test_mtimes_are_change_times), T(test_instance_files),  T(test_by_name),
        T(test_unknown_names),  T(test_images),           T(test_bad_ids_skipped),
        T(test_blob_is_one_version), T(test_read_failure),     T(test_metrics_file),
        T(test_metrics_stable_within_ttl), T(test_metrics_progress_failure_stops_early),
        T(test_concurrent_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#undef T
}
