/* SPDX-License-Identifier: MIT */
/* sim_main.c - compshare-sim: command line, start, the endpoint URL on stdout, and a
 * clean stop on SIGTERM/SIGINT. See docs/simulator.md. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "log.h"
#include "sim_http.h"
#include "sim_server.h"

static void usage(FILE *to)
{
    fprintf(
        to,
        "usage: compshare-sim [options]\n"
        "  --listen ADDR:PORT     address to serve (default 127.0.0.1:0, any free port)\n"
        "  --public-key K         PublicKey accepted (default " SIM_DEFAULT_PUBLIC_KEY
        ", env COMPSHARE_SIM_PUBLIC_KEY)\n"
        "  --private-key K        key requests are signed with (default " SIM_DEFAULT_PRIVATE_KEY
        ",\n"
        "                         env COMPSHARE_SIM_PRIVATE_KEY, preferred over argv)\n"
        "  --instances N          starting fleet size (default 8, at most 10000)\n"
        "  --seed S               world and fault seed (default 1)\n"
        "  --time-scale X         divide every duration by X (default 1)\n"
        "  --clock real|manual    the world clock runs from the start (real, default) or\n"
        "                         is paused until POST /_sim/clock moves it (manual)\n"
        "  --threads N            HTTP thread pool size (default 8)\n"
        "  --verbose              log every request to stderr\n"
        "faults (also settable at run time: POST /_sim/faults):\n"
        "  --latency-ms MS  --jitter-ms MS  --http-5xx F  --retcode-150 F  --retcode-153 F\n"
        "  --hang F  --malformed F  --string-numbers  --fault-actions A,B,...\n"
        "The first line on stdout is the URL served.\n");
}

/* A number from text, all of it, within [lo, hi]; a whole number when integer. */
static int parse_number(const char *opt, const char *text, double lo, double hi, bool integer,
                        double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || v < lo || v > hi ||
        (integer && v != floor(v))) {
        if (integer)
            fprintf(stderr, "compshare-sim: --%s %s: expected an integer from %.0f to %.0f\n", opt,
                    text, lo, hi);
        else
            fprintf(stderr, "compshare-sim: --%s %s: expected a number from %g to %g\n", opt, text,
                    lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

enum {
    OPT_LISTEN = 256,
    OPT_PUB,
    OPT_PRIV,
    OPT_INSTANCES,
    OPT_SEED,
    OPT_SCALE,
    OPT_CLOCK,
    OPT_THREADS,
    OPT_VERBOSE,
    OPT_LATENCY,
    OPT_JITTER,
    OPT_5XX,
    OPT_150,
    OPT_153,
    OPT_HANG,
    OPT_MALFORMED,
    OPT_STRNUM,
    OPT_ACTIONS,
    OPT_HELP,
    OPT_VERSION
};

static const struct option OPTIONS[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"public-key", required_argument, NULL, OPT_PUB},
    {"private-key", required_argument, NULL, OPT_PRIV},
    {"instances", required_argument, NULL, OPT_INSTANCES},
    {"seed", required_argument, NULL, OPT_SEED},
    {"time-scale", required_argument, NULL, OPT_SCALE},
    {"clock", required_argument, NULL, OPT_CLOCK},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"latency-ms", required_argument, NULL, OPT_LATENCY},
    {"jitter-ms", required_argument, NULL, OPT_JITTER},
    {"http-5xx", required_argument, NULL, OPT_5XX},
    {"retcode-150", required_argument, NULL, OPT_150},
    {"retcode-153", required_argument, NULL, OPT_153},
    {"hang", required_argument, NULL, OPT_HANG},
    {"malformed", required_argument, NULL, OPT_MALFORMED},
    {"string-numbers", no_argument, NULL, OPT_STRNUM},
    {"fault-actions", required_argument, NULL, OPT_ACTIONS},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

/* The JSON field a fault flag sets, or NULL. */
static const char *fault_field(int opt)
{
    switch (opt) {
    case OPT_LATENCY: return "latency_ms";
    case OPT_JITTER: return "jitter_ms";
    case OPT_5XX: return "http_5xx";
    case OPT_150: return "retcode_150";
    case OPT_153: return "retcode_153";
    case OPT_HANG: return "hang";
    case OPT_MALFORMED: return "malformed";
    default: return NULL;
    }
}

/* The bounds of the options that take a number (whole: an integer); the faults' are
 * fault_field's. */
typedef struct number_option {
    int opt;
    double lo, hi;
    bool whole;
} number_option;

static const number_option NUMBER_OPTIONS[] = {
    {OPT_INSTANCES, 0, 10000, true},
    {OPT_SEED, 0, 9007199254740991.0, true}, /* 2^53 - 1: every integer a double holds */
    {OPT_SCALE, 1e-3, 1e6, false},
    {OPT_THREADS, 1, 256, true},
};

static const number_option *number_option_of(int opt)
{
    for (size_t i = 0; i < sizeof NUMBER_OPTIONS / sizeof NUMBER_OPTIONS[0]; i++)
        if (NUMBER_OPTIONS[i].opt == opt)
            return &NUMBER_OPTIONS[i];
    return NULL;
}

/* Parse argv into s and into a fault settings object (applied through the same
 * validation as POST /_sim/faults). Returns 0, 1 (exit 0: help), or -1 (exit 2). */
static int parse_args(int argc, char **argv, sim_server *s, const char **listen, cJSON *faults,
                      char **priv_arg)
{
    const char *pub = getenv("COMPSHARE_SIM_PUBLIC_KEY"),
               *priv = getenv("COMPSHARE_SIM_PRIVATE_KEY");
    double v;
    int opt;
    while ((opt = getopt_long(argc, argv, "", OPTIONS, NULL)) != -1) {
        const char *field = fault_field(opt);
        if (field) {
            double hi = strstr(field, "_ms") ? SIM_FAULT_MAX_DELAY_MS : 1;
            if (parse_number(OPTIONS[opt - OPT_LISTEN].name, optarg, 0, hi, false, &v))
                return -1;
            cJSON_AddNumberToObject(faults, field, v);
            continue;
        }
        const number_option *num = number_option_of(opt);
        if (num &&
            parse_number(OPTIONS[opt - OPT_LISTEN].name, optarg, num->lo, num->hi, num->whole, &v))
            return -1;
        switch (opt) {
        case OPT_LISTEN: *listen = optarg; break;
        case OPT_PUB: pub = optarg; break;
        case OPT_PRIV:
            if (*priv_arg) /* given twice: the last wins, blank the first now */
                memset(*priv_arg, 'x', strlen(*priv_arg));
            priv = optarg;
            *priv_arg = optarg;
            break;
        case OPT_INSTANCES: s->n_instances = (size_t)v; break;
        case OPT_SEED: s->seed = (uint64_t)v; break;
        case OPT_SCALE: s->time_scale = v; break;
        case OPT_CLOCK:
            if (strcmp(optarg, "real") != 0 && strcmp(optarg, "manual") != 0) {
                fprintf(stderr, "compshare-sim: --clock %s: expected real or manual\n", optarg);
                return -1;
            }
            s->clock_manual = strcmp(optarg, "manual") == 0;
            break;
        case OPT_THREADS: s->threads = (unsigned)v; break;
        case OPT_VERBOSE: s->verbose = true; break;
        case OPT_STRNUM: cJSON_AddBoolToObject(faults, "string_numbers", 1); break;
        case OPT_ACTIONS: cJSON_AddStringToObject(faults, "actions", optarg); break;
        case OPT_HELP: usage(stdout); return 1;
        case OPT_VERSION: printf("compshare-sim %s\n", COMPSHAREFS_VERSION); return 1;
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "compshare-sim: unexpected argument %s\n", argv[optind]);
        return -1;
    }
    if ((pub && !*pub) || (priv && !*priv)) {
        fprintf(stderr, "compshare-sim: keys must not be empty\n");
        return -1;
    }
    s->public_key = strdup(pub ? pub : SIM_DEFAULT_PUBLIC_KEY);
    s->private_key = strdup(priv ? priv : SIM_DEFAULT_PRIVATE_KEY);
    return s->public_key && s->private_key ? 0 : -1;
}

static void free_keys(sim_server *s)
{
    if (s->private_key)
        OPENSSL_cleanse(s->private_key, strlen(s->private_key));
    free(s->private_key);
    free(s->public_key);
}

int main(int argc, char **argv)
{
    sim_server s = {.n_instances = 8, .seed = 1, .time_scale = 1, .threads = 8};
    const char *listen = "127.0.0.1:0";
    cJSON *faults = cJSON_CreateObject();
    if (!faults)
        return 1;
    char *priv_arg = NULL;
    int rc = parse_args(argc, argv, &s, &listen, faults, &priv_arg);
    /* The key was copied: blank it in argv, so that ps and /proc/PID/cmdline do not
     * show it from now on (the environment variable avoids even this window). */
    if (priv_arg)
        memset(priv_arg, 'x', strlen(priv_arg));
    if (rc) {
        cJSON_Delete(faults);
        free_keys(&s);
        return rc > 0 ? 0 : 2;
    }
    log_setup("compshare-sim", s.verbose);

    /* Signals are taken synchronously by main; every other thread (MHD's pool, the
     * waker) inherits the blocked mask. SIGPIPE: a client hanging up is not fatal. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    sim_faults_init(&s.faults, s.seed);
    char why[256] = "";
    if (sim_faults_update(&s.faults, faults, why, sizeof why) != 0) {
        fprintf(stderr, "compshare-sim: %s\n", why);
        cJSON_Delete(faults);
        sim_faults_destroy(&s.faults);
        free_keys(&s);
        return 2;
    }
    cJSON_Delete(faults);
    sim_stats_init(&s.stats);
    if (sim_world_init(&s.world, s.n_instances, s.seed, s.time_scale, !s.clock_manual) != 0) {
        fprintf(stderr, "compshare-sim: out of memory building the world\n");
        return 1;
    }

    char url[128];
    if (sim_http_start(&s, listen, url, sizeof url) != 0) {
        sim_world_free(&s.world);
        sim_stats_free(&s.stats);
        sim_faults_destroy(&s.faults);
        free_keys(&s);
        return 1;
    }
    printf("%s\n", url);
    fflush(stdout);
    log_info("serving %s: %zu instances, seed %llu, time scale %g, %s clock, PublicKey %s", url,
             s.n_instances, (unsigned long long)s.seed, s.time_scale,
             s.clock_manual ? "manual" : "real", s.public_key);

    int sig = 0;
    sigwait(&stop, &sig);
    log_info("signal %d: stopping", sig);
    sim_http_stop(&s);
    sim_world_free(&s.world);
    sim_stats_free(&s.stats);
    sim_faults_destroy(&s.faults);
    free_keys(&s);
    return 0;
}
