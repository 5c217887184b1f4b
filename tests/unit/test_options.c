/* SPDX-License-Identifier: MIT */
/* test_options.c - the command line's rules (options.h): own options kept,
 * FUSE ones passed on, mount(8)'s and systemd's ignored, the ones that would
 * break the contract refused with a reason, unknown ones named; SOURCE and
 * the mount point; --help listing each option once; the endpoint's
 * user:password@ kept out of messages and argv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "options.h"

static cmd_options O;
static char why[600];

static int teardown(void **state)
{
    options_free(&O);
    memset(&O, 0, sizeof O);
    why[0] = '\0';
    return 0;
}

static int take(const char *arg) { return options_take(&O, arg, why, sizeof why); }

/* arg is refused: -1, and the one-line reason holds each of the words. */
static void refused(const char *arg, const char *word1, const char *word2)
{
    why[0] = '\0';
    assert_int_equal(take(arg), -1);
    assert_null(strchr(why, '\n'));
    if (!strstr(why, word1) || (word2 && !strstr(why, word2)))
        fail_msg("%s: [%s] lacks [%s] or [%s]", arg, why, word1, word2 ? word2 : "");
}

static void own_options_are_kept(void **state)
{
    assert_int_equal(take("endpoint=http://127.0.0.1:9"), OPT_TAKEN);
    assert_int_equal(take("ttl=5"), OPT_TAKEN);
    assert_int_equal(take("ttl=0.5"), OPT_TAKEN); /* given twice: the last wins */
    assert_int_equal(take("zone="), OPT_TAKEN);   /* empty: config.c's "none" */
    assert_int_equal(take("log_level=debug"), OPT_TAKEN);
    assert_int_equal(take("log_file=/tmp/x.log"), OPT_TAKEN);
    assert_string_equal(O.cfg.endpoint, "http://127.0.0.1:9");
    assert_string_equal(O.cfg.ttl, "0.5");
    assert_string_equal(O.cfg.zone, "");
    assert_string_equal(O.log_level, "debug");
    assert_string_equal(O.log_file, "/tmp/x.log");
    assert_null(O.cfg.region);
}

static void fuse_options_are_passed_on(void **state)
{
    /* clang-format off */
    const char *pass[] = {"-f", "-d", "debug", "-s", "ro", "rw", "dev", "suid", "noatime",
                          "max_threads=8", "max_idle_threads=0", "clone_fd", "fsname=x"};
    /* clang-format on */
    for (size_t i = 0; i < sizeof pass / sizeof *pass; i++)
        if (take(pass[i]) != OPT_FOR_FUSE)
            fail_msg("%s: not passed on (%s)", pass[i], why);
    assert_int_equal(take("allow_other"), OPT_FOR_FUSE);
    assert_int_equal(take("allow_root"), OPT_FOR_FUSE);
}

static void mount_and_systemd_options_are_ignored(void **state)
{
    /* clang-format off */
    const char *ignored[] = {"_netdev", "nofail", "noauto", "auto", "users", "defaults",
                             "x-systemd.automount", "x-systemd.requires=network-online.target",
                             "comment=fleet", "auto_unmount", "default_permissions", "nonempty",
                             ""};
    /* clang-format on */
    for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++)
        if (take(ignored[i]) != OPT_TAKEN)
            fail_msg("%s: not ignored (%s)", ignored[i], why);
    assert_false(O.help || O.version);
    assert_int_equal(take("--help"), OPT_TAKEN);
    assert_int_equal(take("-V"), OPT_TAKEN);
    assert_true(O.help && O.version);
}

static void contract_breakers_are_refused_with_a_reason(void **state)
{
    refused("umask=0002", "umask", "read-only");
    refused("uid=1000", "uid", "allow_other");
    refused("kernel_cache", "kernel_cache", "ttl");
    refused("direct_io", "direct_io", "ttl");
    refused("attr_timeout=60", "attr_timeout", "ttl");
    refused("modules=subdir", "modules", "subdir");
    refused("subdir=/x", "subdir", NULL);
    refused("subtype=other", "fuse.compsharefs", NULL);
}

static void bad_options_are_named(void **state)
{
    refused("nosuch", "unknown option -o nosuch", NULL);
    refused("nosuch=1", "unknown option -o nosuch", NULL);
    refused("-x", "unknown option -x", NULL);
    refused("endpoint", "endpoint needs a value", "endpoint=URL");
    refused("allow_other=1", "allow_other takes no value", NULL);
    refused("log_level=loud", "log_level=loud", "debug");
    refused("log_file=", "log_file", "value");
    refused("max_threads=0", "max_threads=0", NULL);
    refused("max_threads=abc", "max_threads=abc", NULL);
    refused("max_threads=100001", "max_threads", NULL);
}

