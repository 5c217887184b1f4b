/* SPDX-License-Identifier: MIT */
/* fake_tree.h - the fixture of the tree tests (test_tree.c, test_tree_write.c):
 * the real cache over a scripted source that counts its calls, and a fake
 * command sender. Time only moves when a test moves it (the source's clock). */
#ifndef COMPSHAREFS_FAKE_TREE_H
#define COMPSHAREFS_FAKE_TREE_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assert_text.h"
#include "cache.h"
#include "control.h"
#include "errlog.h"
#include "metrics.h"
#include "tree.h"

#define TTL_MS 2000

typedef struct fake {
    api_instance inst[8];
    size_t n_inst;
    api_image custom[4], hidden[2], platform[3]; /* hidden: found by ID, not listed */
    size_t n_custom, n_hidden, n_platform;
    api_progress progress;
    int progress_rc; /* scripted failure of the progress call */
    int inst_rc; /* scripted failure of the instance listing */
    int n_list_inst, n_list_custom, n_list_platform, n_find, n_progress;
    int n_zones, n_inventory; /* calls of each */
    long long stock_4090;     /* free 4090s in cn-wlcb-01's dedicated pool */
    long long now;
    /* the command sender */
    int n_send;
    control_cmd sent;
    char sent_zone[64], sent_id[64];
    int send_rc;
    bool outcome_unknown;
    int n_create, create_fail_at; /* creates sent; the one (1-based) that fails, 0: none */
} fake;

typedef struct env {
    fake f;
    cache *cache;
    errlog *log;
    metrics *metrics;
    control *ctl;
    tree *t;
} env;

/* A failure the test scripted: rc, with message in err. */
static inline int scripted_failure(int rc, const char *message, api_error *err)
{
    err->err = rc;
    snprintf(err->message, sizeof err->message, "%s", message);
    return rc;
}

/* Two zones of cn-wlcb (IDs as the inventory keys them) and their stock:
 * cn-wlcb-01 has 4090s (stock_4090 dedicated, 2 spot) and no H20 spot pool;
 * cn-wlcb-02 has H20s, none free. A zone of another region is left out. */
static inline int src_list_zones(void *ctx, api_zone_list *out, api_error *err)
{
    (void)err;
    fake *f = ctx;
    f->n_zones++;
    static const struct {
        const char *zone, *region, *name;
        long long id;
    } z[] = {{"cn-wlcb-02", "cn-wlcb", "乌兰察布B", 102}, {"cn-wlcb-01", "cn-wlcb", "乌兰察布A", 101}};
    out->n = 2;
    out->items = calloc(2, sizeof *out->items);
    for (size_t k = 0; k < 2; k++)
        out->items[k] = (api_zone){.zone = strdup(z[k].zone), .region = strdup(z[k].region),
                                   .name = strdup(z[k].name), .zone_id = z[k].id};
    return 0;
}

static inline int src_gpu_inventory(void *ctx, api_inventory *out, api_error *err)
{
    (void)err;
    fake *f = ctx;
    f->n_inventory++;
    const struct {
        const char *pool, *gpu;
        long long zone, count;
    } g[] = {{"Exclusive", "4090", 101, f->stock_4090}, {"Spot", "4090", 101, 2},
             {"Exclusive", "H20", 102, 0}, {"Exclusive", "A100", 999, 3}};
    size_t n = sizeof g / sizeof g[0];
    out->items = calloc(n, sizeof *out->items);
    out->n = n;
    for (size_t k = 0; k < n; k++)
        out->items[k] = (api_gpu_stock){.pool = strdup(g[k].pool), .zone_id = g[k].zone,
                                        .gpu_type = strdup(g[k].gpu), .count = g[k].count};
    return 0;
}

static inline int src_list_instances(void *ctx, api_instance_list *out, api_error *err)
{
    fake *f = ctx;
    f->n_list_inst++;
    if (f->inst_rc)
        return scripted_failure(f->inst_rc, "no answer within 15 s", err);
    out->items = calloc(f->n_inst + 1, sizeof *out->items);
    for (size_t k = 0; k < f->n_inst; k++) {
        api_instance *i = &out->items[out->n++];
        assert_int_equal(api_instance_copy(i, &f->inst[k]), 0);
        /* as the decoder makes it: the API's object, so it changes with any field */
        free(i->info_json);
        assert_true(asprintf(&i->info_json, "{\"UHostId\": \"%s\", \"Name\": \"%s\", "
                             "\"State\": \"%s\", \"CompShareImageId\": \"%s\"}",
                             i->uhost_id, i->name, i->state, i->image_id) > 0);
    }
    out->total_count = (long long)f->n_inst;
    return 0;
}

static inline int copy_images(const api_image *src, size_t n, api_image_list *out)
{
    out->items = calloc(n + 1, sizeof *out->items);
    for (size_t k = 0; k < n; k++)
        assert_int_equal(api_image_copy(&out->items[out->n++], &src[k]), 0);
    out->total_count = (long long)n;
    return 0;
}

static inline int src_list_custom(void *ctx, api_image_list *out, api_error *err)
{
    fake *f = ctx;
    f->n_list_custom++;
    return copy_images(f->custom, f->n_custom, out);
}

