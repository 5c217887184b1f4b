/* SPDX-License-Identifier: MIT */
/* sim_harness.c - compshare-sim as a child process for client tests. */
#include "sim_harness.h"

#include "sign.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Generous: a loaded CI machine under ASan is slow to start a process. */
#define START_WAIT_MS 20000
#define STOP_WAIT_MS 10000

/* Start the program named by $bin_var with args; it prints its URL first. */
static int child_start(sim_handle *s, const char *bin_var, const char *const *args)
{
    memset(s, 0, sizeof *s);
    s->pid = -1;
    s->stdout_fd = -1;
    const char *bin = getenv(bin_var);
    if (!bin || !*bin) {
        fprintf(stderr, "sim_harness: %s is not set\n", bin_var);
        return -1;
    }
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        perror("sim_harness: pipe");
        return -1;
    }
    const char *argv[64];
    size_t n = 0;
    argv[n++] = bin;
    for (size_t i = 0; args && args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;

    pid_t pid = fork();
    if (pid < 0) {
        perror("sim_harness: fork");
        close(out[0]);
        close(out[1]);
        return -1;
    }
    if (pid == 0) {
        /* the simulator must not outlive a crashed test */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(out[1], STDOUT_FILENO);
        setenv("COMPSHARE_SIM_PUBLIC_KEY", SIM_PUBLIC_KEY, 1);
        setenv("COMPSHARE_SIM_PRIVATE_KEY", SIM_PRIVATE_KEY, 1);
        execv(bin, (char *const *)argv);
        fprintf(stderr, "sim_harness: cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(out[1]);
    s->pid = pid;
    s->stdout_fd = out[0];

    /* Read the first line: the URL. */
    size_t len = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        long waited = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        struct pollfd pfd = {s->stdout_fd, POLLIN, 0};
        if (waited >= START_WAIT_MS || poll(&pfd, 1, (int)(START_WAIT_MS - waited)) <= 0) {
            fprintf(stderr, "sim_harness: no URL from %s\n", bin);
            break;
        }
        ssize_t r = read(s->stdout_fd, s->url + len, 1);
        if (r <= 0) {
            fprintf(stderr, "sim_harness: %s exited before printing its URL\n", bin);
            break;
        }
        if (s->url[len] == '\n') {
            s->url[len] = '\0';
            if (strncmp(s->url, "http://", 7) == 0)
                return 0;
            fprintf(stderr, "sim_harness: unexpected first line: %s\n", s->url);
            break;
        }
        if (++len >= sizeof s->url - 1) {
            fprintf(stderr, "sim_harness: first line too long\n");
            break;
        }
    }
    sim_stop(s);
    return -1;
}

int sim_start(sim_handle *s, const char *const *args)
{
    return child_start(s, "COMPSHARE_SIM", args);
}

int proxy_start(sim_handle *p, const sim_handle *upstream, const char *const *args)
{
    const char *argv[64] = {"--upstream", upstream->url};
    size_t n = 2;
    for (size_t i = 0; args && args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return child_start(p, "DROP_PROXY", argv);
}

void sim_stop(sim_handle *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        int status;
        int waited = 0;
        while (waitpid(s->pid, &status, WNOHANG) == 0) {
            if (waited >= STOP_WAIT_MS) {
                kill(s->pid, SIGKILL);
                waitpid(s->pid, &status, 0);
                break;
            }
            nanosleep(&(struct timespec){0, 10 * 1000000}, NULL);
            waited += 10;
        }
    }
    if (s->stdout_fd >= 0)
        close(s->stdout_fd);
    s->pid = -1;
    s->stdout_fd = -1;
}

void sim_api_config(const sim_handle *s, api_config *cfg, long timeout_ms)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->endpoint = s->url;
    cfg->public_key = SIM_PUBLIC_KEY;
    cfg->private_key = SIM_PRIVATE_KEY;
    cfg->region = "cn-wlcb";
    cfg->timeout_ms = timeout_ms;
}

int sim_start_config(sim_handle *s, const char *const *args, long timeout_ms, api_config *cfg)
{
    if (sim_start(s, args) != 0)
        return -1;
    sim_api_config(s, cfg, timeout_ms);
    return 0;
}

int sim_running_instances(api_client *c, size_t max, char (*ids)[64], char (*zones)[64])
{
    api_instance_list l;
    if (api_describe_instances(c, NULL, 0, &l, NULL) != 0)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < l.n && n < max; i++) {
        if (strcmp(l.items[i].state, "Running") == 0) {
            snprintf(ids[n], 64, "%s", l.items[i].uhost_id);
            snprintf(zones[n++], 64, "%s", l.items[i].zone);
        }
    }
    api_instance_list_free(&l);
    return (int)n;
}

typedef struct sink {
    char *data;
    size_t len;
} sink;