static void source_and_mountpoint(void **state)
{
    assert_int_equal(options_finish(&O, why, sizeof why), -1);
    assert_non_null(strstr(why, "no mount point"));
    assert_string_equal(options_fsname(&O), "compsharefs");

    assert_int_equal(options_argument(&O, "/tmp", why, sizeof why), 0);
    assert_null(O.source);
    assert_int_equal(options_finish(&O, why, sizeof why), 0);
    assert_null(O.cfg.profile);

    assert_int_equal(options_argument(&O, "/", why, sizeof why), 0);
    assert_string_equal(O.source, "/tmp");
    assert_string_equal(O.mountpoint, "/");
    assert_int_equal(options_argument(&O, "/x", why, sizeof why), -1);
    assert_non_null(strstr(why, "unexpected argument /x"));
}

/* SOURCE sets the profile, unless it is "compshare" or "-". */
static const char *profile_of(const char *source, const char *profile_opt, int *rc)
{
    teardown(NULL);
    if (profile_opt)
        O.cfg.profile = strdup(profile_opt);
    options_argument(&O, source, why, sizeof why);
    options_argument(&O, "/tmp", why, sizeof why);
    *rc = options_finish(&O, why, sizeof why);
    return O.cfg.profile;
}

static void source_names_the_profile(void **state)
{
    int rc;
    assert_null(profile_of("compshare", NULL, &rc));
    assert_int_equal(rc, 0);
    assert_string_equal(options_fsname(&O), "compshare");
    assert_null(profile_of("-", NULL, &rc));
    assert_string_equal(profile_of("work", NULL, &rc), "work");
    assert_int_equal(rc, 0);
    assert_string_equal(options_fsname(&O), "work");
    assert_string_equal(profile_of("compshare", "work", &rc), "work");
    assert_int_equal(rc, 0);
    assert_string_equal(profile_of("work", "work", &rc), "work");
    assert_int_equal(rc, 0);
    profile_of("work", "play", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(why, "SOURCE work and -o profile=play"));
}

static void mountpoint_is_checked(void **state)
{
    char file[] = "/tmp/compsharefs-options-XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    options_argument(&O, file, why, sizeof why);
    assert_int_equal(options_finish(&O, why, sizeof why), -1);
    assert_non_null(strstr(why, "not a directory"));
    unlink(file);
    teardown(NULL);
    options_argument(&O, "/nonexistent/compsharefs", why, sizeof why);
    assert_int_equal(options_finish(&O, why, sizeof why), -1);
    assert_non_null(strstr(why, "No such file or directory"));

    /* mount.fuse3 -o drop_privileges mounts itself and passes /dev/fd/N */
    teardown(NULL);
    options_argument(&O, "/dev/fd/987", why, sizeof why);
    assert_int_equal(options_finish(&O, why, sizeof why), -1);
    assert_non_null(strstr(why, "not an open /dev/fuse"));
    teardown(NULL);
    char path[32];
    fd = open("/dev/null", O_RDWR); /* a character device, as /dev/fuse is */
    snprintf(path, sizeof path, "/dev/fd/%d", fd);
    options_argument(&O, path, why, sizeof why);
    assert_int_equal(options_finish(&O, why, sizeof why), 0);
    close(fd);
}

static size_t count(const char *text, const char *word)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, word)) != NULL; p += strlen(word))
        n++;
    return n;
}

static void help_lists_each_option_once(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    options_usage(f);
    fclose(f);
    /* clang-format off */
    const char *once[] = {"-o endpoint=URL", "-o ttl=SECONDS", "-o log_level=LEVEL",
                          "-o log_file=FILE", "max_threads", "max_idle_threads", "allow_other",
                          "-o ro ", "[SOURCE] MOUNTPOINT", "umask", "subdir", "x-*"};
    /* clang-format on */
    for (size_t i = 0; i < sizeof once / sizeof *once; i++)
        if (count(text, once[i]) != 1)
            fail_msg("--help mentions %s %zu times:\n%s", once[i], count(text, once[i]), text);
    for (int status = 0; status <= 5; status++) {
        char line[16];
        snprintf(line, sizeof line, "\n    %d  ", status);
        assert_non_null(strstr(text, line));
    }
    assert_null(strstr(text, "iconv")); /* libfuse's own help is not repeated */
    free(text);
}

static void userinfo_stays_out(void **state)
{
    char a1[] = "compsharefs", a2[] = "-o", a3[] = "ttl=1,endpoint=http://me:secret@h:1,ro",
         a4[] = "-oendpoint=https://u@h", *argv[] = {a1, a2, a3, a4, NULL};
    options_hide_secrets(4, argv);
    assert_string_equal(a3, "ttl=1,endpoint=http://xxxxxxxxx@h:1,ro");
    assert_string_equal(a4, "-oendpoint=https://x@h");
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(own_options_are_kept),
        T(fuse_options_are_passed_on),
        T(mount_and_systemd_options_are_ignored),
        T(contract_breakers_are_refused_with_a_reason),
        T(bad_options_are_named),
        T(source_and_mountpoint),
        T(source_names_the_profile),
        T(mountpoint_is_checked),
        T(help_lists_each_option_once),
        T(userinfo_stays_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
