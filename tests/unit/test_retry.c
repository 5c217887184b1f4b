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

static void test_reads_retry_on_transient_failures(void **state)
{
    assert_int_equal(retry_classify(READ, TRANSPORT_NOT_SENT, 0, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_TIMEOUT_SENT, 0, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_BROKEN_SENT, 0, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 429, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 500, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 502, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 503, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 200, 150), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 200, 153), RETRY_AGAIN);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 200, 110), RETRY_AGAIN);
    /* malformed body under 200 */
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 200, -1), RETRY_AGAIN);
}

static void test_reads_stop_on_final_answers(void **state)
{
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 200, 0), RETRY_DONE);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 200, 171), RETRY_DONE);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 200, 8039), RETRY_DONE);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 404, -1), RETRY_DONE);
    assert_int_equal(retry_classify(READ, TRANSPORT_OK, 403, -1), RETRY_DONE);
    assert_int_equal(retry_classify(READ, TRANSPORT_REFUSED, 302, -1), RETRY_DONE);
    assert_int_equal(retry_classify(READ, TRANSPORT_TOO_LARGE, 200, -1), RETRY_DONE);
}

/* A state-changing call is resent only when it certainly did not run. */
static void test_mutating_resent_only_when_not_run(void **state)
{
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_NOT_SENT, 0, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 429, -1), RETRY_AGAIN);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 200, 153), RETRY_AGAIN);
}

static void test_mutating_ambiguous(void **state)
{
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_TIMEOUT_SENT, 0, -1), RETRY_AMBIGUOUS);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_BROKEN_SENT, 0, -1), RETRY_AMBIGUOUS);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 500, -1), RETRY_AMBIGUOUS);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 502, -1), RETRY_AMBIGUOUS);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 503, -1), RETRY_AMBIGUOUS);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 200, 110), RETRY_AMBIGUOUS);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 200, -1), RETRY_AMBIGUOUS);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_TOO_LARGE, 200, -1), RETRY_AMBIGUOUS);
}

static void test_mutating_definite_answers_are_final(void **state)
{
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 200, 0), RETRY_DONE);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 200, 150), RETRY_DONE);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 200, 8042), RETRY_DONE);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 200, 171), RETRY_DONE);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_OK, 400, -1), RETRY_DONE);
    assert_int_equal(retry_classify(MUTATING, TRANSPORT_REFUSED, 301, -1), RETRY_DONE);
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