static inline int src_list_platform(void *ctx, api_image_list *out, api_error *err)
{
    fake *f = ctx;
    f->n_list_platform++;
    return copy_images(f->platform, f->n_platform, out);
}

static inline int src_find(void *ctx, const char *id, api_image *out, api_error *err)
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

static inline int src_progress(void *ctx, const char *id, api_progress *out, api_error *err)
{
    fake *f = ctx;
    f->n_progress++;
    if (f->progress_rc)
        return scripted_failure(f->progress_rc, "no answer", err);
    *out = f->progress;
    return 0;
}

static inline long long src_now(void *ctx) { return ((fake *)ctx)->now; }

static inline int fake_send(void *ctx, const control_cmd *cmd, const char *zone,
                            const char *uhost_id, char **result_id, api_error *err)
{
    fake *f = ctx;
    f->n_send++;
    f->sent = *cmd;
    snprintf(f->sent_zone, sizeof f->sent_zone, "%s", zone);
    snprintf(f->sent_id, sizeof f->sent_id, "%s", uhost_id);
    if (cmd->verb == CTL_CREATE && ++f->n_create == f->create_fail_at) {
        err->err = -ENOSPC;
        err->retcode = 8045;
        snprintf(err->message, sizeof err->message, "InsufficientGpuStock: no 4090 free");
        return -ENOSPC;
    }
    if (f->send_rc == 0) {
        if (cmd->verb == CTL_MKIMAGE && result_id)
            *result_id = strdup("compshareImage-new");
        if (cmd->verb == CTL_CREATE && result_id) {
            char id[32];
            snprintf(id, sizeof id, "uhost-new%d", f->n_create);
            *result_id = strdup(id);
        }
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

static inline api_instance mk_inst(const char *id, const char *name, const char *zone,
                                   const char *state, long long update_time)
{
    return (api_instance){.uhost_id = (char *)id, .name = (char *)name, .zone = (char *)zone,
                          .state = (char *)state, .gpu_type = (char *)"4090", .gpu_count = 2,
                          .cpu = 16, .memory_mb = 65536, .update_time = update_time,
                          .image_id = (char *)"compshareImage-sys",
                          .info_json = (char *)"{\"UHostId\": \"x\"}"};
}

static inline api_image mk_img(const char *id, const char *name, const char *status)
{
    return (api_image){.image_id = (char *)id, .name = (char *)name, .status = (char *)status,
                       .image_type = (char *)"Custom", .size_mb = 100,
                       .info_json = (char *)"{}"};
}

static inline int setup(void **state)
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

    f->stock_4090 = 5;
    cache_source src = {.list_instances = src_list_instances,
                        .list_custom_images = src_list_custom,
                        .list_platform_images = src_list_platform,
                        .find_custom_image = src_find,
                        .image_progress = src_progress,
                        .list_zones = src_list_zones,
                        .gpu_inventory = src_gpu_inventory,
                        .now_ms = src_now,
                        .ctx = f};
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

static inline int teardown(void **state)
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

static inline int collect(void *ctx, const char *name, const node_attr *attr)
{
    listing *l = ctx;
    assert_true(l->n < 64);
    snprintf(l->names[l->n], sizeof l->names[0], "%s", name);
    l->attrs[l->n++] = *attr;
    return 0;
}

static inline listing *list_dir(env *e, const char *path)
{
    listing *l = calloc(1, sizeof *l);
    long long valid;
    int rc = tree_readdir(e->t, path, collect, l, &valid);
    if (rc != 0)
        fail_msg("readdir %s: %d", path, rc);
    return l;
}

static inline bool listed(const listing *l, const char *name)
{
    for (size_t k = 0; k < l->n; k++)
        if (strcmp(l->names[k], name) == 0)
            return true;
    return false;
}

static inline int stat_path(env *e, const char *path, node_attr *a)
{
    return tree_stat(e->t, path, a, NULL);
}

/* The content a read gives (malloc'd); its size must be the one stat says. */
static inline char *read_file(env *e, const char *path)
{
    node_attr a;
    tree_blob *b = NULL;
    int rc = tree_stat(e->t, path, &a, &b);
    if (rc != 0)
        fail_msg("read %s: %d", path, rc);
    assert_int_equal(a.kind, NODE_FILE);
    assert_non_null(b);
    assert_int_equal(tree_blob_len(b), a.size);
    assert_int_equal(strlen(tree_blob_data(b)), a.size);
    char *text = strdup(tree_blob_data(b));
    tree_blob_put(b);
    return text;
}

#define assert_file(e, path, expected) assert_text(read_file((e), (path)), (expected))

/* One write of text as the glue does it: checked, then run. Returns the
 * length on success or the negative errno. */
static inline long write_str(env *e, const char *path, const char *text)
{
    tree_command *cmd = NULL;
    int rc = tree_command_parse(e->t, path, text, strlen(text), 1000, &cmd);
    if (rc == 0) {
        tree_effect eff;
        rc = tree_command_run(e->t, cmd, &eff);
        tree_command_free(cmd);
    }
    return rc ? rc : (long)strlen(text);
}

static inline bool file_contains(env *e, const char *path, const char *needle)
{
    char *text = read_file(e, path);
    bool found = strstr(text, needle) != NULL;
    if (!found)
        print_message("%s: \"%s\" has no \"%s\"\n", path, text, needle);
    free(text);
    return found;
}

#endif
