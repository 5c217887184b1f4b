/* SPDX-License-Identifier: MIT */
/* test_cache_snap.c - what a snapshot holds: image lists and lookups by ID,
 * the by-name link table (escaping, collisions), and snapshots outliving the
 * cache's newer data. Single-threaded, against the fake of fake_cache.h. */
#include "fake_cache.h"

/* ---- images ---- */

static void test_image_lists_sorted_and_cached(void **state)
{
    img_snap *c1, *c2, *p;
    assert_int_equal(cache_get_custom_images(C, &c1, NULL), 0);
    assert_int_equal(cache_get_custom_images(C, &c2, NULL), 0);
    assert_int_equal(cache_get_platform_images(C, &p, NULL), 0);
    assert_int_equal(fake_calls(F_CUSTOM), 1);
    assert_int_equal(fake_calls(F_PLATFORM), 1);
    assert_int_equal(c1->list.n, 2);
    assert_string_equal(c1->list.items[0].image_id, "img-a");
    assert_non_null(img_snap_find(c1, "img-b"));
    assert_null(img_snap_find(c1, "img-sys-1"));
    assert_non_null(img_snap_find(p, "img-sys-1"));
    img_snap_put(c1);
    img_snap_put(c2);
    img_snap_put(p);
    cache_invalidate_images(C);
    assert_int_equal(cache_get_custom_images(C, &c1, NULL), 0);
    assert_int_equal(fake_calls(F_CUSTOM), 2);
    img_snap_put(c1);
}

static void test_custom_image_by_id(void **state)
{
    api_image im;
    long long at = 0;
    /* listed: from the list, no lookup */
    assert_int_equal(cache_get_custom_image(C, "img-a", &im, &at, NULL), 0);
    assert_string_equal(im.image_id, "img-a");
    assert_true(at > 0);
    api_image_free(&im);
    assert_int_equal(fake_calls(F_FIND), 0);

    /* not listed but exists: looked up once per ttl */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(cache_get_custom_image(C, "img-hidden", &im, NULL, NULL), 0);
        assert_string_equal(im.status, "status-1");
        api_image_free(&im);
    }
    assert_int_equal(fake_calls(F_FIND), 1);

    /* does not exist: the answer is cached too */
    api_error err = {0};
    for (int i = 0; i < 3; i++)
        assert_int_equal(cache_get_custom_image(C, "img-nope", &im, NULL, &err), -ENOENT);
    assert_int_equal(err.err, -ENOENT);
    assert_int_equal(fake_calls(F_FIND), 2);
    assert_int_equal(fake_calls(F_CUSTOM), 1);

    advance(TTL_MS);
    assert_int_equal(cache_get_custom_image(C, "img-nope", &im, NULL, &err), -ENOENT);
    assert_int_equal(fake_calls(F_FIND), 3);
    assert_int_equal(fake_calls(F_CUSTOM), 2);

    /* a lookup failure other than "does not exist" is held only for a moment
     * (cache.c: FAIL_HOLD_MS, 1 s), not for the ttl */
    F.fail[F_FIND][4] = EIO;
    assert_int_equal(cache_get_custom_image(C, "img-x", &im, NULL, &err), -EIO);
    assert_int_equal(cache_get_custom_image(C, "img-x", &im, NULL, &err), -EIO);
    assert_int_equal(fake_calls(F_FIND), 4);
    advance(1000);
    assert_int_equal(cache_get_custom_image(C, "img-x", &im, NULL, &err), -ENOENT);
    assert_int_equal(fake_calls(F_FIND), 5);
}

/* Lookups of unlisted IDs are what any user can make the mount pay for: at
 * most 10 start per ttl window; beyond them an unlisted ID is ENOENT from the
 * listing alone, while listed images and answers already cached still work. */
static void test_unlisted_lookups_limited(void **state)
{
    api_image im;
    api_error err;
    assert_int_equal(cache_get_custom_image(C, "img-hidden", &im, NULL, NULL), 0);
    api_image_free(&im);
    for (int i = 0; i < 500; i++) {
        char id[32];
        snprintf(id, sizeof id, "img-random-%d", i);
        assert_int_equal(cache_get_custom_image(C, id, &im, NULL, &err), -ENOENT);
    }
    assert_int_equal(fake_calls(F_FIND), 10);
    assert_int_equal(cache_get_custom_image(C, "img-hidden", &im, NULL, NULL), 0); /* cached */
    api_image_free(&im);
    assert_int_equal(cache_get_custom_image(C, "img-a", &im, NULL, NULL), 0); /* listed */
    api_image_free(&im);
    assert_int_equal(fake_calls(F_FIND), 10);

    advance(TTL_MS); /* a new window: ten more */
    for (int i = 0; i < 500; i++) {
        char id[32];
        snprintf(id, sizeof id, "img-other-%d", i);
        assert_int_equal(cache_get_custom_image(C, id, &im, NULL, &err), -ENOENT);
    }
    assert_int_equal(fake_calls(F_FIND), 20);
    assert_int_equal(fake_calls(F_CUSTOM), 2); /* one listing per ttl */
}

