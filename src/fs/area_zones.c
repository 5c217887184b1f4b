/* SPDX-License-Identifier: MIT */
/* area_zones.c - /zones: the region's zones, and in each the GPUs free now.
 *
 *   zones/<Zone>/name                 the zone's display name
 *   zones/<Zone>/gpus/<GpuType>       free GPUs of the dedicated pool
 *   zones/<Zone>/spot-gpus/<GpuType>  free GPUs of the spot (preemptible) pool
 *
 * All of it comes from one capacity snapshot (cache_get_capacity: the zones
 * and the inventory, one round per ttl, fetched only when something here is
 * read). The inventory keys its counts by numeric zone ID; the zones list maps
 * them to names. A GPU type becomes a file name as by-gpu/ writes it ('/' ->
 * %2F, '%' -> %25). A GPU type the API lists with 0 free has a file holding 0,
 * so a script can tell "none free now" from "not sold here" (no file). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree_internal.h"

/* "gpus" or "spot-gpus": which pool; -1 for any other name. */
static int pool_of(const char *name)
{
    return strcmp(name, "gpus") == 0 ? 0 : strcmp(name, "spot-gpus") == 0 ? 1 : -1;
}

/* The stock item whose escaped GPU type is name, in one zone's pool. */
static const api_gpu_stock *find_stock(const cap_snap *s, const api_zone *z, bool spot,
                                       const char *name, size_t *index)
{
    size_t first, n = cap_snap_pool(s, z, spot, &first);
    for (size_t i = first; i < first + n; i++) {
        char *esc = cache_escape_name(s->stock.items[i].gpu_type ? s->stock.items[i].gpu_type : "");
        bool hit = esc && *esc && strcmp(esc, name) == 0;
        free(esc);
        if (hit) {
            *index = i;
            return &s->stock.items[i];
        }
    }
    return NULL;
}

/* The newest change among a zone's pool: the mtime of its directory. */
static long long pool_changed(const cap_snap *s, const api_zone *z, bool spot, long long floor)
{
    size_t first, n = cap_snap_pool(s, z, spot, &first);
    long long latest = floor;
    for (size_t i = first; i < first + n; i++)
        latest = s->stock_changed_ns[i] > latest ? s->stock_changed_ns[i] : latest;
    return latest;
}

static int zone_node(tree *t, const cap_snap *s, const tree_path *p, node_attr *attr,
                     tree_blob **content)
{
    size_t zi;
    const api_zone *z = cap_snap_zone(s, p->part[1], &zi);
    long long valid = tree_valid_ms(t, s->started_ms);
    if (!z) {
        *attr = (node_attr){.valid_ms = valid};
        return -ENOENT;
    }
    if (p->n == 2) {
        tree_dir_attr(attr, s->zone_changed_ns[zi], 4, valid);
        return 0;
    }
    if (p->n == 3 && strcmp(p->part[2], "name") == 0) {
        strbuf b;
        strbuf_init(&b);
        if (z->name && *z->name) {
            strbuf_put_clean(&b, z->name);
            strbuf_puts(&b, "\n");
        }
        return tree_file_answer(&b, FILE_RO, s->zone_changed_ns[zi], valid, attr, content);
    }
    int spot = pool_of(p->part[2]);
    if (spot < 0 || p->n > 4)
        return tree_no_such_path(attr);
    if (p->n == 3) {
        tree_dir_attr(attr, pool_changed(s, z, spot, t->mounted_ns), 2, valid);
        return 0;
    }
    size_t gi;
    const api_gpu_stock *g = find_stock(s, z, spot, p->part[3], &gi);
    if (!g) {
        *attr = (node_attr){.valid_ms = valid};
        return -ENOENT;
    }
    strbuf b;
    strbuf_init(&b);
    strbuf_printf(&b, "%lld\n", g->count);
    return tree_file_answer(&b, FILE_RO, s->stock_changed_ns[gi], valid, attr, content);
}

static int zones_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    if (p->n == 1) {
        tree_dir_attr(attr, t->mounted_ns, 2, TREE_VALID_FOREVER_MS);
        return 0;
    }
    if (!control_valid_id(p->part[1]) || p->n > 4)
        return tree_no_such_path(attr);
    cap_snap *s;
    int rc = tree_get_capacity(t, &s);
    if (rc) {
        *attr = (node_attr){.valid_ms = 0};
        return rc;
    }
    rc = zone_node(t, s, p, attr, content);
    cap_snap_put(s);
    return rc;
}

static int list_pool(tree *t, const cap_snap *s, const api_zone *z, bool spot, tree_fill_fn fill,
                     void *ctx, long long valid)
{
    size_t first, n = cap_snap_pool(s, z, spot, &first);
    int rc = 0;
    for (size_t i = first; rc == 0 && i < first + n; i++) {
        const api_gpu_stock *g = &s->stock.items[i];
        char *esc = cache_escape_name(g->gpu_type ? g->gpu_type : "");
        if (!esc)
            return -ENOMEM;
        size_t again;
        if (*esc && find_stock(s, z, spot, esc, &again) == g) { /* a type listed twice: once */
            strbuf b;
            strbuf_init(&b);
            strbuf_printf(&b, "%lld\n", g->count);
            node_attr a;
            rc = tree_file_answer(&b, FILE_RO, s->stock_changed_ns[i], valid, &a, NULL);
            if (rc == 0)
                rc = fill(ctx, esc, &a);
        }
        free(esc);
    }
    (void)t;
    return rc;
}

static int zones_readdir(tree *t, const tree_path *p, tree_fill_fn fill, void *ctx,
                         long long *valid_ms)
{
    if (p->n > 1 && (!control_valid_id(p->part[1]) || p->n > 3))
        return -ENOENT;
    cap_snap *s;
    int rc = tree_get_capacity(t, &s);
    if (rc)
        return rc;
    *valid_ms = tree_valid_ms(t, s->started_ms);
    node_attr a;
    if (p->n == 1) {
        for (size_t k = 0; rc == 0 && k < s->zones.n; k++) {
            const char *zone = s->zones.items[k].zone;
            if (!control_valid_id(zone))
                continue;
            tree_dir_attr(&a, s->zone_changed_ns[k], 4, *valid_ms);
            rc = fill(ctx, zone, &a);
        }
    } else if ((rc = zone_node(t, s, p, &a, NULL)) == 0 && a.kind != NODE_DIR) {
        rc = -ENOTDIR;
    } else if (rc == 0 && p->n == 2) {
        static const char *const names[] = {"name", "gpus", "spot-gpus"};
        for (size_t k = 0; rc == 0 && k < 3; k++) {
            tree_path child = *p;
            snprintf(child.part[2], sizeof child.part[2], "%s", names[k]);
            child.n = 3;
            if ((rc = zone_node(t, s, &child, &a, NULL)) == 0)
                rc = fill(ctx, names[k], &a);
        }
    } else if (rc == 0) {
        const api_zone *z = cap_snap_zone(s, p->part[1], NULL);
        rc = list_pool(t, s, z, pool_of(p->part[2]) == 1, fill, ctx, *valid_ms);
    }
    cap_snap_put(s);
    return rc;
}

const tree_area tree_area_zones = {
    .name = "zones",
    .stat = zones_stat,
    .readdir = zones_readdir,
};
