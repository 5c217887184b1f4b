/* SPDX-License-Identifier: MIT */
/* tree.c - attributes, links and file contents of the tree (the layout is
 * in tree.h; listings are in tree_list.c, writes in tree_write.c).
 *
 * Everything is rendered from cache snapshots: a listing, `ls -l` or `find`
 * costs at most one round of API calls per ttl, and every file of one
 * listing comes from the same snapshot. A size is measured by rendering the
 * content (cheap: a few bytes from memory), so `stat` tells exactly what an
 * open would read now.
 *
 * Timestamps: instance nodes carry the instance's UpdateTime (else the time
 * of the fetch); image nodes the time of the fetch; the fixed directories
 * the mount time (they never change, and stat-ing them costs no API call);
 * `error` files and /metrics the current time, since they change on their
 * own. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree_internal.h"

tree *tree_new(cache *c, control *ctl, errlog *log, metrics *m)
{
    if (!c || !ctl || !log)
        return NULL;
    tree *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    *t = (tree){.cache = c, .ctl = ctl, .log = log, .metrics = m, .mounted_at = time(NULL)};
    if (pthread_mutex_init(&t->metrics_mu, NULL) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void tree_free(tree *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->metrics_mu);
    free(t->metrics_text);
    free(t);
}

void file_snapshot_free(file_snapshot *s)
{
    if (!s)
        return;
    free(s->data);
    free(s);
}

int tree_read_failed(tree *t, const char *what, int rc, api_error *err)
{
    if (err->err == 0)
        err->err = rc;
    if (rc != -ENOENT)
        errlog_record(t->log, NULL, what, err);
    return rc;
}

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

int tree_load_custom_image(tree *t, const char *id, api_image *img, long long *fetched_at)
{
    api_error err = {0};
    int rc = cache_get_custom_image(t->cache, id, img, fetched_at, &err);
    if (rc) {
        char what[96];
        snprintf(what, sizeof what, "read image %s", id);
        return tree_read_failed(t, what, rc, &err);
    }
    return 0;
}

int tree_load_progress(tree *t, const char *id, api_progress *p)
{
    api_error err = {0};
    long long fetched_at;
    int rc = cache_get_progress(t->cache, id, p, &fetched_at, &err);
    if (rc) {
        char what[96];
        snprintf(what, sizeof what, "read progress %s", id);
        return tree_read_failed(t, what, rc, &err);
    }
    return 0;
}

int tree_load_platform(tree *t, img_snap **snap)
{
    api_error err = {0};
    int rc = cache_get_platform_images(t->cache, snap, &err);
    return rc ? tree_read_failed(t, "read platform images", rc, &err) : 0;
}

time_t tree_instance_mtime(const inst_snap *s, const api_instance *i)
{
    return (time_t)(i->update_time > 0 ? i->update_time : s->fetched_at);
}

static int buf_result(const strbuf *out) { return out->oom ? -ENOMEM : 0; }

static int put_owned(strbuf *out, char *text)
{
    if (!text)
        return -ENOMEM;
    strbuf_puts(out, text);
    free(text);
    return buf_result(out);
}

/* An instance file: the data files from render.c, plus ctl and error. */
int tree_instance_content(tree *t, const api_instance *i, const char *file, strbuf *out)
{
    if (strcmp(file, "ctl") == 0) {
        strbuf_puts(out, control_help());
        return buf_result(out);
    }
    if (strcmp(file, "error") == 0)
        return put_owned(out, errlog_instance_text(t->log, i->uhost_id));
    return render_instance(i, file, out);
}

/* /metrics: whatever can be fetched; a part that cannot is left out (and
 * compsharefs_api_up says so) rather than failing the whole scrape. When the
 * instance listing fails, the API is unreachable or refusing us: images are
 * not tried too, so a scrape never waits out two timeouts. */
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
            if (tree_load_progress(t, img->image_id, &p) == 0)
                progress[k] = p.process;
            else
                api_failing = true;
        }
    }
    cache_stats cs;
    cache_get_stats(t->cache, &cs);
    metrics_render(t->metrics, is, custom, progress, &cs, out);
    free(progress);
    if (is)
        inst_snap_put(is);
    if (custom)
        img_snap_put(custom);
    return buf_result(out);
}

/* /metrics as rendered at most ttl ago (see tree_internal.h). Concurrent
 * scrapers wait for one rendering; nothing but /metrics takes this lock. */
