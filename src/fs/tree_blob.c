/* SPDX-License-Identifier: MIT */
/* tree_blob.c - the content of a file: immutable and reference-counted. */
#include "tree_blob.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache_snap.h"

/* A blob is the value of a cache_obj: counted as the snapshots are. */
struct tree_blob {
    size_t len;
    char data[];
};

const char *tree_blob_data(const tree_blob *b) { return b->data; }
size_t tree_blob_len(const tree_blob *b) { return b->len; }

tree_blob *tree_blob_ref(tree_blob *b)
{
    cache_obj_ref(cache_obj_of(b));
    return b;
}

void tree_blob_put(tree_blob *b) { cache_obj_unref(cache_obj_of(b)); }

static void blob_destroy(cache_obj *o) { free(o); }

tree_blob *tree_blob_new(const char *data, size_t len)
{
    cache_obj *o = len < SIZE_MAX - sizeof(tree_blob)
                       ? cache_obj_new(sizeof(tree_blob) + len + 1, blob_destroy)
                       : NULL;
    if (!o)
        return NULL;
    tree_blob *b = cache_obj_value(o);
    b->len = len;
    memcpy(b->data, data, len);
    b->data[len] = '\0';
    return b;
}
