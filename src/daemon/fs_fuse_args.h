/* SPDX-License-Identifier: MIT */
/* fs_fuse_args.h - what fs_fuse_cmdline.c keeps of the command line for
 * fs_fuse.c (private to the glue: it has FUSE types). */
#ifndef COMPSHAREFS_FS_FUSE_ARGS_H
#define COMPSHAREFS_FS_FUSE_ARGS_H

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 312
#endif
#include <fuse_lowlevel.h>

struct fs_fuse_args {
    struct fuse_args args;        /* what libfuse's session takes */
    struct fuse_cmdline_opts cl;  /* what fuse_parse_cmdline found */
};
typedef struct fs_fuse_args fs_fuse_args;

/* fs_fuse_loop.c: make the session (userdata for ops, *se set before any
 * request), mount, daemonize, call start(userdata) (threads are started
 * there, after the fork; non-zero fails), serve until unmounted or
 * signalled, call drain(userdata), unmount. Returns the exit status. */
struct fs_cmdline;
struct fs_context;
int fs_fuse_serve(struct fs_cmdline *cl, struct fs_context *ctx,
                  const struct fuse_lowlevel_ops *ops, void *userdata, struct fuse_session **se,
                  int (*start)(void *userdata), void (*drain)(void *userdata));

#endif
