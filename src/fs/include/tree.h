/* SPDX-License-Identifier: MIT */
/* tree.h - the filesystem's tree, without FUSE: paths to nodes, directory
 * listings, file contents and writes. fs_fuse.c only translates FUSE calls
 * into these, so everything here is unit-tested without a mount.
 *
 *   /instances/<UHostId>/{status,name,image,ctl,error,zone,...,info.json}
 *   /by-name/<Name> -> ../instances/<UHostId>
 *   /images/<CompShareImageId>/{status,progress,remaining,total,name,info.json}
 *   /platform-images/<CompShareImageId>/{name,status,info.json}
 *   /error  /metrics
 */
#ifndef COMPSHAREFS_TREE_H
#define COMPSHAREFS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct cache;
struct control;
struct errlog;
struct metrics;

typedef enum node_kind { NODE_DIR, NODE_FILE, NODE_LINK } node_kind;

typedef struct node_attr {
    node_kind kind;
    mode_t mode;   /* permission bits only: 0555 dirs, 0444 read-only, 0644 writable, 0777 links */
    size_t size;   /* files: exact byte length of the content an open would see now */
    time_t mtime;  /* UpdateTime of the instance, else the time of the fetch */
    unsigned nlink;
} node_attr;

/* The content of one open file, fixed for the life of the open. */
typedef struct file_snapshot {
    char *data;
    size_t len;
    time_t mtime;
    bool writable; /* a control file opened for writing */
} file_snapshot;

void file_snapshot_free(file_snapshot *s);

typedef struct tree tree;

/* The tree reads through cache, sends commands through control, and records
 * failures in errlog; metrics is rendered into /metrics. None is owned. */
tree *tree_new(struct cache *c, struct control *ctl, struct errlog *log, struct metrics *m);
void tree_free(tree *t);

/* Each returns 0 or a negative errno. Unknown paths are -ENOENT, answered
 * from fresh data without an API call when the data is fresh. */
int tree_getattr(tree *t, const char *path, node_attr *out);

typedef int (*tree_fill_fn)(void *ctx, const char *name, const node_attr *attr);
int tree_readdir(tree *t, const char *path, tree_fill_fn fill, void *ctx);

int tree_readlink(tree *t, const char *path, char *buf, size_t size);

/* Open for reading renders the content once into *out; open for writing a
 * writable file gives an empty snapshot; opening a read-only file for writing
 * is -EACCES. */
int tree_open(tree *t, const char *path, int flags, file_snapshot **out);

/* One command per write (control.h). Returns len on success or a negative errno. */
long tree_write(tree *t, const char *path, const char *buf, size_t len);

/* Truncating a writable file succeeds and does nothing (so `echo x > file`
 * works); other files: -EACCES, directories -EISDIR. */
int tree_truncate(tree *t, const char *path);

#endif
