/* SPDX-License-Identifier: MIT */
/* test_cache.c - freshness, single flight, generations, invalidation and
 * failures of the cache, against the fake source of fake_cache.h. Chosen
 * calls are held at a gate until the test opens it, so every interleaving
 * below happens exactly as written; the clock is fake, so nothing depends on
 * how fast the machine is. */
#include "fake_cache.h"

#define HANG_GUARD_S 30 /* only so a broken cache fails instead of hanging */
#define HOLD_MS 1000    /* how long a failure is held (cache_flight.c: FAIL_HOLD_MS) */

/* Reader threads of the running test, joined by teardown when a failed
 * assertion left some behind (after opening every gate). */
typedef struct reader reader;
static reader *live[128];
static size_t n_live;

static struct timespec deadline(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += HANG_GUARD_S;
    return ts;
}

/* Waits until call n of kind has started (is at its gate or past it). */
static void fake_wait_call(int kind, int n)
{
    struct timespec dl = deadline();
    pthread_mutex_lock(&F.mu);
    int rc = 0;
    while (F.calls[kind] < n && rc == 0)
        rc = pthread_cond_timedwait(&F.cv, &F.mu, &dl);
    bool ok = F.calls[kind] >= n;
    pthread_mutex_unlock(&F.mu);
    if (!ok)
        fail_msg("call %d of source function %d never started", n, kind);
}

static void fake_hold(int kind, int n) { F.hold[kind][n] = true; }

static void fake_release(int kind, int n)
{
    pthread_mutex_lock(&F.mu);
    F.released[kind][n] = true;
    pthread_cond_broadcast(&F.cv);
    pthread_mutex_unlock(&F.mu);
}

/* ---- readers on their own threads ---- */

struct reader {
    pthread_t th;
    bool joined;
    pthread_barrier_t *start;
    int kind; /* F_INST or F_PROGRESS */
    const char *image_id;
    int rc;
    api_error err;
    uint64_t generation;
    char state[32];
    double process;
    atomic_bool finished;
};

static void reader_join(reader *r)
{
    pthread_join(r->th, NULL);
    r->joined = true;
}

static void *reader_main(void *arg)
{
    reader *r = arg;
    if (r->start)
        pthread_barrier_wait(r->start);
    if (r->kind == F_INST) {
        inst_snap *s = NULL;
        r->rc = cache_get_instances(C, &s, &r->err);
        if (r->rc == 0) {
            r->generation = s->generation;
            snprintf(r->state, sizeof r->state, "%s", s->list.items[0].state);
            inst_snap_put(s);
        }
    } else {
        api_progress p;
        r->rc = cache_get_progress(C, r->image_id, &p, NULL, &r->err);
        if (r->rc == 0)
            r->process = p.process;
    }
    pthread_mutex_lock(&F.mu);
    atomic_store(&r->finished, true);
    pthread_cond_broadcast(&F.cv);
    pthread_mutex_unlock(&F.mu);
    return NULL;
}

/* Joins a reader that must finish without any gate being opened. */
static void join_unblocked(reader *r)
{
    struct timespec dl = deadline();
    pthread_mutex_lock(&F.mu);
    int rc = 0;
    while (!atomic_load(&r->finished) && rc == 0)
        rc = pthread_cond_timedwait(&F.cv, &F.mu, &dl);
    bool done = atomic_load(&r->finished);
    pthread_mutex_unlock(&F.mu);
    if (!done)
        fail_msg("a reader that needed no held fetch is still blocked");
    reader_join(r);
}

static void reader_start_at(reader *r, int kind, const char *image_id, pthread_barrier_t *start)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->image_id = image_id;
    r->start = start;
    assert_true(n_live < sizeof live / sizeof *live);
    assert_int_equal(pthread_create(&r->th, NULL, reader_main, r), 0);
    live[n_live++] = r;
}

static void reader_start(reader *r, int kind, const char *image_id)
{
    reader_start_at(r, kind, image_id, NULL);
}

/* Waits until the cache has counted n misses: every such reader has joined
 * or started a fetch. Bounded only to turn a hang into a failure. */
