/* SPDX-License-Identifier: MIT */
/* api_pages.c - the reading calls: listings fetched page by page, and image
 * progress.
 *
 * A listing asks for the first page (Limit=100); once its TotalCount is
 * known, the other pages are fetched concurrently by up to PAGE_WORKERS
 * threads (the caller's thread is one of them), since a thousand instances at
 * 100 ms per request would otherwise take a second. Pages are merged in order
 * and entries that moved between pages while we read are deduplicated by ID.
 *
 * TotalCount comes from the server and is only believed so far: a page with
 * fewer than Limit entries is the last one whatever TotalCount says, and no
 * listing reads more than MAX_PAGES pages. All pages of a listing share one
 * retry budget (api_call_until), so a listing fails within that budget
 * however many pages it has. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_internal.h"
#include "decode.h"
#include "grow.h"
#include "log.h"

#define PAGE_WORKERS 4
/* At most 20,000 entries (twice the largest fleet compshare-sim seeds): a
 * hostile TotalCount of 10^12 sends no more requests than this. */
#define MAX_PAGES 200

/* Fills the parameters of a listing other than Offset and Limit. */
typedef int (*fill_fn)(api_client *c, const void *arg, params *p);

typedef struct pager {
    api_client *c;
    const char *action; /* for errors found before a request is sent */
    fill_fn fill;
    const void *arg;
    const char *set_key;
    long long deadline; /* the listing's budget ends here */
    cJSON **pages;
    size_t n_pages;
    pthread_mutex_t lock;
    size_t next; /* next page to fetch */
    size_t last; /* the first page that came back short: nothing after it is asked */
    int rc;      /* first failure, 0 while none */
    api_error err;
} pager;

static int fetch_page(api_client *c, const char *action, fill_fn fill, const void *arg,
                      long long deadline, size_t index, cJSON **answer, api_error *err)
{
    params p;
    params_init(&p);
    int rc = fill(c, arg, &p);
    if (!rc)
        rc = params_add_int(&p, "Offset", (long long)(index * API_PAGE_LIMIT));
    if (!rc)
        rc = params_add_int(&p, "Limit", API_PAGE_LIMIT);
    if (rc) {
        params_free(&p);
        return api_local_error(err, action, rc, "cannot build the %s request: out of memory",
                               action);
    }
    rc = api_call_until(c, &p, false, deadline, answer, err);
    params_free(&p);
    return rc;
}

/* Entries in a page: a page with fewer than the Limit asked for is the last. */
static size_t page_entries(const cJSON *page, const char *set_key)
{
    const cJSON *set = cJSON_GetObjectItemCaseSensitive(page, set_key);
    return cJSON_IsArray(set) ? (size_t)cJSON_GetArraySize(set) : 0;
}

static void *page_worker(void *arg)
{
    pager *pg = arg;
    for (;;) {
        pthread_mutex_lock(&pg->lock);
        if (pg->rc || pg->next >= pg->n_pages || pg->next > pg->last) {
            pthread_mutex_unlock(&pg->lock);
            return NULL;
        }
        size_t index = pg->next++;
        pthread_mutex_unlock(&pg->lock);

        cJSON *answer = NULL;
        api_error err;
        int rc =
            fetch_page(pg->c, pg->action, pg->fill, pg->arg, pg->deadline, index, &answer, &err);
        pthread_mutex_lock(&pg->lock);
        if (rc && !pg->rc) {
            pg->rc = rc;
            pg->err = err;
        }
        if (!rc && index < pg->last && page_entries(answer, pg->set_key) < API_PAGE_LIMIT)
            pg->last = index;
        pg->pages[index] = answer;
        pthread_mutex_unlock(&pg->lock);
    }
}

