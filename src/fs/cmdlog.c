/* SPDX-License-Identifier: MIT */
/* cmdlog.c - the instances' command logs (cmdlog.h), kept in an idtext. */
#include "cmdlog.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "idtext.h"
#include "clocks.h"
#include "strbuf.h"

#define CMDLOG_MAX_INSTANCES 4096

struct cmdlog {
    pthread_mutex_t mu;
    idtext *logs;
};

cmdlog *cmdlog_new(void)
{
    cmdlog *l = calloc(1, sizeof *l);
    if (!l || !(l->logs = idtext_new(CMDLOG_MAX_INSTANCES))) {
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    return l;
}

void cmdlog_free(cmdlog *l)
{
    if (!l)
        return;
    idtext_free(l->logs);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

void cmdlog_add(cmdlog *l, const char *uhost_id, long long when_ns, unsigned uid,
                const char *command, const char *outcome)
{
    char when[32];
    clock_rfc3339(when_ns, when);
    strbuf b;
    strbuf_init(&b);
    strbuf_printf(&b, "%s\tuid %u\t", when, uid);
    strbuf_put_clean(&b, command);
    strbuf_puts(&b, "\t");
    strbuf_put_clean(&b, outcome);
    strbuf_puts(&b, "\n");
    char *line = strbuf_take(&b, NULL);
    if (!line)
        return;
    pthread_mutex_lock(&l->mu);
    idtext_append(l->logs, uhost_id, line, CMDLOG_LINES, when_ns);
    pthread_mutex_unlock(&l->mu);
    free(line);
}

char *cmdlog_text(cmdlog *l, const char *uhost_id, long long *changed_ns)
{
    pthread_mutex_lock(&l->mu);
    const char *text = idtext_get(l->logs, uhost_id, changed_ns);
    char *copy = strdup(text ? text : "");
    pthread_mutex_unlock(&l->mu);
    return copy;
}