static size_t collect(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sink *k = ud;
    size_t n = size * nmemb;
    char *data = realloc(k->data, k->len + n + 1);
    if (!data)
        return 0;
    memcpy(data + k->len, ptr, n);
    k->data = data;
    k->len += n;
    k->data[k->len] = '\0';
    return n;
}

/* One request to the simulator with an optional body of content_type. */
static char *request(const sim_handle *s, const char *method, const char *path, const char *body,
                     const char *content_type, long *status)
{
    CURL *h = curl_easy_init();
    if (!h)
        return NULL;
    char url[512], header[128];
    snprintf(url, sizeof url, "%s%s", s->url, path);
    snprintf(header, sizeof header, "Content-Type: %s", content_type);
    sink k = {NULL, 0};
    struct curl_slist *headers = curl_slist_append(NULL, header);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &k);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (status)
        *status = code;
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) {
        fprintf(stderr, "sim_harness: %s %s: %s\n", method, path, curl_easy_strerror(rc));
        free(k.data);
        return NULL;
    }
    return k.data ? k.data : strdup("");
}

char *sim_http(const sim_handle *s, const char *method, const char *path, const char *json,
               long *status)
{
    return request(s, method, path, json, "application/json", status);
}

cJSON *sim_api_raw(const sim_handle *s, params *p)
{
    char sig[SIGN_HEX_LEN + 1];
    char *body = NULL, *answer = NULL;
    if (params_add(p, "PublicKey", SIM_PUBLIC_KEY) == 0 &&
        sign_params(p, SIM_PRIVATE_KEY, sig) == 0 && params_add(p, "Signature", sig) == 0)
        body = params_form_encode(p);
    if (body)
        answer = request(s, "POST", "/", body, "application/x-www-form-urlencoded", NULL);
    cJSON *json = answer ? cJSON_Parse(answer) : NULL;
    if (answer && !json)
        fprintf(stderr, "sim_harness: an answer that is not JSON: %.200s\n", answer);
    free(body);
    free(answer);
    return json;
}

long sim_requests(const sim_handle *s, const char *action)
{
    char *body = sim_http(s, "GET", "/_sim/stats", NULL, NULL);
    cJSON *j = body ? cJSON_Parse(body) : NULL;
    free(body);
    long n = -1;
    const cJSON *v = NULL;
    if (j && action) {
        const cJSON *requests = cJSON_GetObjectItemCaseSensitive(j, "requests");
        if (cJSON_IsObject(requests)) {
            v = cJSON_GetObjectItemCaseSensitive(requests, action);
            n = 0; /* an action never asked for is absent */
        }
    } else if (j) {
        v = cJSON_GetObjectItemCaseSensitive(j, "total");
    }
    if (cJSON_IsNumber(v))
        n = (long)v->valuedouble;
    cJSON_Delete(j);
    return n;
}

static int post_ok(const sim_handle *s, const char *path, const char *json)
{
    long status = 0;
    char *body = sim_http(s, "POST", path, json, &status);
    int ok = body && status == 200;
    if (body && !ok)
        fprintf(stderr, "sim_harness: POST %s: HTTP %ld %s\n", path, status, body);
    free(body);
    return ok ? 0 : -1;
}

int sim_reset_stats(const sim_handle *s) { return post_ok(s, "/_sim/stats/reset", NULL); }
int sim_set_faults(const sim_handle *s, const char *json)
{
    return post_ok(s, "/_sim/faults", json);
}
int sim_reset_faults(const sim_handle *s) { return post_ok(s, "/_sim/faults/reset", NULL); }

int sim_get_instance(api_client *c, const char *uhost_id, api_instance *out)
{
    memset(out, 0, sizeof *out);
    api_instance_list l;
    api_error err;
    const char *ids[] = {uhost_id};
    int rc = api_describe_instances(c, ids, 1, &l, &err);
    if (rc)
        return rc;
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.items[i].uhost_id, uhost_id) == 0) {
            *out = l.items[i];
            l.items[i] = l.items[--l.n]; /* moved out: not freed with the list */
            api_instance_list_free(&l);
            return 0;
        }
    }
    api_instance_list_free(&l);
    return -ENOENT;
}

int sim_clock_advance(const sim_handle *s, double seconds)
{
    char json[64];
    snprintf(json, sizeof json, "{\"advance\": %.3f}", seconds);
    return post_ok(s, "/_sim/clock", json);
}

long long sim_clock_wall(const sim_handle *s)
{
    char *body = sim_http(s, "GET", "/_sim/clock", NULL, NULL);
    cJSON *c = body ? cJSON_Parse(body) : NULL;
    const cJSON *wall = cJSON_GetObjectItemCaseSensitive(c, "wall");
    long long out = cJSON_IsNumber(wall) ? (long long)wall->valuedouble : -1;
    cJSON_Delete(c);
    free(body);
    return out;
}
