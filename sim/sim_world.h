/* SPDX-License-Identifier: MIT */
/* sim_world.h - compshare-sim's world: instances, images, their state machine, the
 * per-instance operation lock, scheduled stops, the GPU stock and the clock.
 *
 * Everything here is guarded by one mutex (sim_world_lock): actions are short, and one
 * lock makes every answer a consistent snapshot. Nothing runs in the background:
 * whenever a request looks (or the clock is advanced), the world is settled up to the
 * world clock's now, each event at its own time and in order. */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_catalog.h"
#include "zone.h"

/* Base durations in seconds, divided by --time-scale. */
#define SIM_REBOOT_SECONDS 30.0
#define SIM_STOP_SECONDS 20.0
#define SIM_START_SECONDS 25.0
#define SIM_REINSTALL_SECONDS 60.0
#define SIM_CREATE_SECONDS 90.0
#define SIM_IMAGE_MIN_SECONDS 180.0
#define SIM_IMAGE_MAX_SECONDS 300.0
#define SIM_LOCK_TTL_SECONDS 600.0
#define SIM_STOCK_REFRESH_SECONDS 300.0    /* DescribeCompShareGpuInventory's cache */
#define SIM_RELEASE_SECONDS (15 * 86400.0) /* a Stopped instance is released after this */

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
    SIM_OP_REINSTALL,
    SIM_OP_CREATE
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

#define SIM_MAX_DISKS 4

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
    double op_end;      /* world seconds when op completes */
    double lock_until;  /* world seconds; locked while now < lock_until */
    double changed_at;  /* world seconds of the last state change */
    char image_id[32];
    char image_name[256]; /* a copy: the image table may move */
    const char *image_type;
    bool container;                      /* InstanceType Container, else UHost */
    const char *os_name;
    sim_software software;
    const sim_gpu_model *gpu_model; /* GpuType, the cards' name, CPU platform */
    const char *machine_type, *cpu_arch;
    int cpu, memory_mb, gpu, gpu_memory_gb;
    sim_ip ips[2];
    int n_ips;
    sim_disk disks[SIM_MAX_DISKS];
    int n_disks;
    int ssh_port;
    char password[92]; /* base64, as the API sends it: up to 88 characters (sim_arg_check_base64) */
    const char *charge_type, *auto_renew;                        /* static strings */
    long long create_time, expire_time, start_time, update_time; /* Unix seconds */
    long long stopped_at; /* when it last stopped (ReleaseTime derives from it) */
    long long stop_at;    /* the scheduled stop (StopTime, StopSchedulerTime); 0: none */
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
    const char *source_gpu;      /* custom images: its GpuType (SourceGpuType) */
    bool from_official;          /* custom images: made from a System or App image (IsOfficial) */
    int created_count;           /* instances created from it (CreatedCount) */
    double make_start, make_end; /* world seconds (custom images) */
    double fail_process;         /* UnAvailable: percent reached */
} sim_image;

/* The world clock: seconds since the world began. While running it moves with the
 * real monotonic clock; paused, only sim_world_advance moves it. */
typedef struct sim_clock {
    bool running;
    double at;   /* world seconds at the real time `real` */
    double real; /* monotonic real seconds when `at` was taken */
} sim_clock;

typedef int sim_stock[SIM_N_POOLS][SIM_N_ZONES][SIM_N_GPUS]; /* free cards; -1: not offered */

typedef struct sim_world {
    pthread_mutex_t mu;
    sim_instance *instances; /* sorted by create_time, then id */
    size_t n_instances, cap_instances;
    sim_image *images; /* platform first, then custom, in creation order */
    size_t n_images, cap_images;
    double time_scale;
    sim_clock clock;
    long long wall0;       /* Unix seconds at world second 0 */
    sim_stock stock;       /* free GPUs now */
    sim_stock stock_shown; /* as of stock_mark: DescribeCompShareGpuInventory's view */
    double stock_mark;     /* world seconds of the last inventory refresh */
    uint64_t rng;
} sim_world;

/* Build the starting world (sim_seed.c), its clock running or paused at second 0.
 * Returns 0 or -ENOMEM. */
int sim_world_init(sim_world *w, size_t n_instances, uint64_t seed, double time_scale,
                   bool clock_running);
void sim_world_free(sim_world *w);

void sim_world_lock(sim_world *w);
void sim_world_unlock(sim_world *w);

/* The world clock's now (call with the lock held, as every function below). */
double sim_world_now(const sim_world *w);
/* Let the clock run with real time, or pause it where it is. */
void sim_world_run(sim_world *w, bool run);
/* Move the clock on by seconds (>= 0) and settle: everything due in that time happens,
 * each at its own time, in order. */
void sim_world_advance(sim_world *w, double seconds);

/* Unix seconds shown at world time t; and the world time of a Unix second. */
long long sim_world_wall(const sim_world *w, double t);
double sim_world_time_of(const sim_world *w, long long wall);
/* A base duration divided by the time scale. */
double sim_world_scaled(const sim_world *w, double base_seconds);

/* Bring the world to time now: operations finish, scheduled stops fire, Stopped
 * instances are released, images finish, the inventory refreshes; in time order. */
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
/* Insert a zeroed instance at its place in the listing order (create_time, then id,
 * both already set in *proto). NULL on ENOMEM. Pointers into the table may move. */
sim_instance *sim_world_add_instance(sim_world *w, const sim_instance *proto);
/* Remove an instance (terminated or released): its GPUs go back to the stock. */
void sim_world_remove_instance(sim_world *w, sim_instance *in);
/* The pool an instance's cards come from, by its ChargeType. */
int sim_instance_pool(const sim_instance *in);
sim_image *sim_world_image(sim_world *w, const char *id);
/* A new zeroed image slot at the end (may move the array). NULL on ENOMEM. */
sim_image *sim_world_add_image(sim_world *w);
/* Delete an image from the table (the ones after it move down). */
void sim_world_remove_image(sim_world *w, sim_image *img);
/* Switch in to img: ID, name, type, InstanceType, OS and software. */
void sim_world_set_image(sim_instance *in, const sim_image *img);
/* The custom image being made from in, or NULL. */
const sim_image *sim_world_making_image_of(const sim_world *w, const sim_instance *in);

/* Start op on in at world time at: transitional state, lock for min(duration, TTL). */
void sim_world_start_op(sim_world *w, sim_instance *in, sim_op op, double at);
/* The instance's ReleaseTime (Unix seconds), 0 unless Stopped. */
long long sim_instance_release_time(const sim_world *w, const sim_instance *in);

const char *sim_state_name(sim_state s);
const char *sim_op_name(sim_op op);
const char *sim_image_status_name(sim_image_status s);

#endif
