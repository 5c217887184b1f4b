/* SPDX-License-Identifier: MIT */
/* test_control.c - parsing of control writes (valid and invalid) and dispatch. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"
#include "control_internal.h"

static int parse(const char *file, const char *text, control_cmd *cmd, char *why)
{
    return control_parse(file, text, strlen(text), cmd, why, 256);
}

static int parse_stop_at(const char *text, long long now, control_cmd *cmd, char *why)
{
    return control_parse_stop_at(text, strlen(text), now, cmd, why, 256);
}

/* Accepted as verb with argument arg; *cmd is the command, for more checks. */
static void expect_parsed(const char *file, const char *text, control_verb verb, const char *arg,
                          control_cmd *cmd)
{
    char why[256] = "unchanged";
    int rc = parse(file, text, cmd, why);
    if (rc != 0)
        fail_msg("\"%s\" to %s rejected: %s", text, file, why);
    if (cmd->verb != verb || strcmp(cmd->arg, arg) != 0)
        fail_msg("\"%s\" to %s: %s \"%s\", expected %s \"%s\"", text, file,
                 control_verb_name(cmd->verb), cmd->arg, control_verb_name(verb), arg);
}

static void expect_ok(const char *file, const char *text, control_verb verb, const char *arg)
{
    control_cmd cmd;
    expect_parsed(file, text, verb, arg, &cmd);
}

/* Rejected with EINVAL and a one-line reason that contains `reason`. */
static void expect_einval(const char *file, const char *text, size_t len, const char *reason)
{
    control_cmd cmd;
    char why[256] = "";
    int rc = control_parse(file, text, len, &cmd, why, sizeof why);
    if (rc != -EINVAL)
        fail_msg("\"%.*s\" to %s: rc %d, expected -EINVAL", (int)len, text, file, rc);
    assert_true(why[0] != '\0');
    assert_null(strchr(why, '\n'));
    if (!strstr(why, reason))
        fail_msg("reason \"%s\" does not mention \"%s\"", why, reason);
}

static void expect_bad(const char *file, const char *text, const char *reason)
{
    expect_einval(file, text, strlen(text), reason);
}

/* A value of max characters c is accepted (verb, with that argument); one
 * character more is rejected with reason. */
static void expect_max_length(const char *file, char c, size_t max, control_verb verb,
                              const char *reason)
{
    char text[80];
    assert_true(max + 1 < sizeof text);
    memset(text, c, max + 1);
    text[max + 1] = '\0';
    expect_bad(file, text, reason);
    text[max] = '\0';
    expect_ok(file, text, verb, text);
}

static void test_ctl_valid(void **state)
{
    expect_ok("ctl", "reboot", CTL_REBOOT, "");
    expect_ok("ctl", "reboot\n", CTL_REBOOT, "");
    expect_ok("ctl", "  reboot \t\n", CTL_REBOOT, "");
    expect_ok("ctl", "reboot\r\n", CTL_REBOOT, "");
    expect_ok("ctl", "stop\n", CTL_STOP, "");
    expect_ok("ctl", "start\n", CTL_START, "");
    expect_ok("ctl", "reinstall compshareImage-1a2B_3\n", CTL_REINSTALL,
              "compshareImage-1a2B_3");
    expect_ok("ctl", "reinstall \t img-1  \n", CTL_REINSTALL, "img-1");
    expect_ok("ctl", "mkimage my image\n", CTL_MKIMAGE, "my image");
    expect_ok("ctl", "mkimage   训练 镜像 v2  \n", CTL_MKIMAGE, "训练 镜像 v2");
}

static void test_ctl_invalid(void **state)
{
    expect_bad("ctl", "rebot\n", "unknown command \"rebot\": try reboot, stop, start");
    expect_bad("ctl", "REBOOT\n", "unknown command");
    expect_bad("ctl", "reboot now\n", "reboot takes no argument");
    expect_bad("ctl", "stop -f\n", "takes no argument");
    expect_bad("ctl", "start x\n", "takes no argument");
    expect_bad("ctl", "reinstall\n", "needs an image ID");
    expect_bad("ctl", "reinstall   \n", "needs an image ID");
    expect_bad("ctl", "reinstall img-1 img-2\n", "single word");
    expect_bad("ctl", "reinstall img/1\n", "may only contain");
    expect_bad("ctl", "reinstall ../x\n", "may only contain");
    expect_bad("ctl", "mkimage\n", "needs a name");
    expect_bad("ctl", "mkimage \x01x\n", "control character");
    expect_bad("ctl", "mkimage \xff\xfe\n", "UTF-8");
    expect_bad("ctl", "\n", "empty");
    expect_bad("ctl", "   \t \n", "empty");
    expect_bad("ctl", "reboot\nstop\n", "more than one line");
    expect_bad("ctl", "reboot\n\n", "more than one line");
    expect_bad("ctl", "reboot\rstop", "more than one line");
    expect_einval("ctl", "", 0, "empty");
    expect_einval("ctl", "reboot\0stop", 11, "NUL");
}