static void wait_misses(uint64_t n)
{
    cache_stats st;
    for (int i = 0; i < HANG_GUARD_S * 1000; i++) {
        cache_get_stats(C, &st);
        if (st.misses >= n)
            return;
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    fail_msg("only %llu of %llu readers reached the cache", (unsigned long long)st.misses,
             (unsigned long long)n);
}

static int teardown(void **state)
{
    pthread_mutex_lock(&F.mu);
    memset(F.released, 1, sizeof F.released);
    pthread_cond_broadcast(&F.cv);
    pthread_mutex_unlock(&F.mu);
    for (size_t i = 0; i < n_live; i++)
        if (!live[i]->joined)
            reader_join(live[i]);
    n_live = 0;
    return fake_teardown(state);
}

/* ---- freshness ---- */

static void test_fresh_hit_makes_no_call(void **state)
{
    inst_snap *a, *b;
    read_instances(&a);
    advance(TTL_MS - 1);
    read_instances(&b);
    assert_int_equal(fake_calls(F_INST), 1);
    assert_ptr_equal(a, b);
    cache_stats st;
    cache_get_stats(C, &st);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.fetches, 1);
    inst_snap_put(a);
    inst_snap_put(b);
}

static void expire(void) { advance(TTL_MS); }
static void invalidate(void) { cache_invalidate_instances(C); }

/* Once make_stale has made the first read stale, the next read fetches anew:
 * a newer generation, the source's second answer. */
static void assert_refetch_after(void (*make_stale)(void))
{
    inst_snap *a, *b;
    read_instances(&a);
    make_stale();
    read_instances(&b);
    assert_int_equal(fake_calls(F_INST), 2);
    assert_true(b->generation > a->generation);
    assert_string_equal(b->list.items[0].state, "state-2");
    inst_snap_put(a);
    inst_snap_put(b);
}

static void test_expiry_refetches(void **state) { assert_refetch_after(expire); }

static void test_sorted_and_found_without_calls(void **state)
{
    inst_snap *s;
    read_instances(&s);
    assert_int_equal(s->list.n, 3);
    for (size_t i = 1; i < s->list.n; i++)
        assert_true(strcmp(s->list.items[i - 1].uhost_id, s->list.items[i].uhost_id) < 0);
    const api_instance *db = inst_snap_find(s, "uhost-01");
    assert_non_null(db);
    assert_string_equal(db->name, "db");
    assert_null(inst_snap_find(s, "uhost-99")); /* unknown: answered by the listing */
    assert_null(inst_snap_find(s, ""));
    assert_int_equal(fake_calls(F_INST), 1);
    assert_true(s->fetched_at > 0);
    inst_snap_put(s);
}

/* ---- single flight ---- */

static void test_32_concurrent_misses_one_call(void **state)
{
    enum { N = 32 };
    static reader r[N];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, N);
    fake_hold(F_INST, 1);
    for (int i = 0; i < N; i++)
        reader_start_at(&r[i], F_INST, NULL, &start); /* all start together */
    fake_wait_call(F_INST, 1);
    wait_misses(N); /* all 32 are waiting for the one fetch held at the gate */
    fake_release(F_INST, 1);
    for (int i = 0; i < N; i++) {
        reader_join(&r[i]);
        assert_int_equal(r[i].rc, 0);
        assert_int_equal(r[i].generation, r[0].generation);
        assert_string_equal(r[i].state, "state-1");
    }
    assert_int_equal(fake_calls(F_INST), 1);
    cache_stats st;
    cache_get_stats(C, &st);
    assert_int_equal(st.fetches, 1);
    assert_int_equal(st.misses, N);
    pthread_barrier_destroy(&start);
}

/* ---- generations and invalidation ---- */

static void test_slow_fetch_does_not_overwrite_newer(void **state)
{
    static reader slow; /* static: teardown may join it after a failed assertion */
    fake_hold(F_INST, 1);
    reader_start(&slow, F_INST, NULL);
    fake_wait_call(F_INST, 1);

    cache_invalidate_instances(C); /* e.g. a reboot was accepted */
    static reader fastr;
    reader_start(&fastr, F_INST, NULL); /* call 2, not held: completes first */
    join_unblocked(&fastr);
    inst_snap *fast;
    read_instances(&fast); /* a fresh hit on what call 2 published */
    assert_string_equal(fast->list.items[0].state, "state-2");

    fake_release(F_INST, 1);
    reader_join(&slow);
    assert_int_equal(slow.rc, 0);
    /* the slow fetch's reader gets the newer data that was published first */
    assert_string_equal(slow.state, "state-2");

    inst_snap *now;
    read_instances(&now);
    assert_int_equal(fake_calls(F_INST), 2);
    assert_int_equal(now->generation, fast->generation);
    assert_string_equal(now->list.items[0].state, "state-2");
    inst_snap_put(fast);
    inst_snap_put(now);
}

