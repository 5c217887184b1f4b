/* SPDX-License-Identifier: MIT */
/* render.c - the text of every data file, from the decoded API structs.
 *
 * Rules, so that `cat`, `read`, `awk` and monitoring agents can rely on them:
 *  - one value per file, ending with a newline; lists have one item per line;
 *  - a value the API left empty renders as an empty file (0 bytes), except
 *    `status`, where an empty State means the API could not tell (timeout or
 *    error, per the API reference) and renders as "Unknown";
 *  - timestamps are Unix seconds; 0 (never set, e.g. no expiry) is empty;
 *  - counts and sizes are plain integers, "0" included;
 *  - single-line values have control characters (newline, tab, ...) replaced
 *    by spaces, so a value from the API can never turn into two lines;
 *  - `gpu_usage`: one line per GPU in the API's order, "GPU<TAB>USAGE<TAB>MEM_USAGE"
 *    as the API sent them (e.g. "NVIDIA GeForce RTX 4090\t35.2\t60.1"): the GPU as
 *    the API names it, blanks and all, so the fields are separated by tabs; "-" for a
 *    field the API left empty;
 *  - image `progress`: percent with at most one decimal and no trailing
 *    ".0" ("65.5", "100", "0"); `remaining`, `total`: whole seconds;
 *  - `disks`: one line per disk in the API's order, "DISK_ID TYPE SIZE_GB boot|data";
 *  - `price`: InstancePrice as the API gives it, per its charge type ("2.8");
 *  - `stop_at`, `release_time`: Unix seconds, empty when none;
 *  - info.json: the API's object (secrets already removed by the decoder).
 */
#include "render.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "zone.h"

/* D: a value from the API; W: one that can also be written (a command);
 * T: the tree's own file (commands, logs), not rendered from the API. */
#define D(name) {name, FILE_RO, true, false}
#define W(name) {name, FILE_RW, true, false}
#define T(name, mode) {name, mode, false, false}
const file_def render_instance_files[] = {
    D("status"),        W("name"), W("image"),
    T("ctl", FILE_RW), T("error", FILE_RO), T("log", FILE_RO), D("zone"),
    D("region"),        D("gpu_type"),     D("gpu_count"),     D("gpu_memory_gb"),
    D("cpu"),           D("memory_mb"),    D("ip"),            D("ssh"),
    D("image_name"),    D("instance_type"), D("machine_type"), D("charge_type"),
    D("tag"),           D("remark"),       D("create_time"),   D("expire_time"),
    D("cpu_usage"),     D("mem_usage"),    D("gpu_usage"),     D("info.json"),
    W("stop_at"), D("release_time"), D("price"), D("disks"),
    T("password", FILE_WO), {"apps", DIR_RO, true, true},
    {NULL, 0, false, false},
};

const file_def render_image_files[] = {
    D("status"), D("progress"), D("remaining"), D("total"),       D("name"),
    D("type"),   D("size_mb"),  D("description"), D("create_time"), D("info.json"),
    T("ctl", FILE_RW), {NULL, 0, false, false},
};

const file_def render_platform_image_files[] = {
    D("name"), D("status"), D("type"), D("info.json"), {NULL, 0, false, false},
};
#undef D
#undef W
#undef T

int render_find_index(const file_def *defs, const char *name)
{
    const file_def *d = render_find(defs, name);
    return d ? (int)(d - defs) : -1;
}

size_t render_count(const file_def *defs)
{
    size_t n = 0;
    while (defs[n].name)
        n++;
    return n;
}

const file_def *render_find(const file_def *defs, const char *name)
{
    for (const file_def *d = defs; d->name; d++)
        if (strcmp(d->name, name) == 0)
            return d;
    return NULL;
}

/* One value on one line; empty stays empty (no newline). */
static void put_line(strbuf *out, const char *value)
{
    if (!value || !*value)
        return;
    strbuf_put_clean(out, value);
    strbuf_append(out, "\n", 1);
}

static void put_int(strbuf *out, long long v) { strbuf_printf(out, "%lld\n", v); }

static void put_time(strbuf *out, long long t)
{
    if (t > 0)
        put_int(out, t);
}

/* A field of a tab-separated line: never empty, never containing a tab or newline
 * (control characters become spaces; spaces stay, as in "NVIDIA GeForce RTX 4090"). */
