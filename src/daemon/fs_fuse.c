/* SPDX-License-Identifier: MIT */
/* fs_fuse.c - the FUSE glue on the low-level API. Each callback translates
 * a kernel request into a tree_* call (tree.h) and back; the behaviour lives
 * in the tree and is unit-tested there.
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
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

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
#include "inodes.h"
#include "jobs.h"
#include "log.h"
#include "pending.h"
#include "trim.h"
#include "waiters.h"

/* Commands waiting for the API at once, at most (more wait in line). */
#define MAX_COMMAND_THREADS 256

typedef struct glue {
    tree *tree;
    inodes *ino;
    jobs *jobs;
    pending *pending;
    waiters *waiters;
    struct fuse_session *se;
    long long ttl_ms; /* how often waiters look */
    bool foreground;
    _Atomic bool no_open; /* the kernel serves opens itself */
} glue;

static glue *glue_of(fuse_req_t req) { return fuse_req_userdata(req); }

static double seconds(long long ms) { return ms > 0 ? (double)ms / 1000.0 : 0.0; }

static void fill_stat(uint64_t ino, const node_attr *a, struct stat *st)
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

/* Keep a file's content as the version reads are served from. */
static void keep_version(glue *g, uint64_t ino, tree_blob *content, const node_attr *a)
{
    if (content)
        inodes_set_version(g->ino, ino, content, a, clock_mono_ms() + a->valid_ms);
}

/* The path of ino, or a reply of ESTALE (a number the kernel kept too long). */
static char *path_or_reply(fuse_req_t req, fuse_ino_t ino)
{
    char *path = inodes_path(glue_of(req)->ino, ino);
    if (!path)
        fuse_reply_err(req, ESTALE);
    return path;
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
    /* init runs once daemonized: from here on stderr is gone. */
    if (!g->foreground)
        log_to_syslog(true);
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
        e.entry_timeout = seconds(a.valid_ms);
        fuse_reply_entry(req, &e);
    } else if (rc) {
        fuse_reply_err(req, -rc);
    } else if (!(e.ino = inodes_ref(g->ino, path))) {
        fuse_reply_err(req, ENOMEM);
    } else {
        keep_version(g, e.ino, content, &a);
        fill_stat(e.ino, &a, &e.attr);
        e.attr_timeout = e.entry_timeout = seconds(a.valid_ms);
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
    fill_stat(ino, a, &st);
    fuse_reply_attr(req, &st, seconds(a->valid_ms));
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)fi;
    char *path = path_or_reply(req, ino);
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
    char *path = path_or_reply(req, ino);
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
    char *path = path_or_reply(req, ino);
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
        char *path = path_or_reply(req, ino);
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

/* ---- commands ---- */

typedef struct command_job {
    glue *g;
    fuse_req_t req;
    uint64_t id;      /* in g->pending while the writer waits */
    fuse_ino_t ino;   /* the file written */
    size_t size;
    tree_command *cmd;
} command_job;

typedef struct forget_ctx {
    struct fuse_session *se;
    uint64_t except;
    bool entries;
} forget_ctx;

/* Tell the kernel to drop what it keeps of one inode (and of its name,
 * when the names below are changing). */
static void kernel_forget(void *ctx, uint64_t ino, uint64_t parent, const char *name)
{
    forget_ctx *f = ctx;
    if (ino == f->except)
        return;
    fuse_lowlevel_notify_inval_inode(f->se, ino, 0, 0);
    if (f->entries && parent)
        fuse_lowlevel_notify_inval_entry(f->se, parent, name, strlen(name));
}

/* The kernel's copy of one path's inode (a directory's listing, a file's
 * attributes) is dropped; its entries below stay. */
static void forget_path(glue *g, const char *path)
{
    uint64_t ino = inodes_find(g->ino, path);
    if (ino)
        fuse_lowlevel_notify_inval_inode(g->se, ino, 0, 0);
}

/* What the kernel keeps of what a command changed no longer tells the
 * truth: the next read must come to us, and we fetch. The file written is
 * spared until the writer has its answer (its pages may be locked by that
 * very write). */
