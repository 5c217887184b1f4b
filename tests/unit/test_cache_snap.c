/* SPDX-License-Identifier: MIT */
/* test_cache_snap.c - what a snapshot holds: image lists and lookups by ID,
 * the by-name link table (escaping, collisions), and snapshots outliving the
 * cache's newer data. Single-threaded, against the fake of fake_cache.h. */
#include "fake_cache.h"

#include <limits.h>

#include "assert_text.h"
#include "utf8.h"

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
    cache_info info = {0};
    /* an image looked up by ID: once per ttl, however often it is read */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(cache_lookup_custom_image(C, "img-hidden", &im, &info, NULL), 0);
        assert_string_equal(im.status, "status-1");
        api_image_free(&im);
    }
    assert_int_equal(fake_calls(F_FIND), 1);
    assert_int_equal(info.fresh_until_ms, F.now + TTL_MS);

    /* does not exist: the answer is cached too */
    api_error err = {0};
    for (int i = 0; i < 3; i++)
        assert_int_equal(cache_lookup_custom_image(C, "img-nope", &im, NULL, &err), -ENOENT);
    assert_int_equal(err.err, -ENOENT);
    assert_int_equal(fake_calls(F_FIND), 2);

    advance(TTL_MS);
    assert_int_equal(cache_lookup_custom_image(C, "img-nope", &im, NULL, &err), -ENOENT);
    assert_int_equal(fake_calls(F_FIND), 3);

    /* a lookup failure other than "does not exist" is held only for a moment
     * (cache_flight.c: FAIL_HOLD_MS, 1 s), not for the ttl */
    F.fail[F_FIND][4] = EIO;
    assert_int_equal(cache_lookup_custom_image(C, "img-x", &im, NULL, &err), -EIO);
    assert_int_equal(cache_lookup_custom_image(C, "img-x", &im, NULL, &err), -EIO);
    assert_int_equal(fake_calls(F_FIND), 4);
    advance(1000);
    assert_int_equal(cache_lookup_custom_image(C, "img-x", &im, NULL, &err), -ENOENT);
    assert_int_equal(fake_calls(F_FIND), 5);
}

/* Lookups of unlisted IDs are what any user can make the mount pay for: at
 * most 10 start per ttl window; beyond them an unlisted ID is ENOENT from the
 * listing alone, while listed images and answers already cached still work. */
static void test_unlisted_lookups_limited(void **state)
{
    api_image im;
    api_error err;
    assert_int_equal(cache_lookup_custom_image(C, "img-hidden", &im, NULL, NULL), 0);
    api_image_free(&im);
    for (int i = 0; i < 500; i++) {
        char id[32];
        snprintf(id, sizeof id, "img-random-%d", i);
        assert_int_equal(cache_lookup_custom_image(C, id, &im, NULL, &err), -ENOENT);
    }
    assert_int_equal(fake_calls(F_FIND), 10);
    assert_int_equal(cache_lookup_custom_image(C, "img-hidden", &im, NULL, NULL), 0); /* cached */
    api_image_free(&im);
    assert_int_equal(fake_calls(F_FIND), 10);

    advance(TTL_MS); /* a new window: ten more */
    for (int i = 0; i < 500; i++) {
        char id[32];
        snprintf(id, sizeof id, "img-other-%d", i);
        assert_int_equal(cache_lookup_custom_image(C, id, &im, NULL, &err), -ENOENT);
    }
    assert_int_equal(fake_calls(F_FIND), 20);
}

/* ---- by-name links ---- */

static const api_instance *link(const inst_snap *s, const char *name)
{
    return inst_snap_find_link(s, name);
}

/* Every link is unique, sorted, points where inst_snap_find_link says, fits
 * NAME_MAX, and shows nothing a terminal would not print as it is: valid
 * UTF-8 with no control or bidirectional character, no '/'. */
static void assert_links_sound(const inst_snap *s)
{
    for (size_t i = 0; i < s->n_links; i++) {
        const char *name = s->link_names[i];
        assert_null(strchr(name, '/'));
        assert_true(strlen(name) <= NAME_MAX);
        for (size_t at = 0, len = strlen(name); at < len;) {
            unsigned cp;
            size_t n = utf8_decode(name + at, len - at, &cp);
            if (n == 0 || utf8_is_control(cp) || utf8_is_bidi_control(cp))
                fail_msg("link \"%s\": byte %zu is not printable as it is", name, at);
            at += n;
        }
        if (i > 0)
            assert_true(strcmp(s->link_names[i - 1], name) < 0);
        assert_ptr_equal(link(s, name), &s->list.items[s->link_targets[i]]);
    }
}

/* Which instance a by-name link leads to; uhost_id NULL: there is no such link. */
typedef struct link_case {
    const char *link, *uhost_id;
} link_case;

static void assert_links_lead(const inst_snap *s, const link_case *cases, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const api_instance *in = link(s, cases[k].link);
        const char *got = in ? in->uhost_id : NULL, *want = cases[k].uhost_id;
        if (!text_is(got, want))
            fail_msg("link \"%s\" leads to %s, expected %s", cases[k].link, got ? got : "nothing",
                     want ? want : "nothing");
    }
}

static void use_names(const char *const *names, size_t n)
{
    F.n_inst = n;
    memcpy(F.names, names, n * sizeof *names);
}

