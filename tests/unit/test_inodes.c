/* SPDX-License-Identifier: MIT */
/* test_inodes.c - the glue's bookkeeping without a mount: inode numbers and
 * their lifetime, the version reads are served from, dropping what is known
 * under a path; the pending-reply registry; the command pool. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "inodes.h"
#include "jobs.h"
#include "pending.h"
#include "strbuf.h"
#include "tree.h"

static void test_numbers_and_paths(void **state)
{
    inodes *t = inodes_new();
    assert_non_null(t);
    char *p = inodes_path(t, INODES_ROOT);
    assert_string_equal(p, "/");
    free(p);
    char *child = inodes_child_path(t, INODES_ROOT, "instances");
    assert_string_equal(child, "/instances");
    uint64_t a = inodes_ref(t, child);
    assert_true(a > INODES_ROOT);
    assert_int_equal(inodes_ref(t, child), a); /* same path, same number */
    char *grand = inodes_child_path(t, a, "uhost-1");
    assert_string_equal(grand, "/instances/uhost-1");
    uint64_t b = inodes_ref(t, grand);
    assert_true(b != a);
    assert_int_equal(inodes_find(t, grand), b);
    assert_int_equal(inodes_find(t, "/nope"), 0);
    assert_null(inodes_path(t, 999999)); /* a number never given: ESTALE for the glue */
    assert_null(inodes_child_path(t, 999999, "x"));
    assert_int_equal(inodes_count(t), 3);

    /* two lookups of a: it lives until both are forgotten */
    inodes_forget(t, a, 1);
    p = inodes_path(t, a);
    assert_string_equal(p, "/instances");
    free(p);
    inodes_forget(t, a, 1);
    assert_null(inodes_path(t, a));
    /* a path seen again gets a new number: numbers are never reused */
    uint64_t a2 = inodes_ref(t, child);
    assert_true(a2 > b);
    inodes_forget(t, INODES_ROOT, 100); /* the root is never forgotten */
    p = inodes_path(t, INODES_ROOT);
    assert_string_equal(p, "/");
    free(p);
    free(child);
    free(grand);
    inodes_free(t);
}

static void test_many_inodes(void **state)
{
    inodes *t = inodes_new();
    uint64_t ids[5000];
    for (int i = 0; i < 5000; i++) {
        char path[64];
        snprintf(path, sizeof path, "/instances/uhost-%05d", i);
        ids[i] = inodes_ref(t, path);
        assert_true(ids[i] != 0);
    }
    assert_int_equal(inodes_count(t), 5001);
    for (int i = 0; i < 5000; i += 7) {
        char path[64];
        snprintf(path, sizeof path, "/instances/uhost-%05d", i);
        assert_int_equal(inodes_find(t, path), ids[i]);
        char *p = inodes_path(t, ids[i]);
        assert_string_equal(p, path);
        free(p);
    }
    for (int i = 0; i < 5000; i++)
        inodes_forget(t, ids[i], 1);
    assert_int_equal(inodes_count(t), 1);
    inodes_free(t);
}

typedef struct seen {
    uint64_t ino[16], parent[16];
    char name[16][64];
    int n;
} seen;

static void collect(void *ctx, uint64_t ino, uint64_t parent, const char *name)
{
    seen *s = ctx;
    assert_true(s->n < 16);
    s->ino[s->n] = ino;
    s->parent[s->n] = parent;
    snprintf(s->name[s->n], sizeof s->name[0], "%s", name);
    s->n++;
}

static bool has(const seen *s, const char *name, uint64_t parent)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->name[i], name) == 0 && s->parent[i] == parent)
            return true;
    return false;
}

