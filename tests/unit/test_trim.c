/* SPDX-License-Identifier: MIT */
/* test_trim.c - when freed heap goes back to the system (trim.c): neither
 * never (438 instances: 17 -> 146 MB kept after a load, when trims began at
 * 500) nor on every refresh (525 instances: a trim per refresh cost a third
 * of the write throughput). The trimmer ticks once a second; refreshes every
 * 2 s (ttl=2) free a snapshot and a decoded listing each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "trim.h"

/* Ticks once a second for `seconds`, a refresh of `fleet` instances every 2 s
 * (a snapshot built and one dropped: 2 x fleet freed); the trims made. */
static int run_load(trim_policy *p, long long *now, int seconds, size_t fleet)
{
    int trims = 0;
    for (int s = 1; s <= seconds; s++) {
        *now += 1000;
        trims += trim_policy_tick(p, s % 2 == 0 ? 2 * fleet : 0, *now);
    }
    return trims;
}

static void test_fleet_under_500_is_trimmed(void **state)
{
    trim_policy p = {0};
    long long now = 1000000;
    assert_true(run_load(&p, &now, 60, 438) >= 5); /* about once per 10 s */
}

static void test_at_most_once_per_interval_under_load(void **state)
{
    const size_t fleets[] = {525, 10000};
    for (int k = 0; k < 2; k++) {
        trim_policy p = {0};
        long long now = 1000000;
        int trims = run_load(&p, &now, 60, fleets[k]);
        assert_true(trims >= 5);
        assert_true(trims <= 60 * 1000 / TRIM_INTERVAL_MS + 1); /* not 30 (one per refresh) */
    }
}

/* What the last refreshes of a load freed goes back once the interval is
 * over, though nothing is freed any more: memory returns after the load. */
static void test_trimmed_after_the_load_stops(void **state)
{
    trim_policy p = {0};
    long long now = 1000000;
    run_load(&p, &now, 31, 438); /* the last trim at most 10 s ago, more freed since */
    int later = 0;
    for (int s = 0; s < TRIM_INTERVAL_MS / 1000; s++) {
        now += 1000;
        later += trim_policy_tick(&p, 0, now);
    }
    assert_int_equal(later, 1);
    for (int s = 0; s < 60; s++) { /* then quiet: nothing more to give back */
        now += 1000;
        assert_false(trim_policy_tick(&p, 0, now));
    }
}

/* A small fleet's refreshes add up before a trim is worth it. */
static void test_small_frees_add_up(void **state)
{
    trim_policy p = {0};
    long long now = 1000000;
    assert_int_equal(run_load(&p, &now, 8, 10), 0); /* 80 instances' worth */
    assert_int_equal(run_load(&p, &now, 4, 10), 1); /* 120 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fleet_under_500_is_trimmed),
        cmocka_unit_test(test_at_most_once_per_interval_under_load),
        cmocka_unit_test(test_trimmed_after_the_load_stops),
        cmocka_unit_test(test_small_frees_add_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