static void test_invalidation_during_fetch_forces_new_fetch(void **state)
{
    static reader before, after;
    fake_hold(F_INST, 1);
    fake_hold(F_INST, 2);
    reader_start(&before, F_INST, NULL);
    fake_wait_call(F_INST, 1);

    cache_invalidate_instances(C);
    reader_start(&after, F_INST, NULL);
    fake_wait_call(F_INST, 2); /* did not join the fetch that began before */

    fake_release(F_INST, 1);
    reader_join(&before);
    assert_int_equal(before.rc, 0);
    assert_string_equal(before.state, "state-1");
    assert_false(atomic_load(&after.finished)); /* still held at its own fetch */

    fake_release(F_INST, 2);
    reader_join(&after);
    assert_int_equal(after.rc, 0);
    assert_string_equal(after.state, "state-2");
    assert_true(after.generation > before.generation);
    assert_int_equal(fake_calls(F_INST), 2);
}

static void test_invalidation_of_fresh_data_refetches(void **state)
{
    assert_refetch_after(invalidate);
}

/* ---- failures ---- */

static void test_failure_reaches_every_waiter_and_is_held_briefly(void **state)
{
    enum { N = 8 };
    static reader r[N];
    fake_hold(F_INST, 1);
    F.fail[F_INST][1] = EIO;
    for (int i = 0; i < N; i++)
        reader_start(&r[i], F_INST, NULL);
    fake_wait_call(F_INST, 1);
    wait_misses(N);
    fake_release(F_INST, 1);
    for (int i = 0; i < N; i++) {
        reader_join(&r[i]);
        assert_int_equal(r[i].rc, -EIO);
        assert_int_equal(r[i].err.err, -EIO);
        assert_int_equal(r[i].err.retcode, 150);
        assert_string_equal(r[i].err.message, "scripted failure of call 1");
    }
    assert_int_equal(fake_calls(F_INST), 1);

    inst_snap *s; /* once the hold is over, the next reader tries again */
    advance(HOLD_MS);
    read_instances(&s);
    assert_int_equal(fake_calls(F_INST), 2);
    assert_string_equal(s->list.items[0].state, "state-2");
    inst_snap_put(s);
    cache_stats st;
    cache_get_stats(C, &st);
    assert_int_equal(st.fetch_errors, 1);
}

/* Readers that come one after another right after a failure (the kernel's
 * revalidation of a name, then a fresh lookup; lookups queued behind each
 * other) get that failure at once, without a call: the retry budget is paid
 * once. The hold ends HOLD_MS after the failure, or at an invalidation. */
static void test_failure_held_for_readers_right_after(void **state)
{
    F.fail[F_INST][1] = ETIMEDOUT;
    api_error err = {0};
    inst_snap *s = NULL;
    assert_int_equal(cache_get_instances(C, &s, &err), -ETIMEDOUT);
    for (int i = 0; i < 6; i++) {
        memset(&err, 0, sizeof err);
        assert_int_equal(cache_get_instances(C, &s, &err), -ETIMEDOUT);
        assert_int_equal(cache_get_instance(C, "uhost-01", &s, &err), -ETIMEDOUT);
        assert_string_equal(err.message, "scripted failure of call 1");
        advance(HOLD_MS / 10);
    }
    assert_null(s);
    assert_int_equal(fake_calls(F_INST), 1);
    advance(HOLD_MS - 6 * (HOLD_MS / 10)); /* the hold is over */
    read_instances(&s);
    inst_snap_put(s);
    assert_int_equal(fake_calls(F_INST), 2);

    /* an invalidation (a command succeeded: the API works) ends it at once */
    advance(TTL_MS);
    F.fail[F_INST][3] = EIO;
    assert_int_equal(cache_get_instances(C, &s, &err), -EIO);
    cache_invalidate_instance(C, "uhost-01");
    assert_int_equal(cache_get_instance(C, "uhost-01", &s, &err), 0);
    inst_snap_put(s);
    assert_int_equal(fake_calls(F_INST), 4);
}

/* A failure is never held longer than ttl. */
static void test_failure_hold_within_ttl(void **state)
{
    cache_free(C);
    cache_source src = fake_source();
    C = cache_new(&src, HOLD_MS / 4);
    F.fail[F_INST][1] = EIO;
    inst_snap *s = NULL;
    assert_int_equal(cache_get_instances(C, &s, NULL), -EIO);
    advance(HOLD_MS / 4 - 1);
    assert_int_equal(cache_get_instances(C, &s, NULL), -EIO);
    assert_int_equal(fake_calls(F_INST), 1);
    advance(1);
    read_instances(&s);
    inst_snap_put(s);
    assert_int_equal(fake_calls(F_INST), 2);
}