/* Fetch pages 1..n_pages-1 into pg->pages with up to PAGE_WORKERS threads. */
static int fetch_rest_concurrently(pager *pg, api_error *err)
{
    pthread_t threads[PAGE_WORKERS - 1];
    size_t started = 0;
    size_t want = pg->n_pages - 1 < PAGE_WORKERS ? pg->n_pages - 1 : PAGE_WORKERS;
    pthread_mutex_init(&pg->lock, NULL);
    pg->next = 1;
    pg->last = pg->n_pages - 1;
    /* Fewer threads than wanted (pthread_create failing) only means slower. */
    while (started + 1 < want && pthread_create(&threads[started], NULL, page_worker, pg) == 0)
        started++;
    page_worker(pg);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&pg->lock);
    if (pg->rc) {
        *err = pg->err;
        return pg->rc;
    }
    /* pages after the short one, asked for before it came back, are empty
     * or hold entries that moved: not part of the listing */
    for (size_t i = pg->last + 1; i < pg->n_pages; i++) {
        cJSON_Delete(pg->pages[i]);
        pg->pages[i] = NULL;
    }
    pg->n_pages = pg->last + 1;
    return 0;
}

static void free_pages(cJSON **pages, size_t n)
{
    for (size_t i = 0; pages && i < n; i++)
        cJSON_Delete(pages[i]);
    free(pages);
}

/* Every page of a listing, in order. On success the caller owns *pages_out
 * (free with free_pages) and *total_out is TotalCount, or -1 when the API
 * gave none. */
static int fetch_all_pages(api_client *c, const char *action, fill_fn fill, const void *arg,
                           const char *set_key, cJSON ***pages_out, size_t *n_out,
                           long long *total_out, api_error *err)
{
    *pages_out = NULL;
    *n_out = 0;
    cJSON *first = NULL;
    long long deadline = api_client_now_ms(c) + api_client_budget_ms(c);
    int rc = fetch_page(c, action, fill, arg, deadline, 0, &first, err);
    if (rc)
        return rc;
    long long total = decode_int(first, "TotalCount", -1);
    size_t got = page_entries(first, set_key);
    *total_out = total < 0 ? -1 : total;

    size_t n_pages = 1;
    if (total > (long long)got && got >= API_PAGE_LIMIT) {
        long long want = (total + API_PAGE_LIMIT - 1) / API_PAGE_LIMIT;
        if (want > MAX_PAGES) {
            log_warn("api: TotalCount %lld is not believable; reading %d pages", total,
                     MAX_PAGES);
            want = MAX_PAGES;
        }
        n_pages = (size_t)want;
    }
    pager pg = {.c = c,
                .action = action,
                .fill = fill,
                .arg = arg,
                .set_key = set_key,
                .deadline = deadline,
                .n_pages = n_pages};
    pg.pages = calloc(n_pages, sizeof *pg.pages);
    if (!pg.pages) {
        cJSON_Delete(first);
        return api_local_error(err, action, -ENOMEM, "%s: out of memory", action);
    }
    pg.pages[0] = first;

    if (total >= 0) {
        if (n_pages > 1 && (rc = fetch_rest_concurrently(&pg, err)) != 0) {
            free_pages(pg.pages, n_pages);
            return rc;
        }
    } else {
        /* No TotalCount: read on while pages come back full. */
        size_t cap = n_pages;
        while (got >= API_PAGE_LIMIT && pg.n_pages < MAX_PAGES) {
            cJSON **more = array_grow(pg.pages, pg.n_pages, &cap, sizeof *more);
            if (!more) {
                free_pages(pg.pages, pg.n_pages);
                return api_local_error(err, action, -ENOMEM, "%s: out of memory", action);
            }
            pg.pages = more;
            cJSON *page = NULL;
            rc = fetch_page(c, action, fill, arg, deadline, pg.n_pages, &page, err);
            if (rc) {
                free_pages(pg.pages, pg.n_pages);
                return rc;
            }
            pg.pages[pg.n_pages++] = page;
            got = page_entries(page, set_key);
        }
    }
    *pages_out = pg.pages;
    *n_out = pg.n_pages;
    return 0;
}