static int metrics_cached(tree *t, strbuf *out)
{
    pthread_mutex_lock(&t->metrics_mu);
    long long now = cache_now_ms(t->cache);
    if (!t->metrics_text || now - t->metrics_at_ms >= cache_ttl_ms(t->cache)) {
        strbuf fresh;
        strbuf_init(&fresh);
        int rc = metrics_content(t, &fresh);
        size_t len = 0;
        char *text = rc == 0 ? strbuf_take(&fresh, &len) : NULL;
        strbuf_free(&fresh);
        if (!text) {
            pthread_mutex_unlock(&t->metrics_mu);
            return rc ? rc : -ENOMEM;
        }
        free(t->metrics_text);
        t->metrics_text = text;
        t->metrics_len = len;
        t->metrics_at_ms = now;
    }
    strbuf_append(out, t->metrics_text, t->metrics_len);
    pthread_mutex_unlock(&t->metrics_mu);
    return buf_result(out);
}

/* The content of a file node, and its mtime. */
static int file_content(tree *t, const tree_path *p, strbuf *out, time_t *mtime)
{
    *mtime = time(NULL);
    switch (p->type) {
    case N_ERROR:
        return put_owned(out, errlog_mount_text(t->log));
    case N_METRICS:
        return metrics_cached(t, out);
    case N_INST_FILE: {
        inst_snap *snap;
        const api_instance *i;
        int rc = tree_get_instance(t, p->name, &snap, &i);
        if (rc)
            return rc;
        rc = tree_instance_content(t, i, p->file->name, out);
        if (strcmp(p->file->name, "error") != 0)
            *mtime = tree_instance_mtime(snap, i);
        inst_snap_put(snap);
        return rc;
    }
    case N_IMG_FILE: {
        api_image img;
        long long fetched_at;
        int rc = tree_load_custom_image(t, p->name, &img, &fetched_at);
        if (rc)
            return rc;
        api_progress prog;
        bool need = render_image_needs_progress(p->file->name);
        rc = need ? tree_load_progress(t, p->name, &prog) : 0;
        if (rc == 0)
            rc = render_image(&img, need ? &prog : NULL, p->file->name, out);
        *mtime = (time_t)fetched_at;
        api_image_free(&img);
        return rc;
    }
    case N_PIMG_FILE: {
        img_snap *snap;
        int rc = tree_load_platform(t, &snap);
        if (rc)
            return rc;
        const api_image *img = img_snap_find(snap, p->name);
        rc = img ? render_image(img, NULL, p->file->name, out) : -ENOENT;
        *mtime = (time_t)snap->fetched_at;
        img_snap_put(snap);
        return rc;
    }
    default:
        return -EISDIR;
    }
}

void tree_dir_attr(node_attr *a, time_t mtime, unsigned nlink)
{
    *a = (node_attr){.kind = NODE_DIR, .mode = 0555, .mtime = mtime, .nlink = nlink};
}

void tree_file_attr(node_attr *a, size_t size, time_t mtime, bool writable)
{
    *a = (node_attr){.kind = NODE_FILE, .mode = writable ? 0644 : 0444, .size = size,
                     .mtime = mtime, .nlink = 1};
}

static int file_node_attr(tree *t, const tree_path *p, node_attr *a)
{
    strbuf b;
    strbuf_init(&b);
    time_t mtime;
    int rc = file_content(t, p, &b, &mtime);
    if (rc == 0)
        tree_file_attr(a, b.len, mtime, p->type == N_INST_FILE && p->file->writable);
    strbuf_free(&b);
    return rc;
}

