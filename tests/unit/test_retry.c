/* SPDX-License-Identifier: MIT */
/* test_retry.c - which failures are sent again, and the backoff between. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "retry.h"

#define READ false
#define MUTATING true

/* What came back from one attempt. */
typedef struct answer {
    transport_failure failure;
    long http_status;
    int retcode; /* -1: the body was not a readable API answer */
} answer;

#define N(a) (sizeof(a) / sizeof *(a))

/* Each answer is classified as want. */
static void expect_verdict(bool mutating, const answer *cases, size_t n, retry_verdict want)
{
    for (size_t i = 0; i < n; i++) {
        const answer *a = &cases[i];
        retry_verdict got = retry_classify(mutating, a->failure, a->http_status, a->retcode);
        if (got != want)
            fail_msg("%s, failure %d, HTTP %ld, RetCode %d: verdict %d, expected %d",
                     mutating ? "mutating" : "read", a->failure, a->http_status, a->retcode, got,
                     want);
    }
}

static void test_reads_retry_on_transient_failures(void **state)
{
    static const answer cases[] = {
        {TRANSPORT_NOT_SENT, 0, -1},    {TRANSPORT_TIMEOUT_SENT, 0, -1},
        {TRANSPORT_BROKEN_SENT, 0, -1}, {TRANSPORT_OK, 429, -1},
        {TRANSPORT_OK, 500, -1},        {TRANSPORT_OK, 502, -1},
        {TRANSPORT_OK, 503, -1},        {TRANSPORT_OK, 200, 150},
        {TRANSPORT_OK, 200, 153},       {TRANSPORT_OK, 200, 110},
        {TRANSPORT_OK, 200, -1}, /* malformed body under 200 */
    };
    expect_verdict(READ, cases, N(cases), RETRY_AGAIN);
}

static void test_reads_stop_on_final_answers(void **state)
{
    static const answer cases[] = {
        {TRANSPORT_OK, 200, 0},         {TRANSPORT_OK, 200, 171}, {TRANSPORT_OK, 200, 8039},
        {TRANSPORT_OK, 404, -1},        {TRANSPORT_OK, 403, -1},  {TRANSPORT_REFUSED, 302, -1},
        {TRANSPORT_TOO_LARGE, 200, -1},
    };
    expect_verdict(READ, cases, N(cases), RETRY_DONE);
}

/* A state-changing call is resent only when it certainly did not run. */
static void test_mutating_resent_only_when_not_run(void **state)
{
    static const answer cases[] = {
        {TRANSPORT_NOT_SENT, 0, -1},
        {TRANSPORT_OK, 429, -1},
        {TRANSPORT_OK, 200, 153},
    };
    expect_verdict(MUTATING, cases, N(cases), RETRY_AGAIN);
}

static void test_mutating_ambiguous(void **state)
{
    static const answer cases[] = {
        {TRANSPORT_TIMEOUT_SENT, 0, -1}, {TRANSPORT_BROKEN_SENT, 0, -1}, {TRANSPORT_OK, 500, -1},
        {TRANSPORT_OK, 502, -1},         {TRANSPORT_OK, 503, -1},        {TRANSPORT_OK, 200, 110},
        {TRANSPORT_OK, 200, -1},         {TRANSPORT_TOO_LARGE, 200, -1},
    };
    expect_verdict(MUTATING, cases, N(cases), RETRY_AMBIGUOUS);
}

static void test_mutating_definite_answers_are_final(void **state)
{
    static const answer cases[] = {
        {TRANSPORT_OK, 200, 0},   {TRANSPORT_OK, 200, 150}, {TRANSPORT_OK, 200, 8042},
        {TRANSPORT_OK, 200, 171}, {TRANSPORT_OK, 400, -1},  {TRANSPORT_REFUSED, 301, -1},
    };
    expect_verdict(MUTATING, cases, N(cases), RETRY_DONE);
}

/* Full jitter: every draw lies in [0, cap], the cap doubles per attempt up to
 * max_ms, and the draws are spread (not all the same value). */
static void test_backoff_bounds_and_growth(void **state)
{
    unsigned seed = 12345;
    long base = 100, max = 2000;
    long expected_cap[] = {0, 100, 200, 400, 800, 1600, 2000, 2000, 2000};
    for (int attempt = 1; attempt <= 8; attempt++) {
        long lo = 1L << 30, hi = -1;
        for (int i = 0; i < 2000; i++) {
            long w = retry_backoff_ms(attempt, base, max, &seed);
            assert_true(w >= 0);
            assert_true(w <= expected_cap[attempt]);
            if (w < lo)
                lo = w;
            if (w > hi)
                hi = w;
        }
        /* spread over most of the range: jittered, and growing with the cap */
        assert_true(hi >= expected_cap[attempt] * 9 / 10);
        assert_true(lo <= expected_cap[attempt] / 10);
    }
}

static void test_backoff_degenerate(void **state)
{
    unsigned seed = 1;
    assert_int_equal(retry_backoff_ms(0, 100, 2000, &seed), 0);
    assert_int_equal(retry_backoff_ms(3, 0, 2000, &seed), 0);
    /* a huge attempt number does not overflow */
    long w = retry_backoff_ms(1000, 100, 5000, &seed);
    assert_true(w >= 0 && w <= 5000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_retry_on_transient_failures),
        cmocka_unit_test(test_reads_stop_on_final_answers),
        cmocka_unit_test(test_mutating_resent_only_when_not_run),
        cmocka_unit_test(test_mutating_ambiguous),
        cmocka_unit_test(test_mutating_definite_answers_are_final),
        cmocka_unit_test(test_backoff_bounds_and_growth),
        cmocka_unit_test(test_backoff_degenerate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
