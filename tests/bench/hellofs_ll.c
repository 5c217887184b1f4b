/* SPDX-License-Identifier: MIT */
/* hellofs_ll.c - the floor of a FUSE file read from the kernel's page cache:
 * one file, /status, on the low-level API with the same kernel settings as
 * compsharefs (no OPEN at all, flush ENOSYS, long timeouts, pages kept).
 * scripts/bench.sh reads it in the same loop as compsharefs. */
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char content[] = "Running\n";
#define TIMEOUT 3600.0

static void fill(fuse_ino_t ino, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = ino;
    st->st_mode = ino == 1 ? S_IFDIR | 0555 : S_IFREG | 0444;
    st->st_nlink = ino == 1 ? 2 : 1;
    st->st_size = ino == 1 ? 0 : (off_t)(sizeof content - 1);
}

static void ll_init(void *userdata, struct fuse_conn_info *conn)
{
    conn->want |= FUSE_CAP_AUTO_INVAL_DATA & conn->capable;
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    if (parent != 1 || strcmp(name, "status") != 0) {
        fuse_reply_err(req, ENOENT);
        return;
    }
    struct fuse_entry_param e = {.ino = 2, .attr_timeout = TIMEOUT, .entry_timeout = TIMEOUT};
    fill(2, &e.attr);
    fuse_reply_entry(req, &e);
}

static void ll_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    struct stat st;
    fill(ino, &st);
    fuse_reply_attr(req, &st, TIMEOUT);
}

static void ll_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    fuse_reply_err(req, ENOSYS);
}

static void ll_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    size_t len = sizeof content - 1;
    if ((size_t)off >= len)
        size = 0;
    else if (size > len - (size_t)off)
        size = len - (size_t)off;
    fuse_reply_buf(req, content + off, size);
}

static void ll_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    fuse_reply_err(req, ENOSYS);
}

static const struct fuse_lowlevel_ops ops = {
    .init = ll_init, .lookup = ll_lookup, .getattr = ll_getattr,
    .open = ll_open, .read = ll_read,     .flush = ll_flush,
};

int main(int argc, char **argv)
{
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    struct fuse_cmdline_opts opts;
    if (fuse_parse_cmdline(&args, &opts) != 0 || !opts.mountpoint)
        return 2;
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof ops, NULL);
    int rc = 1;
    if (se && fuse_set_signal_handlers(se) == 0 && fuse_session_mount(se, opts.mountpoint) == 0) {
        fuse_daemonize(opts.foreground);
        rc = fuse_session_loop(se);
        fuse_session_unmount(se);
    }
    if (se) {
        fuse_remove_signal_handlers(se);
        fuse_session_destroy(se);
    }
    free(opts.mountpoint);
    fuse_opt_free_args(&args);
    return rc ? 1 : 0;
}
