/* test_tree.c - the whole tree without a mount: the real cache over a
 * scripted source that counts its calls, and a fake command sender.
 * Time only moves when a test moves it (the source's clock). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tree.h"

#define TTL_MS 2000

typedef struct fake {
    api_instance inst[8];
    size_t n_inst;
    api_image custom[4], hidden[2], platform[3]; /* hidden: found by ID, not listed */
    size_t n_custom, n_hidden, n_platform;
    api_progress progress;
    int inst_rc; /* scripted failure of the instance listing */
    int n_list_inst, n_list_custom, n_list_platform, n_find, n_progress;
    long long now;
    /* the command sender */
    int n_send;
    control_cmd sent;
    char sent_zone[64], sent_id[64];
    int send_rc;
    bool outcome_unknown;
} fake;

typedef struct env {
    fake f;
    cache *cache;
    errlog *log;
    metrics *metrics;
    control *ctl;
    tree *t;
} env;

static int src_list_instances(void *ctx, api_instance_list *out, api_error *err)
{
    fake *f = ctx;
    f->n_list_inst++;
    if (f->inst_rc) {
        err->err = f->inst_rc;
        snprintf(err->message, sizeof err->message, "no answer within 15 s");
        return f->inst_rc;
    }
    out->items = calloc(f->n_inst + 1, sizeof *out->items);
    for (size_t k = 0; k < f->n_inst; k++)
        assert_int_equal(api_instance_copy(&out->items[out->n++], &f->inst[k]), 0);
    out->total_count = (long long)f->n_inst;
    return 0;
}

static int copy_images(const api_image *src, size_t n, api_image_list *out)
{
    out->items = calloc(n + 1, sizeof *out->items);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(api_image_copy(&out->items[out->n++], &src[k]), 0);
    out->total_count = (long long)n;
    return 0;
}

static int src_list_custom(void *ctx, api_image_list *out, api_error *err)
{
    fake *f = ctx;
    f->n_list_custom++;
    return copy_images(f->custom, f->n_custom, out);
}

static int src_list_platform(void *ctx, api_image_list *out, api_error *err)
{
    fake *f = ctx;
    f->n_list_platform++;
    return copy_images(f->platform, f->n_platform, out);
}

static int src_find(void *ctx, const char *id, api_image *out, api_error *err)
{
    fake *f = ctx;
    f->n_find++;
    for (size_t k = 0; k < f->n_hidden; k++)
        if (strcmp(f->hidden[k].image_id, id) == 0)
            return api_image_copy(out, &f->hidden[k]);
    for (size_t k = 0; k < f->n_custom; k++)
        if (strcmp(f->custom[k].image_id, id) == 0)
            return api_image_copy(out, &f->custom[k]);
    err->err = -ENOENT;
    err->retcode = 8040;
    snprintf(err->message, sizeof err->message, "ImageNotFound");
    return -ENOENT;
}

static int src_progress(void *ctx, const char *id, api_progress *out, api_error *err)
{
    fake *f = ctx;
    f->n_progress++;
    *out = f->progress;
    return 0;
}

static long long src_now(void *ctx) { return ((fake *)ctx)->now; }

static int fake_send(void *ctx, const control_cmd *cmd, const char *zone, const char *uhost_id,
                     char **result_id, api_error *err)
{
    fake *f = ctx;
    f->n_send++;
    f->sent = *cmd;
    snprintf(f->sent_zone, sizeof f->sent_zone, "%s", zone);
    snprintf(f->sent_id, sizeof f->sent_id, "%s", uhost_id);
    if (f->send_rc == 0) {
        if (cmd->verb == CTL_MKIMAGE && result_id)
            *result_id = strdup("compshareImage-new");
        return 0;
    }
    err->err = f->send_rc;
    err->outcome_unknown = f->outcome_unknown;
    switch (-f->send_rc) {
    case EBUSY:
        err->retcode = 8042;
        snprintf(err->message, sizeof err->message,
                 "InstanceOperationInProgress: instance %s is busy with reboot", uhost_id);
        break;
    case EPERM:
        err->retcode = 8041;
        snprintf(err->message, sizeof err->message, "InvalidInstanceState: %s is Stopped",
                 uhost_id);
        break;
    case ENOENT:
        err->retcode = 8039;
        snprintf(err->message, sizeof err->message, "InstanceNotFound");
        break;
    default:
        snprintf(err->message, sizeof err->message, "no answer within 15 s");
    }
    return f->send_rc;
}

