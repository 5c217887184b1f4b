/* SPDX-License-Identifier: MIT */
/* tree_path.c - from a path to what it names, by its text alone.
 *
 * Anything that cannot exist (an ID that is not [A-Za-z0-9_-]+, a file name
 * not in the listing, a path below a file) is -ENOENT here, before any data
 * is fetched: a shell's completion or a tool probing for ".git" never costs
 * an API call. */
#include <errno.h>
#include <string.h>

#include "control.h"
#include "tree_path.h"

#define MAX_DEPTH 3

bool tree_valid_link_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= NAME_MAX && !strchr(name, '/') && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

/* Split path into at most MAX_DEPTH components (empty ones skipped, so "/a/"
 * is "/a"). Returns the count, or -1 when deeper or a component is too long. */
static int split(const char *path, char parts[MAX_DEPTH][NAME_MAX + 1])
{
    int n = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (n == MAX_DEPTH || len > NAME_MAX)
            return -1;
        memcpy(parts[n], p, len);
        parts[n][len] = '\0';
        n++;
        p += len;
    }
    return n;
}

const tree_root_entry tree_root_entries[] = {
    {"instances", N_INSTANCES}, {"by-name", N_BYNAME}, {"images", N_IMAGES},
    {"platform-images", N_PIMAGES}, {"error", N_ERROR}, {"metrics", N_METRICS},
    {NULL, N_ROOT},
};

int tree_parse_path(const char *path, tree_path *out)
{
    memset(out, 0, sizeof *out);
    if (!path || path[0] != '/')
        return -ENOENT;
    char parts[MAX_DEPTH][NAME_MAX + 1];
    int n = split(path, parts);
    if (n < 0)
        return -ENOENT;
    if (n == 0) {
        out->type = N_ROOT;
        return 0;
    }
    node_type top = N_ROOT;
    for (const tree_root_entry *e = tree_root_entries; e->name; e++)
        if (strcmp(parts[0], e->name) == 0)
            top = e->type;
    if (top == N_ROOT)
        return -ENOENT;
    out->type = top;
    if (n == 1)
        return 0;

    /* below a top-level entry: an ID (or a link name), then maybe a file */
    const file_def *files = NULL;
    node_type dir, file;
    switch (top) {
    case N_INSTANCES: files = render_instance_files, dir = N_INST_DIR, file = N_INST_FILE; break;
    case N_IMAGES: files = render_image_files, dir = N_IMG_DIR, file = N_IMG_FILE; break;
    case N_PIMAGES:
        files = render_platform_image_files, dir = N_PIMG_DIR, file = N_PIMG_FILE;
        break;
    case N_BYNAME:
        /* links are resolved by the kernel: nothing exists below one */
        if (n != 2 || !tree_valid_link_name(parts[1]))
            return -ENOENT;
        out->type = N_LINK;
        memcpy(out->name, parts[1], sizeof out->name);
        return 0;
    default:
        return -ENOENT; /* below /error or /metrics */
    }
    if (!control_valid_id(parts[1]))
        return -ENOENT;
    memcpy(out->name, parts[1], sizeof out->name);
    out->type = dir;
    if (n == 2)
        return 0;
    out->file = render_find(files, parts[2]);
    if (!out->file)
        return -ENOENT;
    out->type = file;
    return 0;
}
