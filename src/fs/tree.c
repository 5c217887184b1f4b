/* SPDX-License-Identifier: MIT */
/* tree.c - the tree object, and the dispatch of every request to the area
 * that owns its first name (tree_areas). The areas answer from cache
 * snapshots: a listing, `ls -l` or `find` costs at most one round of API
 * calls per ttl, and every entry of one listing comes from one snapshot.
 *
 * Content is rendered into immutable blobs (tree_blob.c), so a reader can go
 * on serving one version while a newer one is made, and a size is exactly
 * the length of the content it describes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clocks.h"
#include "tree_internal.h"

/* ---- the object ---- */

tree *tree_new(cache *c, control *ctl, errlog *log, metrics *m)
{
    if (!c || !ctl || !log)
        return NULL;
    tree *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    *t = (tree){.cache = c, .ctl = ctl, .log = log, .metrics = m,
                .mounted_ns = clock_wall_ns(), .events = events_new(TREE_EVENTS_KEPT),
                .cmdlog = cmdlog_new()};
    if (!t->events || !t->cmdlog || pthread_mutex_init(&t->metrics_mu, NULL) != 0) {
        events_free(t->events);
        cmdlog_free(t->cmdlog);
        free(t);
        return NULL;
    }
    cache_hooks hooks = {.on_publish = tree_on_publish, .ctx = t};
    cache_set_hooks(c, &hooks);
    return t;
}

void tree_set_default_zone(tree *t, const char *zone)
{
    snprintf(t->zone, sizeof t->zone, "%s", zone ? zone : "");
}

void tree_free(tree *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->metrics_mu);
    tree_blob_put(t->metrics_text);
    events_free(t->events);
    cmdlog_free(t->cmdlog);
    free(t);
}

/* ---- answers ---- */

long long tree_valid_until(tree *t, long long fresh_until_ms)
{
    long long left = fresh_until_ms - cache_now_ms(t->cache);
    return left > 0 ? left : 0;
}

long long tree_valid_ms(tree *t, long long started_ms)
{
    return tree_valid_until(t, cache_fresh_until(t->cache, started_ms));
}

void tree_dir_attr(node_attr *a, long long mtime_ns, unsigned nlink, long long valid_ms)
{
    *a = (node_attr){.kind = NODE_DIR, .mode = 0555, .mtime_ns = mtime_ns, .nlink = nlink,
                     .valid_ms = valid_ms};
}

void tree_link_attr(node_attr *a, size_t target_len, long long mtime_ns, long long valid_ms)
{
    *a = (node_attr){.kind = NODE_LINK, .mode = 0777, .size = target_len, .mtime_ns = mtime_ns,
                     .nlink = 1, .valid_ms = valid_ms};
}

int tree_file_answer(strbuf *text, mode_t mode, long long mtime_ns, long long valid_ms,
                     node_attr *attr, tree_blob **content)
{
    int rc = text->oom ? -ENOMEM : 0;
    if (rc == 0 && content && !(*content = tree_blob_new(text->data ? text->data : "", text->len)))
        rc = -ENOMEM;
    if (rc == 0)
        *attr = (node_attr){.kind = NODE_FILE, .mode = mode, .size = text->len,
                            .mtime_ns = mtime_ns, .nlink = 1, .valid_ms = valid_ms};
    strbuf_free(text);
    return rc;
}

int tree_no_such_path(node_attr *attr)
{
    *attr = (node_attr){.valid_ms = TREE_VALID_FOREVER_MS};
    return -ENOENT;
}

int tree_read_failed(tree *t, const char *what, int rc, api_error *err)
{
    if (err->err == 0)
        err->err = rc;
    if (rc != -ENOENT)
        errlog_record(t->log, NULL, what, err);
    return rc;
}

int tree_get_instances(tree *t, inst_snap **snap)
{
    api_error err = {0};
    int rc = cache_get_instances(t->cache, snap, &err);
    return rc ? tree_read_failed(t, "read instances", rc, &err) : 0;
}

int tree_get_images(tree *t, bool platform, img_snap **snap)
{
    api_error err = {0};
    int rc = platform ? cache_get_platform_images(t->cache, snap, &err)
                      : cache_get_custom_images(t->cache, snap, &err);
    return rc ? tree_read_failed(t, platform ? "read platform images" : "read custom images", rc,
                                 &err)
              : 0;
}

int tree_get_capacity(tree *t, cap_snap **snap)
{
    api_error err = {0};
    int rc = cache_get_capacity(t->cache, snap, &err);
    return rc ? tree_read_failed(t, "read zones", rc, &err) : 0;
}

/* ---- instances ---- */