static api_instance mk_inst(const char *id, const char *name, const char *zone, const char *state,
                            long long update_time)
{
    return (api_instance){.uhost_id = (char *)id, .name = (char *)name, .zone = (char *)zone,
                          .state = (char *)state, .gpu_type = (char *)"4090", .gpu_count = 2,
                          .cpu = 16, .memory_mb = 65536, .update_time = update_time,
                          .image_id = (char *)"compshareImage-sys",
                          .info_json = (char *)"{\"UHostId\": \"x\"}"};
}

static api_image mk_img(const char *id, const char *name, const char *status)
{
    return (api_image){.image_id = (char *)id, .name = (char *)name, .status = (char *)status,
                       .image_type = (char *)"Custom", .size_mb = 100,
                       .info_json = (char *)"{}"};
}

static int setup(void **state)
{
    env *e = calloc(1, sizeof *e);
    fake *f = &e->f;
    f->now = 1000000;
    f->inst[f->n_inst++] = mk_inst("uhost-a", "web", "cn-wlcb-01", "Running", 1700000100);
    f->inst[f->n_inst++] = mk_inst("uhost-b", "训练机", "cn-wlcb-02", "Stopped", 0);
    f->inst[f->n_inst++] = mk_inst("uhost-c", "dup", "cn-wlcb-01", "Running", 1700000300);
    f->inst[f->n_inst++] = mk_inst("uhost-d", "dup", "cn-wlcb-01", "", 1700000400);
    f->inst[f->n_inst++] = mk_inst("uhost-e", "a/b", "cn-wlcb-01", "Running", 1700000500);
    f->custom[f->n_custom++] = mk_img("compshareImage-mk", "snap", "Making");
    f->custom[f->n_custom++] = mk_img("compshareImage-ok", "done", "Available");
    f->hidden[f->n_hidden++] = mk_img("compshareImage-hid", "hidden", "Making");
    f->platform[f->n_platform++] = mk_img("compshareImage-sys", "Ubuntu 22.04", "Available");
    f->platform[0].image_type = (char *)"System";
    f->progress = (api_progress){.process = 65.5, .total_duration = 300, .remaining_duration = 105};

    cache_source src = {src_list_instances, src_list_custom, src_list_platform, src_find,
                        src_progress,       src_now,         f};
    e->cache = cache_new(&src, TTL_MS);
    e->log = errlog_new();
    e->metrics = metrics_new();
    control_ops ops = {.send = fake_send, .ctx = f};
    e->ctl = control_new(&ops);
    e->t = tree_new(e->cache, e->ctl, e->log, e->metrics);
    assert_non_null(e->t);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    env *e = *state;
    tree_free(e->t);
    control_free(e->ctl);
    metrics_free(e->metrics);
    errlog_free(e->log);
    cache_free(e->cache);
    free(e);
    return 0;
}

/* ---- helpers ---- */

typedef struct listing {
    char names[64][256];
    node_attr attrs[64];
    size_t n;
} listing;

static int collect(void *ctx, const char *name, const node_attr *attr)
{
    listing *l = ctx;
    assert_true(l->n < 64);
    snprintf(l->names[l->n], sizeof l->names[0], "%s", name);
    l->attrs[l->n++] = *attr;
    return 0;
}

static listing *list_dir(env *e, const char *path)
{
    listing *l = calloc(1, sizeof *l);
    int rc = tree_readdir(e->t, path, collect, l);
    if (rc != 0)
        fail_msg("readdir %s: %d", path, rc);
    return l;
}

static bool listed(const listing *l, const char *name)
{
    for (size_t k = 0; k < l->n; k++)
        if (strcmp(l->names[k], name) == 0)
            return true;
    return false;
}

/* The content an open for reading gives (malloc'd). */
static char *read_file(env *e, const char *path)
{
    file_snapshot *s = NULL;
    int rc = tree_open(e->t, path, O_RDONLY, &s);
    if (rc != 0)
        fail_msg("open %s: %d", path, rc);
    assert_int_equal(strlen(s->data), s->len);
    char *text = strdup(s->data);
    file_snapshot_free(s);
    return text;
}

#define assert_file(e, path, expected)                                                          \
    do {                                                                                        \
        char *got_ = read_file((e), (path));                                                    \
        assert_string_equal(got_, (expected));                                                  \
        free(got_);                                                                             \
    } while (0)

static long write_str(env *e, const char *path, const char *text)
{
    return tree_write(e->t, path, text, strlen(text));
}

