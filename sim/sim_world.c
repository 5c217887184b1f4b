/* SPDX-License-Identifier: MIT */
/* sim_world.c - the clock, the state machine, the operation lock and lookups of
 * compshare-sim's world. The starting fleet is built in sim_seed.c. */
#include "sim_world.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "clocks.h"
#include "grow.h"

void sim_world_lock(sim_world *w) { pthread_mutex_lock(&w->mu); }
void sim_world_unlock(sim_world *w) { pthread_mutex_unlock(&w->mu); }

double sim_world_now(const sim_world *w)
{
    const sim_clock *c = &w->clock;
    return c->running ? c->at + (clock_mono_s() - c->real) : c->at;
}

void sim_world_run(sim_world *w, bool run)
{
    w->clock.at = sim_world_now(w);
    w->clock.real = clock_mono_s();
    w->clock.running = run;
}

void sim_world_advance(sim_world *w, double seconds)
{
    w->clock.at += seconds;
    sim_world_settle(w, sim_world_now(w));
}

long long sim_world_wall(const sim_world *w, double t)
{
    /* Derived from the world clock, which never runs backwards, unlike the system's. */
    return w->wall0 + (long long)floor(t);
}

double sim_world_time_of(const sim_world *w, long long wall) { return (double)(wall - w->wall0); }

double sim_world_scaled(const sim_world *w, double base_seconds)
{
    return base_seconds / w->time_scale;
}

long long sim_instance_release_time(const sim_world *w, const sim_instance *in)
{
    if (in->state != SIM_STOPPED)
        return 0;
    return in->stopped_at + (long long)ceil(sim_world_scaled(w, SIM_RELEASE_SECONDS));
}

static void finish_op(sim_world *w, sim_instance *in)
{
    long long done = sim_world_wall(w, in->op_end);
    if (in->op == SIM_OP_STOP) {
        in->state = SIM_STOPPED;
        in->stopped_at = done;
    } else { /* reboot, start, reinstall, create: each ends with a boot */
        in->state = SIM_RUNNING;
        in->start_time = done;
    }
    in->update_time = done;
    in->changed_at = in->op_end;
    in->op = SIM_OP_NONE;
}

/* Play one instance's own events up to t, in order: its operation ends, then a
 * scheduled stop that came due fires (not before the operation ended), then a
 * Stopped instance comes to its release. True when it is to be released. */
static bool settle_instance(sim_world *w, sim_instance *in, double t)
{
    for (;;) {
        if (in->op != SIM_OP_NONE) {
            if (in->op_end > t)
                return false;
            finish_op(w, in);
            continue;
        }
        if (in->stop_at && sim_world_time_of(w, in->stop_at) <= t) {
            double at = fmax(sim_world_time_of(w, in->stop_at), in->changed_at);
            in->stop_at = 0; /* a scheduled stop fires once */
            if (in->state == SIM_RUNNING)
                sim_world_start_op(w, in, SIM_OP_STOP, at);
            continue;
        }
        long long release = sim_instance_release_time(w, in);
        return release && sim_world_time_of(w, release) <= t;
    }
}

static void settle_instances(sim_world *w, double t)
{
    for (size_t i = 0; i < w->n_instances;) {
        if (settle_instance(w, &w->instances[i], t))
            sim_world_remove_instance(w, &w->instances[i]); /* the next one moved to i */
        else
            i++;
    }
}

void sim_world_settle(sim_world *w, double now)
{
    /* The inventory shows the stock of its last refresh: bring the instances to that
     * moment first (a release before it counts), then on to now. */
    double period = sim_world_scaled(w, SIM_STOCK_REFRESH_SECONDS);
    double mark = floor(now / period) * period;
    if (mark > w->stock_mark) {
        settle_instances(w, mark);
        memcpy(w->stock_shown, w->stock, sizeof w->stock);
        w->stock_mark = mark;
    }
    settle_instances(w, now);
    for (size_t i = 0; i < w->n_images; i++) {
        sim_image *img = &w->images[i];
        if (img->status == SIM_IMG_MAKING && now >= img->make_end)
            img->status = SIM_IMG_AVAILABLE;
    }
}

