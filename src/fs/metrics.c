/* SPDX-License-Identifier: MIT */
/* metrics.c - /metrics in the Prometheus text exposition format 0.0.4.
 *
 * API calls are counted per action in a small fixed table (the client uses
 * about ten actions; anything past METRICS_MAX_ACTIONS is counted as
 * "other", so a bug elsewhere cannot grow memory). Results are "ok" or the
 * errno name ("EBUSY"). Latency is a histogram with fixed buckets; retries
 * are the attempts beyond the first. The instance and image series are
 * rendered from the snapshots the tree passes in, so they cost no API call
 * of their own. */
#include "metrics.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmap.h"

#define METRICS_MAX_ACTIONS 32
#define METRICS_MAX_RESULTS 12

static const double BUCKETS[] = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
static const char *const BUCKET_LABELS[] = {"0.01", "0.05", "0.1", "0.25", "0.5",
                                            "1",    "2.5",  "5",   "10"};
#define N_BUCKETS (sizeof BUCKETS / sizeof BUCKETS[0])

typedef struct result_count {
    char name[24]; /* "ok", an errno name, or "other" */
    uint64_t count;
} result_count;

typedef struct action_stats {
    char name[64];
    result_count results[METRICS_MAX_RESULTS];
    size_t n_results;
    uint64_t buckets[N_BUCKETS]; /* cumulative counts are computed when rendering */
    uint64_t count;
    double sum;
    uint64_t retries;
} action_stats;

struct metrics {
    pthread_mutex_t lock;
    action_stats actions[METRICS_MAX_ACTIONS];
    size_t n_actions;
};

metrics *metrics_new(void)
{
    metrics *m = calloc(1, sizeof *m);
    if (m)
        pthread_mutex_init(&m->lock, NULL);
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static action_stats *find_action(metrics *m, const char *action)
{
    if (!action || !*action)
        action = "unknown";
    for (size_t k = 0; k < m->n_actions; k++)
        if (strcmp(m->actions[k].name, action) == 0)
            return &m->actions[k];
    if (m->n_actions >= METRICS_MAX_ACTIONS - 1) /* the last slot is "other" */
        action = "other";
    for (size_t k = 0; k < m->n_actions; k++)
        if (strcmp(m->actions[k].name, action) == 0)
            return &m->actions[k];
    action_stats *a = &m->actions[m->n_actions++];
    snprintf(a->name, sizeof a->name, "%s", action);
    return a;
}

/* Results are kept by name, so two errnos with one name stay one series. */
static void count_result(action_stats *a, const char *name)
{
    for (size_t k = 0; k < a->n_results; k++)
        if (strcmp(a->results[k].name, name) == 0) {
            a->results[k].count++;
            return;
        }
    if (a->n_results >= METRICS_MAX_RESULTS - 1 && strcmp(name, "other") != 0) {
        count_result(a, "other");
        return;
    }
    result_count *r = &a->results[a->n_results++];
    snprintf(r->name, sizeof r->name, "%s", name);
    r->count = 1;
}

static const char *result_name(int errnum)
{
    if (errnum == 0)
        return "ok";
    const char *name = errmap_name(-errnum);
    return name && *name ? name : "other";
}

void metrics_api_hook(void *ctx, const char *action, int errnum, int retcode, int attempts,
                      double seconds)
{
    (void)retcode; /* the result's errno name says what matters */
    metrics *m = ctx;
    if (!m)
        return;
    if (!isfinite(seconds) || seconds < 0)
        seconds = 0;
    pthread_mutex_lock(&m->lock);
    action_stats *a = find_action(m, action);
    count_result(a, result_name(errnum));
    for (size_t b = 0; b < N_BUCKETS; b++)
        if (seconds <= BUCKETS[b]) {
            a->buckets[b]++;
            break;
        }
    a->count++;
    a->sum += seconds;
    if (attempts > 1)
        a->retries += (uint64_t)(attempts - 1);
    pthread_mutex_unlock(&m->lock);
}

/* A label value: backslash, double quote and newline escaped. */
static void put_label_value(strbuf *out, const char *value)
{
    strbuf_puts(out, "\"");
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '\\')
            strbuf_puts(out, "\\\\");
        else if (*p == '"')
            strbuf_puts(out, "\\\"");
        else if (*p == '\n')
            strbuf_puts(out, "\\n");
        else
            strbuf_append(out, p, 1);
    }
    strbuf_puts(out, "\"");
}

