/* SPDX-License-Identifier: MIT */
/* area_images.c - /images (the account's custom images) and
 * /platform-images (System and App images to pick from).
 *
 * A custom image is read from the listing when it is there, else looked up
 * by its ID (an image you know works by path even when the listing does not
 * show it). progress, remaining and total come from the progress call of that
 * image, cached like everything else for ttl. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stamps.h"
#include "tree_internal.h"

/* One image, from wherever it was found. */
typedef struct found_image {
    img_snap *snap;       /* the listing holding it, or NULL when looked up */
    const api_image *img; /* into snap, or &copy */
    api_image copy;
    cache_info info;      /* of a looked-up image */
} found_image;

static void found_put(found_image *f)
{
    if (f->snap)
        img_snap_put(f->snap);
    else
        api_image_free(&f->copy);
}

static long long found_valid(tree *t, const found_image *f)
{
    return f->snap ? tree_valid_ms(t, f->snap->started_ms)
                   : tree_valid_until(t, f->info.fresh_until_ms);
}

static long long found_stamp(const found_image *f, int file)
{
    return f->snap ? stamps_image(f->snap, (size_t)(f->img - f->snap->list.items), file)
                   : f->info.changed_ns;
}

static int find_image(tree *t, bool platform, const char *id, found_image *f)
{
    memset(f, 0, sizeof *f);
    int rc = tree_get_images(t, platform, &f->snap);
    if (rc)
        return rc;
    if ((f->img = img_snap_find(f->snap, id)))
        return 0;
    img_snap_put(f->snap);
    f->snap = NULL;
    if (platform)
        return -ENOENT;
    api_error err = {0};
    rc = cache_lookup_custom_image(t->cache, id, &f->copy, &f->info, &err);
    if (rc) {
        char what[96];
        snprintf(what, sizeof what, "read image %s", id);
        return tree_read_failed(t, what, rc, &err);
    }
    f->img = &f->copy;
    return 0;
}

static int image_file(tree *t, const found_image *f, const file_def *defs, const file_def *d,
                      node_attr *attr, tree_blob **content)
{
    strbuf b;
    strbuf_init(&b);
    if (!d->data) { /* ctl: the commands an image takes */
        strbuf_puts(&b, control_image_help());
        return tree_file_answer(&b, d->mode, t->mounted_ns, TREE_VALID_FOREVER_MS, attr, content);
    }
    long long valid = found_valid(t, f), changed = found_stamp(f, (int)(d - defs));
    api_progress prog;
    bool need = render_image_needs_progress(d->name);
    int rc = 0;
    if (need) {
        cache_info info;
        api_error err = {0};
        rc = cache_get_progress(t->cache, f->img->image_id, &prog, &info, &err);
        if (rc) {
            char what[96];
            snprintf(what, sizeof what, "read progress %s", f->img->image_id);
            strbuf_free(&b);
            return tree_read_failed(t, what, rc, &err);
        }
        valid = tree_valid_until(t, info.fresh_until_ms);
        changed = info.changed_ns;
    }
    rc = render_image(f->img, need ? &prog : NULL, d->name, &b);
    if (rc) {
        strbuf_free(&b);
        return rc;
    }
    return tree_file_answer(&b, d->mode, changed, valid, attr, content);
}

static int images_stat_in(tree *t, bool platform, const tree_path *p, node_attr *attr,
                          tree_blob **content)
{
    const file_def *defs = platform ? render_platform_image_files : render_image_files;
    if (p->n == 1) {
        tree_dir_attr(attr, t->mounted_ns, 2, TREE_VALID_FOREVER_MS);
        return 0;
    }
    const file_def *d = p->n == 3 ? render_find(defs, p->part[2]) : NULL;
    if (!control_valid_id(p->part[1]) || p->n > 3 || (p->n == 3 && !d))
        return tree_no_such_path(attr);
    found_image f;
    int rc = find_image(t, platform, p->part[1], &f);
    if (rc) {
        *attr = (node_attr){.valid_ms = 0};
        return rc;
    }
    if (p->n == 2)
        tree_dir_attr(attr, found_stamp(&f, -1), 2, found_valid(t, &f));
    else
        rc = image_file(t, &f, defs, d, attr, content);
    found_put(&f);
    return rc;
}

