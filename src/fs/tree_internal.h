/* SPDX-License-Identifier: MIT */
/* tree_internal.h - what the tree's modules share (private to the tree):
 * the tree object, the areas it dispatches to, and the helpers every area
 * uses to answer with attributes, content and timeouts. */
#ifndef COMPSHAREFS_TREE_INTERNAL_H
#define COMPSHAREFS_TREE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "cache.h"
#include "cmdlog.h"
#include "control.h"
#include "errlog.h"
#include "events.h"
#include "metrics.h"
#include "render.h"
#include "strbuf.h"
#include "tree.h"
#include "tree_path.h"

struct tree {
    cache *cache;
    control *ctl;
    errlog *log;
    metrics *metrics;
    events *events;  /* owned: the fleet's events */
    cmdlog *cmdlog;  /* owned: the instances' command logs */
    long long mounted_ns; /* mtime of what never changes: the fixed directories, ctl */
    char zone[64];        /* the mount's zone option: where `create` goes by default */
    /* The last /metrics text, kept for ttl (area_root.c). */
    pthread_mutex_t metrics_mu;
    tree_blob *metrics_text;
    long long metrics_at_ms, metrics_changed_ns;
};

/* How long an answer about something that never changes may be kept. */
#define TREE_VALID_FOREVER_MS (24LL * 3600 * 1000)

/* One top-level entry of the tree and everything below it. Each function
 * gets the path split (p->n >= 1, p->part[0] is the area's name) and answers
 * as the tree.h function of the same name; NULL: not supported there. */
typedef struct tree_area {
    const char *name;
    int (*stat)(tree *t, const tree_path *p, node_attr *attr, tree_blob **content);
    int (*readdir)(tree *t, const tree_path *p, tree_fill_fn fill, void *ctx,
                   long long *valid_ms);
    int (*readlink)(tree *t, const tree_path *p, char *buf, size_t size);
    /* A control file below the area: 0 and its verb's kind filled, -EACCES
     * for any other file. */
    int (*command_parse)(tree *t, const tree_path *p, const char *buf, size_t len,
                         tree_command *cmd);
    /* Truncating a control file below the area: 0 when it exists (a control
     * file has no stored content), -EACCES for another file. */
    int (*truncate)(tree *t, const tree_path *p);
} tree_area;

/* The areas, in the order `ls /` lists them (NULL-name terminated). */
extern const tree_area *const tree_areas[];
/* The area that owns p's first name, or NULL (the root, or no such area). */
const tree_area *tree_area_of(const tree_path *p);
extern const tree_area tree_area_error, tree_area_metrics, tree_area_events, tree_area_instances,
    tree_area_by_name, tree_area_by_state, tree_area_by_gpu, tree_area_by_zone, tree_area_images,
    tree_area_platform_images, tree_area_ssh_config, tree_area_ctl, tree_area_zones;

/* The cache's publish hook (tree_events.c): change times and events. */
void tree_on_publish(void *ctx, cache_kind kind, const void *prev, void *next);

/* How many events the `events` file keeps. */
#define TREE_EVENTS_KEPT 10000

/* ---- answers ---- */

/* The time left until data fetched at started_ms turns ttl old (>= 0). */
long long tree_valid_ms(tree *t, long long started_ms);
long long tree_valid_until(tree *t, long long fresh_until_ms);

void tree_dir_attr(node_attr *a, long long mtime_ns, unsigned nlink, long long valid_ms);
void tree_link_attr(node_attr *a, size_t target_len, long long mtime_ns, long long valid_ms);
/* A file's attributes from its rendered text, and the text as a blob into
 * *content when asked for. Takes (and frees) the buffer. */
int tree_file_answer(strbuf *text, mode_t mode, long long mtime_ns, long long valid_ms,
                     node_attr *attr, tree_blob **content);
/* The answer for a path that cannot exist (kept long: it never will). */
int tree_no_such_path(node_attr *attr);

/* A failed read (rc from the cache): recorded in the mount's error file,
 * except ENOENT, which is an answer, not a failure. Returns rc. */
int tree_read_failed(tree *t, const char *what, int rc, api_error *err);
/* The fresh instance list, image list or capacity (*snap to put back), or a
 * failed read, recorded as tree_read_failed does. */
int tree_get_instances(tree *t, inst_snap **snap);
int tree_get_images(tree *t, bool platform, img_snap **snap);
int tree_get_capacity(tree *t, cap_snap **snap);

/* ---- instances ---- */

/* The instance uhost_id from data fit to read it (cache_get_instance): no
 * older than ttl, and fetched after any command on it (*snap to put back). A
 * failed read is recorded; -ENOENT when there is no such instance. */
int tree_get_instance(tree *t, const char *uhost_id, inst_snap **snap, const api_instance **inst);

/* The instance as last listed, however old, with no API call when it is
 * there: for what a command needs (that it exists, its zone), which no
 * refresh changes; an ID never listed is looked up like a read. A failed
 * read is not recorded: err says what failed, for the caller's own record. */
int tree_get_known_instance(tree *t, const char *uhost_id, inst_snap **snap,
                            const api_instance **inst, api_error *err);

/* ---- control files (tree_command.c) ---- */

/* What a command is about: an instance (its ctl, name, image, stop_at,
 * password), a custom image (its ctl), or the fleet (the root's ctl). */
typedef enum tree_target { TARGET_INSTANCE, TARGET_IMAGE, TARGET_FLEET } tree_target;

struct tree_command {
    control_cmd cmd;
    tree_target target;
    char id[80]; /* the instance's or image's; IDs are 64 characters at most (control_valid_id) */
    unsigned uid;
};

/* A command as the log and events show it (never a secret). */
/* A command's outcome: in the log of the instance id (of an instance's
 * command, or of an instance a create made) and in the fleet's events. */
void tree_record(tree *t, const tree_command *c, const char *id, int rc, const api_error *err,
                 const char *result_id);
/* The image's and the fleet's commands (tree_command_fleet.c). */
int tree_run_on_image(tree *t, tree_command *c, tree_effect *effect);
int tree_run_on_fleet(tree *t, tree_command *c, tree_effect *effect);

/* A write that cannot be a command: recorded in the instance's and the
 * mount's error files; returns rc. */
int tree_refuse(tree *t, const char *uhost_id, const char *what, int rc, const char *message);

#endif
