/* SPDX-License-Identifier: MIT */
/* area_instances.c - /instances: a directory per instance, a file per value.
 *
 * Every file of an instance comes from the instance snapshot (kept until it
 * turns ttl old), except ctl (the list of commands: fixed) and error (the last
 * failed operation: it changes on its own, so it is asked for every time). A
 * name that is not an ID, or a file that no instance has, is ENOENT without
 * fetching anything: a shell's completion or a tool probing for ".git" never
 * costs an API call. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stamps.h"
#include "tree_internal.h"

/* instances/: fixed, but its mtime tells when instances came or went, as
 * the last listing showed (no fetch just for a stat). */
static int instances_dir_attr(tree *t, node_attr *attr)
{
    inst_snap *s;
    if (cache_peek_instances(t->cache, &s) != 0) {
        tree_dir_attr(attr, t->mounted_ns, 2, 0);
        return 0;
    }
    tree_dir_attr(attr, stamps_instance_set(s), 2, tree_valid_ms(t, s->started_ms));
    inst_snap_put(s);
    return 0;
}

static size_t index_of(const inst_snap *s, const api_instance *i) { return (size_t)(i - s->list.items); }

/* One file of an instance, from snap. */
static int instance_file(tree *t, const inst_snap *snap, const api_instance *i, const file_def *f,
                         node_attr *attr, tree_blob **content)
{
    strbuf b;
    strbuf_init(&b);
    long long valid = tree_valid_ms(t, snap->started_ms);
    int file = (int)(f - render_instance_files);
    if (f->dir) { /* apps/: changes when what its files hold does */
        strbuf_free(&b);
        tree_dir_attr(attr, stamps_instance(snap, index_of(snap, i), file), 2, valid);
        return 0;
    }
    if (strcmp(f->name, "password") == 0) /* written, never read: nothing to read anyway */
        return tree_file_answer(&b, f->mode, t->mounted_ns, TREE_VALID_FOREVER_MS, attr, content);
    if (f->data) {
        int rc = render_instance(i, f->name, &b);
        if (rc) {
            strbuf_free(&b);
            return rc;
        }
        return tree_file_answer(&b, f->mode, stamps_instance(snap, index_of(snap, i), file), valid,
                                attr, content);
    }
    if (strcmp(f->name, "ctl") == 0) {
        strbuf_puts(&b, control_help());
        return tree_file_answer(&b, f->mode, t->mounted_ns, TREE_VALID_FOREVER_MS, attr, content);
    }
    /* error and log: they change on their own, so they are asked for every time */
    long long changed = 0;
    char *text = strcmp(f->name, "log") == 0 ? cmdlog_text(t->cmdlog, i->uhost_id, &changed)
                                             : errlog_instance_text(t->log, i->uhost_id, &changed);
    if (!text)
        return -ENOMEM;
    strbuf_puts(&b, text);
    free(text);
    return tree_file_answer(&b, f->mode, changed ? changed : t->mounted_ns, 0, attr, content);
}

/* apps/<Name>: the URL of one application. */
static int app_file(tree *t, const inst_snap *snap, const api_instance *i, const char *name,
                    node_attr *attr, tree_blob **content)
{
    const api_app *app = render_app_find(i, name);
    if (!app)
        return -ENOENT;
    strbuf b;
    strbuf_init(&b);
    int rc = render_app(app, &b);
    if (rc) {
        strbuf_free(&b);
        return rc;
    }
    int apps = render_find_index(render_instance_files, "apps");
    return tree_file_answer(&b, FILE_RO, stamps_instance(snap, index_of(snap, i), apps),
                            tree_valid_ms(t, snap->started_ms), attr, content);
}

static int instances_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    if (p->n == 1)
        return instances_dir_attr(t, attr);
    const file_def *f = p->n >= 3 ? render_find(render_instance_files, p->part[2]) : NULL;
    if (!control_valid_id(p->part[1]) || p->n > 4 || (p->n >= 3 && !f) ||
        (p->n == 4 && !f->dir))
        return tree_no_such_path(attr);
    inst_snap *snap;
    const api_instance *i;
    int rc = tree_get_instance(t, p->part[1], &snap, &i);
    if (rc == -ENOENT) {
        /* kept as long as the listing that says so */
        inst_snap *s;
        *attr = (node_attr){.valid_ms = 0};
        if (cache_peek_instances(t->cache, &s) == 0) {
            attr->valid_ms = tree_valid_ms(t, s->started_ms);
            inst_snap_put(s);
        }
        return rc;
    }
    if (rc)
        return rc;
    if (p->n == 2)
        tree_dir_attr(attr, stamps_instance(snap, index_of(snap, i), -1), 2,
                      tree_valid_ms(t, snap->started_ms));
    else if (p->n == 4)
        rc = app_file(t, snap, i, p->part[3], attr, content);
    else
        rc = instance_file(t, snap, i, f, attr, content);
    if (rc == -ENOENT) /* no such app: kept as long as the listing that says so */
        *attr = (node_attr){.valid_ms = tree_valid_ms(t, snap->started_ms)};
    inst_snap_put(snap);
    return rc;
}