static void put_family(strbuf *out, const char *name, const char *type, const char *help)
{
    strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample: NAME{label="value",...} VALUE. labels holds name, value pairs
 * and ends with NULL (NULL alone: no labels). Integral values print as
 * integers; others with enough digits to round-trip what matters
 * (nanoseconds of latency, tenths of percent). */
static void put_series(strbuf *out, const char *name, const char *const *labels, double v)
{
    strbuf_puts(out, name);
    for (size_t k = 0; labels && labels[k]; k += 2) {
        strbuf_printf(out, "%s%s=", k ? "," : "{", labels[k]);
        put_label_value(out, labels[k + 1]);
    }
    if (labels && labels[0])
        strbuf_puts(out, "}");
    if (v == floor(v) && fabs(v) < 1e15)
        strbuf_printf(out, " %.0f\n", v);
    else
        strbuf_printf(out, " %.9g\n", v);
}

#define LABELS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void render_api(metrics *m, strbuf *out)
{
    pthread_mutex_lock(&m->lock);
    put_family(out, "compsharefs_api_requests_total", "counter",
               "API requests finished (after retries), by action and result.");
    for (size_t k = 0; k < m->n_actions; k++) {
        const action_stats *a = &m->actions[k];
        for (size_t r = 0; r < a->n_results; r++)
            put_series(out, "compsharefs_api_requests_total",
                       LABELS("action", a->name, "result", a->results[r].name),
                       (double)a->results[r].count);
    }
    put_family(out, "compsharefs_api_request_duration_seconds", "histogram",
               "Time an API request took, retries included, by action.");
    for (size_t k = 0; k < m->n_actions; k++) {
        const action_stats *a = &m->actions[k];
        uint64_t cumulative = 0;
        for (size_t b = 0; b <= N_BUCKETS; b++) {
            cumulative = b < N_BUCKETS ? cumulative + a->buckets[b] : a->count;
            put_series(out, "compsharefs_api_request_duration_seconds_bucket",
                       LABELS("action", a->name, "le", b < N_BUCKETS ? BUCKET_LABELS[b] : "+Inf"),
                       (double)cumulative);
        }
        put_series(out, "compsharefs_api_request_duration_seconds_sum", LABELS("action", a->name),
                   a->sum);
        put_series(out, "compsharefs_api_request_duration_seconds_count",
                   LABELS("action", a->name), (double)a->count);
    }
    put_family(out, "compsharefs_api_retries_total", "counter",
               "API request attempts beyond the first, by action.");
    for (size_t k = 0; k < m->n_actions; k++)
        put_series(out, "compsharefs_api_retries_total", LABELS("action", m->actions[k].name),
                   (double)m->actions[k].retries);
    pthread_mutex_unlock(&m->lock);
}

/* A usage rate as the API sends it ("35.2", a string): a number, or false. */
static bool rate(const char *text, double *v)
{
    char *end;
    if (!text || !*text)
        return false;
    *v = strtod(text, &end);
    return *end == '\0' && isfinite(*v);
}

/* Per GPU, in the API's order: index, and the card as the API names it
 * (several cards of one name stay apart by index). */
static void render_gpu_metric(const inst_snap *instances, strbuf *out, const char *name,
                              const char *help, bool memory)
{
    put_family(out, name, "gauge", help);
    for (size_t k = 0; instances && k < instances->list.n; k++) {
        const api_instance *i = &instances->list.items[k];
        for (size_t g = 0; g < i->n_gpus; g++) {
            double v;
            const api_gpu_usage *u = &i->gpus[g];
            if (!rate(memory ? u->memory_usage_rate : u->gpu_usage_rate, &v))
                continue;
            char index[24];
            snprintf(index, sizeof index, "%zu", g);
            put_series(out, name,
                       LABELS("uhost_id", i->uhost_id, "name", i->name, "index", index, "gpu",
                              u->gpu),
                       v);
        }
    }
}

static void render_gpus(const inst_snap *instances, strbuf *out)
{
    render_gpu_metric(instances, out, "compsharefs_gpu_utilization_percent",
                      "Utilisation of each GPU, in percent, as the API last reported it.", false);
    render_gpu_metric(instances, out, "compsharefs_gpu_memory_used_percent",
                      "Memory in use on each GPU, in percent, as the API last reported it.",
                      true);
}

static void render_instances(const inst_snap *instances, strbuf *out)
{
    put_family(out, "compsharefs_instances", "gauge", "Instances listed.");
    if (instances)
        put_series(out, "compsharefs_instances", NULL, (double)instances->list.n);
    put_family(out, "compsharefs_instance_state", "gauge",
               "1 for each instance, labelled with its current state.");
    for (size_t k = 0; instances && k < instances->list.n; k++) {
        const api_instance *i = &instances->list.items[k];
        const char *state = i->state && *i->state ? i->state : "Unknown";
        put_series(out, "compsharefs_instance_state",
                   LABELS("uhost_id", i->uhost_id, "name", i->name, "zone", i->zone, "state",
                          state),
                   1);
    }
    put_family(out, "compsharefs_instance_gpus", "gauge", "GPUs of each instance.");
    for (size_t k = 0; instances && k < instances->list.n; k++) {
        const api_instance *i = &instances->list.items[k];
        put_series(out, "compsharefs_instance_gpus",
                   LABELS("uhost_id", i->uhost_id, "name", i->name), (double)i->gpu_count);
    }
    put_family(out, "compsharefs_instance_price", "gauge",
               "InstancePrice as the API gives it (per hour, month or year: see charge_type).");
    for (size_t k = 0; instances && k < instances->list.n; k++) {
        const api_instance *i = &instances->list.items[k];
        put_series(out, "compsharefs_instance_price",
                   LABELS("uhost_id", i->uhost_id, "name", i->name, "charge_type", i->charge_type),
                   i->price);
    }
    put_family(out, "compsharefs_instance_stop_at_timestamp_seconds", "gauge",
               "When the instance's scheduled shutdown is due (Unix seconds); no series: none.");
    for (size_t k = 0; instances && k < instances->list.n; k++) {
        const api_instance *i = &instances->list.items[k];
        if (i->stop_scheduler_time > 0)
            put_series(out, "compsharefs_instance_stop_at_timestamp_seconds",
                       LABELS("uhost_id", i->uhost_id, "name", i->name),
                       (double)i->stop_scheduler_time);
    }
    render_gpus(instances, out);
}

/* Free GPUs per zone, type and pool, as the inventory last said. */
static void render_stock(const cap_snap *cap, strbuf *out)
{
    put_family(out, "compsharefs_gpu_stock", "gauge",
               "GPUs free now, by zone, GPU type and pool (dedicated or spot).");
    for (size_t k = 0; cap && k < cap->zones.n; k++) {
        const api_zone *z = &cap->zones.items[k];
        for (int spot = 0; spot < 2; spot++) {
            size_t first, n = cap_snap_pool(cap, z, spot, &first);
            for (size_t i = first; i < first + n; i++) {
                const api_gpu_stock *g = &cap->stock.items[i];
                put_series(out, "compsharefs_gpu_stock",
                           LABELS("zone", z->zone, "gpu_type", g->gpu_type, "pool",
                                  spot ? "spot" : "dedicated"),
                           (double)g->count);
            }
        }
    }
}

static void render_images(const img_snap *custom, const double *progress, strbuf *out)
{
    put_family(out, "compsharefs_custom_images", "gauge", "Custom images of the account.");
    if (custom)
        put_series(out, "compsharefs_custom_images", NULL, (double)custom->list.n);
    put_family(out, "compsharefs_image_progress_percent", "gauge",
               "Progress of custom images being made, in percent.");
    for (size_t k = 0; custom && progress && k < custom->list.n; k++) {
        if (!(progress[k] >= 0) || !isfinite(progress[k]))
            continue;
        const api_image *img = &custom->list.items[k];
        put_series(out, "compsharefs_image_progress_percent",
                   LABELS("image_id", img->image_id, "name", img->name), progress[k]);
    }
}

static void put_counter(strbuf *out, const char *name, const char *help, uint64_t v)
{
    put_family(out, name, "counter", help);
    put_series(out, name, NULL, (double)v);
}

void metrics_render(metrics *m, const metrics_view *v, strbuf *out)
{
    put_family(out, "compsharefs_api_up", "gauge",
               "1 when the instance listing for this scrape succeeded, else 0.");
    put_series(out, "compsharefs_api_up", NULL, v->instances ? 1 : 0);
    render_instances(v->instances, out);
    render_images(v->custom, v->progress, out);
    render_stock(v->capacity, out);
    if (m)
        render_api(m, out);
    const cache_stats *cs = v->cache;
    if (cs) {
        put_counter(out, "compsharefs_cache_hits_total", "Reads answered from fresh cached data.",
                    cs->hits);
        put_counter(out, "compsharefs_cache_misses_total", "Reads that waited for a fetch.",
                    cs->misses);
        put_counter(out, "compsharefs_cache_fetches_total", "Fetches started by the cache.",
                    cs->fetches);
        put_counter(out, "compsharefs_cache_fetch_errors_total", "Fetches that failed.",
                    cs->fetch_errors);
    }
}
