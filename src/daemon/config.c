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
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "defaults.h"
#include "why.h"

#define DEFAULT_ENDPOINT "https://api.compshare.cn"
#define DEFAULT_REGION "cn-wlcb"
#define DEFAULT_PROFILE "default"
#define DEFAULT_TTL_MS 2000LL
#define MAX_SECONDS 1000000LL    /* for ttl and timeout: a typo guard, and no overflow */
#define MAX_JSON_FILE (1 << 20)

/* State of one resolution. */
typedef struct resolver {
    const char *(*getenv_fn)(const char *name);
    char *why;
    size_t why_len;
    fs_config *out;
    char cfg_path[512], cred_path[512]; /* "" without a home directory */
    cJSON *cfg_root, *cred_root;        /* NULL when absent or not read */
    bool cred_loaded, cred_missing;
    mode_t cred_mode;
    const char *profile;
    cJSON *prof; /* this profile's settings in config.json, or NULL */
} resolver;

static const char *real_getenv(const char *name) { return getenv(name); }

/* Appends to a fixed buffer, truncating. */
static void appendf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strnlen(buf, len);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* An environment variable; empty counts as unset, as shells make it easy to
 * set one to nothing. */
static const char *env(const resolver *r, const char *name)
{
    const char *v = r->getenv_fn(name);
    return v && *v ? v : NULL;
}

/* ---- JSON files ---- */

/* Wipes every string in the tree: key files' values are secret. cJSON limits
 * nesting while parsing (CJSON_NESTING_LIMIT), which bounds the recursion. */
static void json_wipe(cJSON *j)
{
    for (; j; j = j->next) {
        if (j->valuestring)
            OPENSSL_cleanse(j->valuestring, strlen(j->valuestring));
        json_wipe(j->child);
    }
}

static void json_wipe_delete(cJSON *j)
{
    json_wipe(j);
    cJSON_Delete(j);
}

/* Reads and parses a JSON file. -ENOENT when it does not exist (why not
 * set); -EINVAL with why set when it cannot be read or parsed. The raw bytes
 * are wiped. *mode gets the file's permission bits. */
static int load_json(resolver *r, const char *path, cJSON **out, mode_t *mode)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return -ENOENT;
        return why_set(r->why, r->why_len, -EINVAL, "cannot read %s: %s", path, strerror(errno));
    }
    struct stat st;
    const char *bad = NULL;
    if (fstat(fd, &st) != 0)
        bad = strerror(errno);
    else if (!S_ISREG(st.st_mode)) /* a FIFO or device could block or never end */
        bad = "not a regular file";
    else if (st.st_size > MAX_JSON_FILE)
        bad = "larger than 1 MiB";
    if (bad) {
        close(fd);
        return why_set(r->why, r->why_len, -EINVAL, "cannot read %s: %s", path, bad);
    }
    if (mode)
        *mode = st.st_mode & 07777;
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return why_set(r->why, r->why_len, -ENOMEM, "out of memory reading %s", path);
    }
    for (ssize_t got; n < cap - 1 && (got = read(fd, buf + n, cap - 1 - n)) != 0;) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            close(fd);
            OPENSSL_cleanse(buf, n);
            free(buf);
            return why_set(r->why, r->why_len, -EINVAL, "cannot read %s: %s", path, strerror(e));
        }
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    const char *end = NULL;
    *out = cJSON_ParseWithLengthOpts(buf, n, &end, false);
    int line = 1;
    if (!*out)
        for (const char *p = buf; end && p < end && p < buf + n; p++)
            line += *p == '\n';
    OPENSSL_cleanse(buf, n);
    free(buf);
    if (!*out) /* the line number only: the text could be a key */
        return why_set(r->why, r->why_len, -EINVAL, "%s is not valid JSON (near line %d)", path,
                       line);
    return 0;
}

/* The "profile" entries of a CLI file: an array of objects (a lone object is
 * taken as an array of one). */
static int check_profiles(resolver *r, const cJSON *root, const char *path)
{
    if (cJSON_IsObject(root))
        return 0;
    if (!cJSON_IsArray(root))
        return why_set(r->why, r->why_len, -EINVAL, "%s: expected a JSON array of profiles", path);
    const cJSON *e;
    cJSON_ArrayForEach(e, root)
        if (!cJSON_IsObject(e))
            return why_set(r->why, r->why_len, -EINVAL, "%s: expected a JSON array of profiles",
                           path);
    return 0;
}

