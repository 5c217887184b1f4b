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
    metrics *m = ctx;
    if (!m)
        return;
    if (errnum < 0)
        errnum = -errnum; /* tolerate either sign */
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
static void put_label(strbuf *out, const char *name, const char *value, int first)
{
    strbuf_printf(out, "%s%s=\"", first ? "" : ",", name);
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

/* Integral values print as integers; others with enough digits to round-trip
 * what matters (nanoseconds of latency, tenths of percent). */
static void put_value(strbuf *out, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        strbuf_printf(out, " %.0f\n", v);
    else
        strbuf_printf(out, " %.9g\n", v);
}

static void render_api(metrics *m, strbuf *out)
{
    pthread_mutex_lock(&m->lock);
    put_family(out, "compsharefs_api_requests_total", "counter",
               "API requests finished (after retries), by action and result.");
    for (size_t k = 0; k < m->n_actions; k++) {
        const action_stats *a = &m->actions[k];
        for (size_t r = 0; r < a->n_results; r++) {
            strbuf_puts(out, "compsharefs_api_requests_total{");
            put_label(out, "action", a->name, 1);
            put_label(out, "result", a->results[r].name, 0);
            strbuf_puts(out, "}");
            put_value(out, (double)a->results[r].count);
        }
    }
    put_family(out, "compsharefs_api_request_duration_seconds", "histogram",
               "Time an API request took, retries included, by action.");
    for (size_t k = 0; k < m->n_actions; k++) {
        const action_stats *a = &m->actions[k];
        uint64_t cumulative = 0;
        for (size_t b = 0; b <= N_BUCKETS; b++) {
            cumulative = b < N_BUCKETS ? cumulative + a->buckets[b] : a->count;
            strbuf_puts(out, "compsharefs_api_request_duration_seconds_bucket{");
            put_label(out, "action", a->name, 1);
            put_label(out, "le", b < N_BUCKETS ? BUCKET_LABELS[b] : "+Inf", 0);
            strbuf_puts(out, "}");
            put_value(out, (double)cumulative);
        }
        strbuf_puts(out, "compsharefs_api_request_duration_seconds_sum{");
        put_label(out, "action", a->name, 1);
        strbuf_puts(out, "}");
        put_value(out, a->sum);
        strbuf_puts(out, "compsharefs_api_request_duration_seconds_count{");
        put_label(out, "action", a->name, 1);
        strbuf_puts(out, "}");
        put_value(out, (double)a->count);
    }
    put_family(out, "compsharefs_api_retries_total", "counter",
               "API request attempts beyond the first, by action.");
    for (size_t k = 0; k < m->n_actions; k++) {
        strbuf_puts(out, "compsharefs_api_retries_total{");
        put_label(out, "action", m->actions[k].name, 1);
        strbuf_puts(out, "}");
        put_value(out, (double)m->actions[k].retries);
    }
    pthread_mutex_unlock(&m->lock);
}

static void render_instances(const inst_snap *instances, strbuf *out)
{
    put_family(out, "compsharefs_instances", "gauge", "Instances listed.");
    if (instances) {
        strbuf_puts(out, "compsharefs_instances");
        put_value(out, (double)instances->list.n);
    }
    put_family(out, "compsharefs_instance_state", "gauge",
               "1 for each instance, labelled with its current state.");
    for (size_t k = 0; instances && k < instances->list.n; k++) {
        const api_instance *i = &instances->list.items[k];
        strbuf_puts(out, "compsharefs_instance_state{");
        put_label(out, "uhost_id", i->uhost_id, 1);
        put_label(out, "name", i->name, 0);
        put_label(out, "zone", i->zone, 0);
        put_label(out, "state", i->state && *i->state ? i->state : "Unknown", 0);
        strbuf_puts(out, "} 1\n");
    }
    put_family(out, "compsharefs_instance_gpu_count", "gauge", "GPUs of each instance.");
    for (size_t k = 0; instances && k < instances->list.n; k++) {
        const api_instance *i = &instances->list.items[k];
        strbuf_puts(out, "compsharefs_instance_gpu_count{");
        put_label(out, "uhost_id", i->uhost_id, 1);
        put_label(out, "name", i->name, 0);
        strbuf_puts(out, "}");
        put_value(out, (double)i->gpu_count);
    }
}

static void render_images(const img_snap *custom, const double *progress, strbuf *out)
{
    put_family(out, "compsharefs_custom_images", "gauge", "Custom images of the account.");
    if (custom) {
        strbuf_puts(out, "compsharefs_custom_images");
        put_value(out, (double)custom->list.n);
    }
    put_family(out, "compsharefs_image_progress_percent", "gauge",
               "Progress of custom images being made, in percent.");
    for (size_t k = 0; custom && progress && k < custom->list.n; k++) {
        if (!(progress[k] >= 0) || !isfinite(progress[k]))
            continue;
        const api_image *img = &custom->list.items[k];
        strbuf_puts(out, "compsharefs_image_progress_percent{");
        put_label(out, "image_id", img->image_id, 1);
        put_label(out, "name", img->name, 0);
        strbuf_puts(out, "}");
        put_value(out, progress[k]);
    }
}

static void put_counter(strbuf *out, const char *name, const char *help, uint64_t v)
{
    put_family(out, name, "counter", help);
    strbuf_puts(out, name);
    put_value(out, (double)v);
}

void metrics_render(metrics *m, const inst_snap *instances, const img_snap *custom,
                    const double *progress, const cache_stats *cs, strbuf *out)
{
    put_family(out, "compsharefs_api_up", "gauge",
               "1 when the instance listing for this scrape succeeded, else 0.");
    strbuf_printf(out, "compsharefs_api_up %d\n", instances ? 1 : 0);
    render_instances(instances, out);
    render_images(custom, progress, out);
    if (m)
        render_api(m, out);
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
