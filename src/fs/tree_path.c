/* SPDX-License-Identifier: MIT */
/* tree_path.c - splitting a path into its names.
 *
 * Deciding what the names mean is each area's job (tree.c dispatches on the
 * first name); here only what no path of the tree can be is refused, before
 * any data is fetched. */
#include "tree_path.h"

#include <errno.h>
#include <string.h>

bool tree_valid_link_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= NAME_MAX && !strchr(name, '/') && strcmp(name, ".") != 0 &&
           strcmp(name, "..") != 0;
}

int tree_path_split(const char *path, tree_path *out)
{
    memset(out, 0, sizeof *out);
    if (!path || path[0] != '/')
        return -ENOENT;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, "/");
        if (out->n == TREE_MAX_DEPTH || len > NAME_MAX)
            return -ENOENT;
        memcpy(out->part[out->n], p, len);
        out->part[out->n][len] = '\0';
        out->n++;
        p += len;
    }
    return 0;
}
