/* SPDX-License-Identifier: MIT */
/* config.c - resolving the settings and API keys (the rules are in config.h
 * and in the README's "Options" section).
 *
 * The UCloud CLI's files are read as it writes them: ~/.ucloud/config.json
 * (an array of profiles with settings, one "active") and
 * ~/.ucloud/credential.json (an array of profiles with keys). A file is only
 * read when the rules need it, so a broken file that is not in play never
 * prevents a mount.
 *
 * The private key passes through three kinds of buffer here: the raw bytes of
 * a key file, cJSON's copies of its strings, and fs_config's own copy. All
 * three are wiped (OPENSSL_cleanse) before they are freed, and no message
 * ever quotes a key file's contents. */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "config_keys.h"
#include "defaults.h"
#include "why.h"

#define DEFAULT_ENDPOINT "https://api.compshare.cn"
#define DEFAULT_REGION "cn-wlcb"
#define DEFAULT_PROFILE "default"
#define DEFAULT_TTL_MS 2000LL
#define MAX_SECONDS 1000000LL    /* for ttl and timeout: a typo guard, and no overflow */

static const char *real_getenv(const char *name) { return getenv(name); }

/* ---- profile and settings ---- */

static int resolve_profile(resolver *r, const config_options *opt)
{
    if (r->cfg_path[0]) {
        int rc = cfg_load_json(r, r->cfg_path, &r->cfg_root, NULL);
        if (rc != 0 && rc != -ENOENT)
            return rc;
        if (rc == 0 && (rc = cfg_check_profiles(r, r->cfg_root, r->cfg_path)) != 0)
            return rc;
    }
    bool named = true;
    if (opt->profile) {
        if (!*opt->profile)
            return why_set(r->why, r->why_len, -EINVAL, "profile= needs a profile name");
        r->profile = opt->profile;
    } else if (!(r->profile = cfg_env(r, "UCLOUD_PROFILE"))) {
        named = false;
        r->profile = r->cfg_root ? cfg_active_profile(r->cfg_root) : NULL;
        if (!r->profile)
            r->profile = DEFAULT_PROFILE;
    }
    r->prof = r->cfg_root ? cfg_find_profile(r->cfg_root, r->profile) : NULL;
    if (!named || r->prof)
        return 0;
    /* a profile asked for by name must exist somewhere: else it is a typo */
    int rc = cfg_load_cred_file(r);
    if (rc != 0)
        return rc;
    if (r->cred_root && cfg_find_profile(r->cred_root, r->profile))
        return 0;
    if (!r->cfg_path[0])
        return why_set(r->why, r->why_len, -EINVAL, "profile \"%s\" not found: no home directory",
                       r->profile);
    return why_set(r->why, r->why_len, -EINVAL, "profile \"%s\" not found in %s or %s", r->profile,
                   r->cfg_path, r->cred_path);
}

/* The first of option, environment variable, profile field that is set.
 * *from names where it came from, for error messages. */
static const char *setting(resolver *r, const char *option, const char *opt_name,
                           const char *env_name, const char *field, const char **from)
{
    const char *v;
    if (option) {
        *from = opt_name;
        return option;
    }
    if (env_name && (v = cfg_env(r, env_name))) {
        *from = env_name;
        return v;
    }
    if (r->prof && field && (v = cfg_json_str(r->prof, field))) {
        *from = r->cfg_path;
        return v;
    }
    return NULL;
}

/* Seconds as decimal text ("2", "0.5", "15.25") to milliseconds, rounded.
 * No locale, no exponent, no sign. -EINVAL when not such a number. */