static void put_field(strbuf *out, const char *value)
{
    if (!value || !*value)
        strbuf_puts(out, "-");
    else
        strbuf_put_clean(out, value);
}

/* A field of a blank-separated line: "-" when empty, any blank or control
 * character as '_' (IDs and disk types have none; this keeps `read` safe). */
static void put_word(strbuf *out, const char *value)
{
    if (!value || !*value) {
        strbuf_puts(out, "-");
        return;
    }
    for (const char *c = value; *c; c++)
        strbuf_append(out, (unsigned char)*c <= ' ' || *c == 0x7f ? "_" : c, 1);
}

/* A number as the API gave it, in its shortest exact form ("2.8", "12", "0.05"). */
static void put_number(strbuf *out, double v)
{
    if (isfinite(v))
        strbuf_printf(out, "%.15g\n", v);
}

static void put_json(strbuf *out, const char *json)
{
    if (!json || !*json)
        return;
    size_t n = strlen(json);
    strbuf_append(out, json, n);
    if (json[n - 1] != '\n')
        strbuf_append(out, "\n", 1);
}

static void put_state(strbuf *out, const char *state)
{
    put_line(out, state && *state ? state : "Unknown");
}

static int render_result(const strbuf *out) { return out->oom ? -ENOMEM : 0; }

int render_instance(const api_instance *i, const char *file, strbuf *out)
{
    if (strcmp(file, "status") == 0) {
        put_state(out, i->state);
    } else if (strcmp(file, "name") == 0) {
        put_line(out, i->name);
    } else if (strcmp(file, "image") == 0) {
        put_line(out, i->image_id);
    } else if (strcmp(file, "zone") == 0) {
        put_line(out, i->zone);
    } else if (strcmp(file, "region") == 0) {
        if (i->zone && *i->zone) {
            char region[128];
            zone_region(i->zone, region, sizeof region);
            put_line(out, region);
        }
    } else if (strcmp(file, "gpu_type") == 0) {
        put_line(out, i->gpu_type);
    } else if (strcmp(file, "gpu_count") == 0) {
        put_int(out, i->gpu_count);
    } else if (strcmp(file, "gpu_memory_gb") == 0) {
        put_int(out, i->gpu_memory_gb);
    } else if (strcmp(file, "cpu") == 0) {
        put_int(out, i->cpu);
    } else if (strcmp(file, "memory_mb") == 0) {
        put_int(out, i->memory_mb);
    } else if (strcmp(file, "ip") == 0) {
        for (size_t k = 0; k < i->n_ips; k++)
            put_line(out, i->ips[k]);
    } else if (strcmp(file, "ssh") == 0) {
        put_line(out, i->ssh_login_command);
    } else if (strcmp(file, "image_name") == 0) {
        put_line(out, i->image_name);
    } else if (strcmp(file, "instance_type") == 0) {
        put_line(out, i->instance_type);
    } else if (strcmp(file, "machine_type") == 0) {
        put_line(out, i->machine_type);
    } else if (strcmp(file, "charge_type") == 0) {
        put_line(out, i->charge_type);
    } else if (strcmp(file, "tag") == 0) {
        put_line(out, i->tag);
    } else if (strcmp(file, "remark") == 0) {
        put_line(out, i->remark);
    } else if (strcmp(file, "create_time") == 0) {
        put_time(out, i->create_time);
    } else if (strcmp(file, "expire_time") == 0) {
        put_time(out, i->expire_time);
    } else if (strcmp(file, "cpu_usage") == 0) {
        put_line(out, i->cpu_usage_rate);
    } else if (strcmp(file, "mem_usage") == 0) {
        put_line(out, i->mem_usage_rate);
    } else if (strcmp(file, "gpu_usage") == 0) {
        for (size_t k = 0; k < i->n_gpus; k++) {
            const api_gpu_usage *g = &i->gpus[k];
            if (g->gpu && *g->gpu)
                put_field(out, g->gpu);
            else
                strbuf_printf(out, "%zu", k); /* the API's order is the GPU index */
            strbuf_puts(out, "\t");
            put_field(out, g->gpu_usage_rate);
            strbuf_puts(out, "\t");
            put_field(out, g->memory_usage_rate);
            strbuf_puts(out, "\n");
        }
    } else if (strcmp(file, "info.json") == 0) {
        put_json(out, i->info_json);
    } else if (strcmp(file, "stop_at") == 0) {
        put_time(out, i->stop_scheduler_time);
    } else if (strcmp(file, "release_time") == 0) {
        put_time(out, i->release_time);
    } else if (strcmp(file, "price") == 0) {
        put_number(out, i->price);
    } else if (strcmp(file, "apps") == 0) { /* the directory: what its files hold */
        for (size_t k = 0; k < i->n_apps; k++) {
            char name[256];
            render_app_file_name(&i->apps[k], name, sizeof name);
            if (!name[0])
                continue;
            strbuf_printf(out, "%s\t", name);
            put_field(out, i->apps[k].url);
            strbuf_puts(out, "\n");
        }
    } else if (strcmp(file, "disks") == 0) {
        for (size_t k = 0; k < i->n_disks; k++) {
            const api_disk *d = &i->disks[k];
            put_word(out, d->id);
            strbuf_puts(out, " ");
            put_word(out, d->type);
            strbuf_printf(out, " %lld %s\n", d->size_gb, d->boot ? "boot" : "data");
        }
    } else {
        return -ENOENT; /* ctl, error, log and password are the tree's, not data */
    }
    return render_result(out);
}