static void forget_changed(glue *g, const tree_effect *eff, uint64_t except)
{
    char prefix[128];
    forget_ctx f = {g->se, except, false};
    if (eff->uhost_id[0]) {
        snprintf(prefix, sizeof prefix, "/instances/%s", eff->uhost_id);
        inodes_drop_under(g->ino, prefix, kernel_forget, &f);
    }
    if (eff->image_id[0]) {
        snprintf(prefix, sizeof prefix, "/images/%s", eff->image_id);
        inodes_drop_under(g->ino, prefix, kernel_forget, &f);
        forget_path(g, "/images");
    }
    forget_ctx names = {g->se, except, true};
    if (eff->renamed || eff->fleet_changed)
        inodes_drop_under(g->ino, "/by-name", kernel_forget, &names);
    if (eff->fleet_changed) { /* instances came or went: every listing of them */
        static const char *const selectors[] = {"/by-state", "/by-gpu", "/by-zone"};
        for (size_t k = 0; k < sizeof selectors / sizeof selectors[0]; k++)
            inodes_drop_under(g->ino, selectors[k], kernel_forget, &names);
        forget_path(g, "/instances");
        forget_path(g, "/ssh_config");
    }
}

/* A terminated instance's name in instances/, dropped once its writer has
 * been answered (the name is the parent of the file written). */
static void forget_gone(glue *g, const tree_effect *eff)
{
    uint64_t dir = inodes_find(g->ino, "/instances");
    if (eff->fleet_changed && eff->uhost_id[0] && dir)
        fuse_lowlevel_notify_inval_entry(g->se, dir, eff->uhost_id, strlen(eff->uhost_id));
}

static void run_command(void *arg)
{
    command_job *j = arg;
    glue *g = j->g;
    /* interrupted while in line: nothing was sent, nothing is */
    if (pending_contains(g->pending, j->id)) {
        tree_effect eff;
        int rc = tree_command_run(g->tree, j->cmd, &eff);
        forget_changed(g, &eff, j->ino);
        if (pending_take(g->pending, j->id)) {
            if (rc)
                fuse_reply_err(j->req, -rc);
            else
                fuse_reply_write(j->req, j->size);
        }
        fuse_lowlevel_notify_inval_inode(g->se, j->ino, 0, 0);
        forget_gone(g, &eff);
    }
    tree_command_free(j->cmd);
    free(j);
}

/* The writer gave up (Ctrl-C): it gets EINTR now; a command, if sent,
 * goes on and its outcome lands in the error files; a wait ends. */
static void on_interrupt(fuse_req_t req, void *data)
{
    glue *g = glue_of(req);
    if (pending_take(g->pending, (uint64_t)(uintptr_t)data)) {
        fuse_reply_err(req, EINTR);
        waiters_poke(g->waiters);
    }
}

/* ---- wait STATE [SECONDS] ---- */

static bool wait_alive(void *arg)
{
    command_job *j = arg;
    return pending_contains(j->g->pending, j->id);
}

static void wait_done(void *arg, int rc)
{
    command_job *j = arg;
    tree_wait_done(j->g->tree, j->cmd, rc);
    if (pending_take(j->g->pending, j->id)) {
        if (rc)
            fuse_reply_err(j->req, -rc);
        else
            fuse_reply_write(j->req, j->size);
    }
    tree_command_free(j->cmd);
    free(j);
}

static int wait_check(void *ctx, const char *uhost_id, const char *state)
{
    return tree_wait_check(ctx, uhost_id, state);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
    (void)off, (void)fi;
    glue *g = glue_of(req);
    char *path = path_or_reply(req, ino);
    if (!path)
        return;
    tree_command *cmd = NULL;
    int rc = tree_command_parse(g->tree, path, buf, size, fuse_req_ctx(req)->uid, &cmd);
    free(path);
    command_job *j = rc ? NULL : calloc(1, sizeof *j);
    if (rc || !j) {
        tree_command_free(cmd);
        fuse_reply_err(req, rc ? -rc : ENOMEM);
        return;
    }
    *j = (command_job){.g = g, .req = req, .ino = ino, .size = size, .cmd = cmd,
                       .id = pending_add(g->pending)};
    if (!j->id) {
        tree_command_free(cmd);
        free(j);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    fuse_req_interrupt_func(req, on_interrupt, (void *)(uintptr_t)j->id);
    const char *uhost_id, *state;
    long seconds;
    if (tree_command_is_wait(cmd, &uhost_id, &state, &seconds))
        rc = waiters_add(g->waiters, uhost_id, state, seconds, wait_done, wait_alive, j);
    else
        rc = jobs_submit(g->jobs, run_command, j);
    if (rc != 0) {
        if (pending_take(g->pending, j->id))
            fuse_reply_err(req, rc == -ECANCELED ? ESHUTDOWN : EAGAIN);
        tree_command_free(cmd);
        free(j);
    }
}

/* ---- directories ---- */

typedef struct dir_entry {
    char *name;
    node_attr attr;
} dir_entry;

/* One listing, taken at opendir, so that reads at any offset agree. */
typedef struct dir_handle {
    char *path;
    dir_entry *e;
    size_t n, cap;
} dir_handle;

static void dir_free(dir_handle *d)
{
    for (size_t i = 0; d && i < d->n; i++)
        free(d->e[i].name);
    if (d) {
        free(d->e);
        free(d->path);
    }
    free(d);
}

static int dir_add(void *ctx, const char *name, const node_attr *attr)
{
    dir_handle *d = ctx;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        dir_entry *e = realloc(d->e, cap * sizeof *e);
        if (!e)
            return -ENOMEM;
        d->e = e;
        d->cap = cap;
    }
    if (!(d->e[d->n].name = strdup(name)))
        return -ENOMEM;
    d->e[d->n++].attr = *attr;
    return 0;
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    dir_handle *d = calloc(1, sizeof *d);
    if (!d || !(d->path = inodes_path(glue_of(req)->ino, ino))) {
        fuse_reply_err(req, d ? ESTALE : ENOMEM);
        free(d);
        return;
    }
    long long valid;
    int rc = tree_readdir(glue_of(req)->tree, d->path, dir_add, d, &valid);
    if (rc) {
        dir_free(d);
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uint64_t)(uintptr_t)d;
    fuse_reply_open(req, fi);
}

