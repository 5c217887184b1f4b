/* SPDX-License-Identifier: MIT */
/* test_transport_curl.c - the libcurl transport against tiny loopback servers
 * that misbehave on purpose: how each failure is classified (which decides
 * whether a state-changing call may be resent), the request as sent, the
 * body cap, redirects never followed, and connections reused across threads. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "api.h"
#include "transport.h"

typedef enum mode {
    ANSWER,     /* {"RetCode":0}, keep-alive */
    CLOSE,      /* read the request, close without a word */
    SILENT,     /* read the request, never answer */
    NO_ACCEPT,  /* listen, never accept */
    REDIRECT,   /* 302 to another URL */
    BIG,        /* a body of 64 KiB with Content-Length */
    BIG_CHUNKED,/* the same, chunked: no length known up front */
    PARTIAL,    /* half a body, then close */
    NOT_TLS,    /* answers a TLS hello in plain HTTP */
    LOSE_LATER, /* answers the first request; closes on any later one unanswered */
    LOSE_GONE,  /* the same, and stops listening first: a reconnect is refused */
} mode;

typedef struct server {
    mode mode;
    int fd;
    int port;
    pthread_t thread;
    pthread_t workers[16]; /* one per connection, so a kept-alive one blocks no other */
    atomic_int accepted, requests, stop;
    char last_request[8192];
    char redirect_to[128];
} server;

/* Read one HTTP request (headers and Content-Length body) into buf. */
static int read_request(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len + 1 >= cap)
            return -1;
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    const char *cl = strcasestr(buf, "Content-Length:");
    size_t want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
    while (len < want && len + 1 < cap) {
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r <= 0)
            return -1;
        len += (size_t)r;
    }
    buf[len] = '\0';
    return 0;
}

static void write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w <= 0)
            return;
        data += w;
        len -= (size_t)w;
    }
}

static void serve_connection(server *s, int c)
{
    char req[8192];
    if (s->mode == NOT_TLS) {
        char hello[512];
        if (read(c, hello, sizeof hello) > 0) {
            static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
            write_all(c, bad, sizeof bad - 1);
        }
        return;
    }
    while (!atomic_load(&s->stop) && read_request(c, req, sizeof req) == 0) {
        atomic_fetch_add(&s->requests, 1);
        memcpy(s->last_request, req, sizeof req);
        char head[512];
        switch (s->mode) {
        case ANSWER: {
            static const char body[] = "{\"Action\":\"XResponse\",\"RetCode\":0}";
            int n = snprintf(head, sizeof head,
                             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\n\r\n%s",
                             sizeof body - 1, body);
            write_all(c, head, (size_t)n);
            continue; /* keep-alive: the next request may come on this connection */
        }
        case CLOSE:
            return;
        case SILENT:
            while (!atomic_load(&s->stop))
                usleep(10000);
            return;
        case REDIRECT: {
            int n = snprintf(head, sizeof head,
                             "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n",
                             s->redirect_to);
            write_all(c, head, (size_t)n);
            continue;
        }
        case BIG:
        case BIG_CHUNKED: {
            static char body[65536];
            memset(body, 'x', sizeof body);
            int n = s->mode == BIG
                        ? snprintf(head, sizeof head,
                                   "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", sizeof body)
                        : snprintf(head, sizeof head,
                                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "%zx\r\n",
                                   sizeof body);
            write_all(c, head, (size_t)n);
            write_all(c, body, sizeof body);
            if (s->mode == BIG_CHUNKED)
                write_all(c, "\r\n0\r\n\r\n", 7);
            continue;
        }
        case PARTIAL: {
            static const char half[] =
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"RetCode\":0,\"UHo";
            write_all(c, half, sizeof half - 1);
            return;
        }
        case LOSE_LATER:
        case LOSE_GONE:
            if (atomic_load(&s->requests) == 1) {
                static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n"
                                         "{\"RetCode\":0}";
                write_all(c, ok, sizeof ok - 1);
                continue;
            }
            if (s->mode == LOSE_GONE)
                shutdown(s->fd, SHUT_RDWR); /* stops listening: a connect is refused */
            return;
        default:
            return;
        }
    }
}

struct conn {
    server *s;
    int fd;
};