static void test_failed_refresh_never_serves_stale(void **state)
{
    inst_snap *a;
    read_instances(&a);
    inst_snap_put(a);
    advance(TTL_MS);
    F.fail[F_INST][2] = ETIMEDOUT;
    inst_snap *s = NULL;
    api_error err = {0};
    assert_int_equal(cache_get_instances(C, &s, &err), -ETIMEDOUT);
    assert_null(s);
    assert_string_equal(err.message, "scripted failure of call 2");
}

/* ---- independence of entries ---- */

static void test_slow_progress_does_not_block_instances(void **state)
{
    static reader slow, inst;
    fake_hold(F_PROGRESS, 1);
    reader_start(&slow, F_PROGRESS, "img-making");
    fake_wait_call(F_PROGRESS, 1);

    reader_start(&inst, F_INST, NULL); /* a miss: fetches while progress is stuck */
    join_unblocked(&inst);
    assert_int_equal(inst.rc, 0);
    inst_snap *s; /* and a fresh hit */
    read_instances(&s);
    inst_snap_put(s);
    api_progress p; /* another image's progress is its own entry */
    assert_int_equal(cache_get_progress(C, "img-other", &p, NULL, NULL), 0);
    assert_int_equal(p.process, 2);
    assert_false(atomic_load(&slow.finished));

    fake_release(F_PROGRESS, 1);
    reader_join(&slow);
    assert_int_equal(slow.rc, 0);
    assert_int_equal(slow.process, 1);
}

static void test_progress_cached_per_image(void **state)
{
    api_progress p;
    cache_info info = {0};
    assert_int_equal(cache_get_progress(C, "img-a", &p, &info, NULL), 0);
    assert_int_equal(info.fresh_until_ms, F.now + TTL_MS); /* fresh for a whole ttl */
    assert_true(info.changed_ns > 0);
    assert_int_equal(cache_get_progress(C, "img-a", &p, NULL, NULL), 0);
    assert_int_equal(p.process, 1);
    assert_int_equal(cache_get_progress(C, "img-b", &p, NULL, NULL), 0);
    assert_int_equal(fake_calls(F_PROGRESS), 2);
    advance(TTL_MS);
    assert_int_equal(cache_get_progress(C, "img-a", &p, NULL, NULL), 0);
    assert_int_equal(p.process, 3);
    /* entries unused for long are dropped; a later read simply fetches */
    advance(100 * TTL_MS);
    for (int i = 0; i < 3; i++)
        assert_int_equal(cache_get_progress(C, "img-a", &p, NULL, NULL), 0);
    assert_int_equal(fake_calls(F_PROGRESS), 4);
}

static void test_progress_failure_held_briefly(void **state)
{
    F.fail[F_PROGRESS][1] = ENOENT;
    api_progress p;
    api_error err = {0};
    assert_int_equal(cache_get_progress(C, "img-gone", &p, NULL, &err), -ENOENT);
    assert_int_equal(cache_get_progress(C, "img-gone", &p, NULL, &err), -ENOENT);
    assert_int_equal(cache_get_progress(C, "img-other", &p, NULL, &err), 0); /* per image */
    advance(HOLD_MS);
    assert_int_equal(cache_get_progress(C, "img-gone", &p, NULL, &err), 0);
    assert_int_equal(fake_calls(F_PROGRESS), 3);
}

/* ---- stress ---- */

/* Readers racing each other, invalidations and expiry, with no gate: the
 * interleavings vary, the assertions hold for every one of them. Per thread,
 * generations never go back, and a read after the thread's own invalidation
 * always comes from a fetch that began after it (no "Running" served after
 * an accepted reboot). */
typedef struct stress_thread {
    pthread_t th;
    int id;
    pthread_barrier_t *start;
    int bad;
} stress_thread;

static void *stress_main(void *arg)
{
    stress_thread *t = arg;
    uint64_t last = 0;
    int calls_before = -1; /* fetches begun before this thread's invalidation */
    pthread_barrier_wait(t->start);
    for (int i = 0; i < 400; i++) {
        inst_snap *s;
        api_error err;
        if (cache_get_instances(C, &s, &err) != 0) {
            t->bad++;
            continue;
        }
        /* the data's call number is in its State: "state-<n>" */
        int call = atoi(s->list.items[0].state + strlen("state-"));
        if (s->generation < last || (calls_before >= 0 && call <= calls_before))
            t->bad++;
        if (!inst_snap_find(s, "uhost-01") || !inst_snap_find_link(s, "web"))
            t->bad++;
        last = s->generation;
        inst_snap_put(s);
        calls_before = -1;
        if (i % 5 == t->id % 5) {
            calls_before = fake_calls(F_INST);
            cache_invalidate_instances(C);
        }
        if (i % 13 == 0)
            advance(TTL_MS / 3);
        char id[16];
        snprintf(id, sizeof id, "img-%d", i % 7);
        api_progress p;
        if (cache_get_progress(C, id, &p, NULL, NULL) != 0)
            t->bad++;
    }
    return NULL;
}

