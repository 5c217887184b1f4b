/* SPDX-License-Identifier: MIT */
/* fs_fuse.h - the FUSE glue, as start-up sees it: the command line, and
 * serving a ready tree on a mount point. Only fs_fuse*.c include FUSE
 * headers; this one needs none. */
#ifndef COMPSHAREFS_FS_FUSE_H
#define COMPSHAREFS_FS_FUSE_H

#include <stdbool.h>

#include "config.h"
#include "tree.h"

struct api_client;

/* What the command line said. */
typedef struct fs_cmdline {
    config_options opts; /* our own -o options (strings, NULL when not given) */
    bool allow_other;
    char *mountpoint;
    bool foreground, debug, singlethread, show_help, show_version;
    struct fs_fuse_args *fuse; /* the rest, for libfuse */
} fs_cmdline;

/* Parse argv. 0, or -EINVAL after printing why (usage errors). */
int fs_fuse_parse(int argc, char **argv, fs_cmdline *out);
void fs_fuse_cmdline_free(fs_cmdline *cl);
/* libfuse's own options, for --help; and its version, for --version. */
void fs_fuse_help(const fs_cmdline *cl);
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