static bool file_contains(env *e, const char *path, const char *needle)
{
    char *text = read_file(e, path);
    bool found = strstr(text, needle) != NULL;
    if (!found)
        print_message("%s: \"%s\" has no \"%s\"\n", path, text, needle);
    free(text);
    return found;
}

/* ---- tests ---- */

static void test_root(void **state)
{
    env *e = *state;
    node_attr a;
    assert_int_equal(tree_getattr(e->t, "/", &a), 0);
    assert_int_equal(a.kind, NODE_DIR);
    assert_int_equal(a.mode, 0555);
    listing *l = list_dir(e, "/");
    const char *want[] = {"instances", "by-name", "images", "platform-images", "error", "metrics"};
    assert_int_equal(l->n, 6);
    for (size_t k = 0; k < 6; k++) {
        assert_string_equal(l->names[k], want[k]);
        assert_int_equal(l->attrs[k].kind, k < 4 ? NODE_DIR : NODE_FILE);
        assert_int_equal(l->attrs[k].mode, k < 4 ? 0555 : 0444);
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
        assert_int_equal(tree_getattr(e->t, path, &a), 0);
        assert_int_equal(a.kind, NODE_DIR);
        listing *files = list_dir(e, path);
        assert_true(files->n >= 26);
        for (size_t j = 0; j < files->n; j++) {
            char fpath[600];
            snprintf(fpath, sizeof fpath, "%s/%s", path, files->names[j]);
            assert_int_equal(tree_getattr(e->t, fpath, &a), 0);
        }
        free(files);
    }
    free(l);
    assert_int_equal(e->f.n_list_inst, 1);
    assert_int_equal(e->f.n_find + e->f.n_progress, 0);
}

/* stat's size is exactly what an open reads, for every file of the tree. */
static void check_sizes(env *e, const char *dir)
{
    listing *l = list_dir(e, dir);
    for (size_t k = 0; k < l->n; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", l->names[k]);
        node_attr a;
        assert_int_equal(tree_getattr(e->t, path, &a), 0);
        if (strcmp(path, "/metrics") != 0) /* its counters move between two calls */
            assert_int_equal(a.size, l->attrs[k].size); /* listing and stat agree */
        if (a.kind == NODE_DIR) {
            check_sizes(e, path);
        } else if (a.kind == NODE_FILE && strcmp(path, "/metrics") != 0) {
            file_snapshot *s;
            assert_int_equal(tree_open(e->t, path, O_RDONLY, &s), 0);
            if (s->len != a.size)
                fail_msg("%s: stat says %zu bytes, open gives %zu", path, a.size, s->len);
            if (s->len)
                assert_int_equal(s->data[s->len - 1], '\n');
            file_snapshot_free(s);
        }
    }
    free(l);
}

static void test_sizes_match_open(void **state)
{
    env *e = *state;
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "bogus\n"), -EINVAL);
    check_sizes(e, "/");
}

