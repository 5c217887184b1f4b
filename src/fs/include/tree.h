/* SPDX-License-Identifier: MIT */
/* tree.h - the filesystem's tree, without FUSE: what a path names, its
 * attributes and content, directory listings, links, and the commands written
 * to control files. The FUSE glue only translates kernel requests into these,
 * so everything here is unit-tested without a mount.
 *
 *   /instances/<UHostId>/{status,name,image,ctl,error,zone,...,info.json}
 *   /by-name/<Name> -> ../instances/<UHostId>
 *   /images/<CompShareImageId>/{status,progress,remaining,total,name,info.json}
 *   /platform-images/<CompShareImageId>/{name,status,info.json}
 *   /error  /metrics
 *
 * Every answer says how long it may be kept (node_attr.valid_ms): until the
 * data it came from turns ttl old, so that the kernel may answer from its own
 * caches without ever showing data older than ttl; 0 for what changes on its
 * own (the error files). A file's mtime is when its value last changed, as
 * the mount saw it. */
#ifndef COMPSHAREFS_TREE_H
#define COMPSHAREFS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tree_blob.h"

struct cache;
struct control;
struct errlog;
struct metrics;

typedef enum node_kind { NODE_DIR, NODE_FILE, NODE_LINK } node_kind;

typedef struct node_attr {
    node_kind kind;
    mode_t mode;        /* permission bits: 0555 dirs, 0444 files, 0644 control files, 0777 links */
    size_t size;        /* files: the exact length of the content; links: of the target */
    long long mtime_ns; /* wall clock: when the value last changed, as the mount saw it */
    unsigned nlink;
    long long valid_ms; /* how long this answer may be kept; 0: ask every time */
} node_attr;

typedef struct tree tree;

/* The tree reads through cache (and sets its publish hook: make the tree
 * before the first read), sends commands through control, records failures in
 * errlog, and renders metrics into /metrics. None is owned. */
tree *tree_new(struct cache *c, struct control *ctl, struct errlog *log, struct metrics *m);
void tree_free(tree *t);
/* The zone `create` uses when it names none (the mount's zone option). */
void tree_set_default_zone(tree *t, const char *zone);

/* Each returns 0 or a negative errno. A path that cannot exist whatever the
 * API says (a malformed ID, an unknown file name) is -ENOENT without any API
 * call; *attr then says how long that answer may be kept too. */

/* Attributes of any node, and for a file its content (when content is not
 * NULL: a reference to put back), rendered from the same data, so that the
 * size is that content's length. */
int tree_stat(tree *t, const char *path, node_attr *attr, tree_blob **content);

/* The entries of a directory (not "." and ".."), each with its attributes,
 * all from one snapshot; *valid_ms says how long the listing may be kept. */
typedef int (*tree_fill_fn)(void *ctx, const char *name, const node_attr *attr);
int tree_readdir(tree *t, const char *path, tree_fill_fn fill, void *ctx, long long *valid_ms);

/* A link's target (cut to size like readlink(2)). */
int tree_readlink(tree *t, const char *path, char *buf, size_t size);

/* ---- control files ---- */

typedef struct tree_command tree_command;

/* A write to a control file, checked completely: nothing is sent. -EISDIR,
 * -EACCES (not a control file), -ENOENT, -EINVAL (malformed: the reason is in
 * the error files). uid is the writer's, for the records. */
int tree_command_parse(tree *t, const char *path, const char *buf, size_t len, unsigned uid,
                       tree_command **out);

/* What a command changed, for whoever keeps copies (the kernel's caches). */
typedef struct tree_effect {
    char uhost_id[80]; /* the instance it was about (IDs: 64 characters at most), or "" */
    char image_id[80]; /* the custom image it was about, or "" */
    bool renamed;      /* by-name/ changed */
    bool fleet_changed; /* instances came or went (create, terminate): the listings */
} tree_effect;

/* Send it, once: the API call, which may take the request timeout and its
 * retries (run it where waiting is harmless). 0 or a negative errno, whose
 * message is in the error files. */
int tree_command_run(tree *t, tree_command *cmd, tree_effect *effect);
void tree_command_free(tree_command *cmd);

/* `wait STATE [SECONDS]`: no API call of its own. true for a wait, with the
 * instance, the state awaited and how long at most. */
bool tree_command_is_wait(const tree_command *cmd, const char **uhost_id, const char **state,
                          long *seconds);
/* Is the instance in state? 1 yes, 0 not yet, -ENOENT gone; another negative
 * errno: it cannot be told now (the refresh failed: try again later). From
 * data no older than ttl: however many wait, one shared refresh per ttl. */
int tree_wait_check(tree *t, const char *uhost_id, const char *state);
/* A wait ended with rc (0, -ETIMEDOUT, -ENOENT, -EINTR): in the instance's
 * log, and a failure (not an interrupt) in the error files. */
void tree_wait_done(tree *t, const tree_command *cmd, int rc);

/* Truncating a control file succeeds and does nothing (so `echo x > file`
 * works); other files: -EACCES, directories -EISDIR. */
int tree_truncate(tree *t, const char *path);

#endif
