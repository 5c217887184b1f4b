/* SPDX-License-Identifier: MIT */
/* test_errlog.c - the lines of the `error` files, per instance and per mount. */
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errlog.h"

static api_error make_err(int err, int retcode, const char *message)
{
    api_error e = {.err = err, .retcode = retcode, .attempts = 1};
    snprintf(e.message, sizeof e.message, "%s", message);
    return e;
}

/* A UTC timestamp, then the rest exactly as expected. */
static void assert_line(const char *text, const char *rest)
{
    regex_t re;
    assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z ",
                             REG_EXTENDED),
                     0);
    int match = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    if (match != 0)
        fail_msg("no timestamp at the start of \"%s\"", text);
    assert_string_equal(text + 21, rest);
}

/* A file's text (malloc'd, freed here): empty when want is "", else want after
 * the timestamp. */
static void check_text(char *text, const char *want)
{
    if (*want)
        assert_line(text, want);
    else
        assert_string_equal(text, "");
    free(text);
}

static void check_instance(errlog *e, const char *uhost_id, const char *want)
{
    check_text(errlog_instance_text(e, uhost_id, NULL), want);
}

static void check_mount(errlog *e, const char *want) { check_text(errlog_mount_text(e, NULL), want); }

static void test_empty(void **state)
{
    errlog *e = errlog_new();
    check_instance(e, "uhost-1", "");
    check_mount(e, "");
    errlog_free(e);
}

static void test_record_instance_and_mount(void **state)
{
    errlog *e = errlog_new();
    api_error err = make_err(-EBUSY, 8042, "InstanceOperationInProgress: another operation");
    errlog_record(e, "uhost-1a2b", "reboot", &err);
    const char *want = "reboot uhost-1a2b: EBUSY: InstanceOperationInProgress: another "
                       "operation (RetCode 8042)\n";
    check_instance(e, "uhost-1a2b", want);
    check_mount(e, want);
    /* other instances are untouched */
    check_instance(e, "uhost-other", "");
    errlog_free(e);
}

static void test_mount_only(void **state)
{
    errlog *e = errlog_new();
    api_error err = make_err(-EIO, 0, "connection refused");
    err.http_status = 0;
    errlog_record(e, NULL, "read instances", &err);
    check_mount(e, "read instances: EIO: connection refused\n");
    api_error http = make_err(-EIO, 0, "bad gateway");
    http.http_status = 502;
    errlog_record(e, NULL, "read images", &http);
    check_mount(e, "read images: EIO: bad gateway (HTTP 502)\n");
    errlog_free(e);
}

static void test_outcome_unknown(void **state)
{
    errlog *e = errlog_new();
    api_error err = make_err(-ETIMEDOUT, 0, "no answer within 15 s");
    err.outcome_unknown = true;
    errlog_record(e, "uhost-1", "stop", &err);
    check_instance(e, "uhost-1",
                   "stop uhost-1: ETIMEDOUT: no answer within 15 s; outcome unknown: the request "
                   "was sent but no answer came in time; check status before retrying\n");
    errlog_free(e);
}

/* A message from the API can never break the one-line format. */
static void test_one_line(void **state)
{
    errlog *e = errlog_new();
    api_error err = make_err(-EPERM, 8041, "InvalidInstanceState\nsecond line\r");
    errlog_record(e, "uhost-1", "reboot", &err);
    char *t = errlog_instance_text(e, "uhost-1", NULL);
    assert_int_equal(strchr(t, '\n'), t + strlen(t) - 1);
    assert_null(strchr(t, '\r'));
    free(t);
    /* nor can a C1 control (U+009B, CSI) reach a terminal through it */
    err = make_err(-EPERM, 8041,
                   "state \xc2\x9b"
                   "31m red \xc2\x85next");
    errlog_record(e, "uhost-1", "reboot", &err);
    t = errlog_instance_text(e, "uhost-1", NULL);
    assert_null(strstr(t, "\xc2\x9b"));
    assert_null(strstr(t, "\xc2\x85"));
    assert_non_null(strstr(t, "state  31m red  next"));
    free(t);
    api_error blank = {0};
    errlog_record(e, "uhost-1", "start", &blank); /* nothing filled in: still a clear line */
    check_instance(e, "uhost-1", "start uhost-1: EIO: failed\n");
    errlog_free(e);
}

static void test_latest_wins_and_clear(void **state)
{
    errlog *e = errlog_new();
    api_error a = make_err(-EBUSY, 8042, "InstanceOperationInProgress");
    api_error b = make_err(-EPERM, 8041, "InvalidInstanceState");
    errlog_record(e, "uhost-1", "reboot", &a);
    errlog_record(e, "uhost-2", "stop", &a);
    errlog_record(e, "uhost-1", "start", &b);
    check_instance(e, "uhost-1", "start uhost-1: EPERM: InvalidInstanceState (RetCode 8041)\n");

    errlog_clear_instance(e, "uhost-1");
    check_instance(e, "uhost-1", "");
    /* the mount's file keeps the last failure; uhost-2 keeps its own */
    check_mount(e, "start uhost-1: EPERM: InvalidInstanceState (RetCode 8041)\n");
    check_instance(e, "uhost-2",
                   "stop uhost-2: EBUSY: InstanceOperationInProgress (RetCode 8042)\n");
    errlog_clear_instance(e, "uhost-never");
    errlog_free(e);
}

/* Many instances: each keeps its own record, found again in any order. */
static void test_many_instances(void **state)
{
    errlog *e = errlog_new();
    char id[32], want[128];
    for (int k = 0; k < 300; k++) {
        snprintf(id, sizeof id, "uhost-%03d", (k * 7919) % 300);
        api_error err = make_err(-EBUSY, 8042, id);
        errlog_record(e, id, "reboot", &err);
    }
    for (int k = 0; k < 300; k++) {
        snprintf(id, sizeof id, "uhost-%03d", k);
        snprintf(want, sizeof want, "reboot %s: EBUSY: %s (RetCode 8042)\n", id, id);
        check_instance(e, id, want);
    }
    errlog_free(e);
}

struct writer {
    errlog *e;
    int n;
};

static void *write_many(void *p)
{
    struct writer *w = p;
    char id[32];
    for (int k = 0; k < 500; k++) {
        snprintf(id, sizeof id, "uhost-%d-%d", w->n, k % 20);
        api_error err = make_err(-EBUSY, 8042, "busy");
        errlog_record(w->e, id, "reboot", &err);
        if (k % 3 == 0)
            errlog_clear_instance(w->e, id);
        free(errlog_mount_text(w->e, NULL));
    }
    return NULL;
}

static void test_threads(void **state)
{
    errlog *e = errlog_new();
    pthread_t th[4];
    struct writer w[4];
    for (int k = 0; k < 4; k++) {
        w[k] = (struct writer){e, k};
        assert_int_equal(pthread_create(&th[k], NULL, write_many, &w[k]), 0);
    }
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    char *t = errlog_mount_text(e, NULL);
    assert_non_null(strstr(t, ": EBUSY: busy (RetCode 8042)\n"));
    free(t);
    errlog_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_record_instance_and_mount),
        cmocka_unit_test(test_mount_only),
        cmocka_unit_test(test_outcome_unknown),
        cmocka_unit_test(test_one_line),
        cmocka_unit_test(test_latest_wins_and_clear),
        cmocka_unit_test(test_many_instances),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
