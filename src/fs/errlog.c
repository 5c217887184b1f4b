/* SPDX-License-Identifier: MIT */
/* errlog.c - the text of the `error` files, and the warning in the log.
 *
 * Each instance keeps only its last failure, in a sorted array searched by
 * binary search (a few hundred instances at most in practice). The array is
 * bounded: past ERRLOG_MAX_INSTANCES the oldest record is dropped, so IDs
 * that come and go can never grow it without limit.
 *
 * A line reads, e.g.:
 *   2026-11-22T21:30:00Z reboot uhost-1a2b: EBUSY: InstanceOperationInProgress (RetCode 8042)
 * The same failure repeated within ERRLOG_QUIET_SECONDS (every reader of an
 * unreachable API, say) is logged once; the error files always show the
 * latest. */
#include "errlog.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errmap.h"
#include "clocks.h"
#include "grow.h"
#include "log.h"
#include "strbuf.h"

#define ERRLOG_MAX_INSTANCES 4096
#define ERRLOG_QUIET_SECONDS 10

typedef struct errlog_entry {
    char *uhost_id;
    char *text; /* one line with its newline; "" once cleared */
    uint64_t seq;
    long long changed_ns; /* when the text last changed (wall clock) */
} errlog_entry;

struct errlog {
    pthread_mutex_t lock;
    errlog_entry *items; /* sorted by uhost_id */
    size_t n, cap;
    uint64_t seq;
    char *mount_text;
    long long mount_changed_ns;
    char *last_logged; /* the last line logged, without its timestamp */
    time_t last_logged_at;
};

errlog *errlog_new(void)
{
    errlog *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    pthread_mutex_init(&e->lock, NULL);
    return e;
}

void errlog_free(errlog *e)
{
    if (!e)
        return;
    for (size_t k = 0; k < e->n; k++) {
        free(e->items[k].uhost_id);
        free(e->items[k].text);
    }
    free(e->items);
    free(e->mount_text);
    free(e->last_logged);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

/* Index of uhost_id, or where it would go (with *found false). */
static size_t errlog_find(const errlog *e, const char *uhost_id, bool *found)
{
    size_t lo = 0, hi = e->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(e->items[mid].uhost_id, uhost_id);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static void errlog_remove_at(errlog *e, size_t k)
{
    free(e->items[k].uhost_id);
    free(e->items[k].text);
    memmove(&e->items[k], &e->items[k + 1], (e->n - k - 1) * sizeof e->items[0]);
    e->n--;
}

static void errlog_drop_oldest(errlog *e)
{
    size_t oldest = 0;
    for (size_t k = 1; k < e->n; k++)
        if (e->items[k].seq < e->items[oldest].seq)
            oldest = k;
    errlog_remove_at(e, oldest);
}

/* Store a copy of text as the instance's; keeps the old record on ENOMEM. */
static void errlog_set_instance(errlog *e, const char *uhost_id, const char *text, long long now)
{
    bool found;
    size_t k = errlog_find(e, uhost_id, &found);
    char *copy = strdup(text);
    if (!copy)
        return;
    if (found) {
        free(e->items[k].text);
        e->items[k].text = copy;
        e->items[k].seq = ++e->seq;
        e->items[k].changed_ns = now;
        return;
    }
    if (e->n >= ERRLOG_MAX_INSTANCES) {
        errlog_drop_oldest(e);
        k = errlog_find(e, uhost_id, &found);
    }
    char *id = strdup(uhost_id);
    if (!id) {
        free(copy);
        return;
    }
    errlog_entry *items = array_grow(e->items, e->n, &e->cap, sizeof *items);
    if (!items) {
        free(id), free(copy);
        return;
    }
    e->items = items;
    memmove(&e->items[k + 1], &e->items[k], (e->n - k) * sizeof e->items[0]);
    e->items[k] = (errlog_entry){id, copy, ++e->seq, now};
    e->n++;
}

/* The line after its timestamp: "<what> [<id>]: <ERRNO>: <message> ..." */
static void format_body(strbuf *b, const char *uhost_id, const char *what, const api_error *err)
{
    strbuf_put_clean(b, what && *what ? what : "operation");
    if (uhost_id) {
        strbuf_puts(b, " ");
        strbuf_put_clean(b, uhost_id);
    }
    int num = err->err ? err->err : -EIO; /* a failure without a number */
    strbuf_printf(b, ": %s: ", errmap_name(num));
    strbuf_put_clean(b, err->message[0] ? err->message : "failed");
    if (err->retcode)
        strbuf_printf(b, " (RetCode %d)", err->retcode);
    else if (err->http_status >= 400)
        strbuf_printf(b, " (HTTP %ld)", err->http_status);
    if (err->outcome_unknown)
        strbuf_puts(b, "; outcome unknown: the request was sent but no answer came in time;"
                       " check status before retrying");
}

void errlog_record(errlog *e, const char *uhost_id, const char *what, const api_error *err)
{
    if (!e || !err)
        return;
    strbuf body;
    strbuf_init(&body);
    format_body(&body, uhost_id, what, err);
    char *body_text = strbuf_take(&body, NULL);
    if (!body_text)
        return;

    time_t now = time(NULL);
    struct tm tm;
    char when[32];
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strbuf line;
    strbuf_init(&line);
    strbuf_printf(&line, "%s %s\n", when, body_text);
    char *text = strbuf_take(&line, NULL);
    if (!text) {
        free(body_text);
        return;
    }

    long long now_ns = clock_wall_ns();
    pthread_mutex_lock(&e->lock);
    if (uhost_id)
        errlog_set_instance(e, uhost_id, text, now_ns);
    free(e->mount_text);
    e->mount_text = strdup(text);
    e->mount_changed_ns = now_ns;
    bool quiet = e->last_logged && strcmp(e->last_logged, body_text) == 0 &&
                 now - e->last_logged_at < ERRLOG_QUIET_SECONDS && now >= e->last_logged_at;
    if (!quiet) {
        free(e->last_logged);
        e->last_logged = body_text;
        body_text = NULL;
        e->last_logged_at = now;
    }
    pthread_mutex_unlock(&e->lock);

    if (!quiet) { /* the log has its own timestamp */
        const char *rest = strchr(text, ' ') + 1;
        log_warn("%.*s", (int)(strlen(rest) - 1), rest);
    }
    free(body_text);
    free(text);
}

void errlog_clear_instance(errlog *e, const char *uhost_id)
{
    if (!e || !uhost_id)
        return;
    pthread_mutex_lock(&e->lock);
    bool found;
    size_t k = errlog_find(e, uhost_id, &found);
    if (found && e->items[k].text[0]) { /* kept, empty: the file's mtime says when */
        e->items[k].text[0] = '\0';
        e->items[k].changed_ns = clock_wall_ns();
    }
    pthread_mutex_unlock(&e->lock);
}

char *errlog_instance_text(errlog *e, const char *uhost_id, long long *changed_ns)
{
    pthread_mutex_lock(&e->lock);
    bool found = false;
    size_t k = uhost_id ? errlog_find(e, uhost_id, &found) : 0;
    char *text = strdup(found ? e->items[k].text : "");
    if (changed_ns)
        *changed_ns = found ? e->items[k].changed_ns : 0;
    pthread_mutex_unlock(&e->lock);
    return text;
}

char *errlog_mount_text(errlog *e, long long *changed_ns)
{
    pthread_mutex_lock(&e->lock);
    char *text = strdup(e->mount_text ? e->mount_text : "");
    if (changed_ns)
        *changed_ns = e->mount_changed_ns;
    pthread_mutex_unlock(&e->lock);
    return text;
}
