/* SPDX-License-Identifier: MIT */
/* fs_fuse_glue.h - what the glue's files share (private to them: it has FUSE
 * types). fs_fuse.c answers names, attributes and reads and holds the
 * operations table; fs_fuse_dir.c lists directories; fs_fuse_write.c runs
 * commands and waits; fs_fuse_glue.c has the helpers all of them use. */
#ifndef COMPSHAREFS_FS_FUSE_GLUE_H
#define COMPSHAREFS_FS_FUSE_GLUE_H

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 312
#endif
#include <fuse_lowlevel.h>

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "inodes.h"
#include "jobs.h"
#include "pending.h"
#include "tree.h"
#include "waiters.h"

/* One mount's state, the session's userdata. */
typedef struct glue {
    tree *tree;
    inodes *ino;
    jobs *jobs;
    pending *pending;
    waiters *waiters;
    struct fuse_session *se;
    long long ttl_ms; /* how often waiters look */
    _Atomic bool no_open; /* the kernel serves opens itself */
} glue;

static inline glue *glue_of(fuse_req_t req) { return fuse_req_userdata(req); }

/* A timeout for the kernel, in seconds, from milliseconds left (0 if none). */
static inline double glue_seconds(long long ms) { return ms > 0 ? (double)ms / 1000.0 : 0.0; }

/* fs_fuse_glue.c */
void glue_fill_stat(uint64_t ino, const node_attr *a, struct stat *st);
/* The path of ino, or a reply of ESTALE (a number the kernel kept too long). */
char *glue_path_or_reply(fuse_req_t req, fuse_ino_t ino);

/* fs_fuse_dir.c */
void glue_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void glue_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                  struct fuse_file_info *fi);
void glue_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                      struct fuse_file_info *fi);
void glue_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);

/* fs_fuse_write.c */
void glue_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                struct fuse_file_info *fi);
/* The waiters' check of an instance's state (ctx is the tree). */
int glue_wait_check(void *ctx, const char *uhost_id, const char *state);

#endif