static const char *json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static cJSON *find_profile(cJSON *root, const char *name)
{
    if (cJSON_IsObject(root)) {
        const char *p = json_str(root, "profile");
        return p && strcmp(p, name) == 0 ? root : NULL;
    }
    cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const char *p = json_str(e, "profile");
        if (p && strcmp(p, name) == 0)
            return e;
    }
    return NULL;
}

static const char *active_profile(const cJSON *root)
{
    if (cJSON_IsObject(root))
        return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "active"))
                   ? json_str(root, "profile") : NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, root)
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "active")) && json_str(e, "profile"))
            return json_str(e, "profile");
    return NULL;
}

/* A key file in play is private: say so when group or others can get at it. */
static void check_mode(resolver *r, const char *path, mode_t mode)
{
    if (!(mode & 077))
        return;
    fs_config *o = r->out;
    appendf(o->warning, sizeof o->warning,
            "%scredentials file %s is accessible by group or others (mode %04o); "
            "run: chmod 600 %s", o->warning[0] ? "; " : "", path, (unsigned)mode, path);
}

/* Takes both keys from a JSON object; 1 when both are there, 0 otherwise. */
static int take_keys(resolver *r, const cJSON *obj)
{
    const char *pub = json_str(obj, "public_key"), *priv = json_str(obj, "private_key");
    if (!pub || !priv)
        return 0;
    r->out->public_key = strdup(pub);
    r->out->private_key = strdup(priv);
    return r->out->public_key && r->out->private_key ? 1 : -ENOMEM;
}

/* ---- the CLI's credential.json ---- */

static int load_cred_file(resolver *r)
{
    if (r->cred_loaded)
        return 0;
    r->cred_loaded = true;
    if (!r->cred_path[0]) {
        r->cred_missing = true;
        return 0;
    }
    int rc = load_json(r, r->cred_path, &r->cred_root, &r->cred_mode);
    if (rc == -ENOENT) {
        r->cred_missing = true;
        return 0;
    }
    return rc != 0 ? rc : check_profiles(r, r->cred_root, r->cred_path);
}

/* ---- keys, first found wins ---- */

static int keys_from_option(resolver *r, const char *path, bool *found)
{
    fs_config *o = r->out;
    cJSON *root = NULL;
    mode_t mode = 0;
    if (!*path)
        return why_set(r->why, r->why_len, -EINVAL, "credentials= needs a file name");
    int rc = load_json(r, path, &root, &mode);
    if (rc == -ENOENT)
        return why_set(r->why, r->why_len, -ENOENT, "credentials file %s: %s", path,
                       strerror(ENOENT));
    if (rc != 0)
        return rc;
    rc = cJSON_IsObject(root) ? take_keys(r, root) : 0;
    json_wipe_delete(root);
    if (rc < 0)
        return why_set(r->why, r->why_len, rc, "out of memory");
    if (rc == 0)
        return why_set(
            r->why, r->why_len, -EINVAL,
            "credentials file %s: expected {\"public_key\": \"...\", \"private_key\": \"...\"}",
            path);
    check_mode(r, path, mode);
    snprintf(o->key_source, sizeof o->key_source, "%s", path);
    *found = true;
    return 0;
}

static void keys_from_env(resolver *r, bool *found)
{
    fs_config *o = r->out;
    const char *pub = env(r, "UCLOUD_PUBLIC_KEY"), *priv = env(r, "UCLOUD_PRIVATE_KEY");
    const char *state = "not set";
    if (pub && priv) {
        o->public_key = strdup(pub);
        o->private_key = strdup(priv);
        snprintf(o->key_source, sizeof o->key_source, "UCLOUD_PUBLIC_KEY/UCLOUD_PRIVATE_KEY");
        *found = true;
        return;
    }
    if (pub || priv) {
        state = pub ? "UCLOUD_PRIVATE_KEY not set" : "UCLOUD_PUBLIC_KEY not set";
        appendf(o->warning, sizeof o->warning, "%s%s is set without %s, so it is ignored",
                o->warning[0] ? "; " : "", pub ? "UCLOUD_PUBLIC_KEY" : "UCLOUD_PRIVATE_KEY",
                pub ? "UCLOUD_PRIVATE_KEY" : "UCLOUD_PUBLIC_KEY");
    }
    appendf(o->looked, sizeof o->looked, ", UCLOUD_PUBLIC_KEY/UCLOUD_PRIVATE_KEY (%s)", state);
}