/* A directory entry's inode number when no lookup comes with it (plain
 * readdir): the one the name has, else "unknown" (never 0, which readdir(3)
 * callers take for a deleted entry). */
#define UNKNOWN_INO 0xffffffffULL

static uint64_t known_ino(glue *g, fuse_ino_t dir, const char *name)
{
    char *path = inodes_child_path(g->ino, dir, name);
    uint64_t ino = path ? inodes_find(g->ino, path) : 0;
    free(path);
    return ino ? ino : UNKNOWN_INO;
}

/* Entries from offset off: "." and ".." are 0 and 1, the listing follows. */
static void read_dir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                     struct fuse_file_info *fi, bool plus)
{
    glue *g = glue_of(req);
    dir_handle *d = (dir_handle *)(uintptr_t)fi->fh;
    char *buf = malloc(size ? size : 1);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    size_t pos = 0;
    for (size_t k = off < 0 ? 0 : (size_t)off; k < d->n + 2; k++) {
        const char *name = k == 0 ? "." : k == 1 ? ".." : d->e[k - 2].name;
        struct fuse_entry_param e = {0};
        struct stat *st = &e.attr;
        if (k < 2) {
            st->st_ino = k == 0 ? ino : UNKNOWN_INO;
            st->st_mode = S_IFDIR;
        } else {
            fill_stat(plus ? 0 : known_ino(g, ino, name), &d->e[k - 2].attr, st);
        }
        size_t need = plus ? fuse_add_direntry_plus(req, NULL, 0, name, NULL, 0)
                           : fuse_add_direntry(req, NULL, 0, name, NULL, 0);
        if (pos + need > size)
            break;
        if (plus && k >= 2) { /* a lookup the kernel will count */
            char *path = inodes_child_path(g->ino, ino, name);
            e.ino = path ? inodes_ref(g->ino, path) : 0;
            free(path);
            if (!e.ino)
                break;
            st->st_ino = e.ino;
            e.attr_timeout = e.entry_timeout = seconds(d->e[k - 2].attr.valid_ms);
        }
        pos += plus ? fuse_add_direntry_plus(req, buf + pos, size - pos, name, &e, (off_t)k + 1)
                    : fuse_add_direntry(req, buf + pos, size - pos, name, st, (off_t)k + 1);
    }
    fuse_reply_buf(req, buf, pos);
    free(buf);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
    read_dir(req, ino, size, off, fi, false);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                           struct fuse_file_info *fi)
{
    read_dir(req, ino, size, off, fi, true);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    (void)ino;
    dir_free((dir_handle *)(uintptr_t)fi->fh);
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
    .write = op_write,
    .flush = op_flush,
    .release = op_release,
    .opendir = op_opendir,
    .readdir = op_readdir,
    .readdirplus = op_readdirplus,
    .releasedir = op_releasedir,
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
    g->waiters = waiters_new(wait_check, g->tree, g->ttl_ms);
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
    glue g = {.tree = ctx->tree, .foreground = cl->foreground, .ttl_ms = ctx->ttl_ms};
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
