/* SPDX-License-Identifier: MIT */
/* fs_fuse.c - the FUSE glue on the low-level API: the operations table,
 * names, attributes and reads (directories: fs_fuse_dir.c; writes, which are
 * commands: fs_fuse_write.c). Each callback translates a kernel request into
 * a tree_* call (tree.h) and back; the behaviour lives in the tree and is
 * unit-tested there.
 *
 * The kernel's caches do the speed, the timeouts do the freshness:
 *  - Every entry and attribute reply carries the time left until the data it
 *    came from turns ttl old (node_attr.valid_ms), 0 for what changes on its
 *    own (error files): no cached name or attribute outlives its data.
 *  - Files are not opened at all (FUSE_CAP_NO_OPEN_SUPPORT: open answers
 *    ENOSYS) and flush is ENOSYS, so a warm `cat` is served from the page
 *    cache. With FUSE_CAP_AUTO_INVAL_DATA the kernel asks for the attributes
 *    before reading once they expire, and drops a file's pages when its mtime
 *    (the time its value changed) or size differs: no page outlives its data.
 *  - A READ is served from the version whose size and mtime the kernel was
 *    last told (inodes.c), so a file read in pieces is one version.
 *  - Commands run on the jobs pool, not on a FUSE worker: the write's reply
 *    comes from there once the API answered, or at once with EINTR when the
 *    writer is interrupted. Before the reply, the kernel forgets what it had
 *    of that instance, so the next read fetches.
 * Nothing here calls fuse_lowlevel_notify_* from inside a request handler:
 * only the jobs threads do, and no lock is held meanwhile. */
#include "fs_fuse_glue.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "api.h"
#include "clocks.h"
#include "fs_fuse.h"
#include "fs_fuse_args.h"
#include "log.h"
#include "trim.h"

/* Commands waiting for the API at once, at most (more wait in line). */
#define MAX_COMMAND_THREADS 256

/* Keep a file's content as the version reads are served from. */
static void keep_version(glue *g, uint64_t ino, tree_blob *content, const node_attr *a)
{
    if (content)
        inodes_set_version(g->ino, ino, content, a, clock_mono_ms() + a->valid_ms);
}

/* ---- names and attributes ---- */

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
    glue *g = userdata;
    if (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT)
        atomic_store(&g->no_open, true);
    if (conn->capable & FUSE_CAP_AUTO_INVAL_DATA)
        conn->want |= FUSE_CAP_AUTO_INVAL_DATA;
    conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE; /* every write is a command, at once */
    /* O_TRUNC as a SETATTR (there is no OPEN to carry it): the kernel then
     * drops the file's pages before the command is written over them, and a
     * read-only file refuses at open time. */
    conn->want &= ~(unsigned)FUSE_CAP_ATOMIC_O_TRUNC;
    log_info("mounted%s", atomic_load(&g->no_open) ? "" : " (the kernel cannot skip opens)");
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    glue *g = glue_of(req);
    char *path = inodes_child_path(g->ino, parent, name);
    if (!path) {
        fuse_reply_err(req, ESTALE);
        return;
    }
    node_attr a;
    tree_blob *content = NULL;
    int rc = tree_stat(g->tree, path, &a, &content);
    struct fuse_entry_param e = {0};
    if (rc == -ENOENT) { /* a negative entry, kept as long as the answer holds */
        e.entry_timeout = glue_seconds(a.valid_ms);
        fuse_reply_entry(req, &e);
    } else if (rc) {
        fuse_reply_err(req, -rc);
    } else if (!(e.ino = inodes_ref(g->ino, path))) {
        fuse_reply_err(req, ENOMEM);
    } else {
        keep_version(g, e.ino, content, &a);
        glue_fill_stat(e.ino, &a, &e.attr);
        e.attr_timeout = e.entry_timeout = glue_seconds(a.valid_ms);
        fuse_reply_entry(req, &e);
    }
    tree_blob_put(content);
    free(path);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    inodes_forget(glue_of(req)->ino, ino, nlookup);
    fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
    for (size_t i = 0; i < count; i++)
        inodes_forget(glue_of(req)->ino, forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

/* Attributes, afresh (and the content they describe kept for reads). */
static int stat_ino(glue *g, fuse_ino_t ino, const char *path, node_attr *a)
{
    tree_blob *content = NULL;
    int rc = tree_stat(g->tree, path, a, &content);
    if (rc == 0)
        keep_version(g, ino, content, a);
    tree_blob_put(content);
    return rc;
}

static void reply_attr(fuse_req_t req, fuse_ino_t ino, const node_attr *a)
{
    struct stat st;
    glue_fill_stat(ino, a, &st);
    fuse_reply_attr(req, &st, glue_seconds(a->valid_ms));
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    char *path = glue_path_or_reply(req, ino);
    if (!path)
        return;
    node_attr a;
    int rc = stat_ino(glue_of(req), ino, path, &a);
    if (rc)
        fuse_reply_err(req, -rc);
    else
        reply_attr(req, ino, &a);
    free(path);
}

/* Only truncation, which shell redirection does before it writes: times,
 * modes and owners are the API's. */
static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                       struct fuse_file_info *fi)
{
    (void)attr, (void)fi;
    char *path = glue_path_or_reply(req, ino);
    if (!path)
        return;
    int rc = -EPERM;
    if (to_set & FUSE_SET_ATTR_SIZE)
        rc = tree_truncate(glue_of(req)->tree, path);
    node_attr a;
    if (rc == 0)
        rc = stat_ino(glue_of(req), ino, path, &a);
    if (rc)
        fuse_reply_err(req, -rc);
    else
        reply_attr(req, ino, &a);
    free(path);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
    char *path = glue_path_or_reply(req, ino);
    if (!path)
        return;
    char target[PATH_MAX];
    int rc = tree_readlink(glue_of(req)->tree, path, target, sizeof target);
    if (rc)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_readlink(req, target);
    free(path);
}

