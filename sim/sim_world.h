/* SPDX-License-Identifier: MIT */
/* sim_world.h - compshare-sim's world: instances, images, their state machine, the
 * per-instance operation lock and the clock.
 *
 * Everything here is guarded by one mutex (sim_world_lock): actions are short, and one
 * lock makes every answer a consistent snapshot. Nothing runs in the background:
 * transitions are settled from the monotonic clock whenever a request looks. */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zone.h"

/* Base durations in seconds, divided by --time-scale. */
#define SIM_REBOOT_SECONDS 30.0
#define SIM_STOP_SECONDS 20.0
#define SIM_START_SECONDS 25.0
#define SIM_REINSTALL_SECONDS 60.0
#define SIM_IMAGE_MIN_SECONDS 180.0
#define SIM_IMAGE_MAX_SECONDS 300.0
#define SIM_LOCK_TTL_SECONDS 600.0

#define SIM_NAME_MAX_CHARS 63 /* instance and image names, in characters */

typedef enum sim_state {
    SIM_RUNNING,
    SIM_STOPPED,
    SIM_REBOOTING,
    SIM_STOPPING,
    SIM_STARTING,
    SIM_INITIALIZING, /* reinstalling */
} sim_state;

/* An operation in flight on an instance; it holds the instance's lock. */
typedef enum sim_op {
    SIM_OP_NONE,
    SIM_OP_REBOOT,
    SIM_OP_STOP,
    SIM_OP_START,
    SIM_OP_REINSTALL
} sim_op;

typedef enum sim_image_status {
    SIM_IMG_MAKING,
    SIM_IMG_AVAILABLE,
    SIM_IMG_UNAVAILABLE
} sim_image_status;

typedef struct sim_ip {
    char ip[40];
    const char *mode; /* IPv4 / IPv6 */
    const char *type; /* Bgp, Internation, Private */
    int bandwidth;    /* Mbps */
} sim_ip;

typedef struct sim_disk {
    char id[24];
    bool boot;
    int size_gb;
    const char *type;
} sim_disk;

/* What an image contains; every string is static. */
typedef struct sim_software {
    const char *framework, *framework_version, *cuda;
    const char *apps[4]; /* NULL-terminated when fewer */
} sim_software;

typedef struct sim_instance {
    char id[16]; /* uhost-xxxxxxxx */
    char *name;  /* malloc'd, UTF-8 */
    const char *tag, *remark;
    char zone[24];
    sim_state state;
    sim_op op;          /* SIM_OP_NONE when idle */
    double op_end;      /* monotonic seconds when op completes */
    double lock_until;  /* monotonic seconds; locked while now < lock_until */
    char image_id[32];
    char image_name[256]; /* a copy: the image table may move */
    const char *image_type;
    bool container;                      /* InstanceType Container, else UHost */
    const char *os_name;
    sim_software software;
    const char *machine_type, *cpu_platform, *cpu_arch, *gpu_type;
    int cpu, memory_mb, gpu, gpu_memory_gb;
    sim_ip ips[2];
    int n_ips;
    sim_disk disks[3];
    int n_disks;
    int ssh_port;
    char password[92]; /* base64, as the API sends it: up to 88 characters (sim_arg_check_base64) */
    const char *charge_type, *auto_renew;
    long long create_time, expire_time, start_time, update_time, stop_time;
    double price;
    uint32_t load_seed; /* varies the monitoring figures per instance */
} sim_instance;

typedef struct sim_image {
    char id[32]; /* compshareImage-xxxxxxxxxx */
    char *name;  /* malloc'd */
    char *description;
    const char *type; /* System, App, Custom */
    sim_image_status status;
    bool container;
    int size_mb;
    const char *os_name;
    sim_software software;
    const char *failed_reason; /* "" unless UnAvailable */
    long long create_time;
    char region[24];       /* custom images: region of the source; "" = platform (all regions) */
    char source_uhost[16]; /* custom images: made from this instance */
    double make_start, make_end; /* monotonic seconds (custom images) */
    double fail_process;         /* UnAvailable: percent reached */
} sim_image;

typedef struct sim_world {
    pthread_mutex_t mu;
    sim_instance *instances; /* sorted by create_time, then id */
    size_t n_instances;
    sim_image *images; /* platform first, then custom, in creation order */
    size_t n_images, cap_images;
    double time_scale;
    double mono0;    /* monotonic seconds at start */
    long long wall0; /* Unix seconds at start */
    uint64_t rng;
} sim_world;

/* Build the starting world (sim_seed.c). Returns 0 or -ENOMEM. */
int sim_world_init(sim_world *w, size_t n_instances, uint64_t seed, double time_scale);
void sim_world_free(sim_world *w);

void sim_world_lock(sim_world *w);
void sim_world_unlock(sim_world *w);

/* Unix seconds of the wall clock at monotonic time mono. */
long long sim_world_wall(const sim_world *w, double mono);
/* A base duration divided by the time scale. */
double sim_world_scaled(const sim_world *w, double base_seconds);

/* Finish every operation and image whose time has come (call with the lock held). */
void sim_world_settle(sim_world *w, double now);

uint64_t sim_world_rand(sim_world *w);
/* Uniform in [0, 1). */
double sim_world_rand_unit(sim_world *w);
/* prefix + n random characters of alphabet, into out (NUL-terminated). */
void sim_world_random_id(uint64_t *rng, const char *prefix, const char *alphabet, size_t n,
                         char *out, size_t outlen);
/* A fresh random password, base64-encoded, into out (>= 32 bytes). */
void sim_world_new_password(uint64_t *rng, char *out, size_t outlen);
uint64_t sim_rand_next(uint64_t *state);

sim_instance *sim_world_instance(sim_world *w, const char *id);
sim_image *sim_world_image(sim_world *w, const char *id);
/* A new zeroed image slot at the end (may move the array). NULL on ENOMEM. */
sim_image *sim_world_add_image(sim_world *w);
/* Switch in to img: ID, name, type, InstanceType, OS and software. */
void sim_world_set_image(sim_instance *in, const sim_image *img);
/* The custom image being made from in, or NULL. */
const sim_image *sim_world_making_image_of(const sim_world *w, const sim_instance *in);

/* Start op on in: transitional state now, lock for min(duration, TTL). */
void sim_world_start_op(sim_world *w, sim_instance *in, sim_op op, double now);

const char *sim_state_name(sim_state s);
const char *sim_op_name(sim_op op);
const char *sim_image_status_name(sim_image_status s);

#endif