static void test_by_name_escaping_and_collisions(void **state)
{
    static const char *const names[] = {
        "web",  "db",  "db",        "a/b",     "50%", ".",    "..",
        "",     "db",  "x@uhost-09", "x",      "x",   "训练-1",
    };
    use_names(names, sizeof names / sizeof *names);
    inst_snap *s;
    read_instances(&s);

    static const link_case want[] = {
        {"web", "uhost-00"},
        {"db", NULL}, /* held three times: only the qualified names */
        {"db@uhost-01", "uhost-01"},
        {"db@uhost-02", "uhost-02"},
        {"db@uhost-08", "uhost-08"},
        {"a%2Fb", "uhost-03"},
        {"a/b", NULL},
        {"50%25", "uhost-04"},
        {"%2E", "uhost-05"},
        {"%2E%2E", "uhost-06"},
        {".", NULL},
        {"..", NULL},
        {"", NULL},
        {"训练-1", "uhost-12"},
        /* "x" twice makes "x@uhost-10" and "x@uhost-11"; uhost-09 is named
         * "x@uhost-09", which is written x%40uhost-09: "x@uhost-09" would say
         * "uhost-09, named x", which it is not */
        {"x@uhost-10", "uhost-10"},
        {"x%40uhost-09", "uhost-09"},
        {"x@uhost-09", NULL},
        {"x", NULL},
    };
    assert_links_lead(s, want, sizeof want / sizeof *want);
    assert_links_sound(s);
    assert_int_equal(s->n_links, 12); /* 13 instances, one unnamed */
    inst_snap_put(s);
}

/* No name can make a link that poses as another instance's, or that shows
 * other than it is. */
static void test_by_name_no_spoofing(void **state)
{
    static const char *const names[] = {
        "bench-01@uhost-02",        /* uhost-00: poses as "uhost-02, named bench-01" */
        "bench-01",                 /* uhost-01 */
        "uhost-00",                 /* uhost-02: poses as instance uhost-00 */
        "UHOST-01x",                /* uhost-03 */
        "compshareImage-abc",       /* uhost-04: an image ID */
        "admin\xe2\x80\xaegnp.exe", /* uhost-05: U+202E, shown as "adminexe.png" */
        "c1\302\23331m",            /* uhost-06: C1 CSI (U+009B), a terminal escape */
        "tab\there\n",              /* uhost-07 */
        "bad\377byte",               /* uhost-08: not UTF-8 */
        "lrm\xe2\x80\x8e",          /* uhost-09: U+200E */
    };
    use_names(names, sizeof names / sizeof *names);
    inst_snap *s;
    read_instances(&s);
    static const link_case want[] = {
        {"bench-01%40uhost-02", "uhost-00"},
        {"bench-01", "uhost-01"},
        {"bench-01@uhost-02", NULL},
        {"uhost-00@uhost-02", "uhost-02"},
        {"uhost-00", NULL},
        {"UHOST-01x@uhost-03", "uhost-03"},
        {"compshareImage-abc@uhost-04", "uhost-04"},
        {"admin%E2%80%AEgnp.exe", "uhost-05"},
        {"c1%C2%9B31m", "uhost-06"},
        {"tab%09here%0A", "uhost-07"},
        {"bad%FFbyte", "uhost-08"},
        {"lrm%E2%80%8E", "uhost-09"},
    };
    assert_links_lead(s, want, sizeof want / sizeof *want);
    assert_links_sound(s);
    assert_int_equal(s->n_links, 10);
    inst_snap_put(s);
}

/* A long valid name (63 characters of 4 bytes: 252 bytes) held twice, and a
 * name whose escapes make it longer than NAME_MAX: NAME@UHOSTID with NAME cut
 * at a character boundary, never inside a UTF-8 sequence or a %XX escape, so
 * each instance stays reachable. */
static void test_by_name_long_names(void **state)
{
    static char emoji[63 * 4 + 1], slashes[120 + 1];
    for (int i = 0; i < 63; i++)
        memcpy(emoji + 4 * i, "\xf0\x9f\x98\x80", 4); /* U+1F600 */
    memset(slashes, '/', 120);                        /* 360 bytes escaped */
    const char *names[] = {emoji, emoji, slashes, "short"};
    use_names(names, 4);
    inst_snap *s;
    read_instances(&s);
    assert_int_equal(s->n_links, 4);
    assert_links_sound(s);
    const char *want[] = {"uhost-00", "uhost-01", "uhost-02"};
    for (int k = 0; k < 3; k++) {
        const char *found = NULL;
        for (size_t i = 0; i < s->n_links; i++)
            if (strcmp(s->list.items[s->link_targets[i]].uhost_id, want[k]) == 0)
                found = s->link_names[i];
        assert_non_null(found);
        const char *at = strchr(found, '@');
        assert_non_null(at);
        assert_string_equal(at + 1, want[k]);
        size_t kept = (size_t)(at - found);
        assert_true(kept > 200); /* cut to fit, not dropped */
        /* whole characters, whole escapes */
        assert_int_equal(kept % (k < 2 ? 4 : 3), 0);
    }
    assert_string_equal(link(s, "short")->uhost_id, "uhost-03");
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
        T(test_by_name_no_spoofing),
        T(test_by_name_long_names),
        T(test_old_snapshot_valid_after_newer_published),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
