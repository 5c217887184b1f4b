/* SPDX-License-Identifier: MIT */
/* area_root.c - the files at the root: /error (the last failed API request
 * of the whole mount) and /metrics (Prometheus text exposition). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clocks.h"
#include "tree_internal.h"

static int error_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    if (p->n != 1)
        return tree_no_such_path(attr);
    long long changed = 0;
    char *text = errlog_mount_text(t->log, &changed);
    if (!text)
        return -ENOMEM;
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, text);
    free(text);
    /* it changes on its own: asked for every time */
    return tree_file_answer(&b, FILE_RO, changed ? changed : t->mounted_ns, 0, attr, content);
}

const tree_area tree_area_error = {.name = "error", .stat = error_stat};

/* ctl: the fleet's commands (`create KEY=VALUE ...`); reading lists them. */
static int ctl_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    if (p->n != 1)
        return tree_no_such_path(attr);
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, control_root_help());
    return tree_file_answer(&b, FILE_RW, t->mounted_ns, TREE_VALID_FOREVER_MS, attr, content);
}

/* A create is checked completely here, its zone included (the mount's zone
 * option when it names none): nothing is sent for a bad one. */
static int ctl_command_parse(tree *t, const tree_path *p, const char *buf, size_t len,
                             tree_command *cmd)
{
    if (p->n != 1)
        return -ENOTDIR;
    cmd->target = TARGET_FLEET;
    char why[256];
    int rc = control_parse("root-ctl", buf, len, &cmd->cmd, why, sizeof why);
    if (rc)
        return tree_refuse(t, NULL, "write ctl", rc, why);
    control_create *c = &cmd->cmd.create;
    if (!c->zone[0] && !t->zone[0])
        return tree_refuse(t, NULL, "write ctl", -EINVAL,
                           "create: zone= is needed (the mount has no zone option)");
    if (!c->zone[0])
        snprintf(c->zone, sizeof c->zone, "%s", t->zone);
    return 0;
}

static int ctl_truncate(tree *t, const tree_path *p)
{
    (void)t;
    return p->n == 1 ? 0 : -ENOTDIR;
}

const tree_area tree_area_ctl = {
    .name = "ctl",
    .stat = ctl_stat,
    .command_parse = ctl_command_parse,
    .truncate = ctl_truncate,
};

/* events: a stat or read refreshes the listings when they are older than ttl
 * (the publish hook then adds what changed), so `tail -f events` follows the
 * fleet; asked for every time. A failed refresh still shows what is known. */
static int events_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    if (p->n != 1)
        return tree_no_such_path(attr);
    inst_snap *is = NULL;
    img_snap *ims = NULL;
    api_error err = {0};
    int rc = cache_get_instances(t->cache, &is, &err);
    if (rc == 0) {
        inst_snap_put(is);
        memset(&err, 0, sizeof err);
        rc = cache_get_custom_images(t->cache, &ims, &err);
        if (rc == 0)
            img_snap_put(ims);
        else
            tree_read_failed(t, "read custom images", rc, &err);
    } else {
        tree_read_failed(t, "read instances", rc, &err);
    }
    long long changed = 0;
    tree_blob *text = events_text(t->events, &changed);
    if (!text)
        return -ENOMEM;
    *attr = (node_attr){.kind = NODE_FILE, .mode = FILE_RO, .size = tree_blob_len(text),
                        .mtime_ns = changed ? changed : t->mounted_ns, .nlink = 1};
    if (content)
        *content = text;
    else
        tree_blob_put(text);
    return 0;
}

const tree_area tree_area_events = {.name = "events", .stat = events_stat};

/* /metrics: whatever can be fetched; a part that cannot is left out (and
 * compsharefs_api_up says so) rather than failing the whole scrape. When the
 * instance listing fails, the API is unreachable or refusing us: images are
 * not tried too, so a scrape never waits out two timeouts. Progress is asked
 * for the images being made only (the others are done). */