static void test_stress_invariants(void **state)
{
    enum { N = 8 };
    stress_thread t[N];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, N);
    for (int i = 0; i < N; i++) {
        t[i] = (stress_thread){.id = i, .start = &start};
        assert_int_equal(pthread_create(&t[i].th, NULL, stress_main, &t[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i].th, NULL);
        assert_int_equal(t[i].bad, 0);
    }
    cache_stats st;
    cache_get_stats(C, &st);
    assert_int_equal(st.fetch_errors, 0);
    assert_int_equal(st.fetches, (uint64_t)fake_calls(F_INST) + (uint64_t)fake_calls(F_PROGRESS));
    pthread_barrier_destroy(&start);
}

/* A command changed one instance: reads of it fetch, reads of others and
 * the listing are still served from the cache, and the peek never calls. */
static void test_invalidate_one_instance(void **state)
{
    inst_snap *s, *peeked;
    assert_int_equal(cache_peek_instances(C, &peeked), -ENOENT); /* nothing fetched yet */
    read_instances(&s);
    inst_snap_put(s);
    assert_int_equal(fake_calls(F_INST), 1);

    cache_invalidate_instance(C, "uhost-00");
    api_error err = {0};
    assert_int_equal(cache_get_instance(C, "uhost-01", &s, &err), 0);
    inst_snap_put(s);
    read_instances(&s);
    inst_snap_put(s);
    assert_int_equal(fake_calls(F_INST), 1); /* other instances: still fresh */

    assert_int_equal(cache_peek_instances(C, &peeked), 0);
    assert_string_equal(inst_snap_find(peeked, "uhost-00")->state, "state-1");
    assert_int_equal(fake_calls(F_INST), 1); /* the peek called nothing */

    assert_int_equal(cache_get_instance(C, "uhost-00", &s, &err), 0);
    assert_int_equal(fake_calls(F_INST), 2); /* the changed one: fetched afresh */
    assert_string_equal(inst_snap_find(s, "uhost-00")->state, "state-2");
    assert_true(s->generation > peeked->generation);
    inst_snap_put(s);
    inst_snap_put(peeked);

    assert_int_equal(cache_get_instance(C, "uhost-00", &s, &err), 0);
    inst_snap_put(s);
    assert_int_equal(fake_calls(F_INST), 2); /* and fresh again afterwards */
}

/* A fetch that started before the command cannot answer for the instance
 * the command changed, even when it finishes after it. */
static void test_invalidate_one_instance_during_fetch(void **state)
{
    static reader r; /* static: teardown may join it after a failed assertion */
    fake_hold(F_INST, 1);
    reader_start(&r, F_INST, NULL);
    fake_wait_call(F_INST, 1);
    cache_invalidate_instance(C, "uhost-00"); /* the command, while fetch 1 is out */
    fake_release(F_INST, 1);
    reader_join(&r);
    assert_int_equal(r.rc, 0);
    inst_snap *s;
    api_error err = {0};
    assert_int_equal(cache_get_instance(C, "uhost-00", &s, &err), 0);
    assert_int_equal(fake_calls(F_INST), 2);
    assert_string_equal(inst_snap_find(s, "uhost-00")->state, "state-2");
    inst_snap_put(s);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fake_setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_fresh_hit_makes_no_call),
        T(test_expiry_refetches),
        T(test_sorted_and_found_without_calls),
        T(test_32_concurrent_misses_one_call),
        T(test_slow_fetch_does_not_overwrite_newer),
        T(test_invalidation_during_fetch_forces_new_fetch),
        T(test_invalidation_of_fresh_data_refetches),
        T(test_invalidate_one_instance),
        T(test_invalidate_one_instance_during_fetch),
        T(test_failure_reaches_every_waiter_and_is_held_briefly),
        T(test_failure_held_for_readers_right_after),
        T(test_failure_hold_within_ttl),
        T(test_failed_refresh_never_serves_stale),
        T(test_slow_progress_does_not_block_instances),
        T(test_progress_cached_per_image),
        T(test_progress_failure_held_briefly),
        T(test_stress_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