static int parse_seconds(const char *s, long long *ms)
{
    long long whole = 0;
    int frac = 0, frac_digits = 0, digits = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        if ((whole = whole * 10 + (*p - '0')) > MAX_SECONDS)
            whole = MAX_SECONDS + 1; /* saturate; rejected below */
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, digits++, frac_digits++) {
            if (frac_digits < 3)
                frac = frac * 10 + (*p - '0');
            else if (frac_digits == 3 && *p >= '5')
                frac++; /* round half up at the millisecond */
        }
    if (digits == 0 || *p != '\0')
        return -EINVAL;
    for (int i = frac_digits; i < 3; i++)
        frac *= 10;
    *ms = whole * 1000 + frac;
    return 0;
}

static int resolve_duration(resolver *r, const char *name, const char *text, bool zero_ok,
                            long long *ms)
{
    if (parse_seconds(text, ms) != 0)
        return why_set(r->why, r->why_len, -EINVAL, "%s=%s: %s", name, text,
                       text[0] == '-'
                           ? (zero_ok ? "must be 0 or more seconds" : "must be more than 0 seconds")
                           : "not a number of seconds (e.g. 2 or 0.5)");
    if (*ms > MAX_SECONDS * 1000)
        return why_set(r->why, r->why_len, -EINVAL, "%s=%s: at most %lld seconds", name, text,
                       MAX_SECONDS);
    if (!zero_ok && *ms <= 0)
        return why_set(r->why, r->why_len, -EINVAL, "%s=%s: must be at least 0.001 seconds", name,
                       text);
    return 0;
}

static int profile_timeout(resolver *r, long long *ms)
{
    const cJSON *v = r->prof ? cJSON_GetObjectItemCaseSensitive(r->prof, "timeout_sec") : NULL;
    char text[64];
    if (cJSON_IsNumber(v) && v->valuedouble == 0)
        return 1; /* the CLI's zero value: not set */
    if (cJSON_IsNumber(v))
        snprintf(text, sizeof text, "%.3f", v->valuedouble);
    else if (cJSON_IsString(v) && strlen(v->valuestring) < sizeof text)
        snprintf(text, sizeof text, "%s", v->valuestring);
    else if (!v || cJSON_IsNull(v))
        return 1;
    else
        return why_set(r->why, r->why_len, -EINVAL,
                       "%s: profile \"%s\": timeout_sec must be a number of seconds", r->cfg_path,
                       r->profile);
    char name[700];
    snprintf(name, sizeof name, "%s: profile \"%s\": timeout_sec", r->cfg_path, r->profile);
    return resolve_duration(r, name, text, false, ms);
}

