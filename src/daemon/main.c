/* SPDX-License-Identifier: MIT */
/* main.c - compsharefs: parse options, find the keys, prove them with one
 * API call, then mount.
 *
 *   compsharefs [options] MOUNTPOINT
 *
 * Start-up refuses to mount, with one line on stderr saying what is wrong and
 * where it looked, when there are no keys, when the API rejects them, or when
 * the endpoint cannot be reached: a mount that would only ever answer EIO is
 * worse than no mount. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
#include "tree.h"

static void usage(const char *prog)
{
    printf("usage: %s [options] MOUNTPOINT\n\n"
           "compsharefs options:\n"
           "    -o endpoint=URL        API base URL (UCLOUD_BASE_URL; default "
           "https://api.compshare.cn)\n"
           "    -o region=R            region to list (UCLOUD_REGION; default cn-wlcb)\n"
           "    -o zone=Z              zone filter (UCLOUD_ZONE; default all zones of the region)\n"
           "    -o project_id=P        project (UCLOUD_PROJECT_ID)\n"
           "    -o profile=NAME        profile in ~/.ucloud/config.json and credential.json "
           "(UCLOUD_PROFILE)\n"
           "    -o credentials=FILE    JSON file {\"public_key\": ..., \"private_key\": ...}\n"
           "    -o ca_file=FILE        CA bundle for TLS (verification is always on)\n"
           "    -o ttl=SECONDS         how old cached data may be when read (default 2)\n"
           "    -o timeout=SECONDS     per-request timeout (default 15)\n"
           "    -o max_threads=N       FUSE worker threads (default 64)\n"
           "Keys, first found wins: credentials=FILE; UCLOUD_PUBLIC_KEY + UCLOUD_PRIVATE_KEY;\n"
           "~/.ucloud/credential.json. Unmount with: fusermount3 -u MOUNTPOINT\n\n",
           prog);
}

/* Every finished API call: counted for /metrics (ctx is the metrics) and,
 * with -d, logged. The hook never sees a key or a signature. */
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
    int status = 2; /* usage errors */

    if (fs_fuse_parse(argc, argv, &cl) != 0)
        goto out;
    if (cl.show_help) {
        usage(argv[0]);
        fs_fuse_help(&cl);
        status = 0;
        goto out;
    }
    if (cl.show_version) {
        printf("compsharefs %s\nFUSE library version %s\n", COMPSHAREFS_VERSION,
               fs_fuse_version());
        status = 0;
        goto out;
    }
    if (!cl.mountpoint) {
        fprintf(stderr, "compsharefs: no mount point given (usage: compsharefs [options] "
                        "MOUNTPOINT; -h for help)\n");
        goto out;
    }

    status = 1;
    log_setup("compsharefs", false, cl.debug);
    char why[1024];
    if (config_resolve(&cl.opts, NULL, NULL, &cfg, why, sizeof why) != 0) {
        fprintf(stderr, "compsharefs: %s\n", why);
        goto out;
    }
    scrub_private_key_env();
    /* messages and logs name the endpoint without any user:password@ */
    endpoint_shown = api_endpoint_shown(cfg.endpoint);
    const char *endpoint = endpoint_shown ? endpoint_shown : "the endpoint";
    if (cfg.warning[0])
        log_warn("%s", cfg.warning);

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
    if (prove_api(c, &cfg, endpoint) != 0)
        goto out;

    fs_context ctx = {.tree = t, .client = client, .ttl_ms = cfg.ttl_ms};
    status = fs_fuse_main(&cl, &ctx);
    log_info("unmounted");

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
    return status;
}
