/* SPDX-License-Identifier: MIT */
/* sim_http.c - compshare-sim's HTTP server (libmicrohttpd, internal thread pool):
 * collects each request's body, routes /_sim/ to sim_control.c and everything else to
 * the gateway, and writes or parks the reply. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <microhttpd.h>

#include "clocks.h"
#include "log.h"
#include "sim_control.h"
#include "sim_gateway.h"
#include "sim_http.h"
#include "sim_park.h"
#include "sim_request.h"
#include "strbuf.h"

struct sim_http {
    struct MHD_Daemon *daemon;
    sim_park *park;
    atomic_bool stopping; /* set before hung requests are closed on purpose */
};

enum phase { READING, PARKED, READY, ABORTED };

typedef struct conn_ctx {
    strbuf body;
    bool too_big;
    enum phase phase;
    sim_reply reply;
} conn_ctx;

static void on_wake(void *arg, bool abort)
{
    conn_ctx *ctx = arg;
    ctx->phase = abort ? ABORTED : READY;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, conn_ctx *ctx)
{
    sim_reply *r = &ctx->reply;
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->len, r->body ? r->body : (char *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            r->content_type ? r->content_type : "application/json");
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result add_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    /* MHD has already %-decoded the query string ('+' included). */
    return params_add(cls, key, value ? value : "") == 0 ? MHD_YES : MHD_NO;
}

static void api_request(sim_server *s, struct MHD_Connection *c, const char *method, conn_ctx *ctx)
{
    params p;
    params_init(&p);
    char why[160] = "";
    int rc = 0;
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0) {
        sim_stats_count(&s->stats, NULL); /* still an API request: counted as (missing) */
        sim_reply_text(&ctx->reply, 405, "text/plain", "compshare-sim: use GET or POST\n");
        return;
    }
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query_arg, &p);
    if (ctx->too_big) {
        rc = -E2BIG;
        snprintf(why, sizeof why, "the body is larger than %d bytes", SIM_MAX_BODY);
    } else if (ctx->body.oom) {
        rc = -ENOMEM;
    } else if (ctx->body.len) {
        const char *type =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        rc = sim_request_parse_body(&p, type, ctx->body.data, ctx->body.len, why, sizeof why);
    }
    sim_gateway_handle(s, &p, rc, why, &ctx->reply);
    params_free(&p);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    sim_server *s = cls;
    conn_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = calloc(1, sizeof *ctx);
        if (!ctx)
            return MHD_NO;
        strbuf_init(&ctx->body);
        *con_cls = ctx;
        return MHD_YES;
    }
    switch (ctx->phase) {
    case ABORTED: return MHD_NO; /* a hung request at shutdown: close, no answer */
    case READY: return send_reply(c, ctx);
    case PARKED: return MHD_YES; /* not expected: MHD does not call a suspended connection */
    case READING: break;
    }
    if (*upload_data_size) {
        if (ctx->body.len + *upload_data_size > SIM_MAX_BODY)
            ctx->too_big = true; /* keep reading, answer 413 at the end */
        else
            strbuf_append(&ctx->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    if (strcmp(url, "/_sim") == 0 || strncmp(url, "/_sim/", 6) == 0)
        sim_control_handle(s, method, url, ctx->body.data ? ctx->body.data : "", ctx->body.len,
                           &ctx->reply);
    else
        api_request(s, c, method, ctx);

    sim_reply *r = &ctx->reply;
    if (r->hang || r->delay_ms) {
        double due = r->hang ? INFINITY : clock_mono_s() + r->delay_ms / 1000.0;
        ctx->phase = PARKED;
        if (sim_park_add(s->http->park, c, ctx, due) == 0)
            return MHD_YES;
        ctx->phase = READING;
        if (r->hang)
            return MHD_NO;
    }
    return send_reply(c, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    conn_ctx *ctx = *con_cls;
    if (!ctx)
        return;
    strbuf_free(&ctx->body);
    sim_reply_free(&ctx->reply);
    free(ctx);
    *con_cls = NULL;
}

/* libmicrohttpd's own messages, through our log; quiet while stopping, when closing
 * hung requests makes it report "internal error" for each. */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    sim_server *s = cls;
    if (s->http && s->http->stopping)
        return;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        msg[--len] = '\0';
    log_warn("libmicrohttpd: %s", msg);
}

/* Parse "ADDR:PORT" or "[V6]:PORT" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, bool *v6)
{
    char host[256], port[16];
    const char *colon;
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':' || (size_t)(close - listen - 1) >= sizeof host)
            return -1;
        snprintf(host, sizeof host, "%.*s", (int)(close - listen - 1), listen + 1);
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= sizeof host)
            return -1;
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    }
    if (!colon[1] || strlen(colon + 1) >= sizeof port ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1))
        return -1;
    snprintf(port, sizeof port, "%s", colon + 1);
    if (atoi(port) > 65535)
        return -1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG};
    struct addrinfo *res = NULL;
    if (getaddrinfo(host, port, &hints, &res) != 0 || !res)
        return -1;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

/* Hung requests keep their sockets until shutdown, so allow as many connections as
 * the descriptor limit does, after raising the soft limit to the hard one. */
static unsigned connection_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1000;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur > 1064 ? (unsigned)(rl.rlim_cur > 65536 ? 65536 : rl.rlim_cur) - 64 : 1000;
}

int sim_http_start(sim_server *s, const char *listen, char *url, size_t urllen)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    bool v6;
    if (parse_listen(listen, &ss, &sslen, &v6) != 0) {
        fprintf(stderr, "compshare-sim: --listen %s: expected ADDR:PORT or [IPV6]:PORT\n", listen);
        return -1;
    }
    s->http = calloc(1, sizeof *s->http);
    if (!s->http || !(s->http->park = sim_park_create(on_wake))) {
        fprintf(stderr, "compshare-sim: out of memory\n");
        free(s->http);
        s->http = NULL;
        return -1;
    }
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
                     (v6 ? MHD_USE_IPv6 : 0);
    /* The logger must be the first option to catch every message. */
    s->http->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, s->threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        /* Idle keep-alive connections are closed after a while; parked ones are exempt. */
        MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(256 * 1024), MHD_OPTION_CONNECTION_LIMIT, connection_limit(), MHD_OPTION_END);
    if (!s->http->daemon) {
        fprintf(stderr, "compshare-sim: cannot listen on %s: %s\n", listen, strerror(errno));
        sim_park_shutdown(s->http->park);
        sim_park_free(s->http->park);
        free(s->http);
        s->http = NULL;
        return -1;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(s->http->daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    char addr[INET6_ADDRSTRLEN] = "";
    if (v6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof addr);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof addr);
    snprintf(url, urllen, v6 ? "http://[%s]:%u" : "http://%s:%u", addr, port);
    return 0;
}

void sim_http_stop(sim_server *s)
{
    if (!s->http)
        return;
    /* Parked connections must be resumed before MHD_stop_daemon, which refuses to
     * stop with suspended connections; hung ones are closed unanswered. */
    s->http->stopping = true;
    sim_park_shutdown(s->http->park);
    MHD_stop_daemon(s->http->daemon);
    sim_park_free(s->http->park);
    free(s->http);
    s->http = NULL;
}