uint64_t sim_rand_next(uint64_t *state)
{
    /* splitmix64: tiny, fast, and good enough for IDs and dice. */
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t sim_world_rand(sim_world *w) { return sim_rand_next(&w->rng); }

double sim_world_rand_unit(sim_world *w)
{
    return (double)(sim_world_rand(w) >> 11) / 9007199254740992.0;
}

void sim_world_random_id(uint64_t *rng, const char *prefix, const char *alphabet, size_t n,
                         char *out, size_t outlen)
{
    size_t plen = strlen(prefix), alen = strlen(alphabet);
    if (plen + 1 > outlen) {
        if (outlen)
            out[0] = '\0';
        return;
    }
    if (plen + n + 1 > outlen)
        n = outlen - plen - 1;
    memcpy(out, prefix, plen);
    for (size_t i = 0; i < n; i++)
        out[plen + i] = alphabet[sim_rand_next(rng) % alen];
    out[plen + n] = '\0';
}

void sim_world_new_password(uint64_t *rng, char *out, size_t outlen)
{
    static const char chars[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    char plain[17];
    sim_world_random_id(rng, "", chars, 14, plain, sizeof plain);
    plain[14] = '#'; /* the console insists on a symbol */
    plain[15] = '\0';
    unsigned char b64[32];
    EVP_EncodeBlock(b64, (const unsigned char *)plain, 15);
    OPENSSL_cleanse(plain, sizeof plain);
    strncpy(out, (const char *)b64, outlen - 1);
    out[outlen - 1] = '\0';
}

sim_instance *sim_world_instance(sim_world *w, const char *id)
{
    for (size_t i = 0; i < w->n_instances; i++)
        if (strcmp(w->instances[i].id, id) == 0)
            return &w->instances[i];
    return NULL;
}

static int listing_order(const sim_instance *a, const sim_instance *b)
{
    if (a->create_time != b->create_time)
        return a->create_time < b->create_time ? -1 : 1;
    return strcmp(a->id, b->id);
}

sim_instance *sim_world_add_instance(sim_world *w, const sim_instance *proto)
{
    sim_instance *grown =
        array_grow(w->instances, w->n_instances, &w->cap_instances, sizeof *grown);
    if (!grown)
        return NULL;
    w->instances = grown;
    size_t at = w->n_instances;
    while (at > 0 && listing_order(proto, &w->instances[at - 1]) < 0)
        at--;
    memmove(&w->instances[at + 1], &w->instances[at], (w->n_instances - at) * sizeof *grown);
    w->n_instances++;
    sim_instance *in = &w->instances[at];
    memset(in, 0, sizeof *in);
    in->create_time = proto->create_time;
    memcpy(in->id, proto->id, sizeof in->id);
    return in;
}

int sim_instance_pool(const sim_instance *in)
{
    return strcmp(in->charge_type, "Spot") == 0 ? SIM_POOL_SPOT : SIM_POOL_EXCLUSIVE;
}

void sim_world_remove_instance(sim_world *w, sim_instance *in)
{
    int zone = sim_zone_index(in->zone), gpu = (int)(in->gpu_model - SIM_GPUS);
    int *free_cards = zone >= 0 ? &w->stock[sim_instance_pool(in)][zone][gpu] : NULL;
    if (free_cards && *free_cards >= 0)
        *free_cards += in->gpu;
    free(in->name);
    size_t i = (size_t)(in - w->instances);
    memmove(in, in + 1, (w->n_instances - i - 1) * sizeof *in);
    w->n_instances--;
}

sim_image *sim_world_image(sim_world *w, const char *id)
{
    for (size_t i = 0; i < w->n_images; i++)
        if (strcmp(w->images[i].id, id) == 0)
            return &w->images[i];
    return NULL;
}

sim_image *sim_world_add_image(sim_world *w)
{
    sim_image *images = array_grow(w->images, w->n_images, &w->cap_images, sizeof *images);
    if (!images)
        return NULL;
    w->images = images;
    sim_image *img = &w->images[w->n_images++];
    memset(img, 0, sizeof *img);
    img->failed_reason = "";
    return img;
}

void sim_world_remove_image(sim_world *w, sim_image *img)
{
    free(img->name);
    free(img->description);
    size_t i = (size_t)(img - w->images);
    memmove(img, img + 1, (w->n_images - i - 1) * sizeof *img);
    w->n_images--;
}

void sim_world_set_image(sim_instance *in, const sim_image *img)
{
    snprintf(in->image_id, sizeof in->image_id, "%s", img->id);
    snprintf(in->image_name, sizeof in->image_name, "%s", img->name);
    in->image_type = img->type;
    in->container = img->container;
    in->os_name = img->os_name;
    in->software = img->software;
}

const sim_image *sim_world_making_image_of(const sim_world *w, const sim_instance *in)
{
    for (size_t i = 0; i < w->n_images; i++)
        if (w->images[i].status == SIM_IMG_MAKING && strcmp(w->images[i].source_uhost, in->id) == 0)
            return &w->images[i];
    return NULL;
}

void sim_world_start_op(sim_world *w, sim_instance *in, sim_op op, double at)
{
    double base = 0;
    switch (op) {
    case SIM_OP_REBOOT: in->state = SIM_REBOOTING; base = SIM_REBOOT_SECONDS; break;
    case SIM_OP_STOP: in->state = SIM_STOPPING; base = SIM_STOP_SECONDS; break;
    case SIM_OP_START: in->state = SIM_STARTING; base = SIM_START_SECONDS; break;
    case SIM_OP_REINSTALL: in->state = SIM_INITIALIZING; base = SIM_REINSTALL_SECONDS; break;
    case SIM_OP_CREATE:
        in->state = SIM_INITIALIZING;
        base = SIM_CREATE_SECONDS;
        break;
    case SIM_OP_NONE: return;
    }
    in->op = op;
    in->op_end = at + sim_world_scaled(w, base);
    /* The lock lives as long as the operation, but never beyond its TTL. */
    in->lock_until = at + sim_world_scaled(w, fmin(base, SIM_LOCK_TTL_SECONDS));
    in->changed_at = at;
    in->update_time = sim_world_wall(w, at);
}

const char *sim_state_name(sim_state s)
{
    switch (s) {
    case SIM_RUNNING: return "Running";
    case SIM_STOPPED: return "Stopped";
    case SIM_REBOOTING: return "Rebooting";
    case SIM_STOPPING: return "Stopping";
    case SIM_STARTING: return "Starting";
    case SIM_INITIALIZING: return "Initializing";
    }
    return "";
}

const char *sim_op_name(sim_op op)
{
    switch (op) {
    case SIM_OP_REBOOT: return "reboot";
    case SIM_OP_STOP: return "stop";
    case SIM_OP_START: return "start";
    case SIM_OP_REINSTALL: return "reinstall";
    case SIM_OP_CREATE: return "create";
    case SIM_OP_NONE: break;
    }
    return "none";
}

const char *sim_image_status_name(sim_image_status s)
{
    switch (s) {
    case SIM_IMG_MAKING: return "Making";
    case SIM_IMG_AVAILABLE: return "Available";
    case SIM_IMG_UNAVAILABLE: return "UnAvailable";
    }
    return "";
}

void sim_world_free(sim_world *w)
{
    for (size_t i = 0; i < w->n_instances; i++)
        free(w->instances[i].name);
    for (size_t i = 0; i < w->n_images; i++) {
        free(w->images[i].name);
        free(w->images[i].description);
    }
    free(w->instances);
    free(w->images);
    pthread_mutex_destroy(&w->mu);
    memset(w, 0, sizeof *w);
}
