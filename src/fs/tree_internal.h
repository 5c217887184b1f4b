/* SPDX-License-Identifier: MIT */
/* tree_internal.h - the tree object and the helpers of tree.c that
 * tree_list.c and tree_write.c use (private to the tree). */
#ifndef COMPSHAREFS_TREE_INTERNAL_H
#define COMPSHAREFS_TREE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "cache.h"
#include "control.h"
#include "errlog.h"
#include "metrics.h"
#include "render.h"
#include "tree.h"
#include "tree_path.h"

struct tree {
    cache *cache;
    control *ctl;
    errlog *log;
    metrics *metrics;
    time_t mounted_at; /* mtime of the fixed directories: they never change */
    /* The last /metrics text, kept for ttl: rendering it reads every listing
     * and moves the counters it shows, so stat, open and `ls -l /` share one
     * rendering instead of each making its own (and sizes then agree). */
    pthread_mutex_t metrics_mu;
    char *metrics_text;
    size_t metrics_len;
    long long metrics_at_ms;
};

/* A failed read (rc from the cache): recorded in the mount's error file,
 * except ENOENT, which is an answer, not a failure. Returns the errno. */
int tree_read_failed(tree *t, const char *what, int rc, api_error *err);


/* The instance uhost_id from data fit to read it (cache_get_instance):
 * no older than ttl, and fetched after any command on it (*snap to put back). */
int tree_get_instance(tree *t, const char *uhost_id, inst_snap **snap, const api_instance **inst);

/* The instance as last listed, however old, with no API call when it is
 * there: for what a command needs (that it exists, its zone), which no
 * refresh changes; an ID never listed is looked up like a read. A failed
 * read is not recorded: err says what failed, for the caller's own record. */
int tree_get_known_instance(tree *t, const char *uhost_id, inst_snap **snap,
                            const api_instance **inst, api_error *err);

/* Reads through the cache; a failure is recorded (tree_read_failed). */
int tree_load_custom_image(tree *t, const char *id, api_image *img, long long *fetched_at);
int tree_load_progress(tree *t, const char *id, api_progress *p);
int tree_load_platform(tree *t, img_snap **snap);

#define LINK_PREFIX "../instances/"

/* UpdateTime, else the time of the fetch. */
time_t tree_instance_mtime(const inst_snap *s, const api_instance *i);
/* An instance file: the data files from render.c, plus ctl and error. */
int tree_instance_content(tree *t, const api_instance *i, const char *file, strbuf *out);
void tree_dir_attr(node_attr *a, time_t mtime, unsigned nlink);
void tree_file_attr(node_attr *a, size_t size, time_t mtime, bool writable);
/* The attributes of any node (a file's size by rendering it). */
int tree_node_attr(tree *t, const tree_path *p, node_attr *a);

#endif