/* An unknown command is quoted back safely, never echoing control bytes. */
/* wait STATE [SECONDS]: the API's states (any case), a default and a bound. */
static void test_wait(void **state)
{
    const struct {
        const char *text, *state;
        long seconds;
    } ok[] = {
        {"wait Running\n", "Running", CONTROL_WAIT_DEFAULT_SECONDS},
        {"wait stopped 30\n", "Stopped", 30},
        {"wait  Install Fail  5\n", "Install Fail", 5},
        {"wait install fail\n", "Install Fail", CONTROL_WAIT_DEFAULT_SECONDS},
        {"wait Running 0\n", "Running", 0},
        {"wait Running 86400\n", "Running", 86400},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        control_cmd cmd;
        expect_parsed("ctl", ok[k].text, CTL_WAIT, ok[k].state, &cmd);
        assert_int_equal(cmd.seconds, ok[k].seconds);
    }
    expect_bad("ctl", "wait\n", "needs a state");
    expect_bad("ctl", "wait Sleeping\n", "unknown state");
    expect_bad("ctl", "wait 30\n", "unknown state");
    expect_bad("ctl", "wait Running 86401\n", "at most 86400 seconds");
    expect_bad("ctl", "wait Running 9999999999\n", "at most");
    expect_bad("ctl", "wait Running -5\n", "unknown state");
    assert_non_null(strstr(control_help(), "wait STATE [SECONDS]\n"));
}

static void test_unknown_quoted(void **state)
{
    control_cmd cmd;
    char why[256];
    char text[200];
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_int_equal(parse("ctl", text, &cmd, why), -EINVAL);
    assert_non_null(strstr(why, "..."));
    assert_true(strlen(why) < 150);
    assert_int_equal(parse("ctl", "\x1b[31mhi", &cmd, why), -EINVAL);
    assert_null(strchr(why, '\x1b'));
}

static void test_size_limit(void **state)
{
    char *big = malloc(CONTROL_MAX_WRITE + 2);
    memcpy(big, "mkimage ", 8);
    memset(big + 8, 'a', CONTROL_MAX_WRITE + 1 - 8);
    big[CONTROL_MAX_WRITE + 1] = '\0';
    expect_einval("ctl", big, CONTROL_MAX_WRITE + 1, "at most 4096 bytes");
    /* exactly 4 KiB is judged on its content (here: the name is too long) */
    expect_einval("ctl", big, CONTROL_MAX_WRITE, "characters long: at most 63");
    free(big);
}

static void test_image_file(void **state)
{
    expect_ok("image", "compshareImage-xyz\n", CTL_REINSTALL, "compshareImage-xyz");
    expect_ok("image", " compshareImage-xyz ", CTL_REINSTALL, "compshareImage-xyz");
    expect_bad("image", "\n", "empty");
    expect_bad("image", "reinstall compshareImage-xyz\n", "single word");
    expect_bad("image", "img;rm -rf\n", "single word");
    expect_bad("image", "img;rm\n", "may only contain");
    expect_bad("image", "a\nb\n", "more than one line");
    expect_max_length("image", 'a', 64, CTL_REINSTALL, "too long");
}

static void test_name_file(void **state)
{
    expect_ok("name", "web-1\n", CTL_RENAME, "web-1");
    expect_ok("name", "  训练机 A  \n", CTL_RENAME, "训练机 A");
    expect_ok("name", "a/b %2F\n", CTL_RENAME, "a/b %2F");
    expect_bad("name", "\n", "empty");
    expect_bad("name", "a\tb\n", "control character");
    expect_bad("name", "a\x7f" "b\n", "control character");
    expect_bad("name", "a\xc2\x85" "b\n", "control character"); /* U+0085 NEL */
    expect_bad("name", "\xc0\xaf\n", "UTF-8");                 /* overlong '/' */
    expect_bad("name", "\xed\xa0\x80\n", "UTF-8");             /* surrogate */
    expect_bad("name", "\xe8\xae\n", "UTF-8");                 /* cut short */
    expect_bad("name", "one\ntwo\n", "more than one line");
    expect_max_length("name", 'n', 63, CTL_RENAME, "64 characters long: at most 63");
    /* the limit counts characters, not bytes: 63 Chinese characters (189
     * bytes) are allowed, as the API allows them; 64 are not */
    char zh[256] = "";
    for (int k = 0; k < 63; k++)
        strcat(zh, "机");
    expect_ok("name", zh, CTL_RENAME, zh);
    strcat(zh, "机");
    expect_bad("name", zh, "64 characters long: at most 63");
}

