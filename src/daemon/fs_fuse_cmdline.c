/* SPDX-License-Identifier: MIT */
/* fs_fuse_cmdline.c - the command line, read with libfuse's own parser:
 * our -o options are taken out (fuse_opt_parse), defaults are put in front
 * of what the user gave, and libfuse's generic options (-f, -d, -s, -o
 * max_threads=N, ...) are left for fuse_parse_cmdline. */
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <fuse_opt.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_fuse.h"
#include "fs_fuse_args.h"

enum { KEY_ALLOW_OTHER };
#define OPT(name, field) {name "=%s", offsetof(config_options, field), 0}
static const struct fuse_opt option_spec[] = {
    OPT("endpoint", endpoint),   OPT("region", region),
    OPT("zone", zone),           OPT("project_id", project_id),
    OPT("profile", profile),     OPT("credentials", credentials),
    OPT("ca_file", ca_file),     OPT("ttl", ttl),
    OPT("timeout", timeout),     FUSE_OPT_KEY("allow_other", KEY_ALLOW_OTHER),
    FUSE_OPT_END,
};

static int option_seen(void *data, const char *arg, int key, struct fuse_args *outargs)
{
    (void)arg, (void)outargs;
    if (key == KEY_ALLOW_OTHER)
        ((fs_cmdline *)data)->allow_other = true;
    return 1; /* keep it for libfuse */
}

/* The FUSE command line: defaults, then what the user gave (later options
 * win). auto_unmount, always: a dead daemon must not leave "Transport endpoint
 * is not connected" behind. default_permissions with allow_other, so file
 * modes bind every user; without allow_other only the mounting user can enter
 * the mount, and the daemon enforces the modes itself (fs_fuse.c). */
static int fuse_command_line(const struct fuse_args *user, bool allow_other, struct fuse_args *out)
{
    int rc = fuse_opt_add_arg(out, user->argv[0]);
    rc |= fuse_opt_add_arg(out, "-oauto_unmount,fsname=compsharefs,subtype=compsharefs,max_threads=64");
    if (allow_other)
        rc |= fuse_opt_add_arg(out, "-odefault_permissions");
    for (int i = 1; i < user->argc; i++)
        rc |= fuse_opt_add_arg(out, user->argv[i]);
    return rc ? -ENOMEM : 0;
}

int fs_fuse_parse(int argc, char **argv, fs_cmdline *out)
{
    memset(out, 0, sizeof *out);
    fs_fuse_args *fa = calloc(1, sizeof *fa);
    if (!fa)
        return -ENOMEM;
    out->fuse = fa;
    struct fuse_args user = FUSE_ARGS_INIT(argc, argv);
    /* fuse_opt_parse puts what it keeps into user, owned from here on */
    if (fuse_opt_parse(&user, out, option_spec, option_seen) != 0) {
        fuse_opt_free_args(&user);
        return -EINVAL;
    }
    fa->args = (struct fuse_args)FUSE_ARGS_INIT(0, NULL);
    int rc = fuse_command_line(&user, out->allow_other, &fa->args);
    fuse_opt_free_args(&user);
    if (rc)
        return rc;
    if (fuse_parse_cmdline(&fa->args, &fa->cl) != 0)
        return -EINVAL;
    out->mountpoint = fa->cl.mountpoint;
    out->foreground = fa->cl.foreground;
    out->debug = fa->cl.debug;
    out->singlethread = fa->cl.singlethread;
    out->show_help = fa->cl.show_help;
    out->show_version = fa->cl.show_version;
    return 0;
}

void fs_fuse_cmdline_free(fs_cmdline *cl)
{
    const char **all[] = {&cl->opts.endpoint, &cl->opts.region,  &cl->opts.zone,
                          &cl->opts.project_id, &cl->opts.profile, &cl->opts.credentials,
                          &cl->opts.ca_file,  &cl->opts.ttl,     &cl->opts.timeout};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        free((char *)*all[i]); /* fuse_opt_parse strdup'ed them */
        *all[i] = NULL;
    }
    if (cl->fuse) {
        free(cl->fuse->cl.mountpoint);
        fuse_opt_free_args(&cl->fuse->args);
        free(cl->fuse);
    }
    cl->fuse = NULL;
    cl->mountpoint = NULL;
}

void fs_fuse_help(const fs_cmdline *cl)
{
    (void)cl;
    printf("FUSE options:\n");
    fuse_cmdline_help();
    fuse_lowlevel_help();
}

const char *fs_fuse_version(void) { return fuse_pkgversion(); }
