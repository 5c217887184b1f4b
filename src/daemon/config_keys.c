/* SPDX-License-Identifier: MIT */
/* config_keys.c - the UCloud CLI's JSON files, read as it writes them, and
 * where the API keys come from (first found wins: the credentials= file, the
 * environment, the CLI's credential.json). Every buffer that held a key is
 * wiped before it is freed (see config.c). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_keys.h"
#include "why.h"

#define MAX_JSON_FILE (1 << 20)

void cfg_appendf(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strnlen(buf, len);
    if (used + 1 >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

const char *cfg_env(const resolver *r, const char *name)
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

void cfg_json_wipe_delete(cJSON *j)
{
    json_wipe(j);
    cJSON_Delete(j);
}

/* Reads and parses a JSON file. -ENOENT when it does not exist (why not
 * set); -EINVAL with why set when it cannot be read or parsed. The raw bytes
 * are wiped. *mode gets the file's permission bits. */
int cfg_load_json(resolver *r, const char *path, cJSON **out, mode_t *mode)
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
int cfg_check_profiles(resolver *r, const cJSON *root, const char *path)
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

const char *cfg_json_str(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

cJSON *cfg_find_profile(cJSON *root, const char *name)
{
    if (cJSON_IsObject(root)) {
        const char *p = cfg_json_str(root, "profile");
        return p && strcmp(p, name) == 0 ? root : NULL;
    }
    cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const char *p = cfg_json_str(e, "profile");
        if (p && strcmp(p, name) == 0)
            return e;
    }
    return NULL;
}

const char *cfg_active_profile(const cJSON *root)
{
    if (cJSON_IsObject(root))
        return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "active"))
                   ? cfg_json_str(root, "profile") : NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, root)
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "active")) &&
            cfg_json_str(e, "profile"))
            return cfg_json_str(e, "profile");
    return NULL;
}

/* A key file in play is private: say so when group or others can get at it. */
static void check_mode(resolver *r, const char *path, mode_t mode)
{
    if (!(mode & 077))
        return;
    fs_config *o = r->out;
    cfg_appendf(o->warning, sizeof o->warning,
                "%scredentials file %s is accessible by group or others (mode %04o); "
                "run: chmod 600 %s", o->warning[0] ? "; " : "", path, (unsigned)mode, path);
}

/* Takes both keys from a JSON object; 1 when both are there, 0 otherwise. */
static int take_keys(resolver *r, const cJSON *obj)
{
    const char *pub = cfg_json_str(obj, "public_key"), *priv = cfg_json_str(obj, "private_key");
    if (!pub || !priv)
        return 0;
    r->out->public_key = strdup(pub);
    r->out->private_key = strdup(priv);
    return r->out->public_key && r->out->private_key ? 1 : -ENOMEM;
}

/* ---- the CLI's credential.json ---- */

int cfg_load_cred_file(resolver *r)
{
    if (r->cred_loaded)
        return 0;
    r->cred_loaded = true;
    if (!r->cred_path[0]) {
        r->cred_missing = true;
        return 0;
    }
    int rc = cfg_load_json(r, r->cred_path, &r->cred_root, &r->cred_mode);
    if (rc == -ENOENT) {
        r->cred_missing = true;
        return 0;
    }
    return rc != 0 ? rc : cfg_check_profiles(r, r->cred_root, r->cred_path);
}

/* ---- keys, first found wins ---- */

static int keys_from_option(resolver *r, const char *path, bool *found)
{
    fs_config *o = r->out;
    cJSON *root = NULL;
    mode_t mode = 0;
    if (!*path)
        return why_set(r->why, r->why_len, -EINVAL, "credentials= needs a file name");
    int rc = cfg_load_json(r, path, &root, &mode);
    if (rc == -ENOENT)
        return why_set(r->why, r->why_len, -ENOENT, "credentials file %s: %s", path,
                       strerror(ENOENT));
    if (rc != 0)
        return rc;
    rc = cJSON_IsObject(root) ? take_keys(r, root) : 0;
    cfg_json_wipe_delete(root);
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
    const char *pub = cfg_env(r, "UCLOUD_PUBLIC_KEY"), *priv = cfg_env(r, "UCLOUD_PRIVATE_KEY");
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
        cfg_appendf(o->warning, sizeof o->warning, "%s%s is set without %s, so it is ignored",
                    o->warning[0] ? "; " : "", pub ? "UCLOUD_PUBLIC_KEY" : "UCLOUD_PRIVATE_KEY",
                    pub ? "UCLOUD_PRIVATE_KEY" : "UCLOUD_PUBLIC_KEY");
    }
    cfg_appendf(o->looked, sizeof o->looked, ", UCLOUD_PUBLIC_KEY/UCLOUD_PRIVATE_KEY (%s)", state);
}

static int keys_from_cli(resolver *r, bool *found)
{
    fs_config *o = r->out;
    int rc = cfg_load_cred_file(r);
    if (rc != 0)
        return rc;
    if (!r->cred_path[0]) {
        cfg_appendf(o->looked, sizeof o->looked, ", ~/.ucloud/credential.json (no home directory)");
        return 0;
    }
    if (r->cred_missing) {
        cfg_appendf(o->looked, sizeof o->looked, ", %s (no such file)", r->cred_path);
        return 0;
    }
    cJSON *entry = cfg_find_profile(r->cred_root, r->profile);
    if (!entry) {
        cfg_appendf(o->looked, sizeof o->looked, ", %s (no profile \"%s\")", r->cred_path,
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
    cfg_appendf(o->key_source, sizeof o->key_source, "%s (profile \"%s\")", r->cred_path,
                r->profile);
    *found = true;
    return 0;
}

int cfg_resolve_keys(resolver *r, const config_options *opt)
{
    fs_config *o = r->out;
    bool found = false;
    int rc;
    if (opt->credentials) {
        if ((rc = keys_from_option(r, opt->credentials, &found)) != 0)
            return rc;
    } else {
        cfg_appendf(o->looked, sizeof o->looked, "credentials= option (not given)");
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
