/* SPDX-License-Identifier: MIT */
/* idtext.h - a text per instance, bounded (private to the fs layer): the
 * error files (errlog.c, one line replaced) and the command logs (cmdlog.c,
 * lines appended, the oldest dropped). Past max_ids the least recently
 * written instance is forgotten, so IDs that come and go never grow it
 * without limit. Not locked: its users hold their own lock. */
#ifndef COMPSHAREFS_IDTEXT_H
#define COMPSHAREFS_IDTEXT_H

#include <stddef.h>

typedef struct idtext idtext;

idtext *idtext_new(size_t max_ids);
void idtext_free(idtext *t);

/* The instance's text becomes text (replace) or gains it at its end,
 * keeping only its last max_lines lines (append); changed_ns records when.
 * Out of memory: the old text stays. */
void idtext_set(idtext *t, const char *id, const char *text, long long changed_ns);
void idtext_append(idtext *t, const char *id, const char *text, size_t max_lines,
                   long long changed_ns);

/* The instance's text (NULL when it has none) and when it last changed. */
const char *idtext_get(const idtext *t, const char *id, long long *changed_ns);

#endif
