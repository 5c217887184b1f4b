/* SPDX-License-Identifier: MIT */
/* stamps.c - change times of the files rendered from API data (stamps.h).
 *
 * A table hangs on each published list (its ext): a row per entry, a column
 * per file plus one for the entry's latest change. Filling it costs a string
 * comparison per entry whose JSON did not change (most of them), and two
 * renderings per file of an entry that did. */
#include "stamps.h"

#include <stdlib.h>
#include <string.h>

#include "clocks.h"
#include "render.h"
#include "strbuf.h"

typedef struct stamp_table {
    size_t n_items, n_cols; /* n_cols = files + 1: the last is the entry's latest */
    long long set_ns;       /* when the list's membership last changed */
    long long t[];
} stamp_table;

static void table_free(void *data) { free(data); }

static stamp_table *table_new(size_t n_items, size_t n_files)
{
    size_t cols = n_files + 1;
    stamp_table *tb = calloc(1, sizeof *tb + (n_items ? n_items : 1) * cols * sizeof tb->t[0]);
    if (tb) {
        tb->n_items = n_items;
        tb->n_cols = cols;
    }
    return tb;
}

/* The table the hook hung on a list, or NULL (no hook, out of memory). */
static const stamp_table *table_of(const snap_ext *ext)
{
    return ext->free == table_free ? ext->data : NULL;
}

static long long *row(stamp_table *tb, size_t item) { return &tb->t[item * tb->n_cols]; }

/* One file of an entry, as its two versions render it: the same text? */
typedef bool (*same_fn)(const void *a, const void *b, size_t file, strbuf *x, strbuf *y);

static bool same_instance_file(const void *a, const void *b, size_t file, strbuf *x, strbuf *y)
{
    const char *name = render_instance_files[file].name;
    strbuf_reset(x);
    strbuf_reset(y);
    int ra = render_instance(a, name, x), rb = render_instance(b, name, y);
    return ra == rb && x->len == y->len && (x->len == 0 || memcmp(x->data, y->data, x->len) == 0);
}

static bool same_image_file_in(const file_def *files, const void *a, const void *b, size_t file,
                               strbuf *x, strbuf *y)
{
    const char *name = files[file].name;
    strbuf_reset(x);
    strbuf_reset(y);
    int ra = render_image(a, NULL, name, x), rb = render_image(b, NULL, name, y);
    return ra == rb && x->len == y->len && (x->len == 0 || memcmp(x->data, y->data, x->len) == 0);
}

static bool same_custom_file(const void *a, const void *b, size_t file, strbuf *x, strbuf *y)
{
    return same_image_file_in(render_image_files, a, b, file, x, y);
}

static bool same_platform_file(const void *a, const void *b, size_t file, strbuf *x, strbuf *y)
{
    return same_image_file_in(render_platform_image_files, a, b, file, x, y);
}

/* What the generic filling needs to know of a list. */
typedef struct list_view {
    const void *items;
    size_t n, size;       /* entries, and the size of one */
    size_t id_off, json_off; /* offsets of the char *id and char *info_json members */
    const file_def *files;
    same_fn same;
} list_view;

static const char *field(const list_view *v, size_t i, size_t off)
{
    const char *p;
    memcpy(&p, (const char *)v->items + i * v->size + off, sizeof p);
    return p;
}

static const void *item(const list_view *v, size_t i) { return (const char *)v->items + i * v->size; }

