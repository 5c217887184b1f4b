/* SPDX-License-Identifier: MIT */
/* inodes.c - the inode table (inodes.h): two hash tables over one set of
 * nodes, by number and by path, under one mutex (every operation is short:
 * rendering and API calls happen outside it). */
#include "inodes.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

typedef struct node {
    uint64_t ino, nlookup;
    char *path;
    uint64_t parent;        /* 0 for the root */
    const char *name;       /* into path: the last name */
    tree_blob *content;     /* the current version, or NULL */
    node_attr attr;
    long long valid_until_ms;
    struct node *next_ino, *next_path; /* hash chains */
} node;

struct inodes {
    pthread_mutex_t mu;
    node **by_ino, **by_path;
    size_t n, cap; /* cap: buckets of each table, a power of two */
    uint64_t next_ino;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t slot_ino(const inodes *t, uint64_t ino) { return (size_t)(ino * 0x9E3779B97F4A7C15ULL >> 7) & (t->cap - 1); }
static size_t slot_path(const inodes *t, const char *p) { return (size_t)hash_str(p) & (t->cap - 1); }

static node *find_ino(const inodes *t, uint64_t ino)
{
    node *n = t->by_ino[slot_ino(t, ino)];
    while (n && n->ino != ino)
        n = n->next_ino;
    return n;
}

static node *find_path(const inodes *t, const char *path)
{
    node *n = t->by_path[slot_path(t, path)];
    while (n && strcmp(n->path, path) != 0)
        n = n->next_path;
    return n;
}

static void link_node(inodes *t, node *n)
{
    size_t a = slot_ino(t, n->ino), b = slot_path(t, n->path);
    n->next_ino = t->by_ino[a];
    t->by_ino[a] = n;
    n->next_path = t->by_path[b];
    t->by_path[b] = n;
}

static void unlink_node(inodes *t, node *n)
{
    node **p = &t->by_ino[slot_ino(t, n->ino)];
    while (*p != n)
        p = &(*p)->next_ino;
    *p = n->next_ino;
    p = &t->by_path[slot_path(t, n->path)];
    while (*p != n)
        p = &(*p)->next_path;
    *p = n->next_path;
}

/* Double the buckets when the load passes one; on failure keep going with
 * longer chains. */
static void maybe_grow(inodes *t)
{
    if (t->n < t->cap)
        return;
    size_t cap = t->cap * 2;
    node **a = calloc(cap, sizeof *a), **b = calloc(cap, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return;
    }
    node **old = t->by_ino;
    size_t old_cap = t->cap;
    free(t->by_path);
    t->by_ino = a;
    t->by_path = b;
    t->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        for (node *n = old[i], *next; n; n = next) {
            next = n->next_ino;
            link_node(t, n);
        }
    free(old);
}

static node *node_new(inodes *t, const char *path, uint64_t parent)
{
    node *n = calloc(1, sizeof *n);
    if (!n || !(n->path = strdup(path))) {
        free(n);
        return NULL;
    }
    const char *slash = strrchr(n->path, '/');
    n->name = slash ? slash + 1 : n->path;
    n->ino = t->next_ino++;
    n->parent = parent;
    maybe_grow(t);
    link_node(t, n);
    t->n++;
    return n;
}

static void node_free(node *n)
{
    tree_blob_put(n->content);
    free(n->path);
    free(n);
}

inodes *inodes_new(void)
{
    inodes *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_init(&t->mu, NULL);
    t->cap = 1024;
    t->by_ino = calloc(t->cap, sizeof *t->by_ino);
    t->by_path = calloc(t->cap, sizeof *t->by_path);
    t->next_ino = INODES_ROOT;
    node *root = t->by_ino && t->by_path ? node_new(t, "/", 0) : NULL;
    if (!root) {
        inodes_free(t);
        return NULL;
    }
    root->nlookup = 1; /* the kernel never forgets the root */
    return t;
}

void inodes_free(inodes *t)
{
    if (!t)
        return;
    for (size_t i = 0; t->by_ino && i < t->cap; i++)
        for (node *n = t->by_ino[i], *next; n; n = next) {
            next = n->next_ino;
            node_free(n);
        }
    free(t->by_ino);
    free(t->by_path);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    bool root = a == 1 && dir[0] == '/';
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t at = root ? 1 : a;
    if (!root)
        p[at++] = '/';
    memcpy(p + at, name, b + 1);
    return p;
}

char *inodes_child_path(inodes *t, uint64_t parent, const char *name)
{
    pthread_mutex_lock(&t->mu);
    node *d = find_ino(t, parent);
    char *p = d ? join(d->path, name) : NULL;
    pthread_mutex_unlock(&t->mu);
    return p;
}

char *inodes_path(inodes *t, uint64_t ino)
{
    pthread_mutex_lock(&t->mu);
    node *n = find_ino(t, ino);
    char *p = n ? strdup(n->path) : NULL;
    pthread_mutex_unlock(&t->mu);
    return p;
}

/* The inode number of path's directory, when known. */
static uint64_t parent_of(inodes *t, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return INODES_ROOT;
    char *dir = strndup(path, (size_t)(slash - path));
    node *d = dir ? find_path(t, dir) : NULL;
    free(dir);
    return d ? d->ino : 0;
}

uint64_t inodes_ref(inodes *t, const char *path)
{
    pthread_mutex_lock(&t->mu);
    node *n = find_path(t, path);
    if (!n)
        n = node_new(t, path, parent_of(t, path));
    uint64_t ino = 0;
    if (n) {
        n->nlookup++;
        ino = n->ino;
    }
    pthread_mutex_unlock(&t->mu);
    return ino;
}

uint64_t inodes_find(inodes *t, const char *path)
{
    pthread_mutex_lock(&t->mu);
    node *n = find_path(t, path);
    uint64_t ino = n ? n->ino : 0;
    pthread_mutex_unlock(&t->mu);
    return ino;
}

void inodes_forget(inodes *t, uint64_t ino, uint64_t count)
{
    pthread_mutex_lock(&t->mu);
    node *n = find_ino(t, ino);
    if (n && ino != INODES_ROOT) {
        n->nlookup = count >= n->nlookup ? 0 : n->nlookup - count;
        if (n->nlookup == 0) {
            unlink_node(t, n);
            t->n--;
            node_free(n);
        }
    }
    pthread_mutex_unlock(&t->mu);
}

void inodes_set_version(inodes *t, uint64_t ino, tree_blob *content, const node_attr *attr,
                        long long valid_until_ms)
{
    tree_blob *old = NULL;
    pthread_mutex_lock(&t->mu);
    node *n = find_ino(t, ino);
    if (n) {
        old = n->content;
        n->content = tree_blob_ref(content);
        n->attr = *attr;
        n->valid_until_ms = valid_until_ms;
    }
    pthread_mutex_unlock(&t->mu);
    tree_blob_put(old);
}

tree_blob *inodes_version(inodes *t, uint64_t ino, long long now_ms, node_attr *attr)
{
    pthread_mutex_lock(&t->mu);
    node *n = find_ino(t, ino);
    tree_blob *b = NULL;
    if (n && n->content && now_ms < n->valid_until_ms) {
        b = tree_blob_ref(n->content);
        *attr = n->attr;
    }
    pthread_mutex_unlock(&t->mu);
    return b;
}

static bool under(const char *path, const char *prefix, size_t plen)
{
    return strncmp(path, prefix, plen) == 0 && (path[plen] == '\0' || path[plen] == '/');
}

typedef struct visit {
    uint64_t ino, parent;
    char *name;
} visit;

void inodes_drop_under(inodes *t, const char *prefix, inodes_visit_fn fn, void *ctx)
{
    size_t plen = strlen(prefix), n_out = 0, cap = 0;
    visit *out = NULL;
    tree_blob **drop = NULL;
    size_t n_drop = 0;
    pthread_mutex_lock(&t->mu);
    drop = calloc(t->n ? t->n : 1, sizeof *drop);
    for (size_t i = 0; i < t->cap; i++)
        for (node *n = t->by_ino[i]; n; n = n->next_ino) {
            if (!under(n->path, prefix, plen))
                continue;
            if (drop && n->content) {
                drop[n_drop++] = n->content;
                n->content = NULL;
            }
            visit *v = array_grow(out, n_out, &cap, sizeof *v);
            if (!v)
                continue; /* the versions are dropped all the same */
            out = v;
            bool self = n->path[plen] == '\0';
            out[n_out++] = (visit){n->ino, self ? 0 : n->parent, strdup(n->name)};
        }
    pthread_mutex_unlock(&t->mu);
    for (size_t i = 0; i < n_drop; i++)
        tree_blob_put(drop[i]);
    free(drop);
    for (size_t i = 0; i < n_out; i++) {
        if (fn && out[i].name)
            fn(ctx, out[i].ino, out[i].parent, out[i].name);
        free(out[i].name);
    }
    free(out);
}

size_t inodes_count(inodes *t)
{
    pthread_mutex_lock(&t->mu);
    size_t n = t->n;
    pthread_mutex_unlock(&t->mu);
    return n;
}