static int metrics_content(tree *t, strbuf *out)
{
    api_error err = {0};
    inst_snap *is = NULL;
    int rc = cache_get_instances(t->cache, &is, &err);
    if (rc) {
        tree_read_failed(t, "read instances", rc, &err);
        is = NULL;
    }
    img_snap *custom = NULL;
    memset(&err, 0, sizeof err);
    rc = is ? cache_get_custom_images(t->cache, &custom, &err) : 0;
    if (rc) {
        tree_read_failed(t, "read custom images", rc, &err);
        custom = NULL;
    }
    double *progress = NULL;
    if (custom && custom->list.n) {
        progress = malloc(custom->list.n * sizeof *progress);
        bool api_failing = false; /* after one failure, don't wait out a timeout per image */
        for (size_t k = 0; progress && k < custom->list.n; k++) {
            const api_image *img = &custom->list.items[k];
            api_progress p;
            progress[k] = -1;
            if (api_failing || strcmp(img->status, "Making") != 0)
                continue;
            memset(&err, 0, sizeof err);
            rc = cache_get_progress(t->cache, img->image_id, &p, NULL, &err);
            if (rc == 0) {
                progress[k] = p.process;
            } else {
                tree_read_failed(t, "read image progress", rc, &err);
                api_failing = true;
            }
        }
    }
    cap_snap *cap = NULL; /* only once the API answers at all */
    memset(&err, 0, sizeof err);
    rc = is ? cache_get_capacity(t->cache, &cap, &err) : 0;
    if (rc) {
        tree_read_failed(t, "read zones", rc, &err);
        cap = NULL;
    }
    cache_stats cs;
    cache_get_stats(t->cache, &cs);
    metrics_view v = {.instances = is, .custom = custom, .progress = progress,
                      .capacity = cap, .cache = &cs};
    metrics_render(t->metrics, &v, out);
    cap_snap_put(cap);
    free(progress);
    if (is)
        inst_snap_put(is);
    if (custom)
        img_snap_put(custom);
    return out->oom ? -ENOMEM : 0;
}

static bool same_text(const tree_blob *a, const strbuf *b)
{
    return a && tree_blob_len(a) == b->len && memcmp(tree_blob_data(a), b->data, b->len) == 0;
}

/* Rendering /metrics reads every listing and moves the counters it shows,
 * so stat, read and `ls -l /` share one rendering per ttl (and sizes agree);
 * concurrent scrapers wait for one rendering; nothing else takes this lock. */
static int metrics_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    if (p->n != 1)
        return tree_no_such_path(attr);
    long long ttl = cache_ttl_ms(t->cache);
    pthread_mutex_lock(&t->metrics_mu);
    long long now = cache_now_ms(t->cache);
    if (!t->metrics_text || now - t->metrics_at_ms >= ttl) {
        strbuf fresh;
        strbuf_init(&fresh);
        int rc = metrics_content(t, &fresh);
        node_attr a;
        tree_blob *blob = NULL;
        bool same = rc == 0 && same_text(t->metrics_text, &fresh);
        rc = rc ? rc : tree_file_answer(&fresh, FILE_RO, 0, 0, &a, &blob);
        if (rc) {
            strbuf_free(&fresh);
            pthread_mutex_unlock(&t->metrics_mu);
            return rc;
        }
        tree_blob_put(t->metrics_text);
        t->metrics_text = blob;
        t->metrics_at_ms = now;
        if (!same)
            t->metrics_changed_ns = clock_wall_ns();
    }
    long long valid = t->metrics_at_ms + ttl - now;
    *attr = (node_attr){.kind = NODE_FILE, .mode = FILE_RO, .size = tree_blob_len(t->metrics_text),
                        .mtime_ns = t->metrics_changed_ns, .nlink = 1,
                        .valid_ms = valid > 0 ? valid : 0};
    if (content)
        *content = tree_blob_ref(t->metrics_text);
    pthread_mutex_unlock(&t->metrics_mu);
    return 0;
}

const tree_area tree_area_metrics = {.name = "metrics", .stat = metrics_stat};