/* Fill tb for next from prev (both sorted by ID). */
static void fill(stamp_table *tb, const list_view *next, const list_view *prev,
                 const stamp_table *ptb, long long now)
{
    strbuf x, y;
    strbuf_init(&x);
    strbuf_init(&y);
    bool same_set = prev && ptb && prev->n == next->n;
    size_t j = 0;
    for (size_t i = 0; i < next->n; i++) {
        const char *id = field(next, i, next->id_off);
        while (prev && j < prev->n && strcmp(field(prev, j, prev->id_off), id) < 0)
            j++;
        bool found = prev && ptb && j < prev->n && strcmp(field(prev, j, prev->id_off), id) == 0;
        same_set = same_set && found && j == i;
        long long *r = row(tb, i), latest = 0;
        const long long *pr = found ? &ptb->t[j * ptb->n_cols] : NULL;
        bool same_json =
            found && strcmp(field(prev, j, prev->json_off), field(next, i, next->json_off)) == 0;
        for (size_t f = 0; f + 1 < tb->n_cols; f++) {
            if (!next->files[f].data)
                continue;
            bool kept = found && (same_json || next->same(item(prev, j), item(next, i), f, &x, &y));
            r[f] = kept ? pr[f] : now;
            if (r[f] > latest)
                latest = r[f];
        }
        r[tb->n_cols - 1] = latest;
    }
    tb->set_ns = same_set ? ptb->set_ns : now;
    strbuf_free(&x);
    strbuf_free(&y);
}

/* Stamp next (nv: its items) against prev (prev_items, prev_n, prev_ext;
 * NULL items for the first list), and hang the table on next_ext. */
static void stamp_list(const list_view *nv, const void *prev_items, size_t prev_n,
                       const snap_ext *prev_ext, snap_ext *next_ext, long long now)
{
    stamp_table *tb = table_new(nv->n, render_count(nv->files));
    if (!tb)
        return; /* the fetch time stands in */
    list_view pv = *nv;
    pv.items = prev_items;
    pv.n = prev_n;
    fill(tb, nv, prev_items ? &pv : NULL, prev_ext ? table_of(prev_ext) : NULL, now);
    next_ext->data = tb;
    next_ext->free = table_free;
}

static void on_instances(const inst_snap *prev, inst_snap *next, long long now)
{
    list_view nv = {next->list.items, next->list.n, sizeof(api_instance),
                    offsetof(api_instance, uhost_id), offsetof(api_instance, info_json),
                    render_instance_files, same_instance_file};
    stamp_list(&nv, prev ? prev->list.items : NULL, prev ? prev->list.n : 0,
               prev ? &prev->ext : NULL, &next->ext, now);
}

static void on_images(const img_snap *prev, img_snap *next, const file_def *files, same_fn same,
                      long long now)
{
    list_view nv = {next->list.items, next->list.n, sizeof(api_image),
                    offsetof(api_image, image_id), offsetof(api_image, info_json), files, same};
    stamp_list(&nv, prev ? prev->list.items : NULL, prev ? prev->list.n : 0,
               prev ? &prev->ext : NULL, &next->ext, now);
}

void stamps_on_publish(void *ctx, cache_kind kind, const void *prev, void *next)
{
    (void)ctx;
    long long now = clock_wall_ns();
    switch (kind) {
    case CACHE_INSTANCES: on_instances(prev, next, now); break;
    case CACHE_CUSTOM_IMAGES:
        on_images(prev, next, render_image_files, same_custom_file, now);
        break;
    case CACHE_PLATFORM_IMAGES:
        on_images(prev, next, render_platform_image_files, same_platform_file, now);
        break;
    }
}

static long long lookup(const snap_ext *ext, long long fetched_at, size_t item, int file)
{
    const stamp_table *tb = table_of(ext);
    if (!tb || item >= tb->n_items || file >= (int)tb->n_cols - 1)
        return fetched_at * 1000000000LL;
    size_t col = file < 0 ? tb->n_cols - 1 : (size_t)file;
    long long v = tb->t[item * tb->n_cols + col];
    return v ? v : fetched_at * 1000000000LL;
}

long long stamps_instance(const inst_snap *s, size_t item, int file)
{
    return lookup(&s->ext, s->fetched_at, item, file);
}

long long stamps_image(const img_snap *s, size_t item, int file)
{
    return lookup(&s->ext, s->fetched_at, item, file);
}

long long stamps_instance_set(const inst_snap *s)
{
    const stamp_table *tb = table_of(&s->ext);
    return tb ? tb->set_ns : s->fetched_at * 1000000000LL;
}