static void test_modes_and_times(void **state)
{
    env *e = *state;
    node_attr a;
    const char *rw[] = {"name", "image", "ctl"};
    for (size_t k = 0; k < 3; k++) {
        char path[64];
        snprintf(path, sizeof path, "/instances/uhost-a/%s", rw[k]);
        assert_int_equal(tree_getattr(e->t, path, &a), 0);
        assert_int_equal(a.mode, 0644);
    }
    assert_int_equal(tree_getattr(e->t, "/instances/uhost-a/status", &a), 0);
    assert_int_equal(a.mode, 0444);
    assert_int_equal(a.kind, NODE_FILE);
    assert_int_equal(a.nlink, 1);
    assert_int_equal(a.mtime, 1700000100); /* UpdateTime */
    assert_int_equal(tree_getattr(e->t, "/instances/uhost-a", &a), 0);
    assert_int_equal(a.mode, 0555);
    assert_int_equal(a.mtime, 1700000100);
    time_t before = time(NULL);
    assert_int_equal(tree_getattr(e->t, "/instances/uhost-b/status", &a), 0);
    /* no UpdateTime: the time of the fetch, which happened before this test's stat */
    assert_true(a.mtime > 1700000000 && a.mtime <= time(NULL) && a.mtime + 3600 > before);
    assert_int_equal(tree_getattr(e->t, "/by-name/web", &a), 0);
    assert_int_equal(a.kind, NODE_LINK);
    assert_int_equal(a.mode, 0777);
    assert_int_equal(tree_getattr(e->t, "/images/compshareImage-mk/progress", &a), 0);
    assert_int_equal(a.mode, 0444);
    assert_int_equal(tree_getattr(e->t, "/metrics", &a), 0);
    assert_int_equal(a.mode, 0444);
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
    char *help = read_file(e, "/instances/uhost-a/ctl");
    assert_non_null(strstr(help, "reboot\n"));
    assert_non_null(strstr(help, "mkimage NAME\n"));
    free(help);
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
    assert_int_equal(tree_getattr(e->t, "/by-name/训练机", &a), 0);
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
                                "/images/compshareImage-mk/ctl", "/by-name/web/status",
                                "/instances/..", "/platform-images/a/progress"};
    for (size_t k = 0; k < sizeof impossible / sizeof impossible[0]; k++)
        assert_int_equal(tree_getattr(e->t, impossible[k], &a), -ENOENT);
    assert_int_equal(e->f.n_list_inst + e->f.n_list_custom + e->f.n_list_platform + e->f.n_find,
                     0);
    assert_int_equal(tree_getattr(e->t, "/instances/uhost-zzz", &a), -ENOENT);
    assert_int_equal(tree_getattr(e->t, "/instances/uhost-zzz/status", &a), -ENOENT);
    assert_int_equal(tree_getattr(e->t, "/by-name/nobody", &a), -ENOENT);
    assert_int_equal(e->f.n_list_inst, 1);
    assert_int_equal(tree_getattr(e->t, "/platform-images/compshareImage-zz", &a), -ENOENT);
    assert_int_equal(tree_getattr(e->t, "/platform-images/compshareImage-zz", &a), -ENOENT);
    assert_int_equal(e->f.n_list_platform, 1);
    /* an unknown image ID is looked up once, and the answer is kept for ttl */
    assert_int_equal(tree_getattr(e->t, "/images/compshareImage-zz", &a), -ENOENT);
    assert_int_equal(tree_getattr(e->t, "/images/compshareImage-zz/status", &a), -ENOENT);
    assert_int_equal(e->f.n_find, 1);
    /* none of these is a failure worth an error line */
    assert_file(e, "/error", "");
    file_snapshot *s;
    assert_int_equal(tree_open(e->t, "/instances/uhost-zzz/status", O_RDONLY, &s), -ENOENT);
    listing l = {0};
    assert_int_equal(tree_readdir(e->t, "/instances/uhost-zzz", collect, &l), -ENOENT);
    assert_int_equal(tree_readdir(e->t, "/instances/uhost-a/status", collect, &l), -ENOTDIR);
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
    assert_int_equal(tree_getattr(e->t, "/images/compshareImage-hid", &a), 0);
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

static void test_open_flags(void **state)
{
    env *e = *state;
    file_snapshot *s = NULL;
    assert_int_equal(tree_open(e->t, "/instances/uhost-a/status", O_WRONLY, &s), -EACCES);
    assert_int_equal(tree_open(e->t, "/instances/uhost-a/info.json", O_RDWR, &s), -EACCES);
    assert_int_equal(tree_open(e->t, "/error", O_WRONLY | O_TRUNC, &s), -EACCES);
    assert_int_equal(tree_open(e->t, "/metrics", O_RDWR, &s), -EACCES);
    assert_int_equal(tree_open(e->t, "/images/compshareImage-mk/name", O_WRONLY, &s), -EACCES);
    assert_int_equal(tree_open(e->t, "/instances/uhost-a", O_RDONLY, &s), -EISDIR);
    assert_int_equal(tree_open(e->t, "/instances/uhost-zzz/ctl", O_WRONLY, &s), -ENOENT);
    assert_null(s);
    assert_int_equal(tree_open(e->t, "/instances/uhost-a/ctl", O_WRONLY | O_TRUNC, &s), 0);
    assert_true(s->writable);
    assert_int_equal(s->len, 0);
    file_snapshot_free(s);
    assert_int_equal(tree_open(e->t, "/instances/uhost-a/name", O_RDWR, &s), 0);
    assert_true(s->writable);
    assert_string_equal(s->data, "web\n");
    file_snapshot_free(s);
    assert_int_equal(e->f.n_send, 0);
}