bool render_image_needs_progress(const char *file)
{
    return strcmp(file, "progress") == 0 || strcmp(file, "remaining") == 0 ||
           strcmp(file, "total") == 0;
}

/* "65.5", "100", "0": one decimal at most, no trailing ".0". */
static void put_percent(strbuf *out, double p)
{
    if (!isfinite(p)) {
        return; /* nothing sensible to show */
    }
    char text[64];
    snprintf(text, sizeof text, "%.1f", p);
    size_t n = strlen(text);
    if (n >= 2 && strcmp(text + n - 2, ".0") == 0)
        text[n - 2] = '\0';
    if (strcmp(text, "-0") == 0)
        strcpy(text, "0");
    put_line(out, text);
}

int render_image(const api_image *img, const api_progress *progress, const char *file,
                 strbuf *out)
{
    if (render_image_needs_progress(file)) {
        if (!progress)
            return -EINVAL; /* the caller must fetch it first */
        if (strcmp(file, "progress") == 0)
            put_percent(out, progress->process);
        else if (strcmp(file, "remaining") == 0)
            put_int(out, progress->remaining_duration);
        else
            put_int(out, progress->total_duration);
    } else if (strcmp(file, "status") == 0) {
        put_state(out, img->status);
    } else if (strcmp(file, "name") == 0) {
        put_line(out, img->name);
    } else if (strcmp(file, "type") == 0) {
        put_line(out, img->image_type);
    } else if (strcmp(file, "size_mb") == 0) {
        put_int(out, img->size_mb);
    } else if (strcmp(file, "description") == 0) {
        put_line(out, img->description);
    } else if (strcmp(file, "create_time") == 0) {
        put_time(out, img->create_time);
    } else if (strcmp(file, "info.json") == 0) {
        put_json(out, img->info_json);
    } else {
        return -ENOENT;
    }
    return render_result(out);
}

/* ---- apps/ ---- */

size_t render_app_count(const api_instance *i) { return i->n_apps; }

const api_app *render_app_find(const api_instance *i, const char *file_name)
{
    for (size_t k = 0; k < i->n_apps; k++) {
        char name[256];
        render_app_file_name(&i->apps[k], name, sizeof name);
        if (name[0] && strcmp(name, file_name) == 0)
            return &i->apps[k];
    }
    return NULL;
}

void render_app_file_name(const api_app *app, char *out, size_t len)
{
    /* A file name, whatever the API calls the application: '/' as '_', control
     * characters dropped, "." and ".." and the empty name left out (""). */
    size_t n = 0;
    for (const char *c = app->name ? app->name : ""; *c && n + 1 < len; c++) {
        if ((unsigned char)*c < ' ' || *c == 0x7f)
            continue;
        out[n++] = *c == '/' ? '_' : *c;
    }
    out[n] = '\0';
    if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        out[0] = '\0';
}

int render_app(const api_app *app, strbuf *out)
{
    put_line(out, app->url);
    return render_result(out);
}