/* ---- deduplication by ID ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Marks keep[i] = 0 for every entry whose ID appeared earlier. 0 or -ENOMEM. */
static int find_duplicates(const char *const *ids, size_t n, unsigned char *keep)
{
    size_t size = 16;
    while (size < 2 * n)
        size *= 2;
    size_t *slots = malloc(size * sizeof *slots); /* index + 1; 0 = empty */
    if (!slots)
        return -ENOMEM;
    memset(slots, 0, size * sizeof *slots);
    for (size_t i = 0; i < n; i++) {
        size_t at = (size_t)hash_str(ids[i]) & (size - 1);
        keep[i] = 1;
        while (slots[at]) {
            if (strcmp(ids[slots[at] - 1], ids[i]) == 0) {
                keep[i] = 0;
                break;
            }
            at = (at + 1) & (size - 1);
        }
        if (keep[i])
            slots[at] = i + 1;
    }
    free(slots);
    return 0;
}

/* Keep the first of each ID in an array of n items of `size` bytes, whose
 * ID is the string pointer at id_offset; the others are freed with free_item.
 * One routine for instances and images alike. */
static int dedupe_items(void *items, size_t *n, size_t size, size_t id_offset,
                        void (*free_item)(void *item))
{
    if (*n < 2)
        return 0;
    char *base = items;
    const char **ids = malloc(*n * sizeof *ids);
    unsigned char *keep = malloc(*n);
    int rc = ids && keep ? 0 : -ENOMEM;
    for (size_t i = 0; !rc && i < *n; i++)
        memcpy(&ids[i], base + i * size + id_offset, sizeof ids[i]);
    if (!rc)
        rc = find_duplicates(ids, *n, keep);
    size_t out = 0;
    for (size_t i = 0; !rc && i < *n; i++) {
        if (keep[i])
            memmove(base + out++ * size, base + i * size, size);
        else
            free_item(base + i * size);
    }
    if (!rc)
        *n = out;
    free(ids);
    free(keep);
    return rc;
}

/* What differs between the listings: the action, where its entries are, and
 * how they are decoded, deduplicated and freed. */
typedef struct listing {
    const char *action, *set_key;
    fill_fn fill;
    const void *arg;
    int (*decode_page)(const cJSON *page, void *out); /* appends the page's entries */
    int (*dedupe)(void *out);
    void (*free_list)(void *out);
} listing;

/* Every page of the listing, decoded into out (a list, zeroed first) and
 * deduplicated; *total is TotalCount, or the entries read when the API gave
 * none. */
static int describe_all(api_client *c, const listing *l, void *out, long long *total,
                        api_error *err)
{
    api_error scratch;
    if (!err)
        err = &scratch;
    cJSON **pages;
    size_t n_pages;
    int rc = fetch_all_pages(c, l->action, l->fill, l->arg, l->set_key, &pages, &n_pages, total,
                             err);
    if (rc)
        return rc;
    for (size_t i = 0; !rc && i < n_pages; i++)
        rc = l->decode_page(pages[i], out);
    free_pages(pages, n_pages);
    if (!rc)
        rc = l->dedupe(out);
    if (rc) {
        l->free_list(out);
        return api_local_error(err, l->action, rc, "%s: out of memory", l->action);
    }
    return 0;
}

static void free_instance_item(void *item) { api_instance_free(item); }
static void free_image_item(void *item) { api_image_free(item); }

static int dedupe_instances(void *list)
{
    api_instance_list *l = list;
    return dedupe_items(l->items, &l->n, sizeof *l->items, offsetof(api_instance, uhost_id),
                        free_instance_item);
}

static int dedupe_images(void *list)
{
    api_image_list *l = list;
    return dedupe_items(l->items, &l->n, sizeof *l->items, offsetof(api_image, image_id),
                        free_image_item);
}

static int decode_instances(const cJSON *page, void *out)
{
    long long total;
    size_t n_entries;
    return decode_instance_page(page, out, &total, &n_entries);
}