/* The versions: served while valid, dropped with what is below a path. */
static void test_versions_and_drop(void **state)
{
    inodes *t = inodes_new();
    uint64_t dir = inodes_ref(t, "/instances/uhost-1");
    uint64_t st = inodes_ref(t, "/instances/uhost-1/status");
    uint64_t other = inodes_ref(t, "/instances/uhost-10/status");
    node_attr a = {.kind = NODE_FILE, .mode = 0444, .size = 8, .valid_ms = 2000};
    tree_blob *b = tree_blob_new("Running\n", 8);
    inodes_set_version(t, st, b, &a, 1000);
    tree_blob_put(b); /* the table keeps its own reference */
    node_attr got;
    tree_blob *v = inodes_version(t, st, 500, &got);
    assert_non_null(v);
    assert_string_equal(tree_blob_data(v), "Running\n");
    assert_int_equal(got.size, 8);
    tree_blob_put(v);
    assert_null(inodes_version(t, st, 1000, &got)); /* stale: the glue asks the tree again */
    b = tree_blob_new("Stopped\n", 8);
    inodes_set_version(t, st, b, &a, 5000);
    tree_blob_put(b);
    v = inodes_version(t, st, 1000, &got);
    assert_string_equal(tree_blob_data(v), "Stopped\n");
    tree_blob_put(v);

    seen s = {0};
    inodes_drop_under(t, "/instances/uhost-1", collect, &s);
    assert_int_equal(s.n, 2); /* the directory and its file; not uhost-10 */
    assert_true(has(&s, "uhost-1", 0));     /* the prefix itself: no parent */
    assert_true(has(&s, "status", dir));    /* below: with its parent, for the names */
    for (int i = 0; i < s.n; i++)
        assert_true(s.ino[i] != other);
    assert_null(inodes_version(t, st, 1000, &got)); /* dropped: the next read renders anew */
    inodes_free(t);
}

static void test_pending(void **state)
{
    pending *p = pending_new();
    uint64_t a = pending_add(p), b = pending_add(p);
    assert_true(a && b && a != b);
    assert_true(pending_contains(p, a));
    assert_true(pending_take(p, a));
    assert_false(pending_take(p, a)); /* exactly once: the interrupt or the answer */
    assert_false(pending_contains(p, a));
    assert_true(pending_contains(p, b));
    assert_false(pending_take(p, 0));
    pending_free(p);
}

typedef struct counter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, running, max_running;
    bool hold;
} counter;

static void work(void *arg)
{
    counter *c = arg;
    pthread_mutex_lock(&c->mu);
    c->running++;
    if (c->running > c->max_running)
        c->max_running = c->running;
    pthread_cond_broadcast(&c->cv);
    while (c->hold)
        pthread_cond_wait(&c->cv, &c->mu);
    c->running--;
    c->done++;
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

/* Jobs that wait (a hung API) each hold a pool thread, up to the bound;
 * the rest wait in line; all run; nothing is taken once stopping. */
static void test_jobs(void **state)
{
    counter c = {.hold = true};
    pthread_mutex_init(&c.mu, NULL);
    pthread_cond_init(&c.cv, NULL);
    jobs *j = jobs_new(4);
    for (int i = 0; i < 10; i++)
        assert_int_equal(jobs_submit(j, work, &c), 0);
    pthread_mutex_lock(&c.mu);
    while (c.running < 4)
        pthread_cond_wait(&c.cv, &c.mu);
    assert_int_equal(c.running, 4); /* the bound: the other six wait */
    c.hold = false;
    pthread_cond_broadcast(&c.cv);
    while (c.done < 10)
        pthread_cond_wait(&c.cv, &c.mu);
    pthread_mutex_unlock(&c.mu);
    assert_true(c.max_running <= 4);
    jobs_free(j); /* waits for its threads, which then leave */
    pthread_mutex_destroy(&c.mu);
    pthread_cond_destroy(&c.cv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_and_paths), cmocka_unit_test(test_many_inodes),
        cmocka_unit_test(test_versions_and_drop), cmocka_unit_test(test_pending),
        cmocka_unit_test(test_jobs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