static void *connection_main(void *arg)
{
    struct conn k = *(struct conn *)arg;
    free(arg);
    serve_connection(k.s, k.fd);
    shutdown(k.fd, SHUT_RDWR);
    close(k.fd);
    return NULL;
}

static void *server_main(void *arg)
{
    server *s = arg;
    if (s->mode == NO_ACCEPT) {
        while (!atomic_load(&s->stop))
            usleep(10000);
        return NULL;
    }
    while (!atomic_load(&s->stop)) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            break;
        int n = atomic_fetch_add(&s->accepted, 1);
        struct conn *k = malloc(sizeof *k);
        if (n >= 16 || !k) {
            free(k);
            close(c);
            continue;
        }
        *k = (struct conn){s, c};
        if (pthread_create(&s->workers[n], NULL, connection_main, k) != 0) {
            free(k);
            close(c);
            s->workers[n] = 0;
        }
    }
    return NULL;
}

static void server_start(server *s, mode m)
{
    memset(s, 0, sizeof *s);
    s->mode = m;
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    assert_int_equal(listen(s->fd, 16), 0);
    assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void server_stop(server *s)
{
    atomic_store(&s->stop, 1);
    shutdown(s->fd, SHUT_RDWR); /* wakes accept() */
    pthread_join(s->thread, NULL);
    int n = atomic_load(&s->accepted);
    for (int i = 0; i < n && i < 16; i++)
        if (s->workers[i])
            pthread_join(s->workers[i], NULL);
    close(s->fd);
}

static void url_of(const server *s, const char *scheme, char *out, size_t len)
{
    snprintf(out, len, "%s://127.0.0.1:%d/", scheme, s->port);
}

static transport_response perform_as(transport_curl *t, const char *url, long timeout_ms,
                                     size_t max_body, bool mutating)
{
    transport_request req = {
        .mutating = mutating,
        .url = url,
        .body = "Action=DescribeCompShareInstance&Limit=100&Name=%E8%AE%AD",
        .user_agent = "compsharefs/test",
        .timestamp_ms = 1700000000123LL,
        .timeout_ms = timeout_ms,
        .connect_timeout_ms = timeout_ms,
        .max_body = max_body,
    };
    transport_response r;
    assert_int_equal(transport_curl_ops.perform(t, &req, &r), 0);
    return r;
}

static transport_response perform(transport_curl *t, const char *url, long timeout_ms,
                                  size_t max_body)
{
    return perform_as(t, url, timeout_ms, max_body, false);
}

struct reuse {
    transport_curl *t;
    const char *url;
    transport_failure failure;
};

static void *perform_in_thread(void *arg)
{
    struct reuse *a = arg;
    transport_request req = {.url = a->url, .body = "Action=X", .timeout_ms = 5000};
    transport_response r;
    transport_curl_ops.perform(a->t, &req, &r);
    a->failure = r.failure;
    transport_response_free(&r);
    return NULL;
}

/* A server in a given mode, a transport and the server's URL: one test's setup. */
typedef struct rig {
    server s;
    transport_curl *t;
    char url[64];
} rig;

static void rig_start(rig *g, mode m, const char *scheme)
{
    server_start(&g->s, m);
    g->t = transport_curl_new(NULL);
    assert_non_null(g->t);
    url_of(&g->s, scheme, g->url, sizeof g->url);
}

static void rig_stop(rig *g)
{
    transport_curl_free(g->t);
    server_stop(&g->s);
}

/* One request from a fresh transport to a fresh server in mode m; *requests
 * (if not NULL) gets how many requests the server read. The caller frees the
 * response. */
static transport_response request_once(mode m, const char *scheme, long timeout_ms, int *requests)
{
    rig g;
    rig_start(&g, m, scheme);
    transport_response r = perform(g.t, g.url, timeout_ms, 0);
    if (requests)
        *requests = atomic_load(&g.s.requests);
    rig_stop(&g);
    return r;
}

static void test_answer_and_request_as_sent(void **state)
{
    rig g;
    rig_start(&g, ANSWER, "http");
    transport_response r = perform(g.t, g.url, 5000, 0);
    assert_int_equal(r.failure, TRANSPORT_OK);
    assert_int_equal(r.http_status, 200);
    assert_string_equal(r.body, "{\"Action\":\"XResponse\",\"RetCode\":0}");
    transport_response_free(&r);
    const char *req = g.s.last_request;
    assert_int_equal(strncmp(req, "POST / HTTP/1.1\r\n", 17), 0);
    assert_non_null(strstr(req, "User-Agent: compsharefs/test\r\n"));
    assert_non_null(strstr(req, "U-Timestamp-Ms: 1700000000123\r\n"));
    assert_non_null(strstr(req, "Content-Type: application/x-www-form-urlencoded\r\n"));
    assert_non_null(strstr(req, "\r\n\r\nAction=DescribeCompShareInstance&Limit=100&Name=%E8%AE%AD"));

    /* a second request, from another thread, reuses the pooled connection */
    struct reuse args = {g.t, g.url, TRANSPORT_REFUSED};
    pthread_t other;
    assert_int_equal(pthread_create(&other, NULL, perform_in_thread, &args), 0);
    pthread_join(other, NULL);
    assert_int_equal(args.failure, TRANSPORT_OK);
    assert_int_equal(atomic_load(&g.s.requests), 2);
    assert_int_equal(atomic_load(&g.s.accepted), 1);
    rig_stop(&g);
}

/* Nothing listens: certainly not sent, and said plainly. */
static void test_refused_not_sent(void **state)
{
    rig g;
    rig_start(&g, ANSWER, "http");
    server_stop(&g.s); /* the port is closed again */
    transport_response r = perform(g.t, g.url, 5000, 0);
    assert_int_equal(r.failure, TRANSPORT_NOT_SENT);
    assert_string_equal(r.detail, "Connection refused");
    transport_response_free(&r);
    transport_curl_free(g.t);
}

static void test_closed_after_request_broken(void **state)
{
    const mode modes[] = {CLOSE, PARTIAL};
    for (size_t i = 0; i < 2; i++) {
        int requests;
        transport_response r = request_once(modes[i], "http", 5000, &requests);
        assert_int_equal(r.failure, TRANSPORT_BROKEN_SENT);
        assert_true(strlen(r.detail) > 0);
        assert_int_equal(requests, 1);
        transport_response_free(&r);
    }
}

/* No answer: a timeout after sending. Even when the server never accepted,
 * the kernel took the request: it counts as sent, never as "not sent". */
static void test_silence_timeout_sent(void **state)
{
    const mode modes[] = {SILENT, NO_ACCEPT};
    for (size_t i = 0; i < 2; i++) {
        transport_response r = request_once(modes[i], "http", 300, NULL);
        assert_int_equal(r.failure, TRANSPORT_TIMEOUT_SENT);
        transport_response_free(&r);
    }
}

static void test_redirect_not_followed(void **state)
{
    server target;
    rig g;
    server_start(&target, ANSWER);
    rig_start(&g, REDIRECT, "http");
    url_of(&target, "http", g.s.redirect_to, sizeof g.s.redirect_to);
    transport_response r = perform(g.t, g.url, 5000, 0);
    assert_int_equal(r.failure, TRANSPORT_REFUSED);
    assert_int_equal(r.http_status, 302);
    assert_non_null(strstr(r.detail, "redirect"));
    assert_int_equal(atomic_load(&target.requests), 0); /* the signed request went nowhere else */
    transport_response_free(&r);
    rig_stop(&g);
    server_stop(&target);
}

static void test_body_capped(void **state)
{
    const mode modes[] = {BIG, BIG_CHUNKED};
    for (size_t i = 0; i < 2; i++) {
        rig g;
        rig_start(&g, modes[i], "http");
        transport_response r = perform(g.t, g.url, 5000, 4096);
        assert_int_equal(r.failure, TRANSPORT_TOO_LARGE);
        assert_null(r.body);
        assert_non_null(strstr(r.detail, "4096"));
        transport_response_free(&r);
        /* under the cap, the same answer is read whole */
        r = perform(g.t, g.url, 5000, 1 << 20);
        assert_int_equal(r.failure, TRANSPORT_OK);
        assert_int_equal(r.body_len, 65536);
        transport_response_free(&r);
        rig_stop(&g);
    }
}

/* The TLS handshake fails before any request byte: not sent. */
static void test_tls_handshake_failure_not_sent(void **state)
{
    transport_response r = request_once(NOT_TLS, "https", 5000, NULL);
    assert_int_equal(r.failure, TRANSPORT_NOT_SENT);
    transport_response_free(&r);
}

static void test_other_protocols_refused(void **state)
{
    transport_curl *t = transport_curl_new(NULL);
    transport_response r = perform(t, "ftp://127.0.0.1:1/", 5000, 0);
    assert_int_equal(r.failure, TRANSPORT_REFUSED);
    transport_response_free(&r);
    r = perform(t, "file:///etc/passwd", 5000, 0);
    assert_int_equal(r.failure, TRANSPORT_REFUSED);
    assert_null(r.body);
    transport_response_free(&r);
    transport_curl_free(t);
}

/* A state-changing request goes on a new connection, never a pooled one:
 * when a pooled connection dies before the answer, libcurl resends the request
 * on a fresh one by itself ("Connection died, retrying a fresh connect"), and
 * the server would run it twice. Here the server reads it and closes: it was
 * received once, and the outcome is unknown. */
static void test_mutating_never_resent_by_libcurl(void **state)
{
    rig g;
    rig_start(&g, LOSE_LATER, "http");
    transport_response r = perform(g.t, g.url, 5000, 0); /* leaves a pooled connection */
    assert_int_equal(r.failure, TRANSPORT_OK);
    transport_response_free(&r);
    r = perform_as(g.t, g.url, 5000, 0, true);
    assert_int_equal(r.failure, TRANSPORT_BROKEN_SENT);
    transport_response_free(&r);
    assert_int_equal(atomic_load(&g.s.requests), 2);
    assert_int_equal(atomic_load(&g.s.accepted), 2); /* the second on a connection of its own */
    rig_stop(&g);
}

/* A read may take libcurl's resend; when that reconnect is refused, the read
 * had still gone out: "may have been sent", never "not sent". */
static void test_refused_after_sending_is_sent(void **state)
{
    rig g;
    rig_start(&g, LOSE_GONE, "http");
    transport_response r = perform(g.t, g.url, 5000, 0);
    assert_int_equal(r.failure, TRANSPORT_OK);
    transport_response_free(&r);
    r = perform(g.t, g.url, 5000, 0); /* on the pooled connection, which dies */
    assert_int_equal(r.failure, TRANSPORT_BROKEN_SENT);
    transport_response_free(&r);
    assert_int_equal(atomic_load(&g.s.requests), 2);
    rig_stop(&g);
}

/* Through the client: a closed connection after a reboot was sent is an
 * unknown outcome, sent once; a refused connection is retried and named. */
static void test_client_over_curl(void **state)
{
    server s;
    server_start(&s, CLOSE);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", s.port);
    api_config cfg = {.endpoint = url, .public_key = "pk", .private_key = "secret-key-123",
                      .region = "cn-wlcb", .timeout_ms = 2000};
    api_client *c = api_new(&cfg, NULL);
    assert_non_null(c);
    api_error err;
    assert_int_equal(api_reboot(c, "cn-wlcb-01", "uhost-1", &err), -EIO);
    assert_true(err.outcome_unknown);
    assert_int_equal(atomic_load(&s.requests), 1);
    assert_non_null(strstr(err.message, "may or may not have been carried out"));
    assert_null(strstr(err.message, "secret-key-123"));
    api_free(c);
    server_stop(&s);

    api_client *d = api_new(&cfg, NULL); /* the port is closed now */
    assert_int_equal(api_reboot(d, "cn-wlcb-01", "uhost-1", &err), -EIO);
    assert_false(err.outcome_unknown);
    assert_true(err.attempts > 1); /* certainly not sent: safe to resend */
    char want[128];
    snprintf(want, sizeof want, "cannot connect to %s: Connection refused", url);
    assert_int_equal(strncmp(err.message, want, strlen(want)), 0);
    api_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer_and_request_as_sent),
        cmocka_unit_test(test_refused_not_sent),
        cmocka_unit_test(test_closed_after_request_broken),
        cmocka_unit_test(test_silence_timeout_sent),
        cmocka_unit_test(test_redirect_not_followed),
        cmocka_unit_test(test_body_capped),
        cmocka_unit_test(test_tls_handshake_failure_not_sent),
        cmocka_unit_test(test_other_protocols_refused),
        cmocka_unit_test(test_mutating_never_resent_by_libcurl),
        cmocka_unit_test(test_refused_after_sending_is_sent),
        cmocka_unit_test(test_client_over_curl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