int tree_node_attr(tree *t, const tree_path *p, node_attr *a)
{
    switch (p->type) {
    case N_ROOT: {
        unsigned subdirs = 0; /* nlink: "." and every subdirectory's ".." */
        for (const tree_root_entry *e = tree_root_entries; e->name; e++)
            subdirs += tree_is_dir(e->type);
        tree_dir_attr(a, t->mounted_at, 2 + subdirs);
        return 0;
    }
    case N_INSTANCES:
    case N_IMAGES:
    case N_PIMAGES:
        tree_dir_attr(a, t->mounted_at, 1); /* 1: subdirectory count not known without a fetch */
        return 0;
    case N_BYNAME:
        tree_dir_attr(a, t->mounted_at, 2);
        return 0;
    case N_INST_DIR: {
        inst_snap *snap;
        const api_instance *i;
        int rc = tree_get_instance(t, p->name, &snap, &i);
        if (rc)
            return rc;
        tree_dir_attr(a, tree_instance_mtime(snap, i), 2);
        inst_snap_put(snap);
        return 0;
    }
    case N_LINK: {
        inst_snap *snap;
        api_error err = {0};
        int rc = cache_get_instances(t->cache, &snap, &err);
        if (rc)
            return tree_read_failed(t, "read instances", rc, &err);
        const api_instance *i = inst_snap_find_link(snap, p->name);
        rc = i && control_valid_id(i->uhost_id) ? 0 : -ENOENT;
        if (rc == 0)
            *a = (node_attr){.kind = NODE_LINK, .mode = 0777,
                             .size = strlen(LINK_PREFIX) + strlen(i->uhost_id),
                             .mtime = tree_instance_mtime(snap, i), .nlink = 1};
        inst_snap_put(snap);
        return rc;
    }
    case N_IMG_DIR: {
        api_image img;
        long long fetched_at;
        int rc = tree_load_custom_image(t, p->name, &img, &fetched_at);
        if (rc)
            return rc;
        api_image_free(&img);
        tree_dir_attr(a, (time_t)fetched_at, 2);
        return 0;
    }
    case N_PIMG_DIR: {
        img_snap *snap;
        int rc = tree_load_platform(t, &snap);
        if (rc)
            return rc;
        rc = img_snap_find(snap, p->name) ? 0 : -ENOENT;
        tree_dir_attr(a, (time_t)snap->fetched_at, 2);
        img_snap_put(snap);
        return rc;
    }
    default:
        return file_node_attr(t, p, a);
    }
}

int tree_getattr(tree *t, const char *path, node_attr *out)
{
    tree_path p;
    int rc = tree_parse_path(path, &p);
    return rc ? rc : tree_node_attr(t, &p, out);
}

int tree_readlink(tree *t, const char *path, char *buf, size_t size)
{
    tree_path p;
    if (tree_parse_path(path, &p))
        return -ENOENT;
    if (p.type != N_LINK)
        return -EINVAL; /* not a symbolic link */
    if (size == 0)
        return -EINVAL;
    inst_snap *snap;
    api_error err = {0};
    int rc = cache_get_instances(t->cache, &snap, &err);
    if (rc)
        return tree_read_failed(t, "read instances", rc, &err);
    const api_instance *i = inst_snap_find_link(snap, p.name);
    if (i && control_valid_id(i->uhost_id))
        snprintf(buf, size, "%s%s", LINK_PREFIX, i->uhost_id); /* cut short like readlink(2) */
    else
        rc = -ENOENT;
    inst_snap_put(snap);
    return rc;
}

/* ---- open ---- */

int tree_open(tree *t, const char *path, int flags, file_snapshot **out)
{
    *out = NULL;
    tree_path p;
    int rc = tree_parse_path(path, &p);
    if (rc)
        return rc;
    if (tree_is_dir(p.type))
        return -EISDIR;
    if (p.type == N_LINK)
        return -ELOOP; /* the kernel follows links; only O_NOFOLLOW gets here */
    int acc = flags & O_ACCMODE;
    bool writable = p.type == N_INST_FILE && p.file->writable;
    if (acc != O_RDONLY && !writable)
        return -EACCES;

    file_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->writable = acc != O_RDONLY;
    if (acc == O_WRONLY) {
        /* nothing to read: only check the instance exists */
        inst_snap *snap;
        const api_instance *i;
        api_error err = {0};
        rc = tree_get_known_instance(t, p.name, &snap, &i, &err);
        if (rc && rc != -ENOENT)
            tree_read_failed(t, "read instances", rc, &err);
        if (rc == 0) {
            s->mtime = tree_instance_mtime(snap, i);
            inst_snap_put(snap);
            s->data = strdup("");
            rc = s->data ? 0 : -ENOMEM;
        }
    } else {
        strbuf b;
        strbuf_init(&b);
        rc = file_content(t, &p, &b, &s->mtime);
        if (rc == 0) {
            s->data = strbuf_take(&b, &s->len);
            rc = s->data ? 0 : -ENOMEM;
        }
        strbuf_free(&b);
    }
    if (rc) {
        file_snapshot_free(s);
        return rc;
    }
    *out = s;
    return 0;
}