static int keys_from_cli(resolver *r, bool *found)
{
    fs_config *o = r->out;
    int rc = load_cred_file(r);
    if (rc != 0)
        return rc;
    if (!r->cred_path[0]) {
        appendf(o->looked, sizeof o->looked, ", ~/.ucloud/credential.json (no home directory)");
        return 0;
    }
    if (r->cred_missing) {
        appendf(o->looked, sizeof o->looked, ", %s (no such file)", r->cred_path);
        return 0;
    }
    cJSON *entry = find_profile(r->cred_root, r->profile);
    if (!entry) {
        appendf(o->looked, sizeof o->looked, ", %s (no profile \"%s\")", r->cred_path,
                r->profile);
        return 0;
    }
    if ((rc = take_keys(r, entry)) < 0)
        return why_set(r->why, r->why_len, rc, "out of memory");
    if (rc == 0)
        return why_set(r->why, r->why_len, -EINVAL,
                       "%s: profile \"%s\" needs \"public_key\" and \"private_key\"", r->cred_path,
                       r->profile);
    check_mode(r, r->cred_path, r->cred_mode);
    appendf(o->key_source, sizeof o->key_source, "%s (profile \"%s\")", r->cred_path,
            r->profile);
    *found = true;
    return 0;
}

static int resolve_keys(resolver *r, const config_options *opt)
{
    fs_config *o = r->out;
    bool found = false;
    int rc;
    if (opt->credentials) {
        if ((rc = keys_from_option(r, opt->credentials, &found)) != 0)
            return rc;
    } else {
        appendf(o->looked, sizeof o->looked, "credentials= option (not given)");
    }
    if (!found)
        keys_from_env(r, &found);
    if (!found && (rc = keys_from_cli(r, &found)) != 0)
        return rc;
    if (!found)
        return why_set(r->why, r->why_len, -ENOENT, "no API keys found (looked in: %s)", o->looked);
    if (!o->public_key || !o->private_key)
        return why_set(r->why, r->why_len, -ENOMEM, "out of memory");
    return 0;
}

/* ---- profile and settings ---- */

static int resolve_profile(resolver *r, const config_options *opt)
{
    if (r->cfg_path[0]) {
        int rc = load_json(r, r->cfg_path, &r->cfg_root, NULL);
        if (rc != 0 && rc != -ENOENT)
            return rc;
        if (rc == 0 && (rc = check_profiles(r, r->cfg_root, r->cfg_path)) != 0)
            return rc;
    }
    bool named = true;
    if (opt->profile) {
        if (!*opt->profile)
            return why_set(r->why, r->why_len, -EINVAL, "profile= needs a profile name");
        r->profile = opt->profile;
    } else if (!(r->profile = env(r, "UCLOUD_PROFILE"))) {
        named = false;
        r->profile = r->cfg_root ? active_profile(r->cfg_root) : NULL;
        if (!r->profile)
            r->profile = DEFAULT_PROFILE;
    }
    r->prof = r->cfg_root ? find_profile(r->cfg_root, r->profile) : NULL;
    if (!named || r->prof)
        return 0;
    /* a profile asked for by name must exist somewhere: else it is a typo */
    int rc = load_cred_file(r);
    if (rc != 0)
        return rc;
    if (r->cred_root && find_profile(r->cred_root, r->profile))
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
    if (env_name && (v = env(r, env_name))) {
        *from = env_name;
        return v;
    }
    if (r->prof && field && (v = json_str(r->prof, field))) {
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
        home = env(r, "HOME");
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
        rc = resolve_keys(&r, opt ? opt : &none);
    if (rc == 0)
        rc = resolve_settings(&r, opt ? opt : &none);
    json_wipe_delete(r.cfg_root);
    json_wipe_delete(r.cred_root);
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
