/* SPDX-License-Identifier: MIT */
/* stamps.h - when each file's value last changed, as the mount saw it
 * (private to the tree; stamps.c).
 *
 * The cache calls stamps_on_publish with each new instance or image list and
 * the list it replaces. For every entry and every file rendered from the
 * API's data, the new list keeps the old change time when the rendered value
 * is the same, and takes the time of publication when it differs (or the
 * entry is new): a refresh that changes nothing changes no mtime, and
 * `ls -lt`, `find -newer` and `tail -f` mean something. */
#ifndef COMPSHAREFS_STAMPS_H
#define COMPSHAREFS_STAMPS_H

#include <stddef.h>

#include "cache.h"

/* Has the signature of cache_hooks.on_publish. */
void stamps_on_publish(void *ctx, cache_kind kind, const void *prev, void *next);

/* When file number `file` (an index into render_instance_files, or
 * render_image_files / render_platform_image_files) of entry number `item`
 * of the list last changed, in wall-clock nanoseconds; file = -1: the latest
 * change of any of the entry's files. A list the hook did not see answers its
 * fetch time. */
long long stamps_instance(const inst_snap *s, size_t item, int file);
long long stamps_image(const img_snap *s, size_t item, int file);

/* When the list's membership (its IDs) last changed. */
long long stamps_instance_set(const inst_snap *s);

#endif
