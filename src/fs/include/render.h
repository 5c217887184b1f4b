/* SPDX-License-Identifier: MIT */
/* render.h - the text of every data file, from the decoded API structs.
 * Each file holds one value and ends with a newline (lists: one per line;
 * empty values: an empty file). */
#ifndef COMPSHAREFS_RENDER_H
#define COMPSHAREFS_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "api_types.h"
#include "strbuf.h"

typedef struct file_def {
    const char *name;
    unsigned mode; /* permission bits: 0444 read-only, 0644 a control file */
    bool data;     /* rendered from the API's data (render_instance, render_image) */
    bool dir;      /* a directory (apps/): its render is what tells when it changed */
} file_def;

#define FILE_RO 0444
#define FILE_RW 0644
#define FILE_WO 0200 /* password: written, never read */
#define DIR_RO 0555

/* The files of an instance directory (in listing order), of a custom image
 * and of a platform image. NULL-name terminated. Indexes into these tables
 * are stable for the life of the process (change times are kept by index). */
extern const file_def render_instance_files[];
extern const file_def render_image_files[];
extern const file_def render_platform_image_files[];

const file_def *render_find(const file_def *defs, const char *name);
/* The index of name in a table, -1 when it is not there. */
int render_find_index(const file_def *defs, const char *name);
/* The number of entries of a table. */
size_t render_count(const file_def *defs);

/* Data files of an instance (not ctl and error, which tree.c renders).
 * Returns 0, or -ENOENT for an unknown file name. */
int render_instance(const api_instance *i, const char *file, strbuf *out);
/* Image files; progress may be NULL for files that do not need it. */
int render_image(const api_image *img, const api_progress *progress, const char *file,
                 strbuf *out);
/* apps/<Name>: one file per application of the instance (its Softwares list),
 * holding its URL. File names are the API's names with '/' as '_' and
 * control characters dropped; an app whose name leaves nothing (or "." or
 * "..") gets no file: render_app_file_name gives "". */
size_t render_app_count(const api_instance *i);
void render_app_file_name(const api_app *app, char *out, size_t len);
const api_app *render_app_find(const api_instance *i, const char *file_name);
int render_app(const api_app *app, strbuf *out);

/* Does this image file need the progress call? (progress, remaining, total) */
bool render_image_needs_progress(const char *file);

#endif