/* cache_get_instance, then the instance in it; fills err on a failed read. */
static int find_fresh_instance(tree *t, const char *uhost_id, inst_snap **snap,
                               const api_instance **inst, api_error *err)
{
    int rc = cache_get_instance(t->cache, uhost_id, snap, err);
    if (rc)
        return rc;
    *inst = inst_snap_find(*snap, uhost_id);
    if (!*inst) {
        inst_snap_put(*snap);
        *snap = NULL;
        return -ENOENT;
    }
    return 0;
}

int tree_get_instance(tree *t, const char *uhost_id, inst_snap **snap, const api_instance **inst)
{
    api_error err = {0};
    int rc = find_fresh_instance(t, uhost_id, snap, inst, &err);
    return rc && rc != -ENOENT ? tree_read_failed(t, "read instances", rc, &err) : rc;
}

int tree_get_known_instance(tree *t, const char *uhost_id, inst_snap **snap,
                            const api_instance **inst, api_error *err)
{
    if (cache_peek_instances(t->cache, snap) == 0) {
        *inst = inst_snap_find(*snap, uhost_id);
        if (*inst)
            return 0;
        inst_snap_put(*snap);
        *snap = NULL;
    }
    return find_fresh_instance(t, uhost_id, snap, inst, err);
}

/* ---- dispatch ---- */

const tree_area *const tree_areas[] = {
    &tree_area_instances, &tree_area_by_name,   &tree_area_by_state,  &tree_area_by_gpu,
    &tree_area_by_zone,   &tree_area_images,    &tree_area_platform_images, &tree_area_zones,
    &tree_area_ctl,       &tree_area_events,    &tree_area_ssh_config, &tree_area_error,
    &tree_area_metrics,   NULL,
};

const tree_area *tree_area_of(const tree_path *p)
{
    for (size_t k = 0; p->n > 0 && tree_areas[k]; k++)
        if (strcmp(tree_areas[k]->name, p->part[0]) == 0)
            return tree_areas[k];
    return NULL;
}

/* The root: fixed entries, never changing. */
static int root_attr(node_attr *attr)
{
    unsigned subdirs = 0; /* nlink: "." and every subdirectory's ".." */
    for (size_t k = 0; tree_areas[k]; k++)
        subdirs += tree_areas[k]->readdir != NULL;
    *attr = (node_attr){.kind = NODE_DIR, .mode = 0555, .nlink = 2 + subdirs,
                        .valid_ms = TREE_VALID_FOREVER_MS};
    return 0;
}

int tree_stat(tree *t, const char *path, node_attr *attr, tree_blob **content)
{
    if (content)
        *content = NULL;
    tree_path p;
    if (tree_path_split(path, &p) != 0)
        return tree_no_such_path(attr);
    if (p.n == 0) {
        root_attr(attr);
        attr->mtime_ns = t->mounted_ns;
        return 0;
    }
    const tree_area *a = tree_area_of(&p);
    return a ? a->stat(t, &p, attr, content) : tree_no_such_path(attr);
}

static int readdir_root(tree *t, tree_fill_fn fill, void *ctx, long long *valid_ms)
{
    int rc = 0;
    *valid_ms = TREE_VALID_FOREVER_MS;
    for (size_t k = 0; rc == 0 && tree_areas[k]; k++) {
        tree_path p = {.n = 1};
        snprintf(p.part[0], sizeof p.part[0], "%s", tree_areas[k]->name);
        node_attr a;
        rc = tree_areas[k]->stat(t, &p, &a, NULL);
        if (rc == 0) {
            if (a.valid_ms < *valid_ms)
                *valid_ms = a.valid_ms;
            rc = fill(ctx, p.part[0], &a);
        }
    }
    return rc;
}

int tree_readdir(tree *t, const char *path, tree_fill_fn fill, void *ctx, long long *valid_ms)
{
    *valid_ms = 0;
    tree_path p;
    if (tree_path_split(path, &p) != 0)
        return -ENOENT;
    if (p.n == 0)
        return readdir_root(t, fill, ctx, valid_ms);
    const tree_area *a = tree_area_of(&p);
    if (!a)
        return -ENOENT;
    if (a->readdir)
        return a->readdir(t, &p, fill, ctx, valid_ms);
    node_attr attr; /* a file that exists is not a directory; else ENOENT */
    int rc = a->stat(t, &p, &attr, NULL);
    return rc ? rc : -ENOTDIR;
}

int tree_readlink(tree *t, const char *path, char *buf, size_t size)
{
    tree_path p;
    if (tree_path_split(path, &p) != 0)
        return -ENOENT;
    const tree_area *a = tree_area_of(&p);
    if (a && a->readlink)
        return a->readlink(t, &p, buf, size);
    node_attr attr;
    int rc = p.n == 0 ? 0 : a ? a->stat(t, &p, &attr, NULL) : -ENOENT;
    return rc ? rc : -EINVAL; /* not a symbolic link */
}