static int decode_images(const cJSON *page, void *out)
{
    long long total;
    size_t n_entries;
    return decode_image_page(page, out, &total, &n_entries);
}

static void free_instances(void *out) { api_instance_list_free(out); }
static void free_images(void *out) { api_image_list_free(out); }

/* ---- instances ---- */

typedef struct instance_filter {
    const char *const *ids;
    size_t n_ids;
} instance_filter;

static int fill_instances(api_client *c, const void *arg, params *p)
{
    const instance_filter *f = arg;
    int rc = params_add(p, "Action", "DescribeCompShareInstance");
    if (!rc && api_client_zone(c)[0])
        rc = params_add(p, "Zone", api_client_zone(c));
    for (size_t i = 0; !rc && i < f->n_ids; i++)
        rc = params_add_indexed(p, "UHostIds", i, f->ids[i]);
    return rc;
}

int api_describe_instances(api_client *c, const char *const *ids, size_t n_ids,
                           api_instance_list *out, api_error *err)
{
    memset(out, 0, sizeof *out);
    instance_filter f = {ids, ids ? n_ids : 0};
    listing l = {"DescribeCompShareInstance", "UHostSet", fill_instances, &f,
                 decode_instances, dedupe_instances, free_instances};
    long long total;
    int rc = describe_all(c, &l, out, &total, err);
    if (rc == 0)
        out->total_count = total >= 0 ? total : (long long)out->n;
    return rc;
}

/* ---- images ---- */

typedef struct image_filter {
    const char *action;
    const char *image_type; /* platform images only */
    const char *image_id;
    const char *zone; /* NULL: the configured zone, if any */
} image_filter;

static int fill_images(api_client *c, const void *arg, params *p)
{
    const image_filter *f = arg;
    const char *zone = f->zone ? f->zone : api_client_zone(c);
    int rc = params_add(p, "Action", f->action);
    if (!rc && zone[0])
        rc = params_add(p, "Zone", zone);
    if (!rc && f->image_type)
        rc = params_add(p, "ImageType", f->image_type);
    if (!rc && f->image_id && f->image_id[0])
        rc = params_add(p, "CompShareImageId", f->image_id);
    return rc;
}

static int describe_images(api_client *c, const image_filter *f, api_image_list *out,
                           api_error *err)
{
    memset(out, 0, sizeof *out);
    listing l = {f->action, "ImageSet", fill_images, f, decode_images, dedupe_images, free_images};
    long long total;
    int rc = describe_all(c, &l, out, &total, err);
    if (rc == 0)
        out->total_count = total >= 0 ? total : (long long)out->n;
    return rc;
}

int api_describe_custom_images(api_client *c, const char *image_id, api_image_list *out,
                               api_error *err)
{
    /* Custom images belong to a region, yet the API requires a Zone with them. */
    char zone[64];
    memset(out, 0, sizeof *out);
    int rc = api_region_zone(c, zone, sizeof zone, err);
    image_filter f = {"DescribeCompShareCustomImages", NULL, image_id, zone};
    return rc ? rc : describe_images(c, &f, out, err);
}

int api_describe_platform_images(api_client *c, const char *image_type, const char *image_id,
                                 api_image_list *out, api_error *err)
{
    image_filter f = {"DescribeCompShareImages",
                      image_type && image_type[0] ? image_type : "System", image_id, NULL};
    return describe_images(c, &f, out, err);
}

/* ---- progress ---- */

int api_image_progress(api_client *c, const char *image_id, api_progress *out, api_error *err)
{
    static const char action[] = "GetCompShareImageCreateProgress";
    memset(out, 0, sizeof *out);
    params p;
    int rc = api_image_request(c, &p, action, image_id, err);
    cJSON *answer = NULL;
    if (rc || (rc = api_send_read(c, &p, 0, action, &answer, err)))
        return rc;
    decode_progress(answer, out);
    cJSON_Delete(answer);
    return 0;
}
