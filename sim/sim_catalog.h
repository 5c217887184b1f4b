/* SPDX-License-Identifier: MIT */
/* sim_catalog.h - what compshare-sim's platform offers, the same for every seed: its
 * zones (DescribeCompShareSupportZone), its GPU models, the GPU stock each zone starts
 * with (DescribeCompShareGpuInventory) and the applications images serve. Tests rely
 * on these tables through docs/simulator.md. */
#ifndef SIM_CATALOG_H
#define SIM_CATALOG_H

#include <stdbool.h>

typedef struct sim_zone {
    const char *zone, *region, *describe;
    int zone_id, region_id;
} sim_zone;

typedef struct sim_gpu_model {
    const char *type;      /* GpuType, e.g. "4090" */
    const char *card_name; /* as MonitorMessages.GpuInfo[].GPU names it */
    const char *cpu_platform;
    int memory_gb, cpu_per_gpu, ram_gb_per_gpu;
    double price_per_gpu_hour;
    bool spot; /* offered in the Spot (preemptible) pool */
} sim_gpu_model;

/* The two GPU pools of DescribeCompShareGpuInventory. */
enum { SIM_POOL_EXCLUSIVE, SIM_POOL_SPOT, SIM_N_POOLS };

#define SIM_N_ZONES 5
#define SIM_N_GPUS 6

extern const sim_zone SIM_ZONES[SIM_N_ZONES];
extern const sim_gpu_model SIM_GPUS[SIM_N_GPUS];
extern const char *const SIM_POOL_NAMES[SIM_N_POOLS];
/* Free cards per pool, zone and GPU model at start; -1: not offered there. */
extern const int SIM_START_STOCK[SIM_N_POOLS][SIM_N_ZONES][SIM_N_GPUS];

/* Index into SIM_ZONES / SIM_GPUS, or -1 when unknown. */
int sim_zone_index(const char *zone);
int sim_gpu_index(const char *gpu_type);

/* An application an instance serves when its image has it (Softwares {Name, URL}):
 * port and path of its URL. NULL for what is not served (Python, Miniconda, ...). */
typedef struct sim_app {
    const char *name;
    int port;
    const char *path;
} sim_app;
const sim_app *sim_app_find(const char *name);

#endif
