/* SPDX-License-Identifier: MIT */
/* area_links.c - /by-name: a symbolic link per instance name, to
 * ../instances/<UHostId>, built with the instance snapshot (cache_snap.c
 * decides the link names: escaping, names several instances share). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stamps.h"
#include "tree_internal.h"

#define LINK_PREFIX "../instances/"

/* The instance a link names, from fresh data (*snap to put back). */
static int link_target(tree *t, const char *name, inst_snap **snap, const api_instance **inst,
                       long long *valid_ms)
{
    int rc = tree_get_instances(t, snap);
    if (rc)
        return rc;
    *valid_ms = tree_valid_ms(t, (*snap)->started_ms);
    *inst = inst_snap_find_link(*snap, name);
    if (*inst && control_valid_id((*inst)->uhost_id))
        return 0;
    inst_snap_put(*snap);
    *snap = NULL;
    return -ENOENT;
}

static void link_attr(const inst_snap *snap, const api_instance *i, long long valid_ms,
                      node_attr *attr)
{
    tree_link_attr(attr, strlen(LINK_PREFIX) + strlen(i->uhost_id),
                   stamps_instance(snap, (size_t)(i - snap->list.items), -1), valid_ms);
}

static int by_name_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    (void)content;
    if (p->n == 1) {
        tree_dir_attr(attr, t->mounted_ns, 2, TREE_VALID_FOREVER_MS);
        return 0;
    }
    /* links are resolved by the kernel: nothing exists below one */
    if (p->n != 2 || !tree_valid_link_name(p->part[1]))
        return tree_no_such_path(attr);
    inst_snap *snap;
    const api_instance *i;
    long long valid = 0;
    int rc = link_target(t, p->part[1], &snap, &i, &valid);
    if (rc) {
        *attr = (node_attr){.valid_ms = rc == -ENOENT ? valid : 0};
        return rc;
    }
    link_attr(snap, i, valid, attr);
    inst_snap_put(snap);
    return 0;
}

static int by_name_readdir(tree *t, const tree_path *p, tree_fill_fn fill, void *ctx,
                           long long *valid_ms)
{
    if (p->n != 1) {
        node_attr a;
        int rc = by_name_stat(t, p, &a, NULL);
        return rc ? rc : -ENOTDIR;
    }
    inst_snap *snap;
    int rc = tree_get_instances(t, &snap);
    if (rc)
        return rc;
    *valid_ms = tree_valid_ms(t, snap->started_ms);
    for (size_t k = 0; rc == 0 && k < snap->n_links; k++) {
        const char *name = snap->link_names[k];
        const api_instance *i = &snap->list.items[snap->link_targets[k]];
        if (!tree_valid_link_name(name) || !control_valid_id(i->uhost_id)) {
            log_warn("by-name/: skipped a name that cannot be a file name");
            continue;
        }
        node_attr a;
        link_attr(snap, i, *valid_ms, &a);
        rc = fill(ctx, name, &a);
    }
    inst_snap_put(snap);
    return rc;
}

static int by_name_readlink(tree *t, const tree_path *p, char *buf, size_t size)
{
    if (p->n != 2)
        return p->n == 1 ? -EINVAL : -ENOENT;
    if (size == 0)
        return -EINVAL;
    inst_snap *snap;
    const api_instance *i;
    long long valid;
    int rc = link_target(t, p->part[1], &snap, &i, &valid);
    if (rc)
        return rc;
    snprintf(buf, size, "%s%s", LINK_PREFIX, i->uhost_id); /* cut short like readlink(2) */
    inst_snap_put(snap);
    return 0;
}

const tree_area tree_area_by_name = {
    .name = "by-name",
    .stat = by_name_stat,
    .readdir = by_name_readdir,
    .readlink = by_name_readlink,
};
