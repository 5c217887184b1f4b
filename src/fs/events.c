/* SPDX-License-Identifier: MIT */
/* events.c - the fleet's events (events.h): a ring of lines, and the text of
 * the file made once per change, so `tail -f` polling it costs a reference,
 * not a copy of ten thousand lines. */
#include "events.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clocks.h"
#include "strbuf.h"

struct events {
    pthread_mutex_t mu;
    char **lines; /* a ring of max lines */
    size_t max, head, n;
    long long changed_ns;
    tree_blob *text; /* made from the ring on demand, dropped when it changes */
};

events *events_new(size_t max)
{
    events *e = calloc(1, sizeof *e);
    if (!e || !(e->lines = calloc(max ? max : 1, sizeof *e->lines))) {
        free(e);
        return NULL;
    }
    e->max = max ? max : 1;
    pthread_mutex_init(&e->mu, NULL);
    return e;
}

void events_free(events *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->max; i++)
        free(e->lines[i]);
    free(e->lines);
    tree_blob_put(e->text);
    pthread_mutex_destroy(&e->mu);
    free(e);
}

/* A field: one line, so no tab either (strbuf_put_clean blanks every
 * control character): the fields stay four. */
static void put_field(strbuf *b, const char *s) { strbuf_put_clean(b, s && *s ? s : "-"); }

void events_add(events *e, long long when_ns, const char *id, const char *name,
                const char *what, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, what);
    vsnprintf(text, sizeof text, what, ap);
    va_end(ap);
    char when[32];
    clock_rfc3339(when_ns, when);
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, when);
    strbuf_puts(&b, "\t");
    put_field(&b, id);
    strbuf_puts(&b, "\t");
    put_field(&b, name);
    strbuf_puts(&b, "\t");
    put_field(&b, text);
    strbuf_puts(&b, "\n");
    char *line = strbuf_take(&b, NULL);
    if (!line)
        return;
    pthread_mutex_lock(&e->mu);
    size_t at = (e->head + e->n) % e->max;
    if (e->n == e->max) { /* full: the oldest goes */
        free(e->lines[e->head]);
        e->head = (e->head + 1) % e->max;
    } else {
        e->n++;
    }
    e->lines[at] = line;
    e->changed_ns = when_ns > e->changed_ns ? when_ns : e->changed_ns + 1;
    tree_blob *old = e->text;
    e->text = NULL;
    pthread_mutex_unlock(&e->mu);
    tree_blob_put(old);
}

tree_blob *events_text(events *e, long long *changed_ns)
{
    pthread_mutex_lock(&e->mu);
    if (!e->text) {
        strbuf b;
        strbuf_init(&b);
        for (size_t i = 0; i < e->n; i++)
            strbuf_puts(&b, e->lines[(e->head + i) % e->max]);
        if (!b.oom)
            e->text = tree_blob_new(b.data ? b.data : "", b.len);
        strbuf_free(&b);
    }
    tree_blob *t = tree_blob_ref(e->text);
    if (changed_ns)
        *changed_ns = e->changed_ns;
    pthread_mutex_unlock(&e->mu);
    return t;
}
