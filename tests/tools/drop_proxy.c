/* SPDX-License-Identifier: MIT */
/* drop_proxy.c - a loopback HTTP relay that loses answers on purpose.
 *
 *   drop_proxy --upstream http://HOST:PORT [--drop TEXT]... [--after N]
 *
 * Listens on a free port of 127.0.0.1; the first line on stdout is its URL.
 * Each client connection gets an upstream connection of its own, and requests
 * and answers are relayed both ways, keep-alive, until the request to lose:
 * one that contains any TEXT (in its head or body), or the Nth on its client
 * connection. That request is forwarded and its answer awaited, so the
 * upstream has certainly acted on it; then the client connection is closed
 * without a word. This is an answer lost on the way back after the server
 * acted, the case in which a client must never send the request again (a
 * reused keep-alive connection that dies like this is exactly when libcurl
 * would silently resend it).
 *
 * HTTP/1.1 with Content-Length bodies (what the client and compshare-sim
 * send); an answer without a length is read until the upstream closes. For
 * tests only: one thread per connection, blocking I/O, no limits worth the
 * name. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DROP 32
#define MAX_MESSAGE (8 << 20)

static const char *drop_texts[MAX_DROP];
static int n_drop;
static long drop_after; /* 0: only by text */
static char up_host[256], up_port[16];

typedef struct message {
    char *data;
    size_t len, cap;
} message;

static int put(message *m, const char *p, size_t n)
{
    if (m->len + n + 1 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16384;
        while (cap < m->len + n + 1)
            cap *= 2;
        if (cap > MAX_MESSAGE)
            return -1;
        char *data = realloc(m->data, cap);
        if (!data)
            return -1;
        m->data = data;
        m->cap = cap;
    }
    memcpy(m->data + m->len, p, n);
    m->len += n;
    m->data[m->len] = '\0';
    return 0;
}

/* One HTTP message from fd into m (emptied first): the head, then a body of
 * Content-Length bytes, or (answers only) everything until the peer closes.
 * Bytes read past the message stay in *extra for the next call. 0, or -1
 * when the peer closed or the message is broken. */
static int read_message(int fd, message *m, message *extra, bool answer)
{
    m->len = 0;
    if (m->data)
        m->data[0] = '\0';
    if (extra->len) {
        if (put(m, extra->data, extra->len) != 0)
            return -1;
        extra->len = 0;
    }
    char buf[16384];
    char *end;
    while (!m->data || !(end = strstr(m->data, "\r\n\r\n"))) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || put(m, buf, (size_t)r) != 0)
            return -1;
    }
    size_t head = (size_t)(end + 4 - m->data);
    const char *cl = strcasestr(m->data, "\r\nContent-Length:");
    bool until_close = answer && (!cl || cl > end);
    size_t want = head + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
    while (until_close || m->len < want) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 && until_close)
            return 0;
        if (r <= 0 || put(m, buf, (size_t)r) != 0)
            return -1;
    }
    if (m->len > want) { /* the start of a pipelined next request */
        if (put(extra, m->data + want, m->len - want) != 0)
            return -1;
        m->len = want;
        m->data[want] = '\0';
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int connect_upstream(void)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *a;
    if (getaddrinfo(up_host, up_port, &hints, &res) != 0)
        return -1;
    int fd = -1;
    for (a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static bool to_drop(const message *request, long nth)
{
    if (drop_after > 0 && nth == drop_after)
        return true;
    for (int i = 0; i < n_drop; i++)
        if (memmem(request->data, request->len, drop_texts[i], strlen(drop_texts[i])))
            return true;
    return false;
}

static void *relay(void *arg)
{
    int client = (int)(intptr_t)arg, upstream = -1;
    message req = {0}, ans = {0}, req_extra = {0}, ans_extra = {0};
    for (long nth = 1; read_message(client, &req, &req_extra, false) == 0; nth++) {
        if (upstream < 0 && (upstream = connect_upstream()) < 0)
            break;
        if (write_all(upstream, req.data, req.len) != 0 ||
            read_message(upstream, &ans, &ans_extra, true) != 0)
            break;
        if (to_drop(&req, nth)) {
            fprintf(stderr, "drop_proxy: answer %ld of a connection lost on purpose\n", nth);
            break;
        }
        if (write_all(client, ans.data, ans.len) != 0)
            break;
    }
    /* A plain close: the client sees its connection end with no answer. */
    close(client);
    if (upstream >= 0)
        close(upstream);
    free(req.data);
    free(ans.data);
    free(req_extra.data);
    free(ans_extra.data);
    return NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: drop_proxy --upstream http://HOST:PORT [--drop TEXT]... [--after N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *upstream = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--upstream") == 0)
            upstream = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--drop") == 0 && n_drop < MAX_DROP)
            drop_texts[n_drop++] = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--after") == 0)
            drop_after = strtol(argv[++i], NULL, 10);
        else
            return usage();
    }
    if (!upstream || sscanf(upstream, "http://%255[^:/]:%15[0-9]", up_host, up_port) != 2)
        return usage();
    prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the test that started it */
    signal(SIGPIPE, SIG_IGN);

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        perror("drop_proxy: listen");
        return 1;
    }
    printf("http://127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);
    for (;;) {
        int client = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            perror("drop_proxy: accept");
            return 1;
        }
        pthread_t t;
        if (pthread_create(&t, NULL, relay, (void *)(intptr_t)client) != 0) {
            close(client);
            continue;
        }
        pthread_detach(t);
    }
}
