/* tree_internal.h - what tree.c, tree_path.c and tree_write.c share (private
 * to the tree). */
#ifndef COMPSHAREFS_TREE_INTERNAL_H
#define COMPSHAREFS_TREE_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "render.h"
#include "tree.h"

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

/* A failed read (rc from the cache): recorded in the mount's error file,
 * except ENOENT, which is an answer, not a failure. Returns the errno. */
int tree_read_failed(tree *t, const char *what, int rc, api_error *err);

static inline bool tree_is_dir(node_type type)
{
    return type == N_ROOT || type == N_INSTANCES || type == N_BYNAME || type == N_IMAGES ||
           type == N_PIMAGES || type == N_INST_DIR || type == N_IMG_DIR || type == N_PIMG_DIR;
}

/* The instance uhost_id from data fit to read it (cache_get_instance):
 * no older than ttl, and fetched after any command on it (*snap to put back). */
int tree_get_instance(tree *t, const char *uhost_id, inst_snap **snap, const api_instance **inst);

/* The instance as last listed, however old, with no API call when it is
 * there: for what a command needs (that it exists, its zone), which no
 * refresh changes; an ID never listed is looked up like a read. */
int tree_get_known_instance(tree *t, const char *uhost_id, inst_snap **snap,
                            const api_instance **inst);

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
