/* SPDX-License-Identifier: MIT */
/* fs_fuse.c - the FUSE glue, and the only file that includes <fuse.h>.
 *
 * Each callback translates a FUSE request into one tree_* call (tree.h) and
 * back; there is no logic here beyond that translation, so the behaviour is
 * unit-tested in tests/unit/test_tree.c without a mount.
 *
 * Kernel-cache settings, chosen for correctness first:
 *  - Every open gets a snapshot of the rendered content in fi->fh, and the
 *    file is opened with direct_io: the kernel neither caches pages nor cuts
 *    reads at a stale st_size, so a file whose content grew or shrank since
 *    the last stat is still read whole and consistently (lxcfs learnt this
 *    the hard way). Linux does not pass the open file to FUSE on fstat(), so
 *    stat and fstat both report the size of what an open would render now,
 *    from the same cached snapshot the open renders from: they differ only
 *    across a refresh, and even then no byte is lost, thanks to direct_io.
 *  - attr_timeout = 0: `stat` always asks us, so st_size is the size of what
 *    an open would render now (cp, tar and rsync rely on it).
 *  - entry_timeout = 1 s: names change rarely (instances come and go), and
 *    the cached lookup saves a round trip per path component on every
 *    `cat`; a vanished instance still fails at getattr/open with ENOENT.
 *  - negative_timeout = 0: a new instance is visible at once.
 * Speed then comes from the daemon's own cache (cache.h), which answers
 * every request within ttl without an API call. */
#include "fs_fuse.h" /* first: it sets FUSE_USE_VERSION */

#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "log.h"

static fs_context *fs_ctx(void) { return fuse_get_context()->private_data; }

static void fs_fill_stat(const node_attr *a, struct stat *st)
{
    memset(st, 0, sizeof *st);
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
    st->st_mtim.tv_sec = st->st_ctim.tv_sec = st->st_atim.tv_sec = a->mtime;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    cfg->entry_timeout = 1.0;
    cfg->attr_timeout = 0.0;
    cfg->negative_timeout = 0.0;
    cfg->use_ino = 0;
    cfg->kernel_cache = 0;
    cfg->direct_io = 1;
    fs_context *ctx = fs_ctx();
    /* init runs after fuse_main has daemonized: from here on stderr is gone. */
    if (!ctx->foreground)
        log_to_syslog(true);
    log_info("mounted");
    return ctx;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    if (fi && fi->fh) {
        /* The kernel passes the open file only for some requests (e.g.
         * lseek(SEEK_END)): then the size is this open's own snapshot's. */
        const file_snapshot *snap = (const file_snapshot *)(uintptr_t)fi->fh;
        node_attr a;
        if (tree_getattr(fs_ctx()->tree, path, &a) != 0) /* gone since the open */
            a = (node_attr){.kind = NODE_FILE, .mode = 0444, .mtime = snap->mtime, .nlink = 1};
        a.size = snap->len;
        fs_fill_stat(&a, st);
        return 0;
    }
    node_attr a;
    int rc = tree_getattr(fs_ctx()->tree, path, &a);
    if (rc == 0)
        fs_fill_stat(&a, st);
    return rc;
}

struct fs_fill {
    void *buf;
    fuse_fill_dir_t filler;
};

static int fs_fill_entry(void *p, const char *name, const node_attr *attr)
{
    struct fs_fill *f = p;
    struct stat st;
    fs_fill_stat(attr, &st);
    return f->filler(f->buf, name, &st, 0, FUSE_FILL_DIR_PLUS) ? -ENOMEM : 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    (void)off, (void)fi, (void)flags;
    /* tree_readdir answers ENOENT/ENOTDIR itself; on an error these two
     * entries are discarded with the rest. */
    filler(buf, ".", NULL, 0, 0);
    filler(buf, "..", NULL, 0, 0);
    struct fs_fill f = {buf, filler};
    return tree_readdir(fs_ctx()->tree, path, fs_fill_entry, &f);
}

/* access(2), `test -w`: what the modes say, for root too, since a read-only
 * file refuses writes whoever asks (default_permissions is off unless
 * allow_other; see main.c). */
static int fs_access(const char *path, int mask)
{
    node_attr a;
    int rc = tree_getattr(fs_ctx()->tree, path, &a);
    if (rc)
        return rc;
    if ((mask & W_OK) && !(a.mode & 0200))
        return -EACCES;
    if ((mask & X_OK) && !(a.mode & 0100))
        return -EACCES;
    return 0;
}

static int fs_readlink(const char *path, char *buf, size_t size)
{
    return tree_readlink(fs_ctx()->tree, path, buf, size);
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
    file_snapshot *snap = NULL;
    int rc = tree_open(fs_ctx()->tree, path, fi->flags, &snap);
    if (rc)
        return rc;
    fi->fh = (uint64_t)(uintptr_t)snap;
    fi->direct_io = 1;  /* see the header comment */
    fi->keep_cache = 0;
    fi->nonseekable = 0;
    return 0;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi)
{
    (void)path;
    const file_snapshot *snap = (const file_snapshot *)(uintptr_t)fi->fh;
    if (off < 0)
        return -EINVAL;
    if ((size_t)off >= snap->len)
        return 0;
    if (size > snap->len - (size_t)off)
        size = snap->len - (size_t)off;
    memcpy(buf, snap->data + off, size);
    return (int)size;
}

