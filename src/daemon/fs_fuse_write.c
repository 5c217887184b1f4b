/* SPDX-License-Identifier: MIT */
/* fs_fuse_write.c - writes: every write is a command (tree_command_parse),
 * run on the jobs pool or, for `wait STATE`, by the one waiters thread; the
 * write's reply comes from there, so no FUSE worker is held while the API
 * answers or a state is awaited. Before the reply, the kernel forgets what it
 * had of what the command changed (fuse_lowlevel_notify_inval_*, from the
 * jobs threads only, never from a handler and with no lock held). */
#include "fs_fuse_glue.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- wait STATE [SECONDS]: answered by the waiters thread ---- */

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

int glue_wait_check(void *ctx, const char *uhost_id, const char *state)
{
    return tree_wait_check(ctx, uhost_id, state);
}

void glue_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                struct fuse_file_info *fi)
{
    (void)off, (void)fi;
    glue *g = glue_of(req);
    char *path = glue_path_or_reply(req, ino);
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
