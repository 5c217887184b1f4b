/* SPDX-License-Identifier: MIT */
/* test_config.c - where settings and keys come from: every precedence rule,
 * the UCloud CLI's profiles, broken files, permission warnings, number
 * checks, and that no message ever shows a private key. Each test runs with
 * a fresh temporary home directory and its own fake environment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "assert_text.h"
#include "config.h"

#define SECRET_ENV "envPRIVATEsecret0001"
#define SECRET_FILE "filePRIVATEsecret0002"
#define SECRET_CLI "cliPRIVATEsecret0003"
#define SECRET_OTHER "otherPRIVATEsecret0004"

/* ---- fake environment and home ---- */

static struct { const char *name, *value; } ENV[16];
static char HOME[256];
static char path_buf[512];

static const char *fake_getenv(const char *name)
{
    for (size_t i = 0; i < sizeof ENV / sizeof *ENV && ENV[i].name; i++)
        if (strcmp(ENV[i].name, name) == 0)
            return ENV[i].value;
    return NULL;
}

static void setenv_fake(const char *name, const char *value)
{
    size_t i = 0;
    while (ENV[i].name && strcmp(ENV[i].name, name) != 0)
        i++;
    assert_true(i < sizeof ENV / sizeof *ENV - 1);
    ENV[i].name = name;
    ENV[i].value = value;
}

static const char *in_home(const char *rel)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", HOME, rel);
    return path_buf;
}

