/* SPDX-License-Identifier: MIT */
/* fs_fuse.h - the FUSE glue: hands a ready tree to libfuse and runs the loop.
 * fs_fuse.c is the only file that includes <fuse.h>; this header needs only
 * libfuse's command-line types. */
#ifndef COMPSHAREFS_FS_FUSE_H
#define COMPSHAREFS_FS_FUSE_H

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 312 /* fuse_loop_cfg_* (libfuse >= 3.12) */
#endif
#include <fuse_lowlevel.h>

#include <stdbool.h>

#include "tree.h"

typedef struct fs_context {
    tree *tree;
    bool foreground; /* logs go to stderr; else to syslog once daemonized */
} fs_context;

/* Mount cl->mountpoint and serve until unmounted or signalled (SIGTERM,
 * SIGINT, SIGHUP unmount cleanly). args holds what fuse_parse_cmdline left
 * of the command line (our own -o options already removed), cl what it
 * parsed. Returns the process exit status. */
int fs_fuse_main(struct fuse_args *args, const struct fuse_cmdline_opts *cl, fs_context *ctx);

/* libfuse's own options, for --help. */
void fs_fuse_help(struct fuse_args *args);

#endif
