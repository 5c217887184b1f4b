/* SPDX-License-Identifier: MIT */
/* fs_fuse_glue.c - what the glue's files share: a node's attributes as the
 * kernel's struct stat, and the path behind an inode number. */
#include "fs_fuse_glue.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void glue_fill_stat(uint64_t ino, const node_attr *a, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    switch (a->kind) {
    case NODE_DIR: st->st_mode = S_IFDIR | a->mode; break;
    case NODE_LINK: st->st_mode = S_IFLNK | a->mode; break;
    case NODE_FILE: st->st_mode = S_IFREG | a->mode; break;
    }
    st->st_nlink = a->nlink ? a->nlink : 1;
    st->st_size = (off_t)a->size;
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)((a->size + 511) / 512);
    st->st_uid = getuid(); /* everything belongs to the user who mounted */
    st->st_gid = getgid();
    st->st_mtim.tv_sec = (time_t)(a->mtime_ns / 1000000000LL);
    st->st_mtim.tv_nsec = (long)(a->mtime_ns % 1000000000LL);
    st->st_ctim = st->st_atim = st->st_mtim;
}

char *glue_path_or_reply(fuse_req_t req, fuse_ino_t ino)
{
    char *path = inodes_path(glue_of(req)->ino, ino);
    if (!path)
        fuse_reply_err(req, ESTALE);
    return path;
}
