/* SPDX-License-Identifier: MIT */
/* metrics.h - counters for /metrics (Prometheus text exposition format 0.0.4).
 * API calls are counted by action and result; latency as a histogram. */
#ifndef COMPSHAREFS_METRICS_H
#define COMPSHAREFS_METRICS_H

#include "cache.h"
#include "strbuf.h"

typedef struct metrics metrics;

metrics *metrics_new(void);
void metrics_free(metrics *m);

/* Has the signature of api_call_hook: pass metrics_api_hook and the metrics
 * as hook_ctx. errnum 0 = success. Thread-safe. */
void metrics_api_hook(void *m, const char *action, int errnum, int retcode, int attempts,
                      double seconds);

/* What one scrape shows. instances/custom/capacity are NULL when they could
 * not be fetched (instances NULL: compsharefs_api_up is 0); progress[i] is the
 * progress of custom->list.items[i] or a negative number when unknown. */
typedef struct metrics_view {
    const inst_snap *instances;
    const img_snap *custom;
    const double *progress;
    const cap_snap *capacity;
    const cache_stats *cache;
} metrics_view;

/* Everything, in exposition format. */
void metrics_render(metrics *m, const metrics_view *v, strbuf *out);

#endif
