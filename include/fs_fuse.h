/* fs_fuse.h - the FUSE glue: hands a ready tree to libfuse and runs the loop.
 * fs_fuse.c is the only file that includes <fuse.h>. */
#ifndef COMPSHAREFS_FS_FUSE_H
#define COMPSHAREFS_FS_FUSE_H

#include <stdbool.h>

#include "tree.h"

typedef struct fs_context {
    tree *tree;
    bool foreground; /* logs go to stderr; else to syslog once daemonized */
} fs_context;

/* Mount and serve until unmounted or signalled (SIGTERM, SIGINT, SIGHUP
 * unmount cleanly). argv holds the FUSE arguments only (our -o options
 * already removed). Returns the process exit status. */
int fs_fuse_main(int argc, char **argv, fs_context *ctx);

#endif
