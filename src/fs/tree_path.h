/* SPDX-License-Identifier: MIT */
/* tree_path.h - what a path names, from its text alone (private to the tree;
 * tree_path.c). */
#ifndef COMPSHAREFS_TREE_PATH_H
#define COMPSHAREFS_TREE_PATH_H

#include <limits.h>
#include <stdbool.h>

#include "render.h"

typedef enum node_type {
    N_ROOT,
    N_INSTANCES,   /* /instances */
    N_BYNAME,      /* /by-name */
    N_IMAGES,      /* /images */
    N_PIMAGES,     /* /platform-images */
    N_ERROR,       /* /error */
    N_METRICS,     /* /metrics */
    N_INST_DIR,    /* /instances/<UHostId> */
    N_INST_FILE,   /* /instances/<UHostId>/<file> */
    N_LINK,        /* /by-name/<link> */
    N_IMG_DIR,     /* /images/<CompShareImageId> */
    N_IMG_FILE,    /* /images/<CompShareImageId>/<file> */
    N_PIMG_DIR,    /* /platform-images/<CompShareImageId> */
    N_PIMG_FILE,   /* /platform-images/<CompShareImageId>/<file> */
} node_type;

/* The entries of the root directory, in listing order (NULL-name
 * terminated): what path resolution accepts and what `ls /` shows. */
typedef struct tree_root_entry {
    const char *name;
    node_type type;
} tree_root_entry;
extern const tree_root_entry tree_root_entries[];

/* A path, understood from its text alone (no data fetched). */
typedef struct tree_path {
    node_type type;
    char name[NAME_MAX + 1]; /* the ID or the link name */
    const file_def *file;    /* for *_FILE */
} tree_path;

/* 0, or -ENOENT for a path that cannot exist whatever the API says (a bad
 * ID, an unknown file name), so that it costs no API call. */
int tree_parse_path(const char *path, tree_path *out);

/* A name the API gave that can safely be a directory entry. */
bool tree_valid_link_name(const char *name);

static inline bool tree_is_dir(node_type type)
{
    return type == N_ROOT || type == N_INSTANCES || type == N_BYNAME || type == N_IMAGES ||
           type == N_PIMAGES || type == N_INST_DIR || type == N_IMG_DIR || type == N_PIMG_DIR;
}

#endif
