/* SPDX-License-Identifier: MIT */
/* sim_reply.c - filling and freeing a reply. */
#include "sim_reply.h"

#include <stdlib.h>
#include <string.h>

void sim_reply_json(sim_reply *out, int status, char *body)
{
    if (!body) {
        sim_reply_text(out, 500, "text/plain", "compshare-sim: out of memory\n");
        return;
    }
    out->status = status;
    out->body = body;
    out->len = strlen(body);
    out->content_type = "application/json";
}

void sim_reply_text(sim_reply *out, int status, const char *content_type, const char *text)
{
    out->status = status;
    out->body = strdup(text);
    out->len = out->body ? strlen(out->body) : 0;
    out->content_type = content_type;
}

void sim_reply_free(sim_reply *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}
