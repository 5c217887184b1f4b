/* SPDX-License-Identifier: MIT */
/* main.c - compsharefs: check the command line, find the keys, prove them
 * with one API call, then mount.
 *
 *   compsharefs [options] [SOURCE] MOUNTPOINT
 *
 * Every option, the mount point and the configuration are checked before
 * any API call: a bad one is one line on stderr and exit status 2. Then
 * start-up refuses to mount, with one line saying what is wrong and where it
 * looked, when the API rejects the keys (3) or cannot be used (1): a mount
 * that would only ever answer EIO is worse than no mount. The exit statuses
 * are options.h's. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "api.h"
#include "cache.h"
#include "config.h"
#include "control.h"
#include "errlog.h"
#include "errmap.h"
#include "fs_fuse.h"
#include "log.h"
#include "metrics.h"
#include "options.h"
#include "tree.h"

/* Every finished API call: counted for /metrics (ctx is the metrics) and,
 * at log_level=debug (or -d), logged. The hook never sees a key or a signature. */
static void on_api_call(void *ctx, const char *action, int errnum, int retcode, int attempts,
                        double seconds)
{
    metrics_api_hook(ctx, action, errnum, retcode, attempts, seconds);
    log_debug("api %s: %s (RetCode %d, %d attempt%s, %.3f s)", action,
              errnum ? errmap_name(-errnum) : "ok", retcode, attempts, attempts == 1 ? "" : "s",
              seconds);
}

/* The private key was copied into fs_config: wipe it from the environment
 * block too, so /proc/PID/environ no longer shows it. */
static void scrub_private_key_env(void)
{
    char *v = getenv("UCLOUD_PRIVATE_KEY");
    if (v) {
        OPENSSL_cleanse(v, strlen(v));
        unsetenv("UCLOUD_PRIVATE_KEY");
    }
}

/* One API call proves endpoint and keys, and fills the cache while at it.
 * endpoint is the form shown (no user:password@). */
static int prove_api(cache *c, const fs_config *cfg, const char *endpoint)
{
    inst_snap *snap = NULL;
    api_error err = {0};
    int rc = cache_get_instances(c, &snap, &err);
    if (rc == 0) {
        log_info("%s: %zu instance%s in %s (keys from %s)", endpoint, snap->list.n,
                 snap->list.n == 1 ? "" : "s", cfg->region, cfg->key_source);
        inst_snap_put(snap);
        return 0;
    }
    if (rc == -EACCES)
        fprintf(stderr, "compsharefs: the API at %s rejected the keys from %s: %s (RetCode %d)\n",
                endpoint, cfg->key_source, err.message, err.retcode);
    else
        fprintf(stderr, "compsharefs: cannot use the API at %s: %s: %s\n", endpoint,
                errmap_name(rc), err.message);
    return rc;
}

/* Logging as the options say; before any API call, so that a log file that
 * cannot be opened is a usage error. 0, or -1 after one line on stderr. */
static int setup_logging(const fs_cmdline *cl)
{
    log_setup("compsharefs", cl->debug);
    log_level level;
    if (cl->opts.log_level && log_level_parse(cl->opts.log_level, &level) == 0)
        log_set_level(level); /* -d keeps the FUSE trace whatever the level */
    const char *file = cl->opts.log_file;
    int rc = file ? log_to_file(file) : 0;
    if (rc != 0) {
        fprintf(stderr, "compsharefs: -o log_file=%s: %s\n", file, strerror(-rc));
        return -1;
    }
    if (!cl->foreground && !file && access("/dev/log", W_OK) != 0)
        log_warn("no syslog here (/dev/log): once in the background, the log is lost; "
                 "use -f or -o log_file=FILE");
    return 0;
}

int main(int argc, char **argv)
{
    fs_cmdline cl;
    fs_config cfg = {0};
    api_client *client = NULL;
    cache *c = NULL;
    control *ctl = NULL;
    errlog *elog = NULL;
    tree *t = NULL;
    metrics *call_metrics = NULL;
    char *endpoint_shown = NULL;
    int status = CS_EXIT_USAGE;

    int parsed = fs_fuse_parse(argc, argv, &cl);
    options_hide_secrets(argc, argv); /* parsed: ps need not show them any more */
    if (parsed != 0)
        goto out;
    if (cl.opts.help || cl.opts.version) {
        if (cl.opts.help)
            options_usage(stdout);
        else
            printf("compsharefs %s\nFUSE library version %s\n", COMPSHAREFS_VERSION,
                   fs_fuse_version());
        status = CS_EXIT_OK;
        goto out;
    }
    if (setup_logging(&cl) != 0)
        goto out;
    char why[1024];
    int rc = config_resolve(&cl.opts.cfg, NULL, NULL, &cfg, why, sizeof why);
    if (rc != 0) {
        fprintf(stderr, "compsharefs: %s\n", why);
        status = rc == -ENOMEM ? CS_EXIT_RUNTIME : CS_EXIT_USAGE;
        goto out;
    }
    scrub_private_key_env();
    /* messages and logs name the endpoint without any user:password@ */
    endpoint_shown = api_endpoint_shown(cfg.endpoint);
    const char *endpoint = endpoint_shown ? endpoint_shown : "the endpoint";
    if (cfg.warning[0])
        log_warn("%s", cfg.warning);

    status = CS_EXIT_RUNTIME;
    call_metrics = metrics_new();
    api_config acfg = {
        .endpoint = cfg.endpoint, .public_key = cfg.public_key, .private_key = cfg.private_key,
        .region = cfg.region, .zone = cfg.zone, .project_id = cfg.project_id,
        .ca_file = cfg.ca_file, .timeout_ms = cfg.timeout_ms,
        .on_call = on_api_call, .hook_ctx = call_metrics,
    };
    int err = 0;
    client = api_new(&acfg, &err);
    fs_config_forget_private_key(&cfg); /* the client has its own, undumpable copy */
    acfg.private_key = NULL;
    if (!client) {
        fprintf(stderr, "compsharefs: cannot use endpoint %s: %s\n", endpoint, strerror(-err));
        status = err == -EINVAL ? CS_EXIT_USAGE : CS_EXIT_RUNTIME;
        goto out;
    }
    cache_source src = cache_source_api(client);
    c = cache_new(&src, cfg.ttl_ms);
    ctl = control_new_api(client);
    elog = errlog_new();
    t = tree_new(c, ctl, elog, call_metrics);
    if (!c || !ctl || !elog || !t || !call_metrics) {
        fprintf(stderr, "compsharefs: out of memory\n");
        goto out;
    }
    tree_set_default_zone(t, cfg.zone);
    rc = prove_api(c, &cfg, endpoint);
    if (rc != 0) {
        status = rc == -EACCES ? CS_EXIT_KEYS : CS_EXIT_API;
        goto out;
    }

    fs_context ctx = {.tree = t, .client = client, .ttl_ms = cfg.ttl_ms};
    status = fs_fuse_main(&cl, &ctx);

out:
    tree_free(t);
    errlog_free(elog);
    control_free(ctl);
    cache_free(c);
    api_free(client);
    metrics_free(call_metrics);
    fs_config_free(&cfg);
    fs_fuse_cmdline_free(&cl);
    free(endpoint_shown);
    log_close();
    return status;
}
