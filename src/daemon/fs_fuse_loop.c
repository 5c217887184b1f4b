/* SPDX-License-Identifier: MIT */
/* fs_fuse_loop.c - the session's life: make it, mount, daemonize, serve,
 * and end cleanly on SIGTERM, SIGINT or SIGHUP.
 *
 * The signals are taken by a thread of their own (sigwait), never by a
 * handler in whatever thread they land in: that thread aborts the API calls
 * in flight (so that no FUSE worker stays stuck in one, and the loop can end
 * within a second), marks the session exited, and wakes the thread running
 * the loop with SIGUSR2, whose handler does nothing but interrupt its wait.
 * libfuse reports a loop ended by a signal as an error; it is a clean exit
 * here (status 0), as service managers expect. The exit statuses are those
 * of options.h; "unmounted" is logged only when something was mounted. */
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "fs_fuse.h"
#include "fs_fuse_args.h"
#include "log.h"
#include "options.h"

typedef struct stopper {
    struct fuse_session *se;
    api_client *client;
    pthread_t loop_thread;
    sigset_t stops;
    _Atomic int signal; /* the one that ended the loop, 0 while none */
} stopper;

static void wake(int sig) { (void)sig; } /* only interrupts the loop's wait */

static void *wait_for_stop(void *arg)
{
    stopper *s = arg;
    int sig = 0;
    if (sigwait(&s->stops, &sig) != 0)
        return NULL;
    atomic_store(&s->signal, sig);
    api_abort(s->client);
    fuse_session_exit(s->se);
    pthread_kill(s->loop_thread, SIGUSR2);
    return NULL;
}

/* SIGTERM, SIGINT, SIGHUP blocked in every thread from here on (threads
 * inherit the mask), taken by the stopper's own thread. */
static int start_stopper(stopper *s, pthread_t *th)
{
    sigemptyset(&s->stops);
    sigaddset(&s->stops, SIGTERM);
    sigaddset(&s->stops, SIGINT);
    sigaddset(&s->stops, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &s->stops, NULL) != 0)
        return -1;
    struct sigaction sa = {.sa_handler = wake}; /* no SA_RESTART: waits end with EINTR */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR2, &sa, NULL) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    s->loop_thread = pthread_self();
    return pthread_create(th, NULL, wait_for_stop, s) == 0 ? 0 : -1;
}

/* The stopper's thread ends after its signal; when none came, one is sent. */
static void stop_stopper(stopper *s, pthread_t th)
{
    if (atomic_load(&s->signal) == 0)
        pthread_kill(th, SIGTERM);
    pthread_join(th, NULL);
}

/* auto_unmount after a kill -9 or a crash. fusermount3 (3.14, and libfuse's
 * master too) waits for EOF on the socket libfuse keeps open in this process
 * and then unmounts only when opening the mountpoint fails with ENOTCONN,
 * i.e. when the connection is already gone. But when a process dies, its
 * descriptors are closed in ascending order and the files released in the
 * reverse order (task_work is LIFO), with reschedule points between them;
 * libfuse's socket (socketpair before the fd of /dev/fuse arrives, then the
 * lower end closed, so the device gets the lower number) is released first.
 * Under load fusermount3 then runs its check while the connection is still
 * alive: its open() sends OPENDIR, the release of /dev/fuse aborts it with
 * ECONNABORTED, and fusermount3 exits without unmounting, leaving a dead
 * mount ("Transport endpoint is not connected").
 *
 * A duplicate of the device's descriptor above every descriptor open now,
 * that socket's included, makes the device's last reference the one closed
 * last and so released first: the connection is gone before fusermount3
 * hears of the death. Closed again before our own unmount (fs_fuse_serve),
 * so that libfuse's closing of the device still ends the connection. */
/* The highest descriptor open now (-1 when /proc cannot tell); with
 * cloexec, every descriptor above stderr is marked close-on-exec on the way. */