/* ---- by-name links ---- */

static const api_instance *link(const inst_snap *s, const char *name)
{
    return inst_snap_find_link(s, name);
}

static void test_by_name_escaping_and_collisions(void **state)
{
    static const char *const names[] = {
        "web",  "db",  "db",        "a/b",     "50%", ".",    "..",
        "",     "db",  "x@uhost-09", "x",      "x",   "训练-1",
    };
    F.n_inst = sizeof names / sizeof *names;
    memcpy(F.names, names, sizeof names);
    inst_snap *s;
    read_instances(&s);

    assert_string_equal(link(s, "web")->uhost_id, "uhost-00");
    assert_null(link(s, "db")); /* held three times: only the qualified names */
    assert_string_equal(link(s, "db@uhost-01")->uhost_id, "uhost-01");
    assert_string_equal(link(s, "db@uhost-02")->uhost_id, "uhost-02");
    assert_string_equal(link(s, "db@uhost-08")->uhost_id, "uhost-08");
    assert_string_equal(link(s, "a%2Fb")->uhost_id, "uhost-03");
    assert_null(link(s, "a/b"));
    assert_string_equal(link(s, "50%25")->uhost_id, "uhost-04");
    assert_string_equal(link(s, "%2E")->uhost_id, "uhost-05");
    assert_string_equal(link(s, "%2E%2E")->uhost_id, "uhost-06");
    assert_null(link(s, "."));
    assert_null(link(s, ".."));
    assert_null(link(s, ""));
    assert_string_equal(link(s, "训练-1")->uhost_id, "uhost-12");
    /* "x" twice makes "x@uhost-10" and "x@uhost-11"; uhost-09 is literally
     * named "x@uhost-09", which does not clash, so it keeps its bare name */
    assert_string_equal(link(s, "x@uhost-09")->uhost_id, "uhost-09");
    assert_string_equal(link(s, "x@uhost-10")->uhost_id, "uhost-10");
    assert_null(link(s, "x"));

    /* every link is unique, sorted, and no name contains '/' */
    for (size_t i = 0; i < s->n_links; i++) {
        assert_null(strchr(s->link_names[i], '/'));
        if (i > 0)
            assert_true(strcmp(s->link_names[i - 1], s->link_names[i]) < 0);
        assert_ptr_equal(link(s, s->link_names[i]), &s->list.items[s->link_targets[i]]);
    }
    assert_int_equal(s->n_links, 12); /* 13 instances, one unnamed */
    inst_snap_put(s);
}

static void test_by_name_suffixed_clashes_with_bare(void **state)
{
    /* uhost-00 is named "x@uhost-02"; uhost-01 and uhost-02 are both "x" */
    static const char *const names[] = {"x@uhost-02", "x", "x"};
    memcpy(F.names, names, sizeof names);
    inst_snap *s;
    read_instances(&s);
    assert_string_equal(link(s, "x@uhost-01")->uhost_id, "uhost-01");
    assert_string_equal(link(s, "x@uhost-02")->uhost_id, "uhost-02");
    assert_string_equal(link(s, "x@uhost-02@uhost-00")->uhost_id, "uhost-00");
    assert_int_equal(s->n_links, 3);
    inst_snap_put(s);
}

/* ---- snapshot lifetime ---- */

static void test_old_snapshot_valid_after_newer_published(void **state)
{
    inst_snap *old, *newer;
    read_instances(&old);
    cache_invalidate_instances(C);
    read_instances(&newer);
    assert_ptr_not_equal(old, newer);
    assert_true(newer->generation > old->generation);
    /* the old one is untouched and still fully readable */
    assert_string_equal(old->list.items[0].state, "state-1");
    assert_string_equal(inst_snap_find_link(old, "web")->uhost_id, "uhost-00");
    inst_snap_put(newer);
    assert_string_equal(inst_snap_find(old, "uhost-02")->name, "train");
    inst_snap_put(old);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fake_setup, fake_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_image_lists_sorted_and_cached),
        T(test_custom_image_by_id),
        T(test_unlisted_lookups_limited),
        T(test_by_name_escaping_and_collisions),
        T(test_by_name_suffixed_clashes_with_bare),
        T(test_old_snapshot_valid_after_newer_published),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