static void test_not_a_control_file(void **state)
{
    expect_bad("status", "Running\n", "not a control file");
}

static void test_valid_id(void **state)
{
    assert_true(control_valid_id("uhost-1a2b3c4d"));
    assert_true(control_valid_id("compshareImage-xyz_1"));
    assert_false(control_valid_id(""));
    assert_false(control_valid_id(NULL));
    assert_false(control_valid_id("."));
    assert_false(control_valid_id(".."));
    assert_false(control_valid_id("a b"));
    assert_false(control_valid_id("a/b"));
    assert_false(control_valid_id("名字"));
    char id[70];
    memset(id, 'a', 64);
    id[64] = '\0';
    assert_true(control_valid_id(id));
    id[64] = 'a';
    id[65] = '\0';
    assert_false(control_valid_id(id));
}

static void test_help(void **state)
{
    const char *h = control_help();
    assert_non_null(strstr(h, "reboot\n"));
    assert_non_null(strstr(h, "stop\n"));
    assert_non_null(strstr(h, "start\n"));
    assert_non_null(strstr(h, "reinstall IMAGE_ID\n"));
    assert_non_null(strstr(h, "mkimage NAME\n"));
    assert_int_equal(h[strlen(h) - 1], '\n');
    assert_string_equal(control_verb_name(CTL_REBOOT), "reboot");
    assert_string_equal(control_verb_name(CTL_RENAME), "rename");
}

