/* SPDX-License-Identifier: MIT */
/* area_selectors.c - /by-state, /by-gpu, /by-zone: a directory per value
 * (Running, 4090, cn-wlcb-01, ...), and in it a link per instance with that
 * value, named by its UHostId, to ../../instances/<UHostId>. Built from the
 * same snapshot as /instances, so they cost no API call of their own, and
 * `echo reboot | tee by-gpu/4090/UHOSTID/ctl` for each does what it says.
 *
 * A value becomes a directory name as by-name/ escapes names ('/' -> %2F,
 * '%' -> %25, "." and ".."); an empty State is "Unknown" (as `status` says);
 * an instance without a GPU type or zone is in no directory of that kind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stamps.h"
#include "tree_internal.h"

#define LINK_PREFIX "../../instances/"

typedef struct selector {
    const char *area;
    const char *(*value)(const api_instance *i); /* "" or NULL: in no directory */
} selector;

static const char *state_value(const api_instance *i) { return *i->state ? i->state : "Unknown"; }
static const char *gpu_value(const api_instance *i) { return i->gpu_type; }
static const char *zone_value(const api_instance *i) { return i->zone; }

static const selector SELECTORS[] = {
    {"by-state", state_value}, {"by-gpu", gpu_value}, {"by-zone", zone_value},
};

static const selector *selector_of(const tree_path *p)
{
    for (size_t k = 0; k < sizeof SELECTORS / sizeof SELECTORS[0]; k++)
        if (strcmp(SELECTORS[k].area, p->part[0]) == 0)
            return &SELECTORS[k];
    return NULL;
}

/* Does instance i sit in directory `name` (an escaped value)? */
static bool in_dir(const selector *sel, const api_instance *i, const char *name)
{
    const char *v = sel->value(i);
    if (!v || !*v || !control_valid_id(i->uhost_id))
        return false;
    char *esc = cache_escape_name(v);
    bool in = esc && strcmp(esc, name) == 0;
    free(esc);
    return in;
}

/* The directory of one value: its mtime is its latest member's change. */
static int value_dir(tree *t, const selector *sel, const inst_snap *s, const char *name,
                     node_attr *attr)
{
    long long latest = 0;
    size_t members = 0;
    for (size_t k = 0; k < s->list.n; k++)
        if (in_dir(sel, &s->list.items[k], name)) {
            long long at = stamps_instance(s, k, -1);
            latest = at > latest ? at : latest;
            members++;
        }
    if (!members)
        return -ENOENT;
    tree_dir_attr(attr, latest, 2, tree_valid_ms(t, s->started_ms));
    return 0;
}

static int selectors_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    (void)content;
    const selector *sel = selector_of(p);
    if (p->n == 1) {
        tree_dir_attr(attr, t->mounted_ns, 2, TREE_VALID_FOREVER_MS);
        return 0;
    }
    if (p->n > 3 || !tree_valid_link_name(p->part[1]) ||
        (p->n == 3 && !control_valid_id(p->part[2])))
        return tree_no_such_path(attr);
    inst_snap *s;
    int rc = tree_get_instances(t, &s);
    if (rc) {
        *attr = (node_attr){.valid_ms = 0};
        return rc;
    }
    long long valid = tree_valid_ms(t, s->started_ms);
    if (p->n == 2) {
        rc = value_dir(t, sel, s, p->part[1], attr);
    } else {
        const api_instance *i = inst_snap_find(s, p->part[2]);
        rc = i && in_dir(sel, i, p->part[1]) ? 0 : -ENOENT;
        if (rc == 0)
            tree_link_attr(attr, strlen(LINK_PREFIX) + strlen(i->uhost_id),
                           stamps_instance(s, (size_t)(i - s->list.items), -1), valid);
    }
    if (rc == -ENOENT)
        *attr = (node_attr){.valid_ms = valid};
    inst_snap_put(s);
    return rc;
}

/* The values present, once each, in the order of first appearance. */
static int list_values(tree *t, const selector *sel, const inst_snap *s, tree_fill_fn fill,
                       void *ctx)
{
    int rc = 0;
    char **seen = calloc(s->list.n + 1, sizeof *seen);
    size_t n_seen = 0;
    if (!seen)
        return -ENOMEM;
    for (size_t k = 0; rc == 0 && k < s->list.n; k++) {
        const char *v = sel->value(&s->list.items[k]);
        if (!v || !*v || !control_valid_id(s->list.items[k].uhost_id))
            continue;
        char *esc = cache_escape_name(v);
        bool dup = !esc || !tree_valid_link_name(esc);
        for (size_t j = 0; !dup && j < n_seen; j++)
            dup = strcmp(seen[j], esc) == 0;
        if (dup) {
            free(esc);
            continue;
        }
        seen[n_seen++] = esc;
        node_attr a;
        if (value_dir(t, sel, s, esc, &a) == 0)
            rc = fill(ctx, esc, &a);
    }
    for (size_t j = 0; j < n_seen; j++)
        free(seen[j]);
    free(seen);
    return rc;
}

static int selectors_readdir(tree *t, const tree_path *p, tree_fill_fn fill, void *ctx,
                             long long *valid_ms)
{
    const selector *sel = selector_of(p);
    if (p->n > 2 || (p->n == 2 && !tree_valid_link_name(p->part[1]))) {
        node_attr a;
        int rc = selectors_stat(t, p, &a, NULL);
        return rc ? rc : -ENOTDIR;
    }
    inst_snap *s;
    int rc = tree_get_instances(t, &s);
    if (rc)
        return rc;
    *valid_ms = tree_valid_ms(t, s->started_ms);
    if (p->n == 1) {
        rc = list_values(t, sel, s, fill, ctx);
    } else {
        size_t members = 0;
        for (size_t k = 0; rc == 0 && k < s->list.n; k++) {
            const api_instance *i = &s->list.items[k];
            if (!in_dir(sel, i, p->part[1]))
                continue;
            node_attr a;
            tree_link_attr(&a, strlen(LINK_PREFIX) + strlen(i->uhost_id),
                           stamps_instance(s, k, -1), *valid_ms);
            rc = fill(ctx, i->uhost_id, &a);
            members++;
        }
        if (rc == 0 && members == 0)
            rc = -ENOENT;
    }
    inst_snap_put(s);
    return rc;
}

static int selectors_readlink(tree *t, const tree_path *p, char *buf, size_t size)
{
    node_attr a;
    int rc = selectors_stat(t, p, &a, NULL);
    if (rc)
        return rc;
    if (a.kind != NODE_LINK || size == 0)
        return -EINVAL;
    snprintf(buf, size, "%s%s", LINK_PREFIX, p->part[2]); /* cut short like readlink(2) */
    return 0;
}

#define SELECTOR_AREA(name)                                                                        \
    {name, selectors_stat, selectors_readdir, selectors_readlink, NULL, NULL}

const tree_area tree_area_by_state = SELECTOR_AREA("by-state");
const tree_area tree_area_by_gpu = SELECTOR_AREA("by-gpu");
const tree_area tree_area_by_zone = SELECTOR_AREA("by-zone");
