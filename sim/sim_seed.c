/* SPDX-License-Identifier: MIT */
/* sim_seed.c - the starting world of compshare-sim: platform images, a fleet of N
 * instances and the account's custom images, deterministic for a given seed.
 * The layout rules (zones, states, shared names, the Making image) are documented
 * in docs/simulator.md, because tests rely on them. */
#include "sim_world.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_equip.h"

static const char HEX[] = "0123456789abcdef";
static const char BASE36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
#define DAY 86400LL

/* Platform images are the platform's, not the account's: the same for every seed. */
#define PLATFORM_SEED 0x436f6d7053686172ull
#define CONTAINER_IMAGE 4 /* index of the container image in PLATFORM */

static const struct platform_image {
    const char *name, *type, *os, *description;
    bool container;
    int size_mb;
    sim_software sw;
} PLATFORM[] = {
    {"Ubuntu 22.04 CUDA 12.4",
     "System",
     "Ubuntu 22.04",
     "Ubuntu 22.04 LTS, NVIDIA 550 驱动, CUDA 12.4",
     false,
     40960,
     {"", "", "12.4", {"Python 3.10", NULL}}},
    {"Ubuntu 20.04 CUDA 11.8",
     "System",
     "Ubuntu 20.04",
     "Ubuntu 20.04 LTS, NVIDIA 535 驱动, CUDA 11.8",
     false,
     40960,
     {"", "", "11.8", {"Python 3.8", NULL}}},
    {"CentOS 7.9 CUDA 11.4",
     "System",
     "CentOS 7.9",
     "CentOS 7.9, NVIDIA 470 驱动, CUDA 11.4",
     false,
     30720,
     {"", "", "11.4", {NULL}}},
    {"Debian 12 CUDA 12.2",
     "System",
     "Debian 12",
     "Debian 12 bookworm, NVIDIA 535 驱动, CUDA 12.2",
     false,
     30720,
     {"", "", "12.2", {NULL}}},
    {"Ubuntu 22.04 PyTorch 容器版",
     "System",
     "Ubuntu 22.04",
     "容器实例镜像: PyTorch 2.3.1, CUDA 12.1",
     true,
     20480,
     {"PyTorch", "2.3.1", "12.1", {"Python 3.10", "JupyterLab", NULL}}},
    {"PyTorch 2.3.1",
     "App",
     "Ubuntu 22.04",
     "PyTorch 2.3.1 + CUDA 12.1, Miniconda, JupyterLab",
     false,
     51200,
     {"PyTorch", "2.3.1", "12.1", {"Python 3.10", "JupyterLab", "Miniconda", NULL}}},
    {"Stable Diffusion WebUI 1.9",
     "App",
     "Ubuntu 22.04",
     "AUTOMATIC1111 stable-diffusion-webui 1.9",
     false,
     81920,
     {"PyTorch", "2.1.2", "12.1", {"stable-diffusion-webui", "Python 3.10", NULL}}},
    {"ComfyUI",
     "App",
     "Ubuntu 22.04",
     "ComfyUI 与常用节点",
     false,
     71680,
     {"PyTorch", "2.3.1", "12.1", {"ComfyUI", "Python 3.11", NULL}}},
    {"LLaMA-Factory 0.8",
     "App",
     "Ubuntu 22.04",
     "大模型微调: LLaMA-Factory 0.8, vLLM",
     false,
     92160,
     {"PyTorch", "2.3.0", "12.1", {"LLaMA-Factory", "vLLM", "Python 3.10", NULL}}},
    {"Ollama + Open WebUI",
     "App",
     "Ubuntu 22.04",
     "Ollama 0.3 与 Open WebUI",
     false,
     40960,
     {"", "", "12.2", {"Ollama", "Open WebUI", NULL}}},
};
#define N_PLATFORM (sizeof PLATFORM / sizeof PLATFORM[0])

static const int GPU_COUNTS[] = {1, 1, 2, 1, 4, 2, 8, 1};
static const char *const NAMES[] = {"训练机", "推理服务", "llm-finetune", "sd-webui",
                                    "jupyter-dev", "数据处理", "bench"};

