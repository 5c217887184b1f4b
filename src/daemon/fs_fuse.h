/* SPDX-License-Identifier: MIT */
/* fs_fuse.h - the FUSE glue, as start-up sees it: the command line, and
 * serving a ready tree on a mount point. Only fs_fuse*.c include FUSE
 * headers; this one needs none. */
#ifndef COMPSHAREFS_FS_FUSE_H
#define COMPSHAREFS_FS_FUSE_H

#include <stdbool.h>

#include "options.h"
#include "tree.h"

struct api_client;

/* What the command line said. */
typedef struct fs_cmdline {
    cmd_options opts; /* ours, checked (options.h) */
    char *mountpoint; /* absolute */
    bool foreground, debug;
    struct fs_fuse_args *fuse; /* the rest, for libfuse */
} fs_cmdline;

/* Parse argv and check every option and the mount point (unless -h or -V).
 * 0, or -EINVAL after printing one line saying why. */
int fs_fuse_parse(int argc, char **argv, fs_cmdline *out);
void fs_fuse_cmdline_free(fs_cmdline *cl);
/* libfuse's version, for --version. */
const char *fs_fuse_version(void);

typedef struct fs_context {
    tree *tree;
    struct api_client *client; /* aborted when a signal ends the mount */
    long long ttl_ms;          /* how often waiters look: the data's refresh period */
} fs_context;

/* Mount cl->mountpoint and serve until unmounted or signalled (SIGTERM,
 * SIGINT, SIGHUP end it cleanly, within a second even while API calls hang).
 * Returns the process exit status. */
int fs_fuse_main(fs_cmdline *cl, fs_context *ctx);

#endif
