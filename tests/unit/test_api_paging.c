/* SPDX-License-Identifier: MIT */
/* test_api_paging.c - listings over several pages against the fake
 * transport: all pages read once, in order, deduplicated, concurrently (at
 * most four at a time), and a failing page failing the whole listing. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "api.h"
#include "fake_client.h"
#include "fake_transport.h"
#include "params.h"

typedef struct fleet {
    int total;
    int claim; /* the TotalCount sent, when not 0 (else total) */
    bool with_total;
    int shift;            /* entries repeated at the start of each later page */
    int fail_offset;      /* answer this Offset with an error; -1 none */
    atomic_int in_flight, max_in_flight;
    atomic_int opened;    /* the gate has been passed */
    int gate;             /* later pages wait until this many are in flight */
} fleet;

static char *serve_fleet(fake_net *f, const params *request, fake_reply *reply)
{
    fleet *fl = f->handler_ctx;
    int offset = atoi(params_get(request, "Offset") ? params_get(request, "Offset") : "0");
    int limit = atoi(params_get(request, "Limit") ? params_get(request, "Limit") : "20");
    if (fl->fail_offset == offset)
        return strdup("{\"RetCode\":8039,\"Message\":\"InstanceNotFound\"}");

    int now = atomic_fetch_add(&fl->in_flight, 1) + 1;
    int seen = atomic_load(&fl->max_in_flight);
    while (now > seen && !atomic_compare_exchange_weak(&fl->max_in_flight, &seen, now))
        ;
    if (offset > 0 && fl->gate > 1 && !atomic_load(&fl->opened)) {
        /* Hold the first later pages until `gate` of them are in flight
         * together: this proves the concurrency; the bound only keeps a
         * broken client from hanging the test. */
        for (int i = 0; i < 10000 && !atomic_load(&fl->opened) &&
                        atomic_load(&fl->in_flight) < fl->gate;
             i++)
            nanosleep(&(struct timespec){0, 1000000}, NULL);
        atomic_store(&fl->opened, 1);
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "RetCode", 0);
    if (fl->with_total)
        cJSON_AddNumberToObject(root, "TotalCount", fl->claim ? fl->claim : fl->total);
    cJSON *set = cJSON_AddArrayToObject(root, "UHostSet");
    int from = offset > 0 ? offset - fl->shift : offset;
    for (int i = from; i < offset + limit && i < fl->total; i++) {
        cJSON *o = cJSON_CreateObject();
        char id[32];
        snprintf(id, sizeof id, "uhost-%05d", i);
        cJSON_AddStringToObject(o, "UHostId", id);
        cJSON_AddStringToObject(o, "State", "Running");
        cJSON_AddItemToArray(set, o);
    }
    char *body = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    atomic_fetch_sub(&fl->in_flight, 1);
    return body;
}

static void check_fleet(const api_instance_list *l, int total)
{
    assert_int_equal(l->n, total);
    for (int i = 0; i < total; i++) {
        char id[32];
        snprintf(id, sizeof id, "uhost-%05d", i);
        assert_string_equal(l->items[i].uhost_id, id); /* in API order, no duplicates */
    }
}

static void check_offsets(fake_net *f, const int *want, size_t n)
{
    assert_int_equal(f->n_sent, n);
    int seen[64] = {0};
    for (size_t i = 0; i < f->n_sent; i++) {
        params p;
        fake_sent_params(f, i, &p);
        assert_string_equal(params_get(&p, "Limit"), "100");
        int off = atoi(params_get(&p, "Offset"));
        size_t k = 0;
        while (k < n && want[k] != off)
            k++;
        if (k == n)
            fail_msg("unexpected Offset %d", off);
        seen[k]++;
        params_free(&p);
    }
    for (size_t k = 0; k < n; k++)
        assert_int_equal(seen[k], 1);
}

/* A client whose fake transport serves fl. */
static fixture *fleet_fixture(fleet *fl)
{
    fixture *fx = fx_new();
    fx->net.handler = serve_fleet;
    fx->net.handler_ctx = fl;
    fx_client(fx);
    return fx;
}

/* Lists fl through a fresh client: all of it must come, in order, once. The
 * fixture is left for the caller to look at and free. */
static fixture *list_fleet(fleet *fl, api_instance_list *l)
{
    fixture *fx = fleet_fixture(fl);
    assert_int_equal(api_describe_instances(fx->c, NULL, 0, l, NULL), 0);
    check_fleet(l, fl->total);
    return fx;
}

/* 250 instances, with or without TotalCount: three pages, at Offsets 0, 100
 * and 200, and the count known in the end. */
static fixture *list_250(fleet *fl)
{
    api_instance_list l;
    fixture *fx = list_fleet(fl, &l);
    assert_int_equal(l.total_count, 250);
    check_offsets(&fx->net, (int[]){0, 100, 200}, 3);
    api_instance_list_free(&l);
    return fx;
}

static void test_paging_250(void **state)
{
    fleet fl = {.total = 250, .with_total = true, .fail_offset = -1};
    fixture *fx = list_250(&fl);
    assert_int_equal(fx->hook.calls, 3); /* one per request */
    fx_free(fx);
}

/* Instances moving between pages while we read come once. */
static void test_paging_dedupe(void **state)
{
    fleet fl = {.total = 250, .with_total = true, .shift = 5, .fail_offset = -1};
    api_instance_list l;
    fixture *fx = list_fleet(&fl, &l);
    api_instance_list_free(&l);
    fx_free(fx);
}

