/* SPDX-License-Identifier: MIT */
/* tree_blob.h - the content of a file: immutable and reference-counted, so a
 * reader keeps serving one version while a newer one is made. */
#ifndef COMPSHAREFS_TREE_BLOB_H
#define COMPSHAREFS_TREE_BLOB_H

#include <stddef.h>

typedef struct tree_blob tree_blob;
tree_blob *tree_blob_new(const char *data, size_t len); /* NULL when out of memory */
const char *tree_blob_data(const tree_blob *b);
size_t tree_blob_len(const tree_blob *b);
tree_blob *tree_blob_ref(tree_blob *b);
void tree_blob_put(tree_blob *b); /* NULL is fine */

#endif