static int add_platform_images(sim_world *w)
{
    uint64_t rng = PLATFORM_SEED;
    for (size_t i = 0; i < N_PLATFORM; i++) {
        const struct platform_image *p = &PLATFORM[i];
        sim_image *img = sim_world_add_image(w);
        if (!img)
            return -ENOMEM;
        sim_world_random_id(&rng, "compshareImage-", BASE36, 10, img->id, sizeof img->id);
        img->name = strdup(p->name);
        img->description = strdup(p->description);
        if (!img->name || !img->description)
            return -ENOMEM;
        img->type = p->type;
        img->status = SIM_IMG_AVAILABLE;
        img->container = p->container;
        img->size_mb = p->size_mb;
        img->os_name = p->os;
        img->software = p->sw;
        img->create_time = 1704067200LL + (long long)i * 9 * DAY; /* spread over 2024 */
    }
    return 0;
}

static int seed_instance(sim_world *w, size_t i, sim_instance *in)
{
    const sim_gpu_model *g = &SIM_GPUS[sim_rand_next(&w->rng) % SIM_N_GPUS];
    int count = GPU_COUNTS[sim_rand_next(&w->rng) % (sizeof GPU_COUNTS / sizeof GPU_COUNTS[0])];

    sim_world_random_id(&w->rng, "uhost-", HEX, 8, in->id, sizeof in->id);
    char name[96];
    snprintf(name, sizeof name, "%s-%02zu", NAMES[i % 7], i / 7 + 1);
    in->name = strdup(name);
    if (!in->name)
        return -ENOMEM;
    char zone[24];
    if (i % 8 == 7)
        snprintf(zone, sizeof zone, "cn-sh2-01");
    else
        snprintf(zone, sizeof zone, "cn-wlcb-%02zu", 1 + i % 3);
    in->state = i % 4 == 1 ? SIM_STOPPED : SIM_RUNNING;

    /* Container instances run the container image; the others rotate over VM images. */
    size_t img = i % 5 == 4 ? CONTAINER_IMAGE : (i * 3) % N_PLATFORM;
    if (img == CONTAINER_IMAGE && i % 5 != 4)
        img = 0;
    sim_instance_equip(w, in, zone, g, count, &w->images[img], i % 6 == 5 ? "Month" : "Dynamic");
    in->remark = i % 3 == 0 ? "" : "compshare-sim";

    sim_instance_add_disk(w, in, true, in->container ? 50 : 100, "CLOUD_SSD");
    sim_instance_add_disk(w, in, false, 200 * count, "CLOUD_RSSD");
    if (count == 8)
        sim_instance_add_disk(w, in, false, 3840, "LOCAL_SSD");
    return 0;
}

/* Times: instance i is created (N - i) * 7 hours + a little before the start, so the
 * creation order is the index order and the listing order is stable. */
static void seed_times(sim_world *w, size_t n, size_t i, sim_instance *in)
{
    long long created =
        w->wall0 - (long long)(n - i) * 7 * 3600 - (long long)(sim_rand_next(&w->rng) % 3600);
    in->create_time = created;
    in->start_time = created + 90;
    if (in->state == SIM_STOPPED) {
        /* Stopped some time after it booted, at least a minute before the start and
         * recently enough not to be released before the first day is out. */
        long long span = w->wall0 - 60 - (in->start_time + 60);
        long long keep = (long long)sim_world_scaled(w, SIM_RELEASE_SECONDS - 86400);
        if (span > keep)
            span = keep;
        uint64_t r = sim_rand_next(&w->rng) % (uint64_t)(span > 1 ? span : 1);
        in->stopped_at = w->wall0 - 60 - (long long)r;
    }
    in->update_time = in->stopped_at ? in->stopped_at : in->start_time;
    bool monthly = strcmp(in->charge_type, "Month") == 0;
    /* Monthly: the end of the current paid month; pay-as-you-go: a year out. */
    in->expire_time = monthly ? created + 30 * DAY + (w->wall0 - created) / (30 * DAY) * 30 * DAY
                              : created + 365 * DAY;
}

static int by_creation(const void *a, const void *b)
{
    const sim_instance *x = a, *y = b;
    if (x->create_time != y->create_time)
        return x->create_time < y->create_time ? -1 : 1;
    return strcmp(x->id, y->id);
}