static int list_images(tree *t, bool platform, tree_fill_fn fill, void *ctx, long long *valid_ms)
{
    img_snap *snap;
    int rc = tree_get_images(t, platform, &snap);
    if (rc)
        return rc;
    *valid_ms = tree_valid_ms(t, snap->started_ms);
    for (size_t k = 0; rc == 0 && k < snap->list.n; k++) {
        const char *id = snap->list.items[k].image_id;
        if (!control_valid_id(id)) {
            log_warn("%s: skipped an image whose ID is not a valid file name",
                     platform ? "platform-images/" : "images/");
            continue;
        }
        node_attr a;
        tree_dir_attr(&a, stamps_image(snap, k, -1), 2, *valid_ms);
        rc = fill(ctx, id, &a);
    }
    img_snap_put(snap);
    return rc;
}

/* The files of one image, from one lookup of it. */
static int list_image(tree *t, bool platform, const char *id, tree_fill_fn fill, void *ctx,
                      long long *valid_ms)
{
    const file_def *defs = platform ? render_platform_image_files : render_image_files;
    found_image f;
    int rc = find_image(t, platform, id, &f);
    if (rc)
        return rc;
    *valid_ms = found_valid(t, &f);
    for (const file_def *d = defs; rc == 0 && d->name; d++) {
        node_attr a;
        rc = image_file(t, &f, defs, d, &a, NULL);
        if (rc == 0) {
            if (a.valid_ms < *valid_ms)
                *valid_ms = a.valid_ms;
            rc = fill(ctx, d->name, &a);
        }
    }
    found_put(&f);
    return rc;
}

static int images_readdir_in(tree *t, bool platform, const tree_path *p, tree_fill_fn fill,
                             void *ctx, long long *valid_ms)
{
    if (p->n == 1)
        return list_images(t, platform, fill, ctx, valid_ms);
    if (p->n == 2 && control_valid_id(p->part[1]))
        return list_image(t, platform, p->part[1], fill, ctx, valid_ms);
    node_attr a;
    int rc = images_stat_in(t, platform, p, &a, NULL);
    return rc ? rc : -ENOTDIR;
}

static int custom_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    return images_stat_in(t, false, p, attr, content);
}

static int custom_readdir(tree *t, const tree_path *p, tree_fill_fn fill, void *ctx,
                          long long *valid_ms)
{
    return images_readdir_in(t, false, p, fill, ctx, valid_ms);
}

static int platform_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    return images_stat_in(t, true, p, attr, content);
}

static int platform_readdir(tree *t, const tree_path *p, tree_fill_fn fill, void *ctx,
                            long long *valid_ms)
{
    return images_readdir_in(t, true, p, fill, ctx, valid_ms);
}

/* images/<ID>/ctl: the one control file of an image (`delete`). A write is
 * checked completely here; the image's existence is the API's to say (an ID
 * the listing does not show may still be yours). */
static int ctl_path(const tree_path *p)
{
    if (p->n < 3)
        return p->n == 1 || control_valid_id(p->part[1]) ? -EISDIR : -ENOENT;
    const file_def *d = render_find(render_image_files, p->part[2]);
    if (!control_valid_id(p->part[1]) || p->n > 3 || !d)
        return -ENOENT;
    return d->data ? -EACCES : 0;
}

static int custom_command_parse(tree *t, const tree_path *p, const char *buf, size_t len,
                                tree_command *cmd)
{
    int rc = ctl_path(p);
    if (rc)
        return rc;
    cmd->target = TARGET_IMAGE;
    snprintf(cmd->id, sizeof cmd->id, "%.64s", p->part[1]);
    char why[256], what[112];
    rc = control_parse("image-ctl", buf, len, &cmd->cmd, why, sizeof why);
    snprintf(what, sizeof what, "write images/%.64s/ctl", cmd->id);
    return rc ? tree_refuse(t, NULL, what, rc, why) : 0;
}

static int custom_truncate(tree *t, const tree_path *p)
{
    (void)t;
    return ctl_path(p);
}

const tree_area tree_area_images = {
    .name = "images",
    .stat = custom_stat,
    .readdir = custom_readdir,
    .command_parse = custom_command_parse,
    .truncate = custom_truncate,
};

const tree_area tree_area_platform_images = {
    .name = "platform-images", .stat = platform_stat, .readdir = platform_readdir,
};
