/* SPDX-License-Identifier: MIT */
/* hellofs.c - the smallest useful FUSE filesystem: one file, /status, with a
 * fixed line, served the way compsharefs served files before it used the
 * kernel's page cache (high-level API, direct_io, attr_timeout 0): the floor
 * of that design, for scripts/bench.sh to show what the page cache saves. */
#define FUSE_USE_VERSION 31
#include <fuse.h>

#include <errno.h>
#include <string.h>

static const char content[] = "Running\n";

static void *hello_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    cfg->entry_timeout = 1.0;
    cfg->attr_timeout = 0.0;
    cfg->direct_io = 1;
    return NULL;
}

static int hello_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    memset(st, 0, sizeof *st);
    if (strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0555;
        st->st_nlink = 2;
    } else if (strcmp(path, "/status") == 0) {
        st->st_mode = S_IFREG | 0444;
        st->st_nlink = 1;
        st->st_size = sizeof content - 1;
    } else {
        return -ENOENT;
    }
    return 0;
}

static int hello_open(const char *path, struct fuse_file_info *fi)
{
    if (strcmp(path, "/status") != 0)
        return -ENOENT;
    fi->direct_io = 1;
    return 0;
}

static int hello_read(const char *path, char *buf, size_t size, off_t off,
                      struct fuse_file_info *fi)
{
    size_t len = sizeof content - 1;
    if ((size_t)off >= len)
        return 0;
    if (size > len - (size_t)off)
        size = len - (size_t)off;
    memcpy(buf, content + off, size);
    return (int)size;
}

static const struct fuse_operations hello_ops = {
    .init = hello_init, .getattr = hello_getattr, .open = hello_open, .read = hello_read,
};

int main(int argc, char **argv) { return fuse_main(argc, argv, &hello_ops, NULL); }