static void write_file(const char *rel, const char *text, mode_t mode)
{
    const char *path = in_home(rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void remove_tree(void)
{
    static const char *const files[] = {".ucloud/config.json", ".ucloud/credential.json",
                                        "keys.json", "ca.pem"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        unlink(in_home(files[i]));
    rmdir(in_home(".ucloud"));
    rmdir(HOME);
}

static int setup(void **state)
{
    memset(ENV, 0, sizeof ENV);
    snprintf(HOME, sizeof HOME, "/tmp/compsharefs-config-XXXXXX");
    assert_non_null(mkdtemp(HOME));
    assert_int_equal(mkdir(in_home(".ucloud"), 0700), 0);
    return 0;
}

static int teardown(void **state)
{
    remove_tree();
    return 0;
}

/* Resolves with the fake environment and home; why is always filled. */
static int resolve(const config_options *opt, fs_config *cfg, char *why, size_t len)
{
    return config_resolve(opt, HOME, fake_getenv, cfg, why, len);
}

/* Resolves, which must succeed (a failure shows why). */
static void resolve_ok(const config_options *opt, fs_config *cfg)
{
    char why[512];
    int rc = resolve(opt, cfg, why, sizeof why);
    if (rc != 0)
        fail_msg("config_resolve: %d: %s", rc, why);
}

static void set_env_keys(void)
{
    setenv_fake("UCLOUD_PUBLIC_KEY", "env-public");
    setenv_fake("UCLOUD_PRIVATE_KEY", SECRET_ENV);
}

static const char *CLI_CREDS =
    "[{\"profile\": \"default\", \"public_key\": \"cli-public\", \"private_key\": \"" SECRET_CLI
    "\"},\n {\"profile\": \"work\", \"public_key\": \"work-public\", \"private_key\": \"" SECRET_OTHER
    "\"}]\n";

static const char *CLI_CONFIG =
    "[{\"profile\": \"default\", \"active\": false, \"region\": \"cn-sh2\", \"zone\": \"cn-sh2-02\","
    " \"project_id\": \"org-default\", \"base_url\": \"https://api.ucloud.cn/\", \"timeout_sec\": 15},"
    " {\"profile\": \"work\", \"active\": true, \"region\": \"cn-bj2\", \"zone\": \"cn-bj2-04\","
    " \"project_id\": \"org-work\", \"base_url\": \"http://127.0.0.1:9\", \"timeout_sec\": 30}]";

/* The UCloud CLI's two files: profiles "default" and "work" (the active one). */
static void write_cli_profiles(void)
{
    write_file(".ucloud/config.json", CLI_CONFIG, 0644);
    write_file(".ucloud/credential.json", CLI_CREDS, 0600);
}

static void assert_no_secret(const char *text)
{
    assert_null(strstr(text, SECRET_ENV));
    assert_null(strstr(text, SECRET_FILE));
    assert_null(strstr(text, SECRET_CLI));
    assert_null(strstr(text, SECRET_OTHER));
    assert_null(strstr(text, "PRIVATEsecret"));
}

/* Where a mount talks to: endpoint, region, zone and project, which the defaults, a
 * profile, the environment and the options each may give; NULL: unset. */
static void assert_where(const fs_config *cfg, const char *endpoint, const char *region,
                         const char *zone, const char *project_id)
{
    const char *const got[] = {cfg->endpoint, cfg->region, cfg->zone, cfg->project_id};
    const char *const want[] = {endpoint, region, zone, project_id};
    static const char *const field[] = {"endpoint", "region", "zone", "project_id"};
    for (size_t i = 0; i < 4; i++)
        if (!text_is(got[i], want[i]))
            fail_msg("%s is %s, expected %s", field[i], got[i] ? got[i] : "unset",
                     want[i] ? want[i] : "unset");
}

/* ---- defaults and precedence ---- */

static void test_defaults(void **state)
{
    set_env_keys();
    fs_config cfg;
    resolve_ok(&(config_options){0}, &cfg);
    assert_where(&cfg, "https://api.compshare.cn", "cn-wlcb", NULL, NULL);
    assert_null(cfg.ca_file);
    assert_string_equal(cfg.profile, "default");
    assert_int_equal(cfg.ttl_ms, 2000);
    assert_int_equal(cfg.timeout_ms, 15000);
    assert_string_equal(cfg.public_key, "env-public");
    assert_string_equal(cfg.private_key, SECRET_ENV);
    assert_string_equal(cfg.key_source, "UCLOUD_PUBLIC_KEY/UCLOUD_PRIVATE_KEY");
    assert_string_equal(cfg.warning, "");
    fs_config_free(&cfg);
    assert_null(cfg.private_key);
    fs_config_free(&cfg); /* twice is harmless */
}

static void test_key_precedence(void **state)
{
    write_file("keys.json",
               "{\"public_key\": \"file-public\", \"private_key\": \"" SECRET_FILE "\"}", 0600);
    write_file(".ucloud/credential.json", CLI_CREDS, 0600);
    set_env_keys();
    char keys[512];
    snprintf(keys, sizeof keys, "%s", in_home("keys.json"));
    fs_config cfg;

    resolve_ok(&(config_options){.credentials = keys}, &cfg);
    assert_string_equal(cfg.public_key, "file-public"); /* option beats environment */
    assert_string_equal(cfg.private_key, SECRET_FILE);
    assert_string_equal(cfg.key_source, keys);
    fs_config_free(&cfg);

    resolve_ok(&(config_options){0}, &cfg);
    assert_string_equal(cfg.public_key, "env-public"); /* environment beats CLI file */
    fs_config_free(&cfg);

    memset(ENV, 0, sizeof ENV);
    resolve_ok(&(config_options){0}, &cfg);
    assert_string_equal(cfg.public_key, "cli-public");
    assert_string_equal(cfg.private_key, SECRET_CLI);
    assert_non_null(strstr(cfg.key_source, "credential.json"));
    assert_non_null(strstr(cfg.key_source, "default"));
    fs_config_free(&cfg);
}

static void test_setting_precedence(void **state)
{
    write_cli_profiles();
    fs_config cfg;

    /* the active profile ("work") */
    resolve_ok(&(config_options){0}, &cfg);
    assert_string_equal(cfg.profile, "work");
    assert_where(&cfg, "http://127.0.0.1:9", "cn-bj2", "cn-bj2-04", "org-work");
    assert_int_equal(cfg.timeout_ms, 30000);
    fs_config_free(&cfg);

    /* environment beats the profile */
    setenv_fake("UCLOUD_BASE_URL", "http://10.0.0.1:8080");
    setenv_fake("UCLOUD_REGION", "cn-gd");
    setenv_fake("UCLOUD_ZONE", "cn-gd-01");
    setenv_fake("UCLOUD_PROJECT_ID", "org-env");
    resolve_ok(&(config_options){0}, &cfg);
    assert_where(&cfg, "http://10.0.0.1:8080", "cn-gd", "cn-gd-01", "org-env");
    fs_config_free(&cfg);

    /* options beat the environment; "zone=" means all zones */
    config_options opt = {.endpoint = "https://example.test", .region = "cn-wlcb", .zone = "",
                          .project_id = "org-opt", .timeout = "5"};
    resolve_ok(&opt, &cfg);
    assert_where(&cfg, "https://example.test", "cn-wlcb", NULL, "org-opt");
    assert_int_equal(cfg.timeout_ms, 5000);
    fs_config_free(&cfg);
}

/* ---- profiles ---- */

static void test_profile_explicit_and_env(void **state)
{
    write_cli_profiles();
    fs_config cfg;

    setenv_fake("UCLOUD_PROFILE", "default"); /* env beats the active one */
    resolve_ok(&(config_options){0}, &cfg);
    assert_string_equal(cfg.profile, "default");
    assert_string_equal(cfg.public_key, "cli-public");
    assert_string_equal(cfg.region, "cn-sh2");
    assert_string_equal(cfg.endpoint, "https://api.ucloud.cn"); /* CLI's trailing '/' dropped */
    fs_config_free(&cfg);

    resolve_ok(&(config_options){.profile = "work"}, &cfg);
    assert_string_equal(cfg.profile, "work"); /* option beats env */
    assert_string_equal(cfg.public_key, "work-public");
    assert_string_equal(cfg.private_key, SECRET_OTHER);
    fs_config_free(&cfg);
}

static void test_profile_default_fallback(void **state)
{
    /* no profile is active: "default" */
    write_file(".ucloud/config.json",
               "[{\"profile\": \"other\", \"region\": \"cn-x\"},"
               " {\"profile\": \"default\", \"region\": \"cn-def\"}]", 0644);
    write_file(".ucloud/credential.json", CLI_CREDS, 0600);
    fs_config cfg;
    resolve_ok(&(config_options){0}, &cfg);
    assert_string_equal(cfg.profile, "default");
    assert_string_equal(cfg.region, "cn-def");
    assert_string_equal(cfg.public_key, "cli-public");
    fs_config_free(&cfg);

    /* no config.json at all: still "default", settings from defaults */
    unlink(in_home(".ucloud/config.json"));
    resolve_ok(&(config_options){0}, &cfg);
    assert_string_equal(cfg.profile, "default");
    assert_string_equal(cfg.region, "cn-wlcb");
    fs_config_free(&cfg);
}

static void test_profile_missing(void **state)
{
    write_cli_profiles();
    set_env_keys();
    fs_config cfg;
    char why[512];
    assert_int_equal(resolve(&(config_options){.profile = "nope"}, &cfg, why, sizeof why),
                     -EINVAL);
    assert_non_null(strstr(why, "\"nope\""));
    assert_non_null(strstr(why, "config.json"));
    assert_no_secret(why);
    assert_null(cfg.private_key); /* nothing left to free on failure */

    setenv_fake("UCLOUD_PROFILE", "gone");
    assert_int_equal(resolve(&(config_options){0}, &cfg, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "\"gone\""));
}

/* ---- broken files ---- */

static void test_malformed_files(void **state)
{
    fs_config cfg;
    char why[512], keys[512];
    snprintf(keys, sizeof keys, "%s", in_home("keys.json"));

    write_file("keys.json", "{\"public_key\": \"p\",\n \"private_key\": \"" SECRET_FILE "\"", 0600);
    assert_int_equal(resolve(&(config_options){.credentials = keys}, &cfg, why, sizeof why),
                     -EINVAL);
    assert_non_null(strstr(why, keys));
    assert_no_secret(why);

    write_file("keys.json", "{\"public_key\": \"p\"}", 0600); /* no private key */
    assert_int_equal(resolve(&(config_options){.credentials = keys}, &cfg, why, sizeof why),
                     -EINVAL);
    assert_non_null(strstr(why, keys));
    assert_non_null(strstr(why, "private_key"));

    write_file(".ucloud/credential.json", "[{\"profile\": \"default\", \"private_key\": \"" SECRET_CLI
               "\", ", 0600);
    assert_int_equal(resolve(&(config_options){0}, &cfg, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "credential.json"));
    assert_no_secret(why);

    write_file(".ucloud/credential.json", "\"just a string\"", 0600);
    assert_int_equal(resolve(&(config_options){0}, &cfg, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "credential.json"));

    write_file(".ucloud/credential.json", CLI_CREDS, 0600);
    write_file(".ucloud/config.json", "[{\"profile\": ", 0644);
    assert_int_equal(resolve(&(config_options){0}, &cfg, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "config.json"));

    write_file(".ucloud/config.json", "[{\"profile\": \"default\", \"timeout_sec\": \"soon\"}]",
               0644);
    assert_int_equal(resolve(&(config_options){0}, &cfg, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "timeout_sec"));
}

static void test_credentials_option_missing_file(void **state)
{
    set_env_keys(); /* a named file that is missing is an error, not a fall-through */
    fs_config cfg;
    char why[512];
    assert_int_equal(
        resolve(&(config_options){.credentials = "/nonexistent/keys.json"}, &cfg, why, sizeof why),
        -ENOENT);
    assert_non_null(strstr(why, "/nonexistent/keys.json"));
    assert_no_secret(why);
}

static void test_permission_warning(void **state)
{
    fs_config cfg;
    char keys[512];
    snprintf(keys, sizeof keys, "%s", in_home("keys.json"));
    write_file("keys.json",
               "{\"public_key\": \"file-public\", \"private_key\": \"" SECRET_FILE "\"}", 0644);
    resolve_ok(&(config_options){.credentials = keys}, &cfg);
    assert_non_null(strstr(cfg.warning, keys));
    assert_no_secret(cfg.warning);
    fs_config_free(&cfg);

    assert_int_equal(chmod(keys, 0600), 0);
    resolve_ok(&(config_options){.credentials = keys}, &cfg);
    assert_string_equal(cfg.warning, "");
    fs_config_free(&cfg);

    /* the CLI's file too, also when an explicit profile made it read early */
    write_file(".ucloud/credential.json", CLI_CREDS, 0640);
    resolve_ok(&(config_options){.profile = "work"}, &cfg);
    assert_non_null(strstr(cfg.warning, "credential.json"));
    fs_config_free(&cfg);
}

/* ---- no keys ---- */

static void test_no_keys_message(void **state)
{
    fs_config cfg;
    char why[1024], expect[1024];
    assert_int_equal(resolve(&(config_options){0}, &cfg, why, sizeof why), -ENOENT);
    snprintf(expect, sizeof expect,
             "no API keys found (looked in: credentials= option (not given), "
             "UCLOUD_PUBLIC_KEY/UCLOUD_PRIVATE_KEY (not set), %s/.ucloud/credential.json "
             "(no such file))", HOME);
    assert_string_equal(why, expect);

    /* half the environment pair, and a CLI file without this profile */
    setenv_fake("UCLOUD_PRIVATE_KEY", SECRET_ENV);
    write_file(".ucloud/credential.json",
               "[{\"profile\": \"elsewhere\", \"public_key\": \"x\", \"private_key\": \""
               SECRET_OTHER "\"}]", 0600);
    assert_int_equal(resolve(&(config_options){0}, &cfg, why, sizeof why), -ENOENT);
    assert_non_null(strstr(why, "UCLOUD_PUBLIC_KEY not set"));
    assert_non_null(strstr(why, "no profile \"default\""));
    assert_no_secret(why);
}

static void test_half_env_pair_warns(void **state)
{
    write_file(".ucloud/credential.json", CLI_CREDS, 0600);
    setenv_fake("UCLOUD_PUBLIC_KEY", "env-public");
    fs_config cfg;
    resolve_ok(&(config_options){0}, &cfg);
    assert_string_equal(cfg.public_key, "cli-public");
    assert_non_null(strstr(cfg.warning, "UCLOUD_PRIVATE_KEY"));
    fs_config_free(&cfg);
}

/* ---- numbers and URLs ---- */

static int resolve_ttl_timeout(const char *ttl, const char *timeout, fs_config *cfg, char *why)
{
    set_env_keys();
    return resolve(&(config_options){.ttl = ttl, .timeout = timeout}, cfg, why, 512);
}

static void test_numbers(void **state)
{
    static const struct { const char *text; long long ms; } ttl_ok[] = {
        {"0.5", 500}, {"0", 0}, {"2", 2000}, {"10.25", 10250}, {"1.0005", 1001}, {".5", 500},
        {"3.", 3000}, {"0.0004", 0},
    };
    static const char *const bad[] = {"-1", "abc", "", "1e3", "1.2.3", " 2", "2s", "+1",
                                      "nan", "inf", "99999999999", "0x10"};
    fs_config cfg;
    char why[512];
    for (size_t i = 0; i < sizeof ttl_ok / sizeof *ttl_ok; i++) {
        assert_int_equal(resolve_ttl_timeout(ttl_ok[i].text, NULL, &cfg, why), 0);
        assert_int_equal(cfg.ttl_ms, ttl_ok[i].ms);
        fs_config_free(&cfg);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(resolve_ttl_timeout(bad[i], NULL, &cfg, why), -EINVAL);
        assert_non_null(strstr(why, "ttl"));
        assert_int_equal(resolve_ttl_timeout(NULL, bad[i], &cfg, why), -EINVAL);
        assert_non_null(strstr(why, "timeout"));
    }
    assert_int_equal(resolve_ttl_timeout(NULL, "0", &cfg, why), -EINVAL); /* timeout > 0 */
    assert_int_equal(resolve_ttl_timeout(NULL, "0.0001", &cfg, why), -EINVAL);
    assert_int_equal(resolve_ttl_timeout("-0.5", NULL, &cfg, why), -EINVAL);
    assert_non_null(strstr(why, "0 or more"));
    assert_int_equal(resolve_ttl_timeout(NULL, "2.5", &cfg, why), 0);
    assert_int_equal(cfg.timeout_ms, 2500);
    fs_config_free(&cfg);
}

static void test_endpoint_validation(void **state)
{
    set_env_keys();
    fs_config cfg;
    char why[512];
    static const char *const bad[] = {"ftp://x", "api.compshare.cn", "http://", "https:///x",
                                      "http://a b", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(resolve(&(config_options){.endpoint = bad[i]}, &cfg, why, sizeof why),
                         -EINVAL);
        assert_non_null(strstr(why, "endpoint"));
    }
    /* a refused endpoint is named without its user:password@ */
    assert_int_equal(resolve(&(config_options){.endpoint = "ftp://someone:pw-secret@host.test/x"},
                             &cfg, why, sizeof why),
                     -EINVAL);
    assert_non_null(strstr(why, "\"ftp://host.test/x\""));
    assert_null(strstr(why, "pw-secret"));
    assert_null(strstr(why, "someone"));
    assert_int_equal(
        resolve(&(config_options){.endpoint = "HTTP://127.0.0.1:8080/"}, &cfg, why, sizeof why), 0);
    assert_string_equal(cfg.endpoint, "HTTP://127.0.0.1:8080");
    fs_config_free(&cfg);

    setenv_fake("UCLOUD_BASE_URL", "gopher://old");
    assert_int_equal(resolve(&(config_options){0}, &cfg, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "UCLOUD_BASE_URL"));
}

static void test_ca_file(void **state)
{
    set_env_keys();
    fs_config cfg;
    char why[512], ca[512];
    assert_int_equal(
        resolve(&(config_options){.ca_file = "/nonexistent/ca.pem"}, &cfg, why, sizeof why),
        -ENOENT);
    assert_non_null(strstr(why, "/nonexistent/ca.pem"));
    write_file("ca.pem", "-----BEGIN CERTIFICATE-----\n", 0644);
    snprintf(ca, sizeof ca, "%s", in_home("ca.pem"));
    assert_int_equal(resolve(&(config_options){.ca_file = ca}, &cfg, why, sizeof why), 0);
    assert_string_equal(cfg.ca_file, ca);
    fs_config_free(&cfg);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_key_precedence),
        T(test_setting_precedence),
        T(test_profile_explicit_and_env),
        T(test_profile_default_fallback),
        T(test_profile_missing),
        T(test_malformed_files),
        T(test_credentials_option_missing_file),
        T(test_permission_warning),
        T(test_no_keys_message),
        T(test_half_env_pair_warns),
        T(test_numbers),
        T(test_endpoint_validation),
        T(test_ca_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