static int list_instances(tree *t, tree_fill_fn fill, void *ctx, long long *valid_ms)
{
    inst_snap *snap;
    int rc = tree_get_instances(t, &snap);
    if (rc)
        return rc;
    *valid_ms = tree_valid_ms(t, snap->started_ms);
    for (size_t k = 0; rc == 0 && k < snap->list.n; k++) {
        const api_instance *i = &snap->list.items[k];
        if (!control_valid_id(i->uhost_id)) {
            log_warn("instances/: skipped an instance whose UHostId is not a valid file name");
            continue;
        }
        node_attr a;
        tree_dir_attr(&a, stamps_instance(snap, k, -1), 2, *valid_ms);
        rc = fill(ctx, i->uhost_id, &a);
    }
    inst_snap_put(snap);
    return rc;
}

/* apps/: a file per application (a name the API repeats, once). */
static int fill_apps(tree *t, const inst_snap *snap, const api_instance *i, tree_fill_fn fill,
                     void *ctx)
{
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < render_app_count(i); k++) {
        char name[256];
        render_app_file_name(&i->apps[k], name, sizeof name);
        node_attr a;
        if (!name[0] || render_app_find(i, name) != &i->apps[k])
            continue;
        rc = app_file(t, snap, i, name, &a, NULL);
        if (rc == 0)
            rc = fill(ctx, name, &a);
    }
    return rc;
}

/* The files of one instance, or of its apps/, all from one snapshot. */
static int list_instance(tree *t, const char *uhost_id, bool apps, tree_fill_fn fill, void *ctx,
                         long long *valid_ms)
{
    inst_snap *snap;
    const api_instance *i;
    int rc = tree_get_instance(t, uhost_id, &snap, &i);
    if (rc)
        return rc;
    *valid_ms = tree_valid_ms(t, snap->started_ms);
    if (apps)
        rc = fill_apps(t, snap, i, fill, ctx);
    for (const file_def *f = render_instance_files; !apps && rc == 0 && f->name; f++) {
        node_attr a;
        rc = instance_file(t, snap, i, f, &a, NULL);
        if (rc == 0)
            rc = fill(ctx, f->name, &a);
    }
    inst_snap_put(snap);
    return rc;
}

static int instances_readdir(tree *t, const tree_path *p, tree_fill_fn fill, void *ctx,
                             long long *valid_ms)
{
    if (p->n == 1)
        return list_instances(t, fill, ctx, valid_ms);
    if (p->n == 2 && control_valid_id(p->part[1]))
        return list_instance(t, p->part[1], false, fill, ctx, valid_ms);
    if (p->n == 3 && control_valid_id(p->part[1]) && strcmp(p->part[2], "apps") == 0)
        return list_instance(t, p->part[1], true, fill, ctx, valid_ms);
    node_attr a;
    int rc = instances_stat(t, p, &a, NULL);
    return rc ? rc : -ENOTDIR;
}

/* instances/ID/FILE (p->n >= 3) when it takes writes: 0 and *f, else the
 * errno a write gets (no such file, a directory, a read-only file). */
static int writable_file(const tree_path *p, const file_def **f)
{
    *f = render_find(render_instance_files, p->part[2]);
    if (!*f || !control_valid_id(p->part[1]) || p->n > 4 || (p->n == 4 && !(*f)->dir))
        return -ENOENT;
    if ((*f)->dir)
        return p->n == 3 ? -EISDIR : -EACCES;
    return (*f)->mode & 0200 ? 0 : -EACCES;
}

/* ctl, name, image, stop_at and password take commands. */
static int instances_command_parse(tree *t, const tree_path *p, const char *buf, size_t len,
                                   tree_command *cmd)
{
    if (p->n < 3)
        return p->n == 2 && control_valid_id(p->part[1]) ? -EISDIR : -EACCES;
    const file_def *f;
    int rc = writable_file(p, &f);
    if (rc)
        return rc;
    snprintf(cmd->id, sizeof cmd->id, "%.64s", p->part[1]); /* an ID: 64 at most */
    char why[256], what[32];
    snprintf(what, sizeof what, "write %s", f->name);
    rc = control_parse(f->name, buf, len, &cmd->cmd, why, sizeof why);
    return rc ? tree_refuse(t, p->part[1], what, rc, why) : 0;
}

/* Shell redirection truncates before it writes: only the instance has to
 * exist, as last listed (no Describe round per command). */
static int instances_truncate(tree *t, const tree_path *p)
{
    if (p->n < 3)
        return p->n == 1 || control_valid_id(p->part[1]) ? -EISDIR : -ENOENT;
    const file_def *f;
    int rc = writable_file(p, &f);
    if (rc)
        return rc;
    inst_snap *snap;
    const api_instance *inst;
    api_error err = {0};
    rc = tree_get_known_instance(t, p->part[1], &snap, &inst, &err);
    if (rc == 0)
        inst_snap_put(snap);
    else if (rc != -ENOENT)
        tree_read_failed(t, "read instances", rc, &err);
    return rc;
}

const tree_area tree_area_instances = {
    .name = "instances",
    .stat = instances_stat,
    .readdir = instances_readdir,
    .command_parse = instances_command_parse,
    .truncate = instances_truncate,
};
