/* SPDX-License-Identifier: MIT */
/* errlog.c - the text of the `error` files, and the warning in the log.
 *
 * Each instance keeps only its last failure (idtext.c: bounded, so IDs that
 * come and go can never grow it without limit).
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
#include "idtext.h"
#include "log.h"
#include "strbuf.h"

#define ERRLOG_MAX_INSTANCES 4096
#define ERRLOG_QUIET_SECONDS 10

struct errlog {
    pthread_mutex_t lock;
    idtext *instances; /* the instances' error files */
    char *mount_text;
    long long mount_changed_ns;
    char *last_logged; /* the last line logged, without its timestamp */
    time_t last_logged_at;
};

errlog *errlog_new(void)
{
    errlog *e = calloc(1, sizeof *e);
    if (!e || !(e->instances = idtext_new(ERRLOG_MAX_INSTANCES))) {
        free(e);
        return NULL;
    }
    pthread_mutex_init(&e->lock, NULL);
    return e;
}

void errlog_free(errlog *e)
{
    if (!e)
        return;
    idtext_free(e->instances);
    free(e->mount_text);
    free(e->last_logged);
    pthread_mutex_destroy(&e->lock);
    free(e);
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

    long long now_ns = clock_wall_ns();
    time_t now = (time_t)(now_ns / 1000000000LL);
    char when[32];
    clock_rfc3339(now_ns, when);
    strbuf line;
    strbuf_init(&line);
    strbuf_printf(&line, "%s %s\n", when, body_text);
    char *text = strbuf_take(&line, NULL);
    if (!text) {
        free(body_text);
        return;
    }

    pthread_mutex_lock(&e->lock);
    if (uhost_id)
        idtext_set(e->instances, uhost_id, text, now_ns);
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
    const char *text = idtext_get(e->instances, uhost_id, NULL);
    if (text && text[0]) /* kept, empty: the file's mtime says when */
        idtext_set(e->instances, uhost_id, "", clock_wall_ns());
    pthread_mutex_unlock(&e->lock);
}

char *errlog_instance_text(errlog *e, const char *uhost_id, long long *changed_ns)
{
    pthread_mutex_lock(&e->lock);
    long long at = 0;
    const char *text = uhost_id ? idtext_get(e->instances, uhost_id, &at) : NULL;
    char *copy = strdup(text ? text : "");
    if (changed_ns)
        *changed_ns = at;
    pthread_mutex_unlock(&e->lock);
    return copy;
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
