/* SPDX-License-Identifier: MIT */
/* inodes.h - the inode numbers the kernel knows the tree's paths by, and the
 * version of each file's content that reads are served from.
 *
 * An inode lives while the kernel holds a reference to it (lookups minus
 * forgets); numbers are never reused. A file's version is the content whose
 * size and mtime were last reported to the kernel: every READ of that file
 * is served from it until it turns stale, so a file read in several pieces is
 * one version, and a reader who was told a size gets exactly those bytes.
 * Thread-safe; no FUSE types, so it is unit-tested alone. */
#ifndef COMPSHAREFS_INODES_H
#define COMPSHAREFS_INODES_H

#include <stddef.h>
#include <stdint.h>

#include "tree.h"

#define INODES_ROOT 1

typedef struct inodes inodes;

inodes *inodes_new(void);
void inodes_free(inodes *t);

/* The path of a directory's entry: parent's path + "/" + name. malloc'd;
 * NULL when parent is unknown (or out of memory). */
char *inodes_child_path(inodes *t, uint64_t parent, const char *name);
/* A copy of an inode's path; NULL when the number is unknown. */
char *inodes_path(inodes *t, uint64_t ino);

/* The inode of path, made if need be, with one more kernel reference.
 * 0 when out of memory. */
uint64_t inodes_ref(inodes *t, const char *path);
/* The number of path's inode when it has one, without a reference; else 0. */
uint64_t inodes_find(inodes *t, const char *path);
/* The kernel dropped n references; the inode goes when none is left. */
void inodes_forget(inodes *t, uint64_t ino, uint64_t n);

/* A file's current version: content (a reference), the attributes reported
 * with it, and until when it may be served (monotonic ms). */
void inodes_set_version(inodes *t, uint64_t ino, tree_blob *content, const node_attr *attr,
                        long long valid_until_ms);
/* The version to serve a read from, when there is one still valid at now_ms
 * (a reference, with its attributes); else NULL. */
tree_blob *inodes_version(inodes *t, uint64_t ino, long long now_ms, node_attr *attr);

/* Every known inode whose path is prefix or below it, and the names the
 * kernel may cache under them: called with (ino, parent, name) for each,
 * without the table's lock, so fn may tell the kernel (parent is 0 for the
 * prefix itself). Their versions are dropped first. */
typedef void (*inodes_visit_fn)(void *ctx, uint64_t ino, uint64_t parent, const char *name);
void inodes_drop_under(inodes *t, const char *prefix, inodes_visit_fn fn, void *ctx);

/* How many inodes are known (for tests and the debug log). */
size_t inodes_count(inodes *t);

#endif
