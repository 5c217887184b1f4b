/* SPDX-License-Identifier: MIT */
/* options.h - compsharefs's command line as rules, without FUSE types: which
 * -o options are its own, which go on to libfuse and the kernel, which
 * mount(8) and systemd add and are ignored, which are refused and why; the
 * SOURCE argument; the checks of the mount point; --help; the exit statuses.
 * fs_fuse_cmdline.c feeds it what libfuse's option parser splits, so that
 * every option is judged before any API call. */
#ifndef COMPSHAREFS_OPTIONS_H
#define COMPSHAREFS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* Exit statuses: --help, compsharefs(1) and the README list them. */
enum {
    CS_EXIT_OK = 0,      /* unmounted cleanly (or stopped by a signal); help; version */
    CS_EXIT_API = 1,     /* the API could not be used at start-up: may work later */
    CS_EXIT_USAGE = 2,   /* bad command line or configuration: nothing sent, nothing mounted */
    CS_EXIT_KEYS = 3,    /* the API rejected the keys */
    CS_EXIT_MOUNT = 4,   /* mounting failed */
    CS_EXIT_RUNTIME = 5, /* failed while mounted, or out of memory */
};

typedef struct cmd_options {
    config_options cfg;    /* own settings for config_resolve; malloc'd, NULL when not given */
    const char *log_level; /* checked: error, warn, info or debug */
    const char *log_file;
    const char *source;     /* SOURCE, or NULL */
    const char *mountpoint; /* MOUNTPOINT as given */
    bool help, version;
} cmd_options;

/* What to do with an argument options_take accepted. */
enum { OPT_TAKEN = 0, OPT_FOR_FUSE = 1 };

/* One option as libfuse's parser splits them: a flag ("-f") or one element
 * of an -o list ("ttl=5", "allow_other"). OPT_TAKEN (kept in o, or ignored),
 * OPT_FOR_FUSE (pass it on to libfuse), or -1 with a one-line reason. */
int options_take(cmd_options *o, const char *arg, char *why, size_t why_len);
/* A non-option argument: [SOURCE] MOUNTPOINT. 0, or -1 with a reason. */
int options_argument(cmd_options *o, const char *arg, char *why, size_t why_len);
/* After the last argument: the mount point exists and can be mounted on,
 * and SOURCE agrees with -o profile (SOURCE "compshare", "-" or "" means
 * the default profile; any other names one). 0, or -1 with a reason. */
int options_finish(cmd_options *o, char *why, size_t why_len);
/* What mount(8) and df show as the mount's source: SOURCE, else "compsharefs". */
const char *options_fsname(const cmd_options *o);
void options_usage(FILE *out);
void options_free(cmd_options *o);

/* Overwrites the user:password@ of every endpoint= in argv with 'x', so
 * that ps and /proc/PID/cmdline stop showing it once parsed. */
void options_hide_secrets(int argc, char **argv);

#endif