/* ---- files ---- */

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    if (atomic_load(&glue_of(req)->no_open)) {
        fuse_reply_err(req, ENOSYS); /* and the kernel never asks again */
        return;
    }
    fi->keep_cache = 1;
    fi->noflush = 1;
    fuse_reply_open(req, fi);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    (void)fi;
    glue *g = glue_of(req);
    node_attr a;
    tree_blob *b = inodes_version(g->ino, ino, clock_mono_ms(), &a);
    if (!b) {
        char *path = glue_path_or_reply(req, ino);
        if (!path)
            return;
        int rc = tree_stat(g->tree, path, &a, &b);
        free(path);
        if (rc == 0 && !b)
            rc = -EISDIR;
        if (rc) {
            fuse_reply_err(req, -rc);
            return;
        }
        keep_version(g, ino, b, &a);
    }
    size_t len = tree_blob_len(b);
    if (off < 0 || (size_t)off >= len)
        size = 0;
    else if (size > len - (size_t)off)
        size = len - (size_t)off;
    fuse_reply_buf(req, size ? tree_blob_data(b) + off : NULL, size);
    tree_blob_put(b);
}

static void op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino, (void)fi;
    fuse_reply_err(req, ENOSYS); /* commands ran in write(): nothing is left for close */
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino, (void)fi;
    fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
    (void)ino;
    struct statvfs sv = {.f_bsize = 4096, .f_frsize = 4096, .f_namemax = NAME_MAX};
    fuse_reply_statfs(req, &sv);
}

/* ---- what the tree's shape does not allow ---- */

/* Nothing is created, removed, moved or linked from inside the mount. */
static void refuse_name(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    (void)parent, (void)name;
    fuse_reply_err(req, EPERM);
}
static void refuse_mkdir(fuse_req_t req, fuse_ino_t p, const char *n, mode_t m)
{
    (void)m;
    refuse_name(req, p, n);
}
static void refuse_mknod(fuse_req_t req, fuse_ino_t p, const char *n, mode_t m, dev_t r)
{
    (void)m, (void)r;
    refuse_name(req, p, n);
}
static void refuse_symlink(fuse_req_t req, const char *link, fuse_ino_t p, const char *n)
{
    (void)link;
    refuse_name(req, p, n);
}
static void refuse_rename(fuse_req_t req, fuse_ino_t p, const char *n, fuse_ino_t np,
                          const char *nn, unsigned int flags)
{
    (void)np, (void)nn, (void)flags;
    refuse_name(req, p, n);
}
static void refuse_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t np, const char *nn)
{
    (void)ino;
    refuse_name(req, np, nn);
}
static void refuse_create(fuse_req_t req, fuse_ino_t p, const char *n, mode_t m,
                          struct fuse_file_info *fi)
{
    (void)m, (void)fi;
    refuse_name(req, p, n);
}

static const struct fuse_lowlevel_ops ops = {
    .init = op_init,
    .lookup = op_lookup,
    .forget = op_forget,
    .forget_multi = op_forget_multi,
    .getattr = op_getattr,
    .setattr = op_setattr,
    .readlink = op_readlink,
    .open = op_open,
    .read = op_read,
    .write = glue_write,
    .flush = op_flush,
    .release = op_release,
    .opendir = glue_opendir,
    .readdir = glue_readdir,
    .readdirplus = glue_readdirplus,
    .releasedir = glue_releasedir,
    .statfs = op_statfs,
    .mkdir = refuse_mkdir,
    .mknod = refuse_mknod,
    .unlink = refuse_name,
    .rmdir = refuse_name,
    .symlink = refuse_symlink,
    .rename = refuse_rename,
    .link = refuse_link,
    .create = refuse_create,
};

/* ---- the loop (fs_fuse_loop.c) ---- */

/* Once daemonized, before the loop: a thread started before the fork would
 * not exist in the daemon (and joining it would hang the unmount). */
static int start(void *userdata)
{
    glue *g = userdata;
    trim_start();
    g->waiters = waiters_new(glue_wait_check, g->tree, g->ttl_ms);
    return g->waiters ? 0 : -ENOMEM;
}

/* After the loop, before the session goes: the API calls were aborted, so
 * the commands still running end at once and can still reply. */
static void drain(void *userdata)
{
    glue *g = userdata;
    waiters_free(g->waiters);
    g->waiters = NULL;
    jobs_free(g->jobs);
    g->jobs = NULL;
}

int fs_fuse_main(fs_cmdline *cl, fs_context *ctx)
{
    glue g = {.tree = ctx->tree, .ttl_ms = ctx->ttl_ms};
    g.ino = inodes_new();
    g.jobs = jobs_new(MAX_COMMAND_THREADS); /* starts its threads when needed */
    g.pending = pending_new();
    int status = CS_EXIT_RUNTIME;
    if (g.ino && g.jobs && g.pending)
        status = fs_fuse_serve(cl, ctx, &ops, &g, &g.se, start, drain);
    else
        log_error("out of memory");
    waiters_free(g.waiters);
    jobs_free(g.jobs);
    pending_free(g.pending);
    inodes_free(g.ino);
    return status;
}
