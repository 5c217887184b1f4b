/* SPDX-License-Identifier: MIT */
/* sim_catalog.c - compshare-sim's zones, GPU models, starting GPU stock and served
 * applications (see sim_catalog.h). The numbers are the sim's own: the real zone and
 * region IDs are not published, only their shape (numeric IDs, Chinese names). */
#include "sim_catalog.h"

#include <string.h>

const sim_zone SIM_ZONES[SIM_N_ZONES] = {
    {"cn-wlcb-01", "cn-wlcb", "乌兰察布可用区A", 10027, 1000029},
    {"cn-wlcb-02", "cn-wlcb", "乌兰察布可用区B", 10028, 1000029},
    {"cn-wlcb-03", "cn-wlcb", "乌兰察布可用区C", 10029, 1000029},
    {"cn-sh2-01", "cn-sh2", "上海二可用区A", 7001, 1000005},
    {"cn-sh2-02", "cn-sh2", "上海二可用区B", 7002, 1000005},
};

const sim_gpu_model SIM_GPUS[SIM_N_GPUS] = {
    {"4090", "NVIDIA GeForce RTX 4090", "Amd/Epyc3", 24, 16, 64, 2.08, true},
    {"3090", "NVIDIA GeForce RTX 3090", "Intel/CascadelakeR", 24, 12, 48, 1.48, true},
    {"A100", "NVIDIA A100-SXM4-80GB", "Intel/IceLake", 80, 16, 128, 7.86, false},
    {"H20", "NVIDIA H20", "Intel/SapphireRapids", 96, 20, 192, 6.50, false},
    {"L40S", "NVIDIA L40S", "Amd/Epyc4", 48, 16, 96, 4.20, true},
    {"4090D", "NVIDIA GeForce RTX 4090 D", "Amd/Epyc3", 24, 16, 64, 1.88, true},
};

const char *const SIM_POOL_NAMES[SIM_N_POOLS] = {"Exclusive", "Spot"};

/* Columns: 4090, 3090, A100, H20, L40S, 4090D. Documented cases tests use: H20 is sold
 * out in cn-wlcb-02 (0), A100 is not offered in cn-wlcb-03 (-1), and A100 and H20 are
 * never Spot. */
const int SIM_START_STOCK[SIM_N_POOLS][SIM_N_ZONES][SIM_N_GPUS] = {
    {
        {24, 16, 8, 16, 8, 32}, /* cn-wlcb-01 */
        {12, 8, 4, 0, 8, 16},   /* cn-wlcb-02 */
        {40, 8, -1, 8, 0, 8},   /* cn-wlcb-03 */
        {8, 8, 16, -1, 4, -1},  /* cn-sh2-01 */
        {16, 4, 8, -1, -1, 8},  /* cn-sh2-02 */
    },
    {
        {8, 4, -1, -1, 2, 8},
        {4, 0, -1, -1, 0, 4},
        {16, 8, -1, -1, -1, 0},
        {0, 2, -1, -1, 0, -1},
        {4, 0, -1, -1, -1, 2},
    },
};

int sim_zone_index(const char *zone)
{
    for (int i = 0; zone && i < SIM_N_ZONES; i++)
        if (strcmp(SIM_ZONES[i].zone, zone) == 0)
            return i;
    return -1;
}

int sim_gpu_index(const char *gpu_type)
{
    for (int i = 0; gpu_type && i < SIM_N_GPUS; i++)
        if (strcmp(SIM_GPUS[i].type, gpu_type) == 0)
            return i;
    return -1;
}

const sim_app *sim_app_find(const char *name)
{
    static const sim_app APPS[] = {
        {"JupyterLab", 8888, "/lab"}, {"stable-diffusion-webui", 7860, "/"},
        {"ComfyUI", 8188, "/"},       {"LLaMA-Factory", 7860, "/"},
        {"vLLM", 8000, "/docs"},      {"Ollama", 11434, "/"},
        {"Open WebUI", 8080, "/"},
    };
    for (size_t i = 0; name && i < sizeof APPS / sizeof APPS[0]; i++)
        if (strcmp(APPS[i].name, name) == 0)
            return &APPS[i];
    return NULL;
}