/* stop_at: every form the contract names, measured from a fixed now. */
static void test_stop_at(void **state)
{
    const long long now = 1764583200; /* 2025-12-01T10:00:00Z */
    const struct {
        const char *text;
        long long when;
    } ok[] = {
        {"1764586800", 1764586800},
        {"+45m", now + 45 * 60},
        {"+2h", now + 7200},
        {"+1d", now + 86400},
        {"+90s", now + 90},
        {"2025-12-01T18:00:00+08:00", now},   /* 10:00Z: not future, below */
        {"2025-12-01T18:30:00+08:00", now + 1800},
        {"2025-12-01T10:30Z", now + 1800},
        {"2025-12-01T05:30:00-0500", now + 1800},
        {"2025-12-01 10:30:00Z", now + 1800},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        control_cmd cmd = {0};
        char why[256] = "";
        int rc = parse_stop_at(ok[k].text, now, &cmd, why);
        if (ok[k].when <= now) {
            assert_int_equal(rc, -EINVAL);
            assert_non_null(strstr(why, "not in the future"));
            continue;
        }
        if (rc)
            fail_msg("stop_at \"%s\" rejected: %s", ok[k].text, why);
        assert_int_equal(cmd.verb, CTL_STOP_AT);
        assert_int_equal(cmd.when, ok[k].when);
    }
    const char *cancel[] = {"", "none", "NONE", "None"};
    for (size_t k = 0; k < 4; k++) {
        control_cmd cmd = {0};
        char why[256];
        assert_int_equal(parse_stop_at(cancel[k], now, &cmd, why), 0);
        assert_int_equal(cmd.verb, CTL_STOP_AT_CANCEL);
    }
    const struct {
        const char *text, *reason;
    } bad[] = {
        {"1764583199", "not in the future"},
        {"1764583200", "not in the future"},
        {"+0m", "not in the future"},
        {"+5y", "is no time"},
        {"+m", "is no time"},
        {"-2h", "is no time"},
        {"tomorrow", "is no time"},
        {"2025-12-01T18:30:00", "is no time"}, /* whose local time? */
        {"2025-02-31T10:00:00Z", "is no time"},
        {"2025-12-01T25:00:00Z", "is no time"},
        {"2025-12-01T10:30:00+15:00", "is no time"},
        {"99999999999", "more than ten years"},
        {"+4000d", "more than ten years"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        control_cmd cmd = {0};
        char why[256] = "";
        int rc = parse_stop_at(bad[k].text, now, &cmd, why);
        if (rc != -EINVAL || !strstr(why, bad[k].reason))
            fail_msg("stop_at \"%s\": rc %d, \"%s\" (expected \"%s\")", bad[k].text, rc, why,
                     bad[k].reason);
    }
    /* through the file: blanks and the newline go, an empty line cancels */
    control_cmd cmd;
    char why[256];
    assert_int_equal(parse("stop_at", "  +2h \n", &cmd, why), 0);
    assert_int_equal(cmd.verb, CTL_STOP_AT);
    assert_int_equal(parse("stop_at", "\n", &cmd, why), 0);
    assert_int_equal(cmd.verb, CTL_STOP_AT_CANCEL);
    expect_bad("stop_at", "1000\n", "not in the future");
}

static void expect_create(const char *text, control_cmd *cmd)
{
    char why[256] = "";
    int rc = parse("root-ctl", text, cmd, why);
    if (rc)
        fail_msg("\"%s\" rejected: %s", text, why);
    assert_int_equal(cmd->verb, CTL_CREATE);
}

/* create: required keys, defaults, every limit, nothing half-parsed. */
static void test_create(void **state)
{
    control_cmd cmd;
    expect_create("create gpu_type=4090 gpus=1 cpu=16 memory_mb=65536 image=compshareImage-x\n",
                  &cmd);
    const control_create *c = &cmd.create;
    assert_string_equal(c->gpu_type, "4090");
    assert_int_equal(c->gpus, 1);
    assert_int_equal(c->cpu, 16);
    assert_int_equal(c->memory_mb, 65536);
    assert_string_equal(c->image, "compshareImage-x");
    assert_string_equal(c->charge_type, "Dynamic"); /* never the API's monthly default */
    assert_string_equal(c->machine_type, "G");
    assert_int_equal(c->count, 1);
    assert_int_equal(c->disk_gb, 0);
    assert_string_equal(c->name, "");
    assert_string_equal(c->zone, "");

    expect_create("create  image=img-2 count=3 gpus=8 name=训练-1 zone=cn-wlcb-01 cpu=64 "
                  "memory_mb=262144 gpu_type=H20 charge_type=Spot machine_type=OS disk_gb=200 ",
                  &cmd);
    assert_string_equal(c->gpu_type, "H20");
    assert_int_equal(c->gpus, 8);
    assert_int_equal(c->count, 3);
    assert_string_equal(c->name, "训练-1");
    assert_string_equal(c->zone, "cn-wlcb-01");
    assert_string_equal(c->charge_type, "Spot");
    assert_string_equal(c->machine_type, "OS");
    assert_int_equal(c->disk_gb, 200);

    const char *base = "gpu_type=4090 gpus=1 cpu=16 memory_mb=65536 image=img-1";
    const struct {
        const char *extra, *reason;
    } bad[] = {
        {"colour=red", "unknown key"},
        {"gpus=2", "gpus given twice"},
        {"count=0", "count=0: a number from 1 to 20"},
        {"count=21", "a number from 1 to 20"},
        {"disk_gb=10", "disk_gb=10"},
        {"charge_type=Monthly", "not one the API takes"},
        {"machine_type=X", "not one the API takes"},
        {"zone=cn/wlcb", "may only contain"},
        {"name=\x01", "control character"},
        {"nokey", "KEY=VALUE"},
        {"=x", "unknown key"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char text[512];
        snprintf(text, sizeof text, "create %s %s\n", base, bad[k].extra);
        expect_bad("root-ctl", text, bad[k].reason);
    }
    expect_bad("root-ctl", "create gpus=1 cpu=16 memory_mb=65536 image=img-1\n",
               "gpu_type is missing");
    expect_bad("root-ctl", "create gpu_type=4090 gpus=1 cpu=16 memory_mb=65536\n",
               "image is missing");
    expect_bad("root-ctl",
               "create gpu_type=4090 gpus=1 cpu=16 memory_mb=65537 image=img-1\n",
               "multiple of 1024");
    expect_bad("root-ctl",
               "create gpu_type=4090 gpus=65 cpu=16 memory_mb=65536 image=img-1\n",
               "a number from 1 to 64");
    expect_bad("root-ctl",
               "create gpu_type=4090 gpus=1x cpu=16 memory_mb=65536 image=img-1\n",
               "a number from 1 to 64");
    expect_bad("root-ctl",
               "create gpu_type=4090 gpus=99999999999999999999 cpu=16 memory_mb=65536 "
               "image=img-1\n",
               "a number from 1 to 64");
    expect_bad("root-ctl", "create\n", "the root's ctl takes");
    expect_bad("root-ctl", "reboot\n", "the root's ctl takes");
    assert_non_null(strstr(control_root_help(), "create "));
}

/* password: the command holds it for the sender; no reason ever quotes it. */
static void test_password(void **state)
{
    control_cmd cmd;
    expect_parsed("password", "Secret pass 1!\n", CTL_PASSWORD, "Secret pass 1!", &cmd);
    control_cmd_wipe(&cmd);
    assert_string_equal(cmd.arg, "");
    expect_bad("password", "\n", "empty");
    char longpw[80];
    memset(longpw, 'p', 65);
    longpw[65] = '\0';
    expect_bad("password", longpw, "at most 64 bytes");
    longpw[64] = '\0';
    expect_parsed("password", longpw, CTL_PASSWORD, longpw, &cmd);
    control_cmd_wipe(&cmd);
    const char *ctl_pw = "hunter2\x01xyz";
    char why[256];
    assert_int_equal(parse("password", ctl_pw, &cmd, why), -EINVAL);
    assert_null(strstr(why, "hunter2"));
    assert_non_null(strstr(why, "printable"));
}

/* An image's ctl: delete, and nothing else. */
static void test_image_ctl(void **state)
{
    expect_ok("image-ctl", "delete\n", CTL_DELETE_IMAGE, "");
    expect_bad("image-ctl", "remove\n", "takes: delete");
    expect_bad("image-ctl", "delete now\n", "takes: delete");
    expect_ok("ctl", "terminate\n", CTL_TERMINATE, "");
    expect_bad("ctl", "terminate -f\n", "takes no argument");
    assert_string_equal(control_image_help(), "delete\n");
}

/* ---- dispatch ---- */

struct fake_sender {
    int calls;
    control_cmd last;
    char zone[64], uhost[64];
    int rc;
    int fill_err; /* whether the fake fills err itself */
};

static int fake_send(void *ctx, const control_cmd *cmd, const char *zone, const char *uhost_id,
                     char **result_id, api_error *err)
{
    struct fake_sender *f = ctx;
    f->calls++;
    f->last = *cmd;
    snprintf(f->zone, sizeof f->zone, "%s", zone);
    snprintf(f->uhost, sizeof f->uhost, "%s", uhost_id);
    if (f->rc == 0 && cmd->verb == CTL_MKIMAGE && result_id)
        *result_id = strdup("compshareImage-new");
    if (f->rc && f->fill_err) {
        err->err = f->rc;
        err->retcode = 8042;
        snprintf(err->message, sizeof err->message, "InstanceOperationInProgress");
    }
    return f->rc;
}

static void test_run_dispatch(void **state)
{
    struct fake_sender f = {0};
    control_ops ops = {.send = fake_send, .ctx = &f};
    control *c = control_new(&ops);
    assert_non_null(c);
    control_cmd cmd;
    char why[128];
    assert_int_equal(parse("ctl", "mkimage snap 1\n", &cmd, why), 0);
    char *id = NULL;
    api_error err;
    assert_int_equal(control_run(c, &cmd, "cn-wlcb-01", "uhost-1", &id, &err), 0);
    assert_int_equal(f.calls, 1);
    assert_int_equal(f.last.verb, CTL_MKIMAGE);
    assert_string_equal(f.last.arg, "snap 1");
    assert_string_equal(f.zone, "cn-wlcb-01");
    assert_string_equal(f.uhost, "uhost-1");
    assert_string_equal(id, "compshareImage-new");
    free(id);

    f.rc = -EBUSY;
    f.fill_err = 1;
    assert_int_equal(parse("ctl", "reboot", &cmd, why), 0);
    assert_int_equal(control_run(c, &cmd, "cn-wlcb-01", "uhost-1", NULL, &err), -EBUSY);
    assert_int_equal(err.err, -EBUSY);
    assert_int_equal(err.retcode, 8042);

    /* a terse sender still yields a complete error record */
    f.fill_err = 0;
    f.rc = -EIO;
    assert_int_equal(control_run(c, &cmd, "cn-wlcb-01", "uhost-1", NULL, &err), -EIO);
    assert_int_equal(err.err, -EIO);
    assert_true(err.message[0] != '\0');
    assert_int_equal(f.calls, 3);
    control_free(c);
    assert_null(control_new(NULL));
    assert_null(control_new_api(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctl_valid),       cmocka_unit_test(test_ctl_invalid),
        cmocka_unit_test(test_wait),
        cmocka_unit_test(test_unknown_quoted),  cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_image_file),      cmocka_unit_test(test_name_file),
        cmocka_unit_test(test_not_a_control_file), cmocka_unit_test(test_valid_id),
        cmocka_unit_test(test_help),            cmocka_unit_test(test_run_dispatch),
        cmocka_unit_test(test_stop_at),         cmocka_unit_test(test_create),
        cmocka_unit_test(test_password),        cmocka_unit_test(test_image_ctl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
