/* SPDX-License-Identifier: MIT */
/* by_name.c - the names of the by-name/ links (the rules are in cache_snap.h).
 *
 * Instance names come from the API, so from whoever named the instance: they
 * must not let one link pose as another. Two rules make that so. '@' in a
 * name is escaped, so an '@' in a link always introduces the UHostId of the
 * link's target, and "NAME@UHOSTID" can be trusted. And a bare NAME is only
 * used when one instance holds it and it cannot be read as an ID; otherwise
 * the link is NAME@UHOSTID, which no other instance can produce. So one pass
 * settles every name: bare names are unique by construction, suffixed names
 * by their IDs. */
#include "by_name.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache_snap.h"
#include "utf8.h"

/* Characters written as %XX, one escape per byte of their UTF-8 form. */
static bool escaped(unsigned cp)
{
    return cp == '/' || cp == '%' || cp == '@' || utf8_is_control(cp) || utf8_is_bidi_control(cp);
}

char *cache_escape_name(const char *name)
{
    if (strcmp(name, ".") == 0)
        return strdup("%2E");
    if (strcmp(name, "..") == 0)
        return strdup("%2E%2E");
    size_t left = strlen(name);
    char *out = malloc(3 * left + 1); /* every byte escaped at worst */
    if (!out)
        return NULL;
    char *o = out;
    for (const char *s = name; left;) {
        unsigned cp = 0;
        size_t n = utf8_decode(s, left, &cp);
        bool esc = n == 0 || escaped(cp); /* bytes that are not UTF-8 too */
        if (n == 0)
            n = 1;
        for (size_t k = 0; k < n; k++) {
            if (esc)
                o += sprintf(o, "%%%02X", (unsigned char)s[k]);
            else
                *o++ = s[k];
        }
        s += n, left -= n;
    }
    *o = '\0';
    return out;
}

/* A name that could be taken for an instance or image ID is never a link of
 * its own: by-name/uhost-1a2b3c4d must not lead to another instance. */
static bool looks_like_id(const char *esc)
{
    return strncasecmp(esc, "uhost-", 6) == 0 || strncasecmp(esc, "compshareimage-", 15) == 0;
}

/* An ID usable in a link: the instances/ directory name it points to. */
static bool usable_id(const char *id)
{
    return id[0] && !strchr(id, '/') && strcmp(id, ".") != 0 && strcmp(id, "..") != 0 &&
           strlen(id) + 2 <= NAME_MAX;
}

/* esc (an escaped name) cut to at most room bytes at a character boundary:
 * never inside a %XX escape or a UTF-8 sequence. Its new length. */
static size_t cut_to(const char *esc, size_t room)
{
    size_t at = 0, len = strlen(esc);
    while (at < len) {
        unsigned cp;
        size_t step = esc[at] == '%' ? 3 : utf8_decode(esc + at, len - at, &cp);
        if (step == 0 || at + step > room)
            break;
        at += step;
    }
    return at;
}

/* "NAME@UHOSTID", NAME cut so that the whole fits NAME_MAX; NULL when out of
 * memory, or when not one character of NAME would fit (*skip is set then). */
static char *suffixed(const char *esc, const char *id, bool *skip)
{
    size_t keep = cut_to(esc, NAME_MAX - 1 - strlen(id));
    *skip = keep == 0;
    if (*skip)
        return NULL;
    char *name = malloc(keep + 1 + strlen(id) + 1);
    if (name)
        sprintf(name, "%.*s@%s", (int)keep, esc, id);
    return name;
}

typedef struct cand {
    char *name; /* the escaped name, then the link name */
    size_t target;
} cand;

static int by_name(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->target > y->target) - (x->target < y->target);
}

int by_name_links(const api_instance_list *list, char ***names_out, size_t **targets_out,
                  size_t *n_out)
{
    *names_out = NULL;
    *targets_out = NULL;
    *n_out = 0;
    cand *c = calloc(list->n ? list->n : 1, sizeof *c);
    bool *suffix = calloc(list->n ? list->n : 1, sizeof *suffix);
    int rc = c && suffix ? 0 : -1;
    size_t n = 0;
    for (size_t i = 0; !rc && i < list->n; i++) {
        const api_instance *in = &list->items[i];
        if (!in->name[0] || !usable_id(in->uhost_id))
            continue; /* an unnamed instance gets no link */
        c[n].target = i;
        if (!(c[n].name = cache_escape_name(in->name)))
            rc = -1;
        else
            n++;
    }
    if (!rc)
        qsort(c, n, sizeof *c, by_name);
    /* held by several, read as an ID, or too long: NAME@UHOSTID */
    for (size_t i = 0; !rc && i < n; i++) {
        bool shared = (i > 0 && strcmp(c[i - 1].name, c[i].name) == 0) ||
                      (i + 1 < n && strcmp(c[i].name, c[i + 1].name) == 0);
        suffix[i] = shared || looks_like_id(c[i].name) || strlen(c[i].name) > NAME_MAX;
    }
    for (size_t i = 0; !rc && i < n; i++) {
        if (!suffix[i])
            continue;
        bool skip;
        char *name = suffixed(c[i].name, list->items[c[i].target].uhost_id, &skip);
        free(c[i].name);
        c[i].name = name; /* NULL: no link (too long an ID), or out of memory */
        if (!name && !skip)
            rc = -1;
    }
    size_t kept = 0;
    for (size_t i = 0; !rc && i < n; i++)
        if (c[i].name)
            c[kept++] = c[i];
    if (!rc)
        n = kept;
    char **names = NULL;
    size_t *targets = NULL;
    if (!rc) {
        qsort(c, n, sizeof *c, by_name);
        names = calloc(n ? n : 1, sizeof *names);
        targets = calloc(n ? n : 1, sizeof *targets);
        rc = names && targets ? 0 : -1;
    }
    for (size_t i = 0; !rc && i < n; i++) {
        names[i] = c[i].name;
        targets[i] = c[i].target;
        c[i].name = NULL;
    }
    for (size_t i = 0; c && i < n; i++)
        free(c[i].name);
    free(c);
    free(suffix);
    if (rc) {
        free(names);
        free(targets);
        return -1;
    }
    *names_out = names;
    *targets_out = targets;
    *n_out = n;
    return 0;
}
