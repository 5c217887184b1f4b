/* SPDX-License-Identifier: MIT */
/* fs_fuse_dir.c - directories: one listing taken at opendir, read at any
 * offset ("." and ".." first), with readdirplus handing the kernel entries it
 * counts as lookups. */
#include "fs_fuse_glue.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

typedef struct dir_entry {
    char *name;
    node_attr attr;
} dir_entry;

/* One listing, taken at opendir, so that reads at any offset agree. */
typedef struct dir_handle {
    dir_entry *e;
    size_t n, cap;
} dir_handle;

static void dir_free(dir_handle *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->e[i].name);
    free(d->e);
    free(d);
}

static int dir_add(void *ctx, const char *name, const node_attr *attr)
{
    dir_handle *d = ctx;
    dir_entry *e = array_grow(d->e, d->n, &d->cap, sizeof *e);
    if (!e)
        return -ENOMEM;
    d->e = e;
    if (!(d->e[d->n].name = strdup(name)))
        return -ENOMEM;
    d->e[d->n++].attr = *attr;
    return 0;
}

void glue_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    char *path = glue_path_or_reply(req, ino);
    if (!path)
        return;
    dir_handle *d = calloc(1, sizeof *d);
    long long valid; /* the entries carry their own */
    int rc = d ? tree_readdir(glue_of(req)->tree, path, dir_add, d, &valid) : -ENOMEM;
    free(path);
    if (rc) {
        dir_free(d);
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uint64_t)(uintptr_t)d;
    fuse_reply_open(req, fi);
}

/* A directory entry's inode number when no lookup comes with it (plain
 * readdir): the one the name has, else "unknown" (never 0, which readdir(3)
 * callers take for a deleted entry). */
#define UNKNOWN_INO 0xffffffffULL

static uint64_t known_ino(glue *g, fuse_ino_t dir, const char *name)
{
    char *path = inodes_child_path(g->ino, dir, name);
    uint64_t ino = path ? inodes_find(g->ino, path) : 0;
    free(path);
    return ino ? ino : UNKNOWN_INO;
}

/* Entries from offset off: "." and ".." are 0 and 1, the listing follows. */
static void read_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                     struct fuse_file_info *fi, bool plus)
{
    glue *g = glue_of(req);
    dir_handle *d = (dir_handle *)(uintptr_t)fi->fh;
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    size_t pos = 0;
    for (size_t k = off < 0 ? 0 : (size_t)off; k < d->n + 2; k++) {
        const char *name = k == 0 ? "." : k == 1 ? ".." : d->e[k - 2].name;
        struct fuse_entry_param e = {0};
        struct stat *st = &e.attr;
        if (k < 2) {
            st->st_ino = k == 0 ? ino : UNKNOWN_INO;
            st->st_mode = S_IFDIR;
        } else {
            glue_fill_stat(plus ? 0 : known_ino(g, ino, name), &d->e[k - 2].attr, st);
        }
        size_t need = plus ? fuse_add_direntry_plus(req, NULL, 0, name, NULL, 0)
                           : fuse_add_direntry(req, NULL, 0, name, NULL, 0);
        if (pos + need > size)
            break;
        if (plus && k >= 2) { /* a lookup the kernel will count */
            char *path = inodes_child_path(g->ino, ino, name);
            e.ino = path ? inodes_ref(g->ino, path) : 0;
            free(path);
            if (!e.ino)
                break;
            st->st_ino = e.ino;
            e.attr_timeout = e.entry_timeout = glue_seconds(d->e[k - 2].attr.valid_ms);
        }
        pos += plus ? fuse_add_direntry_plus(req, buf + pos, size - pos, name, &e, (off_t)k + 1)
                    : fuse_add_direntry(req, buf + pos, size - pos, name, st, (off_t)k + 1);
    }
    fuse_reply_buf(req, buf, pos);
    free(buf);
}

void glue_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                  struct fuse_file_info *fi)
{
    read_dir(req, ino, size, off, fi, false);
}

void glue_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                      struct fuse_file_info *fi)
{
    read_dir(req, ino, size, off, fi, true);
}

void glue_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    dir_free((dir_handle *)(uintptr_t)fi->fh);
    fuse_reply_err(req, 0);
}