static int scan_fds(bool cloexec)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int top = -1, skip = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long n = strtol(e->d_name, &end, 10);
        if (*end != '\0' || end == e->d_name || n < 0 || n >= INT_MAX || n == skip)
            continue;
        top = (int)n > top ? (int)n : top;
        if (cloexec && n > 2)
            fcntl((int)n, F_SETFD, fcntl((int)n, F_GETFD) | FD_CLOEXEC);
    }
    closedir(d);
    return top;
}

static int dup_fd_above_all(int fd)
{
    int top = scan_fds(false);
    if (top < fd)
        top = fd + 64; /* no /proc: far enough above what start-up opened */
    return fcntl(fd, F_DUPFD_CLOEXEC, top + 1);
}

static int run_loop(struct fuse_session *se, const fs_fuse_args *fa)
{
    if (fa->cl.singlethread)
        return fuse_session_loop(se);
    struct fuse_loop_config *loop = fuse_loop_cfg_create();
    if (!loop)
        return -ENOMEM;
    fuse_loop_cfg_set_clone_fd(loop, (unsigned)fa->cl.clone_fd);
    if (fa->cl.max_idle_threads != UINT_MAX) /* UINT_MAX = not given; 3.14 warns on it */
        fuse_loop_cfg_set_idle_threads(loop, fa->cl.max_idle_threads);
    fuse_loop_cfg_set_max_threads(loop, fa->cl.max_threads);
    int res = fuse_session_loop_mt(se, loop);
    fuse_loop_cfg_destroy(loop);
    return res;
}

int fs_fuse_serve(struct fs_cmdline *cl, struct fs_context *ctx,
                  const struct fuse_lowlevel_ops *ops, void *userdata, struct fuse_session **se,
                  int (*start)(void *userdata), void (*drain)(void *userdata))
{
    fs_fuse_args *fa = cl->fuse;
    *se = fuse_session_new(&fa->args, ops, sizeof *ops, userdata);
    if (!*se)
        return CS_EXIT_RUNTIME; /* libfuse said why; options.c passes it no bad option */
    int status = CS_EXIT_OK;
    stopper s = {.se = *se, .client = ctx->client};
    pthread_t th;
    int dev_last = -1;
    /* fusermount3 outlives a mount's start (it waits to auto-unmount): it must
     * not inherit the API client's connection, the log or the keys' file. */
    scan_fds(true);
    if (fuse_session_mount(*se, cl->mountpoint) != 0) { /* libfuse or fusermount3 said why */
        fprintf(stderr, "compsharefs: could not mount on %s\n", cl->mountpoint);
        status = CS_EXIT_MOUNT;
        goto out_destroy;
    }
    dev_last = dup_fd_above_all(fuse_session_fd(*se));
    if (dev_last < 0)
        log_warn("cannot duplicate the FUSE device (%s): after a kill -9 the mount may stay",
                 strerror(errno));
    if (fuse_daemonize(cl->foreground) != 0) {
        log_error("cannot start serving: %s", strerror(errno));
        status = CS_EXIT_RUNTIME;
        goto out_unmount;
    }
    if (!cl->foreground) /* stderr is gone from here on, even for the next line */
        log_to_syslog(true);
    if (start(userdata) != 0) { /* threads: after the fork */
        log_error("cannot start serving: %s", strerror(errno));
        status = CS_EXIT_RUNTIME;
        goto out_unmount;
    }
    if (start_stopper(&s, &th) != 0) {
        log_error("cannot handle signals: %s", strerror(errno));
        status = CS_EXIT_RUNTIME;
        goto out_unmount;
    }
    int res = run_loop(*se, fa);
    api_abort(ctx->client); /* unmounted from outside: the same */
    if (res != 0 && !(res < 0 && atomic_load(&s.signal)) && res != atomic_load(&s.signal)) {
        log_error("the FUSE loop failed (%d)", res);
        status = CS_EXIT_RUNTIME;
    }
    drain(userdata);
    stop_stopper(&s, th);
out_unmount:
    if (dev_last >= 0)
        close(dev_last);
    fuse_session_unmount(*se);
    log_info("unmounted %s", cl->mountpoint);
out_destroy:
    fuse_session_destroy(*se);
    *se = NULL;
    return status;
}
