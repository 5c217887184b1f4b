/* SPDX-License-Identifier: MIT */
/* tree_path.h - a path split into its names, by its text alone (private to
 * the tree; tree_path.c). */
#ifndef COMPSHAREFS_TREE_PATH_H
#define COMPSHAREFS_TREE_PATH_H

#include <limits.h>
#include <stdbool.h>

/* The deepest path the tree has: /instances/<UHostId>/<file> is 3. */
#define TREE_MAX_DEPTH 4

typedef struct tree_path {
    int n; /* 0 for the root */
    char part[TREE_MAX_DEPTH][NAME_MAX + 1];
} tree_path;

/* Split an absolute path ("/a/b", empty components skipped). -ENOENT when it
 * is not absolute, deeper than the tree, or has a name longer than NAME_MAX:
 * no such path can exist. */
int tree_path_split(const char *path, tree_path *out);

/* A name the API gave that can safely be a directory entry. */
bool tree_valid_link_name(const char *name);

#endif
