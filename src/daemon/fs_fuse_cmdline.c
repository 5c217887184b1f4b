/* SPDX-License-Identifier: MIT */
/* fs_fuse_cmdline.c - the command line, split by libfuse's own parser
 * (fuse_opt_parse: -o lists, escapes, "--") and judged option by option by
 * options.c, before anything else happens. What libfuse is to see is then
 * put together: our defaults, the options passed on, the mount point; and
 * fuse_parse_cmdline reads -f, -d, -s and the thread options from it. */
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <fuse_opt.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_fuse.h"
#include "fs_fuse_args.h"

/* Every argument fuse_opt_parse splits out; -1 stops it (after one line). */
static int judge(void *data, const char *arg, int key, struct fuse_args *outargs)
{
    (void)outargs;
    char why[600];
    int rc = key == FUSE_OPT_KEY_NONOPT ? options_argument(data, arg, why, sizeof why)
                                        : options_take(data, arg, why, sizeof why);
    if (rc < 0) {
        fprintf(stderr, "compsharefs: %s\n", why);
        return -1;
    }
    return rc == OPT_FOR_FUSE; /* 1: keep it for libfuse */
}

/* The FUSE command line: defaults, then what the user gave (later options
 * win), then the mount point. auto_unmount, always: a dead daemon must not
 * leave "Transport endpoint is not connected" behind. default_permissions,
 * always: the kernel then holds every user, the mounting one included, to the
 * file modes without a round trip (the 0200 password file cannot be opened for
 * reading, which the daemon alone could not refuse: the kernel asks nothing to
 * read an empty file); the daemon still refuses what the modes forbid to root,
 * whom the kernel lets past them (fs_fuse.c). fsname: SOURCE, as sshfs shows user@host:, so that mount(8)
 * finds an fstab line's mount by its source. */
static int fuse_command_line(const struct fuse_args *user, const cmd_options *o,
                             struct fuse_args *out)
{
    char *fsname = NULL, *escaped = NULL;
    int rc = fuse_opt_add_arg(out, user->argv[0]);
    rc |= fuse_opt_add_arg(out, "-oauto_unmount,subtype=compsharefs,max_threads=64");
    if (asprintf(&fsname, "fsname=%s", options_fsname(o)) < 0)
        fsname = NULL;
    rc |= !fsname || fuse_opt_add_opt_escaped(&escaped, fsname); /* a ',' in SOURCE */
    rc |= rc || fuse_opt_add_arg(out, "-o") || fuse_opt_add_arg(out, escaped);
    free(fsname);
    free(escaped);
    rc |= fuse_opt_add_arg(out, "-odefault_permissions");
    for (int i = 1; i < user->argc; i++)
        rc |= fuse_opt_add_arg(out, user->argv[i]);
    rc |= fuse_opt_add_arg(out, "--");
    rc |= fuse_opt_add_arg(out, o->mountpoint);
    return rc ? -ENOMEM : 0;
}

int fs_fuse_parse(int argc, char **argv, fs_cmdline *out)
{
    memset(out, 0, sizeof *out);
    fs_fuse_args *fa = calloc(1, sizeof *fa);
    if (!fa)
        return -ENOMEM;
    out->fuse = fa;
    fa->args = (struct fuse_args)FUSE_ARGS_INIT(0, NULL);
    struct fuse_args user = FUSE_ARGS_INIT(argc, argv);
    /* fuse_opt_parse puts what judge kept into user, owned from here on */
    int rc = fuse_opt_parse(&user, &out->opts, NULL, judge) != 0 ? -EINVAL : 0;
    char why[600];
    if (rc == 0 && !out->opts.help && !out->opts.version &&
        options_finish(&out->opts, why, sizeof why) != 0) {
        fprintf(stderr, "compsharefs: %s\n", why);
        rc = -EINVAL;
    }
    if (rc || out->opts.help || out->opts.version) {
        fuse_opt_free_args(&user);
        return rc;
    }
    rc = fuse_command_line(&user, &out->opts, &fa->args);
    fuse_opt_free_args(&user);
    if (rc)
        return rc;
    if (fuse_parse_cmdline(&fa->args, &fa->cl) != 0)
        return -EINVAL; /* libfuse said why; options.c let nothing through it refuses */
    out->mountpoint = fa->cl.mountpoint;
    out->foreground = fa->cl.foreground;
    out->debug = fa->cl.debug;
    return 0;
}

void fs_fuse_cmdline_free(fs_cmdline *cl)
{
    options_free(&cl->opts);
    if (cl->fuse) {
        free(cl->fuse->cl.mountpoint);
        fuse_opt_free_args(&cl->fuse->args);
        free(cl->fuse);
    }
    cl->fuse = NULL;
    cl->mountpoint = NULL;
}

const char *fs_fuse_version(void) { return fuse_pkgversion(); }
