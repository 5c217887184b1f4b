/* SPDX-License-Identifier: MIT */
/* tree_list.c - directory listings. Each listing is built from one
 * snapshot, with every entry's attributes (the FUSE layer passes them to the
 * kernel with the names), so `ls -l` of a directory costs no more API calls
 * than `ls`. A name from the API that cannot be a file name is skipped and
 * logged, never listed as a broken entry. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tree_internal.h"

static int fill_instances(tree *t, tree_fill_fn fill, void *ctx)
{
    inst_snap *snap;
    api_error err = {0};
    int rc = cache_get_instances(t->cache, &snap, &err);
    if (rc)
        return tree_read_failed(t, "read instances", rc, &err);
    for (size_t k = 0; rc == 0 && k < snap->list.n; k++) {
        const api_instance *i = &snap->list.items[k];
        if (!control_valid_id(i->uhost_id)) {
            log_warn("instances/: skipped an instance whose UHostId is not a valid file name");
            continue;
        }
        node_attr a;
        tree_dir_attr(&a, tree_instance_mtime(snap, i), 2);
        rc = fill(ctx, i->uhost_id, &a);
    }
    inst_snap_put(snap);
    return rc;
}

static int fill_links(tree *t, tree_fill_fn fill, void *ctx)
{
    inst_snap *snap;
    api_error err = {0};
    int rc = cache_get_instances(t->cache, &snap, &err);
    if (rc)
        return tree_read_failed(t, "read instances", rc, &err);
    for (size_t k = 0; rc == 0 && k < snap->n_links; k++) {
        const char *name = snap->link_names[k];
        const api_instance *i = &snap->list.items[snap->link_targets[k]];
        if (!tree_valid_link_name(name) || !control_valid_id(i->uhost_id)) {
            log_warn("by-name/: skipped a name that cannot be a file name");
            continue;
        }
        node_attr a = {.kind = NODE_LINK, .mode = 0777, .nlink = 1,
                       .size = strlen(LINK_PREFIX) + strlen(i->uhost_id),
                       .mtime = tree_instance_mtime(snap, i)};
        rc = fill(ctx, name, &a);
    }
    inst_snap_put(snap);
    return rc;
}

static int fill_images(tree *t, bool platform, tree_fill_fn fill, void *ctx)
{
    img_snap *snap;
    api_error err = {0};
    int rc = platform ? cache_get_platform_images(t->cache, &snap, &err)
                      : cache_get_custom_images(t->cache, &snap, &err);
    if (rc)
        return tree_read_failed(t, platform ? "read platform images" : "read custom images", rc,
                                &err);
    for (size_t k = 0; rc == 0 && k < snap->list.n; k++) {
        const char *id = snap->list.items[k].image_id;
        if (!control_valid_id(id)) {
            log_warn("%s: skipped an image whose ID is not a valid file name",
                     platform ? "platform-images/" : "images/");
            continue;
        }
        node_attr a;
        tree_dir_attr(&a, (time_t)snap->fetched_at, 2);
        rc = fill(ctx, id, &a);
    }
    img_snap_put(snap);
    return rc;
}

/* The files of one instance, all from one snapshot. */
static int fill_instance_dir(tree *t, const char *uhost_id, tree_fill_fn fill, void *ctx)
{
    inst_snap *snap;
    const api_instance *i;
    int rc = tree_get_instance(t, uhost_id, &snap, &i);
    if (rc)
        return rc;
    strbuf b;
    strbuf_init(&b);
    for (const file_def *d = render_instance_files; rc == 0 && d->name; d++) {
        strbuf_reset(&b);
        rc = tree_instance_content(t, i, d->name, &b);
        if (rc)
            break;
        node_attr a;
        bool is_error = strcmp(d->name, "error") == 0;
        time_t mtime = is_error ? time(NULL) : tree_instance_mtime(snap, i);
        tree_file_attr(&a, b.len, mtime, d->writable);
        rc = fill(ctx, d->name, &a);
    }
    strbuf_free(&b);
    inst_snap_put(snap);
    return rc;
}

static int fill_image_dir(tree *t, const tree_path *p, tree_fill_fn fill, void *ctx)
{
    api_image one;
    const api_image *img;
    img_snap *snap = NULL;
    long long fetched_at;
    int rc;
    const file_def *defs;
    bool have_one = false;
    if (p->type == N_IMG_DIR) {
        defs = render_image_files;
        rc = tree_load_custom_image(t, p->name, &one, &fetched_at);
        have_one = rc == 0;
        img = &one;
    } else {
        defs = render_platform_image_files;
        rc = tree_load_platform(t, &snap);
        img = rc ? NULL : img_snap_find(snap, p->name);
        if (rc == 0 && !img)
            rc = -ENOENT;
        fetched_at = snap ? snap->fetched_at : 0;
    }
    api_progress prog;
    if (rc == 0 && p->type == N_IMG_DIR)
        rc = tree_load_progress(t, p->name, &prog);
    strbuf b;
    strbuf_init(&b);
    for (const file_def *d = defs; rc == 0 && d->name; d++) {
        strbuf_reset(&b);
        rc = render_image(img, p->type == N_IMG_DIR ? &prog : NULL, d->name, &b);
        node_attr a;
        tree_file_attr(&a, b.len, (time_t)fetched_at, false);
        if (rc == 0)
            rc = fill(ctx, d->name, &a);
    }
    strbuf_free(&b);
    if (have_one)
        api_image_free(&one);
    if (snap)
        img_snap_put(snap);
    return rc;
}

static int fill_root(tree *t, tree_fill_fn fill, void *ctx)
{
    int rc = 0;
    for (const tree_root_entry *e = tree_root_entries; rc == 0 && e->name; e++) {
        tree_path p = {.type = e->type};
        node_attr a;
        rc = tree_node_attr(t, &p, &a);
        if (rc == 0)
            rc = fill(ctx, e->name, &a);
    }
    return rc;
}

int tree_readdir(tree *t, const char *path, tree_fill_fn fill, void *ctx)
{
    tree_path p;
    int rc = tree_parse_path(path, &p);
    if (rc)
        return rc;
    switch (p.type) {
    case N_ROOT: return fill_root(t, fill, ctx);
    case N_INSTANCES: return fill_instances(t, fill, ctx);
    case N_BYNAME: return fill_links(t, fill, ctx);
    case N_IMAGES: return fill_images(t, false, fill, ctx);
    case N_PIMAGES: return fill_images(t, true, fill, ctx);
    case N_INST_DIR: return fill_instance_dir(t, p.name, fill, ctx);
    case N_IMG_DIR:
    case N_PIMG_DIR: return fill_image_dir(t, &p, fill, ctx);
    default: {
        node_attr a; /* a file that exists is not a directory; else ENOENT */
        rc = tree_node_attr(t, &p, &a);
        return rc ? rc : -ENOTDIR;
    }
    }
}
