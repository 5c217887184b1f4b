/* SPDX-License-Identifier: MIT */
/* api.c - the CompShare API client: its construction (endpoint, keys,
 * limits), the private key's locked memory, and errors made before anything
 * is sent. A call itself (signing, the retry loop) is in api_call.c; the
 * actions are in api_actions.c (state-changing) and api_pages.c (reading,
 * with paging). */
#include "api.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "api_client_state.h"
#include "api_internal.h"
#include "defaults.h"
#include "utf8.h"

const char *api_client_region(const api_client *c) { return c->region; }
const char *api_client_zone(const api_client *c) { return c->zone; }

int api_client_zone_once(api_client *c, api_zone_fetch fetch, char *out, size_t len, api_error *err)
{
    /* The fetch runs under the lock: concurrent first callers wait for one request. */
    pthread_mutex_lock(&c->zone_lock);
    int rc = 0;
    if (!c->remembered_zone[0]) {
        rc = fetch(c, c->remembered_zone, sizeof c->remembered_zone, err);
        if (rc)
            c->remembered_zone[0] = '\0'; /* nothing wrong is remembered */
    }
    snprintf(out, len, "%s", c->remembered_zone);
    pthread_mutex_unlock(&c->zone_lock);
    return rc;
}

/* ---- the private key ---- */

/* The key gets pages of its own: locked so that it is never swapped out,
 * excluded from core dumps, and wiped before it is given back. */
static char *secret_dup(const char *s, size_t *alloc_len)
{
    size_t n = strlen(s) + 1;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    size_t len = (n + (size_t)page - 1) / (size_t)page * (size_t)page;
    void *p = NULL;
    if (posix_memalign(&p, (size_t)page, len))
        return NULL;
    (void)mlock(p, len); /* best effort: RLIMIT_MEMLOCK may forbid it */
    (void)madvise(p, len, MADV_DONTDUMP);
    memcpy(p, s, n);
    *alloc_len = len;
    return p;
}

static void secret_free(char *p, size_t len)
{
    if (!p)
        return;
    OPENSSL_cleanse(p, len);
    (void)munlock(p, len);
    (void)madvise(p, len, MADV_DODUMP);
    free(p);
}

/* ---- construction ---- */

/* url as shown in messages and logs (see api.h); *http tells whether its
 * scheme is http or https. */
static char *show_url(const char *url, bool *http)
{
    *http = false;
    CURLU *u = curl_url();
    if (!u)
        return NULL;
    char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *shown = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0]) {
        curl_url_get(u, CURLUPART_PORT, &port, 0);
        curl_url_get(u, CURLUPART_PATH, &path, 0);
        bool bare = !path || strcmp(path, "/") == 0;
        if (asprintf(&shown, "%s://%s%s%s%s", scheme, host, port ? ":" : "", port ? port : "",
                     bare ? "" : path) < 0)
            shown = NULL;
        *http = strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return shown;
}

char *api_endpoint_shown(const char *url)
{
    bool http;
    return url ? show_url(url, &http) : NULL;
}

/* Check the endpoint is an http(s) URL with a host, and make the form shown
 * in messages (without any user:password@). */
static int parse_endpoint(const char *url, char **shown)
{
    bool http;
    *shown = show_url(url, &http);
    if (*shown && http)
        return 0;
    free(*shown);
    *shown = NULL;
    return -EINVAL;
}

api_client *api_new(const api_config *cfg, int *err)
{
    int dummy;
    if (!err)
        err = &dummy;
    *err = -EINVAL;
    if (!cfg || !cfg->endpoint || !cfg->public_key || !cfg->public_key[0] ||
        !cfg->private_key || !cfg->private_key[0])
        return NULL;
    api_client *c = calloc(1, sizeof *c);
    if (!c) {
        *err = -ENOMEM;
        return NULL;
    }
    pthread_mutex_init(&c->zone_lock, NULL);
    int rc = parse_endpoint(cfg->endpoint, &c->endpoint_shown);
    if (rc) {
        *err = rc;
        api_free(c);
        return NULL;
    }
    c->endpoint = strdup(cfg->endpoint);
    c->public_key = strdup(cfg->public_key);
    c->private_key = secret_dup(cfg->private_key, &c->private_key_alloc);
    c->region = strdup(cfg->region ? cfg->region : "");
    c->zone = strdup(cfg->zone ? cfg->zone : "");
    c->project_id = strdup(cfg->project_id ? cfg->project_id : "");
    if (!c->endpoint || !c->public_key || !c->private_key || !c->region || !c->zone ||
        !c->project_id) {
        *err = -ENOMEM;
        api_free(c);
        return NULL;
    }
    c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : CS_DEFAULT_TIMEOUT_MS;
    c->connect_timeout_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms
                            : c->timeout_ms < 5000      ? c->timeout_ms
                                                        : 5000;
    if (c->connect_timeout_ms > c->timeout_ms)
        c->connect_timeout_ms = c->timeout_ms;
    c->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 4;
    c->budget_ms = cfg->retry_budget_ms > 0 ? cfg->retry_budget_ms : 2 * c->timeout_ms;
    c->max_body = cfg->max_body > 0 ? cfg->max_body : CS_DEFAULT_MAX_BODY;
    c->on_call = cfg->on_call;
    c->hook_ctx = cfg->hook_ctx;
    snprintf(c->user_agent, sizeof c->user_agent, "compsharefs/%s", COMPSHAREFS_VERSION);
    if (cfg->transport) {
        c->ops = cfg->transport;
        c->ops_ctx = cfg->transport_ctx;
    } else {
        c->own_curl = transport_curl_new(cfg->ca_file);
        if (!c->own_curl) {
            *err = -ENOMEM;
            api_free(c);
            return NULL;
        }
        c->ops = &transport_curl_ops;
        c->ops_ctx = c->own_curl;
    }
    *err = 0;
    return c;
}

void api_abort(api_client *c)
{
    if (c)
        atomic_store(&c->aborted, true);
}

void api_free(api_client *c)
{
    if (!c)
        return;
    transport_curl_free(c->own_curl);
    secret_free(c->private_key, c->private_key_alloc);
    free(c->endpoint);
    free(c->endpoint_shown);
    free(c->public_key);
    free(c->region);
    free(c->zone);
    free(c->project_id);
    pthread_mutex_destroy(&c->zone_lock);
    free(c);
}

/* ---- errors ---- */

int api_local_error(api_error *err, const char *action, int errnum, const char *fmt, ...)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->err = errnum;
        snprintf(err->action, sizeof err->action, "%s", action ? action : "");
        char raw[sizeof err->message];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(raw, sizeof raw, fmt, ap);
        va_end(ap);
        utf8_clean_line(err->message, sizeof err->message, raw);
    }
    return errnum;
}

int api_required(const char *value, const char *what, const char *action, api_error *err)
{
    if (value && value[0])
        return 0;
    return api_local_error(err, action, -EINVAL, "%s: no %s given", action, what);
}

int api_params_done(params *p, int rc, const char *action, api_error *err)
{
    if (!rc)
        return 0;
    params_free(p);
    return api_local_error(err, action, rc, "%s: out of memory", action);
}