static bool id_taken(const sim_world *w, size_t upto, const char *id)
{
    for (size_t j = 0; j < upto; j++)
        if (strcmp(w->instances[j].id, id) == 0)
            return true;
    return false;
}

static sim_image *add_custom_image(sim_world *w, const sim_instance *src, const char *name,
                                   const char *description, long long created)
{
    sim_image *img = sim_world_add_image(w);
    if (!img)
        return NULL;
    sim_world_random_id(&w->rng, "compshareImage-", BASE36, 10, img->id, sizeof img->id);
    img->name = strdup(name);
    img->description = strdup(description);
    if (!img->name || !img->description)
        return NULL;
    img->status = SIM_IMG_AVAILABLE;
    img->create_time = created;
    sim_image_made_from(w, img, src);
    return img;
}

static int seed_custom_images(sim_world *w, size_t n)
{
    if (n == 0)
        return 0;
    size_t avail = n / 4 ? n / 4 : 1;
    if (avail > 64)
        avail = 64;
    for (size_t j = 0; j < avail; j++) {
        const sim_instance *src = &w->instances[(j * 4) % n];
        char name[64];
        snprintf(name, sizeof name, j % 2 ? "训练环境备份-%02zu" : "my-env-%02zu", j + 1);
        long long created = src->create_time + 3600 + (long long)j * 60;
        sim_image *img = add_custom_image(w, src, name, "自制镜像 (compshare-sim)", created);
        if (!img)
            return -ENOMEM;
        double total =
            sim_world_scaled(w, SIM_IMAGE_MIN_SECONDS + (double)(sim_rand_next(&w->rng) % 121));
        img->make_end = sim_world_time_of(w, created);
        img->make_start = img->make_end - total;
    }
    if (n >= 2) {
        /* Made from #1, a fifth done, so that progress visibly moves. */
        const sim_instance *src = &w->instances[1];
        sim_image *img = add_custom_image(w, src, "finetune-snapshot", "制作中的镜像", w->wall0 - 60);
        if (!img)
            return -ENOMEM;
        double total = sim_world_scaled(w, SIM_IMAGE_MAX_SECONDS);
        img->status = SIM_IMG_MAKING;
        img->make_start = -0.2 * total;
        img->make_end = img->make_start + total;
    }
    if (n >= 8) {
        const sim_instance *src = &w->instances[2];
        sim_image *img = add_custom_image(w, src, "broken-snapshot", "失败的镜像", w->wall0 - 2 * DAY);
        if (!img)
            return -ENOMEM;
        double total = sim_world_scaled(w, 240);
        img->status = SIM_IMG_UNAVAILABLE;
        img->failed_reason = "系统盘快照失败: snapshot of the system disk failed";
        img->fail_process = 37.5;
        img->make_start = -2 * DAY;
        img->make_end = img->make_start + total;
    }
    return 0;
}

int sim_world_init(sim_world *w, size_t n, uint64_t seed, double time_scale, bool clock_running)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    w->time_scale = time_scale;
    w->rng = seed;
    w->wall0 = (long long)time(NULL);
    sim_world_run(w, clock_running);
    memcpy(w->stock, SIM_START_STOCK, sizeof w->stock);
    memcpy(w->stock_shown, w->stock, sizeof w->stock);

    int rc = add_platform_images(w);
    if (rc)
        goto fail;
    w->instances = calloc(n ? n : 1, sizeof *w->instances);
    if (!w->instances)
        goto nomem;
    w->cap_instances = n ? n : 1;
    for (size_t i = 0; i < n; i++) {
        sim_instance *in = &w->instances[i];
        do {
            free(in->name);
            memset(in, 0, sizeof *in);
            if (seed_instance(w, i, in))
                goto nomem;
        } while (id_taken(w, i, in->id));
        w->n_instances = i + 1;
        seed_times(w, n, i, in);
    }
    if (n >= 4) {
        /* Two instances sharing a name, as real accounts have. */
        char *dup = strdup(w->instances[0].name);
        if (!dup)
            goto nomem;
        free(w->instances[3].name);
        w->instances[3].name = dup;
    }
    qsort(w->instances, n, sizeof *w->instances, by_creation);
    rc = seed_custom_images(w, n);
    if (rc)
        goto fail;
    return 0;
nomem:
    rc = -ENOMEM;
fail:
    sim_world_free(w);
    return rc;
}