/* An open's content never changes, even when the data does. */
static void test_snapshot_fixed(void **state)
{
    env *e = *state;
    file_snapshot *s;
    assert_int_equal(tree_open(e->t, "/instances/uhost-a/status", O_RDONLY, &s), 0);
    e->f.inst[0].state = (char *)"Stopping";
    e->f.now += TTL_MS + 1;
    assert_file(e, "/instances/uhost-a/status", "Stopping\n");
    assert_string_equal(s->data, "Running\n");
    file_snapshot_free(s);
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
    assert_int_equal(tree_write(e->t, "/instances/uhost-a/name", big, sizeof big), -EINVAL);
    assert_int_equal(write_str(e, "/instances/uhost-a/image", "not an id!\n"), -EINVAL);
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "rebot\n"), -EINVAL);
    assert_int_equal(e->f.n_send, 0);
    assert_true(file_contains(e, "/instances/uhost-a/error",
                              "write ctl uhost-a: EINVAL: unknown command \"rebot\""));
    assert_true(file_contains(e, "/error", "EINVAL: unknown command"));
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

    assert_int_equal(write_str(e, "/instances/uhost-b/name", "新名字\n"), (long)strlen("新名字\n"));
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
    assert_true(file_contains(e, "/instances/uhost-a/error", line));
    assert_true(file_contains(e, "/error", line));
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
    assert_true(file_contains(e, "/instances/uhost-a/error",
                              "stop uhost-a: ETIMEDOUT: no answer within 15 s; outcome unknown"));
    assert_true(file_contains(e, "/instances/uhost-a/error", "check status before retrying"));
    assert_file(e, "/instances/uhost-a/status", "Stopping\n");
    assert_int_equal(e->f.n_list_inst, fetched + 1);
    assert_int_equal(e->f.n_send, 1);
}

/* A failed refresh is an error, never stale data, and it is in /error. */
static void test_read_failure(void **state)
{
    env *e = *state;
    assert_file(e, "/instances/uhost-a/status", "Running\n");
    e->f.inst_rc = -ETIMEDOUT;
    e->f.now += TTL_MS + 1;
    node_attr a;
    assert_int_equal(tree_getattr(e->t, "/instances/uhost-a/status", &a), -ETIMEDOUT);
    file_snapshot *s;
    assert_int_equal(tree_open(e->t, "/instances/uhost-a/status", O_RDONLY, &s), -ETIMEDOUT);
    listing l = {0};
    assert_int_equal(tree_readdir(e->t, "/instances", collect, &l), -ETIMEDOUT);
    assert_true(file_contains(e, "/error", "read instances: ETIMEDOUT: no answer within 15 s"));
    /* a command cannot be sent without knowing the instance: nothing sent */
    assert_int_equal(write_str(e, "/instances/uhost-a/ctl", "reboot\n"), -ETIMEDOUT);
    assert_int_equal(e->f.n_send, 0);
    assert_true(file_contains(e, "/error", "reboot uhost-a: ETIMEDOUT: not sent"));
    /* the fixed parts of the tree still answer, and /metrics says the API is down */
    assert_int_equal(tree_getattr(e->t, "/", &a), 0);
    assert_int_equal(tree_getattr(e->t, "/instances", &a), 0);
    int custom_calls = e->f.n_list_custom;
    assert_true(file_contains(e, "/metrics", "compsharefs_api_up 0\n"));
    assert_int_equal(e->f.n_list_custom, custom_calls); /* one failure is enough to wait for */

    e->f.inst_rc = 0;
    assert_file(e, "/instances/uhost-a/status", "Running\n");
    assert_true(file_contains(e, "/instances/uhost-a/error", "reboot uhost-a: ETIMEDOUT: not sent"));
}

static void test_metrics_file(void **state)
{
    env *e = *state;
    char *m = read_file(e, "/metrics");
    assert_non_null(strstr(m, "compsharefs_api_up 1\n"));
    assert_non_null(strstr(m, "compsharefs_instances 5\n"));
    assert_non_null(strstr(m, "compsharefs_instance_state{uhost_id=\"uhost-b\",name=\"训练机\","
                              "zone=\"cn-wlcb-02\",state=\"Stopped\"} 1\n"));
    assert_non_null(strstr(m, "compsharefs_instance_gpu_count{uhost_id=\"uhost-a\",name=\"web\"} "
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
        check_sizes(e, "/instances");
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
        T(test_root),           T(test_listing_one_call), T(test_sizes_match_open),
        T(test_modes_and_times), T(test_instance_files),  T(test_by_name),
        T(test_unknown_names),  T(test_images),           T(test_bad_ids_skipped),
        T(test_open_flags),     T(test_snapshot_fixed),   T(test_truncate),
        T(test_write_einval),   T(test_write_success),    T(test_mkimage_refreshes_images),
        T(test_write_errors),   T(test_outcome_unknown),  T(test_read_failure),
        T(test_metrics_file),   T(test_concurrent_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#undef T
}