/* One command per write(2); the API call happens here, so its errno reaches
 * the writer and nothing is deferred to close. */
static int fs_write(const char *path, const char *buf, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    (void)off, (void)fi;
    long rc = tree_write(fs_ctx()->tree, path, buf, size);
    return rc < 0 ? (int)rc : (int)size;
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    (void)size, (void)fi;
    return tree_truncate(fs_ctx()->tree, path);
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    file_snapshot_free((file_snapshot *)(uintptr_t)fi->fh);
    fi->fh = 0;
    return 0;
}

static int fs_flush(const char *path, struct fuse_file_info *fi)
{
    (void)path, (void)fi;
    return 0; /* commands ran in write(); nothing is left for close */
}

static int fs_statfs(const char *path, struct statvfs *sv)
{
    (void)path;
    memset(sv, 0, sizeof *sv);
    sv->f_bsize = sv->f_frsize = 4096;
    sv->f_namemax = 255;
    return 0;
}

/* The tree's shape is the API's: nothing is created, removed, moved, linked
 * or re-permissioned from inside the mount. */
static int fs_refuse_path(const char *path, mode_t mode) { (void)path, (void)mode; return -EPERM; }
static int fs_refuse_unlink(const char *path) { (void)path; return -EPERM; }
static int fs_refuse_two(const char *from, const char *to) { (void)from, (void)to; return -EPERM; }
static int fs_refuse_rename(const char *from, const char *to, unsigned int flags)
{
    (void)from, (void)to, (void)flags;
    return -EPERM;
}
static int fs_refuse_mknod(const char *path, mode_t mode, dev_t dev)
{
    (void)path, (void)mode, (void)dev;
    return -EPERM;
}
static int fs_refuse_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)path, (void)mode, (void)fi;
    return -EPERM;
}
static int fs_refuse_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
    (void)path, (void)uid, (void)gid, (void)fi;
    return -EPERM;
}
static int fs_refuse_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)path, (void)mode, (void)fi;
    return -EPERM;
}
static int fs_refuse_utimens(const char *path, const struct timespec tv[2],
                             struct fuse_file_info *fi)
{
    (void)path, (void)tv, (void)fi;
    return -EPERM;
}

static const struct fuse_operations fs_ops = {
    .init = fs_init,
    .getattr = fs_getattr,
    .readdir = fs_readdir,
    .readlink = fs_readlink,
    .access = fs_access,
    .open = fs_open,
    .read = fs_read,
    .write = fs_write,
    .truncate = fs_truncate,
    .flush = fs_flush,
    .release = fs_release,
    .statfs = fs_statfs,
    .mkdir = fs_refuse_path,
    .rmdir = fs_refuse_unlink,
    .unlink = fs_refuse_unlink,
    .symlink = fs_refuse_two,
    .link = fs_refuse_two,
    .rename = fs_refuse_rename,
    .mknod = fs_refuse_mknod,
    .chmod = fs_refuse_chmod,
    .chown = fs_refuse_chown,
    .create = fs_refuse_create,
    .utimens = fs_refuse_utimens,
};

void fs_fuse_help(struct fuse_args *args)
{
    printf("FUSE options:\n");
    fuse_cmdline_help();
    fuse_lib_help(args);
}

/* What fuse_main() does after parsing, except that a loop ended by SIGTERM,
 * SIGINT or SIGHUP is a clean exit (status 0): libfuse reports the signal as
 * a loop error, and service managers take a non-zero status for a crash. */
int fs_fuse_main(struct fuse_args *args, const struct fuse_cmdline_opts *cl, fs_context *ctx)
{
    struct fuse *fuse = fuse_new(args, &fs_ops, sizeof fs_ops, ctx);
    if (!fuse)
        return 1;
    int status = 0;
    if (fuse_mount(fuse, cl->mountpoint) != 0) {
        status = 4;
        goto out_destroy;
    }
    if (fuse_daemonize(cl->foreground) != 0) {
        status = 5;
        goto out_unmount;
    }
    struct fuse_session *se = fuse_get_session(fuse);
    if (fuse_set_signal_handlers(se) != 0) {
        status = 6;
        goto out_unmount;
    }
    int res;
    if (cl->singlethread) {
        res = fuse_loop(fuse);
    } else {
        struct fuse_loop_config *loop = fuse_loop_cfg_create();
        fuse_loop_cfg_set_clone_fd(loop, (unsigned)cl->clone_fd);
        if (cl->max_idle_threads != UINT_MAX) /* UINT_MAX = not given; 3.14 warns on it */
            fuse_loop_cfg_set_idle_threads(loop, cl->max_idle_threads);
        fuse_loop_cfg_set_max_threads(loop, cl->max_threads);
        res = fuse_loop_mt(fuse, loop);
        fuse_loop_cfg_destroy(loop);
    }
    if (res == SIGTERM || res == SIGINT || res == SIGHUP)
        res = 0;
    if (res != 0) {
        log_error("the FUSE loop failed (%d)", res);
        status = 7;
    }
    fuse_remove_signal_handlers(se);
out_unmount:
    fuse_unmount(fuse);
out_destroy:
    fuse_destroy(fuse);
    return status;
}