/* Without TotalCount, pages are read while they come back full. */
static void test_paging_without_total(void **state)
{
    fleet fl = {.total = 250, .with_total = false, .fail_offset = -1};
    fixture *fx = list_250(&fl);

    /* exactly 200: the empty third page ends it */
    fl.total = 200;
    fake_clear(&fx->net);
    api_instance_list l;
    assert_int_equal(api_describe_instances(fx->c, NULL, 0, &l, NULL), 0);
    check_fleet(&l, 200);
    api_instance_list_free(&l);
    fx_free(fx);
}

/* 1000 instances: after the first page, the other nine are fetched four at a
 * time, never more. */
static void test_paging_concurrent(void **state)
{
    fleet fl = {.total = 1000, .with_total = true, .fail_offset = -1, .gate = 4};
    api_instance_list l;
    fixture *fx = list_fleet(&fl, &l);
    check_offsets(&fx->net, (int[]){0, 100, 200, 300, 400, 500, 600, 700, 800, 900}, 10);
    assert_int_equal(atomic_load(&fl.max_in_flight), 4);
    api_instance_list_free(&l);
    fx_free(fx);
}

static void test_paging_error_fails_whole_listing(void **state)
{
    fleet fl = {.total = 450, .with_total = true, .fail_offset = 200};
    fixture *fx = fleet_fixture(&fl);
    api_instance_list l;
    api_error err;
    assert_int_equal(api_describe_instances(fx->c, NULL, 0, &l, &err), -ENOENT);
    assert_int_equal(l.n, 0);
    assert_null(l.items);
    assert_int_equal(err.retcode, 8039);
    fx_free(fx);
}

/* A TotalCount no fleet has is not believed: a short page is the last one
 * whatever TotalCount says, and a server that fills every page is asked for
 * 200 pages (20,000 entries) at most, never for 10^10. */
static atomic_int absurd_requests;

static char *absurd_total(fake_net *f, const params *request, fake_reply *reply)
{
    atomic_fetch_add(&absurd_requests, 1);
    int entries = *(const int *)f->handler_ctx;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "RetCode", 0);
    cJSON_AddNumberToObject(root, "TotalCount", 1e12);
    cJSON *set = cJSON_AddArrayToObject(root, "UHostSet");
    for (int i = 0; i < entries; i++) {
        char id[32];
        snprintf(id, sizeof id, "u-%d", i);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "UHostId", id);
        cJSON_AddItemToArray(set, o);
    }
    char *body = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return body;
}

static void test_paging_absurd_total(void **state)
{
    const int entries[] = {1, 100}, want_requests[] = {1, 200};
    for (int k = 0; k < 2; k++) {
        atomic_store(&absurd_requests, 0);
        fixture *fx = fx_new();
        fx->net.handler = absurd_total;
        fx->net.handler_ctx = (void *)&entries[k];
        api_client *c = fx_client(fx);
        api_instance_list l;
        assert_int_equal(api_describe_instances(c, NULL, 0, &l, NULL), 0);
        assert_int_equal(l.n, entries[k]); /* the same entries on every page, once */
        assert_int_equal(atomic_load(&absurd_requests), want_requests[k]);
        api_instance_list_free(&l);
        fx_free(fx);
    }
}

/* Pages after a short one are not asked for, even though TotalCount says
 * more: only those already in flight when it came (four at a time). */
static void test_paging_short_page_is_last(void **state)
{
    fleet fl = {.total = 150, .claim = 1000, .with_total = true, .fail_offset = -1};
    fixture *fx = fleet_fixture(&fl);
    api_instance_list l;
    assert_int_equal(api_describe_instances(fx->c, NULL, 0, &l, NULL), 0);
    check_fleet(&l, 150);
    assert_true(fx->net.n_sent >= 2 && fx->net.n_sent <= 5); /* of the 10 claimed */
    api_instance_list_free(&l);
    fx_free(fx);
}

/* Every page of a listing shares one retry budget: a slow first page leaves
 * the others only what is left of it, so the listing fails within the
 * budget (2 x timeout), never after a budget per page. */
static char *slow_then_silent(fake_net *f, const params *request, fake_reply *reply)
{
    int offset = atoi(params_get(request, "Offset"));
    int *first_attempts = f->handler_ctx;
    if (offset > 0 || (*first_attempts)++ == 0) {
        reply->failure = TRANSPORT_TIMEOUT_SENT; /* costs the attempt's whole timeout */
        return NULL;
    }
    fleet fl = {.total = 200, .with_total = true, .fail_offset = -1};
    f->handler_ctx = &fl;
    char *body = serve_fleet(f, request, reply);
    f->handler_ctx = first_attempts;
    return body;
}

static void test_paging_one_budget(void **state)
{
    int first_attempts = 0;
    fixture *fx = fx_new();
    fx->net.handler = slow_then_silent;
    fx->net.handler_ctx = &first_attempts;
    fx->cfg.timeout_ms = 1000; /* budget: 2000 ms */
    api_client *c = fx_client(fx);
    long long start = fx->net.now;
    api_instance_list l;
    api_error err;
    assert_int_equal(api_describe_instances(c, NULL, 0, &l, &err), -ETIMEDOUT);
    assert_int_equal(first_attempts, 2); /* the first page did come, late */
    assert_true(fx->net.n_sent >= 3);
    assert_true(fx->net.now - start <= 2000);
    fx_free(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paging_250),
        cmocka_unit_test(test_paging_dedupe),
        cmocka_unit_test(test_paging_without_total),
        cmocka_unit_test(test_paging_concurrent),
        cmocka_unit_test(test_paging_error_fails_whole_listing),
        cmocka_unit_test(test_paging_absurd_total),
        cmocka_unit_test(test_paging_short_page_is_last),
        cmocka_unit_test(test_paging_one_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