static bool valid_endpoint(const char *url)
{
    size_t skip = strncasecmp(url, "https://", 8) == 0 ? 8
                  : strncasecmp(url, "http://", 7) == 0 ? 7 : 0;
    if (!skip || !url[skip] || url[skip] == '/')
        return false;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

static int dup_into(char **dst, const char *v)
{
    if (!v)
        return 0;
    return (*dst = strdup(v)) ? 0 : -ENOMEM;
}

static int resolve_settings(resolver *r, const config_options *opt)
{
    fs_config *o = r->out;
    const char *from = NULL, *v;

    v = setting(r, opt->endpoint, "endpoint=", "UCLOUD_BASE_URL", "base_url", &from);
    if (!v) {
        v = DEFAULT_ENDPOINT;
    } else if (!valid_endpoint(v)) {
        char *shown = api_endpoint_shown(v); /* never its user:password@ */
        why_set(r->why, r->why_len, -EINVAL,
                "endpoint %s%s%s(from %s) must be an http:// or https:// URL", shown ? "\"" : "",
                shown ? shown : "", shown ? "\" " : "", from);
        free(shown);
        return -EINVAL;
    }
    if (dup_into(&o->endpoint, v) != 0)
        return why_set(r->why, r->why_len, -ENOMEM, "out of memory");
    for (size_t n = strlen(o->endpoint); n > 0 && o->endpoint[n - 1] == '/';)
        o->endpoint[--n] = '\0'; /* the CLI writes "https://api.ucloud.cn/" */

    v = setting(r, opt->region, "region=", "UCLOUD_REGION", "region", &from);
    if (v && !*v)
        return why_set(r->why, r->why_len, -EINVAL, "region= needs a region name, e.g. %s",
                       DEFAULT_REGION);
    /* zone and project_id: empty means none, so "-o zone=" overrides a profile */
    const char *zone = setting(r, opt->zone, "zone=", "UCLOUD_ZONE", "zone", &from);
    const char *project = setting(r, opt->project_id, "project_id=", "UCLOUD_PROJECT_ID",
                                  "project_id", &from);
    if (dup_into(&o->region, v ? v : DEFAULT_REGION) ||
        dup_into(&o->zone, zone && *zone ? zone : NULL) ||
        dup_into(&o->project_id, project && *project ? project : NULL) ||
        dup_into(&o->profile, r->profile) || dup_into(&o->ca_file, opt->ca_file))
        return why_set(r->why, r->why_len, -ENOMEM, "out of memory");

    if (opt->ca_file && access(opt->ca_file, R_OK) != 0) {
        int e = errno;
        return why_set(r->why, r->why_len, e == ENOENT ? -ENOENT : -EINVAL, "ca_file %s: %s",
                       opt->ca_file, opt->ca_file[0] ? strerror(e) : "needs a file name");
    }

    o->ttl_ms = DEFAULT_TTL_MS;
    if (opt->ttl && resolve_duration(r, "ttl", opt->ttl, true, &o->ttl_ms) != 0)
        return -EINVAL;
    long long timeout = CS_DEFAULT_TIMEOUT_MS;
    int rc = opt->timeout ? resolve_duration(r, "timeout", opt->timeout, false, &timeout)
                          : profile_timeout(r, &timeout);
    if (rc < 0)
        return rc;
    o->timeout_ms = (long)timeout;
    return 0;
}

/* ---- entry points ---- */

static void home_paths(resolver *r, const char *home)
{
    char pwbuf[4096];
    struct passwd pw, *res = NULL;
    if (!home)
        home = cfg_env(r, "HOME");
    if (!home && getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &res) == 0 && res)
        home = res->pw_dir;
    if (!home || !*home)
        return;
    snprintf(r->cfg_path, sizeof r->cfg_path, "%s/.ucloud/config.json", home);
    snprintf(r->cred_path, sizeof r->cred_path, "%s/.ucloud/credential.json", home);
}

int config_resolve(const config_options *opt, const char *home,
                   const char *(*getenv_fn)(const char *name), fs_config *out, char *why,
                   size_t why_len)
{
    static const config_options none;
    char spare[2];
    resolver r = {
        .getenv_fn = getenv_fn ? getenv_fn : real_getenv,
        .why = why && why_len ? why : spare,
        .why_len = why && why_len ? why_len : sizeof spare,
        .out = out,
    };
    r.why[0] = '\0';
    memset(out, 0, sizeof *out);
    home_paths(&r, home);

    int rc = resolve_profile(&r, opt ? opt : &none);
    if (rc == 0)
        rc = cfg_resolve_keys(&r, opt ? opt : &none);
    if (rc == 0)
        rc = resolve_settings(&r, opt ? opt : &none);
    cfg_json_wipe_delete(r.cfg_root);
    cfg_json_wipe_delete(r.cred_root);
    if (rc != 0)
        fs_config_free(out);
    return rc;
}

void fs_config_forget_private_key(fs_config *c)
{
    if (c->private_key)
        OPENSSL_cleanse(c->private_key, strlen(c->private_key));
    free(c->private_key);
    c->private_key = NULL;
}

void fs_config_free(fs_config *c)
{
    if (!c)
        return;
    fs_config_forget_private_key(c);
    free(c->public_key);
    free(c->endpoint);
    free(c->region);
    free(c->zone);
    free(c->project_id);
    free(c->profile);
    free(c->ca_file);
    memset(c, 0, sizeof *c);
}
