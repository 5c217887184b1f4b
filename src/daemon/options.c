/* SPDX-License-Identifier: MIT */
/* options.c - the command line's rules (options.h). One table says what each
 * option is; options_take applies it and --help prints it, so what is
 * accepted and what is documented cannot drift apart. */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "why.h"

typedef enum kind {
    OWN,     /* ours: its value goes to a cmd_options field */
    FUSE,    /* passed on to libfuse (and the kernel) */
    IGNORED, /* accepted and dropped: mount(8)'s, systemd's, or always on anyway;
              * also -h and -V, which only set help and version */
    REFUSED, /* would break the contract: refused with the reason in text */
} kind;

typedef struct rule {
    const char *name; /* "-f", "ttl"; a prefix when it ends in '-' or '=' ("x-", "comment=") */
    const char *arg;  /* the value's name in --help ("SECONDS"); NULL: takes no value */
    kind kind;
    const char *text; /* the --help line (NULL: not a line of its own); REFUSED: the reason */
    size_t field;     /* OWN: where the value goes (offsetof cmd_options) */
    int (*check)(const char *name, const char *value, char *why, size_t why_len);
} rule;

static int check_level(const char *name, const char *value, char *why, size_t len)
{
    log_level l;
    return log_level_parse(value, &l) == 0
               ? 0
               : why_set(why, len, -1, "-o %s=%s: expected error, warn, info or debug", name,
                         value);
}

static int check_nonempty(const char *name, const char *value, char *why, size_t len)
{
    return *value ? 0 : why_set(why, len, -1, "-o %s= needs a value", name);
}

static int check_threads(const char *name, const char *value, char *why, size_t len)
{
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    bool idle = strcmp(name, "max_idle_threads") == 0;
    if (errno || end == value || *end || n < (idle ? 0 : 1) || n > 100000)
        return why_set(why, len, -1, "-o %s=%s: expected a whole number from %d to 100000", name,
                       value, idle ? 0 : 1);
    return 0;
}

/* The rules read as a table: one per line, or a line of short ones. */
/* clang-format off */
#define OWN_OPT(n, a, f, t, c) {n, a, OWN, t, offsetof(cmd_options, f), c}
#define FLAG(n, t) {n, NULL, FUSE, t, 0, NULL}
#define LISTED(n, k) {n, NULL, k, NULL, 0, NULL}
#define REFUSE(n, why) {n, NULL, REFUSED, why, 0, NULL}

static const char CACHE_WHY[] = "compsharefs sets the kernel's caching from ttl itself: use -o "
                                "ttl=SECONDS",
                  MODES_WHY[] = "file modes and owners are compsharefs's own (a read-only file "
                                "stays read-only): use allow_other to let other users in",
                  MODULE_WHY[] = "libfuse's modules (subdir, iconv) do not apply to compsharefs";

static const rule RULES[] = {
    OWN_OPT("endpoint", "URL", cfg.endpoint,
            "API base URL (UCLOUD_BASE_URL; default https://api.compshare.cn)", NULL),
    OWN_OPT("region", "REGION", cfg.region, "region to list (UCLOUD_REGION; default cn-wlcb)",
            NULL),
    OWN_OPT("zone", "ZONE", cfg.zone, "zone filter (UCLOUD_ZONE; default every zone)", NULL),
    OWN_OPT("project_id", "ID", cfg.project_id, "project (UCLOUD_PROJECT_ID)", NULL),
    OWN_OPT("profile", "NAME", cfg.profile,
            "UCloud CLI profile (UCLOUD_PROFILE; default SOURCE, else the active one)", NULL),
    OWN_OPT("credentials", "FILE", cfg.credentials,
            "keys: JSON {\"public_key\": ..., \"private_key\": ...}", NULL),
    OWN_OPT("ca_file", "FILE", cfg.ca_file, "CA bundle for TLS (verification is always on)",
            NULL),
    OWN_OPT("ttl", "SECONDS", cfg.ttl, "how old cached data may be when read (default 2)", NULL),
    OWN_OPT("timeout", "SECONDS", cfg.timeout, "per-request timeout (default 15)", NULL),
    OWN_OPT("log_level", "LEVEL", log_level, "error, warn, info (default) or debug (API calls)",
            check_level),
    OWN_OPT("log_file", "FILE", log_file, "append the log to FILE, not to stderr or syslog",
            check_nonempty),

    FLAG("-f", "foreground: log to stderr (under systemd, to the journal)"),
    FLAG("-d", "debug: -f, log_level=debug, and libfuse's trace of every request"),
    FLAG("-s", "single-threaded"),
    FLAG("allow_other", "let other users in (file modes bind them too)"),
    FLAG("allow_root", "let root in too"),
    FLAG("ro", "read-only: reads work, every command fails with EROFS"),
    {"max_threads", "N", FUSE, "FUSE worker threads at most (default 64)", 0, check_threads},
    {"max_idle_threads", "N", FUSE, "idle worker threads kept (default all)", 0, check_threads},
    FLAG("clone_fd", "a /dev/fuse descriptor per worker thread"),
    {"fsname", "NAME", FUSE, "the source mount and df show (default SOURCE, else compsharefs)", 0,
     check_nonempty},
    {"-h", NULL, IGNORED, "this help", 0, NULL},
    {"-V", NULL, IGNORED, "versions of compsharefs and libfuse", 0, NULL},

    /* mount(8)'s generic options, as the kernel takes them */
    LISTED("rw", FUSE), LISTED("dev", FUSE), LISTED("nodev", FUSE), LISTED("suid", FUSE),
    LISTED("nosuid", FUSE), LISTED("exec", FUSE), LISTED("noexec", FUSE), LISTED("atime", FUSE),
    LISTED("noatime", FUSE), LISTED("sync", FUSE), LISTED("async", FUSE),
    LISTED("dirsync", FUSE),
    /* fstab's and systemd's, which mount.fuse3 does not always take out */
    LISTED("_netdev", IGNORED), LISTED("nofail", IGNORED), LISTED("auto", IGNORED),
    LISTED("noauto", IGNORED), LISTED("user", IGNORED), LISTED("users", IGNORED),
    LISTED("nouser", IGNORED), LISTED("owner", IGNORED), LISTED("group", IGNORED),
    LISTED("defaults", IGNORED), LISTED("comment=", IGNORED), LISTED("x-", IGNORED),
    /* always on where they matter (the README's "Options" says why) */
    LISTED("auto_unmount", IGNORED), LISTED("default_permissions", IGNORED),
    LISTED("nonempty", IGNORED),

    REFUSE("umask", MODES_WHY), REFUSE("uid", MODES_WHY), REFUSE("gid", MODES_WHY),
    REFUSE("kernel_cache", CACHE_WHY), REFUSE("auto_cache", CACHE_WHY),
    REFUSE("direct_io", CACHE_WHY), REFUSE("entry_timeout", CACHE_WHY),
    REFUSE("negative_timeout", CACHE_WHY), REFUSE("attr_timeout", CACHE_WHY),
    REFUSE("ac_attr_timeout", CACHE_WHY), REFUSE("writeback_cache", CACHE_WHY),
    REFUSE("noforget", CACHE_WHY), REFUSE("remember", CACHE_WHY),
    REFUSE("modules", MODULE_WHY), REFUSE("subdir", MODULE_WHY),
    REFUSE("from_code", MODULE_WHY), REFUSE("to_code", MODULE_WHY),
    REFUSE("blkdev", "compsharefs has no block device"),
    REFUSE("blksize", "compsharefs has no block device"),
    REFUSE("subtype", "the type is always fuse.compsharefs"),
};
/* clang-format on */
#define N_RULES (sizeof RULES / sizeof *RULES)

static const struct {
    int status;
    const char *meaning;
} EXIT_STATUSES[] = {
    {CS_EXIT_OK, "unmounted cleanly (fusermount3 -u, umount, SIGTERM, SIGINT, SIGHUP)"},
    {CS_EXIT_API, "the API could not be used at start-up (network, timeout, HTTP error): "
                  "may work later"},
    {CS_EXIT_USAGE, "bad option, argument, mount point, configuration, or no keys: "
                    "nothing sent"},
    {CS_EXIT_KEYS, "the API rejected the keys (RetCode 171, 172, 174) or denied access"},
    {CS_EXIT_MOUNT, "mounting failed (fusermount3 or the kernel refused)"},
    {CS_EXIT_RUNTIME, "failure while mounted, or out of memory"},
};

/* Other spellings of a rule's name (libfuse takes both as they are). */
static const struct {
    const char *alias, *name;
} ALIASES[] = {{"debug", "-d"}, {"--help", "-h"}, {"--version", "-V"}};

static const rule *find_rule(const char *arg, size_t name_len)
{
    for (size_t i = 0; i < sizeof ALIASES / sizeof *ALIASES; i++)
        if (strlen(ALIASES[i].alias) == name_len && strncmp(arg, ALIASES[i].alias, name_len) == 0)
            arg = ALIASES[i].name, name_len = strlen(arg);
    for (size_t i = 0; i < N_RULES; i++) {
        const char *n = RULES[i].name;
        size_t len = strlen(n);
        bool prefix = n[len - 1] == '-' || n[len - 1] == '=';
        if (prefix ? strncmp(arg, n, len) == 0 : len == name_len && strncmp(arg, n, len) == 0)
            return &RULES[i];
    }
    return NULL;
}

int options_take(cmd_options *o, const char *arg, char *why, size_t why_len)
{
    const char *eq = arg[0] == '-' ? NULL : strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    const char *value = eq ? eq + 1 : NULL;
    if (name_len == 0 && !eq)
        return OPT_TAKEN; /* an empty element of an -o list */
    const rule *r = find_rule(arg, name_len);
    if (!r)
        return why_set(why, why_len, -1, "unknown %s %.*s (compsharefs --help lists them)",
                       arg[0] == '-' ? "option" : "option -o", (int)name_len, arg);
    if (r->kind == REFUSED)
        return why_set(why, why_len, -1, "-o %.*s is refused: %s", (int)name_len, arg, r->text);
    if (r->kind == IGNORED) {
        o->help |= strcmp(r->name, "-h") == 0;
        o->version |= strcmp(r->name, "-V") == 0;
        return OPT_TAKEN;
    }
    if (r->arg && !value)
        return why_set(why, why_len, -1, "-o %s needs a value: -o %s=%s", r->name, r->name, r->arg);
    if (!r->arg && value)
        return why_set(why, why_len, -1, "-o %s takes no value", r->name);
    if (r->check && r->check(r->name, value, why, why_len) != 0)
        return -1;
    if (r->kind == FUSE)
        return OPT_FOR_FUSE;
    char *copy = strdup(value), **slot = (char **)((char *)o + r->field);
    if (!copy)
        return why_set(why, why_len, -1, "out of memory");
    free(*slot); /* given twice: the last one wins, as with mount(8) */
    *slot = copy;
    return OPT_TAKEN;
}

int options_argument(cmd_options *o, const char *arg, char *why, size_t why_len)
{
    if (o->source)
        return why_set(why, why_len, -1,
                       "unexpected argument %s (usage: compsharefs [options] "
                       "[SOURCE] MOUNTPOINT)",
                       arg);
    char *copy = strdup(arg);
    if (!copy)
        return why_set(why, why_len, -1, "out of memory");
    if (o->mountpoint) /* two arguments: the first was SOURCE */
        o->source = o->mountpoint;
    o->mountpoint = copy;
    return 0;
}

/* The mount point's checks, fusermount3's own included, so that a mount
 * that would fail does so before any API call. "/dev/fd/N" is a /dev/fuse
 * descriptor already mounted (mount.fuse3 -o drop_privileges). */
static int check_mountpoint(const char *mp, char *why, size_t why_len)
{
    struct stat st;
    unsigned fd;
    char end;
    if (sscanf(mp, "/dev/fd/%u%c", &fd, &end) == 1)
        return fstat((int)fd, &st) == 0 && S_ISCHR(st.st_mode)
                   ? 0
                   : why_set(why, why_len, -1, "mount point %s: not an open /dev/fuse", mp);
    if (stat(mp, &st) != 0)
        return why_set(why, why_len, -1, "mount point %s: %s%s", mp, strerror(errno),
                       errno == ENOTCONN ? " (a dead mount: fusermount3 -u it first)" : "");
    if (!S_ISDIR(st.st_mode))
        return why_set(why, why_len, -1, "mount point %s: not a directory", mp);
    if (getuid() == 0)
        return 0;
    if ((st.st_mode & S_ISVTX) && st.st_uid != getuid())
        return why_set(why, why_len, -1, "mount point %s: a sticky directory you do not own", mp);
    if (access(mp, W_OK) != 0)
        return why_set(why, why_len, -1, "mount point %s: you cannot write to it (%s)", mp,
                       strerror(errno));
    return 0;
}

static bool default_source(const char *s)
{
    return !*s || strcmp(s, "compshare") == 0 || strcmp(s, "-") == 0;
}

int options_finish(cmd_options *o, char *why, size_t why_len)
{
    if (!o->mountpoint)
        return why_set(why, why_len, -1,
                       "no mount point given (usage: compsharefs [options] "
                       "[SOURCE] MOUNTPOINT; -h for help)");
    if (check_mountpoint(o->mountpoint, why, why_len) != 0)
        return -1;
    if (!o->source || default_source(o->source))
        return 0;
    if (o->cfg.profile && strcmp(o->cfg.profile, o->source) != 0)
        return why_set(why, why_len, -1, "SOURCE %s and -o profile=%s name different profiles",
                       o->source, o->cfg.profile);
    if (!o->cfg.profile && !(o->cfg.profile = strdup(o->source)))
        return why_set(why, why_len, -1, "out of memory");
    return 0;
}

const char *options_fsname(const cmd_options *o)
{
    return o->source && *o->source ? o->source : "compsharefs";
}

/* "-o name" or the flag, with its value's name: the first column of --help. */
static void print_rule(FILE *out, const rule *r)
{
    char first[64];
    int n = snprintf(first, sizeof first, "%s%s%s%s", r->name[0] == '-' ? "" : "-o ", r->name,
                     r->arg ? "=" : "", r->arg ? r->arg : "");
    for (size_t i = 0; i < sizeof ALIASES / sizeof *ALIASES; i++)
        if (strcmp(ALIASES[i].name, r->name) == 0)
            n += snprintf(first + n, sizeof first - (size_t)n, ", %s%s",
                          ALIASES[i].alias[0] == '-' ? "" : "-o ", ALIASES[i].alias);
    fprintf(out, "    %-22s %s\n", first, r->text);
}

/* The names of the rules of one kind without a line of their own, as one
 * -o list, wrapped. */
static void print_list(FILE *out, const char *title, kind k)
{
    fprintf(out, "%s:\n    -o ", title);
    int col = 7;
    bool first = true;
    for (size_t i = 0; i < N_RULES; i++) {
        const rule *r = &RULES[i];
        if (r->kind != k || (r->text && k != REFUSED) || r->name[0] == '-')
            continue;
        int len = (int)strlen(r->name) + (r->name[strlen(r->name) - 1] == '-' ? 1 : 0);
        if (!first && col + len > 90) {
            fprintf(out, "\n    -o ");
            col = 7;
        } else if (!first) {
            fputc(',', out);
            col++;
        }
        fprintf(out, "%s%s", r->name, r->name[strlen(r->name) - 1] == '-' ? "*" : "");
        col += len;
        first = false;
    }
    fputc('\n', out);
}

void options_usage(FILE *out)
{
    fprintf(out, "usage: compsharefs [options] [SOURCE] MOUNTPOINT\n\n"
                 "Mounts the CompShare GPU cloud on MOUNTPOINT. SOURCE names the UCloud CLI "
                 "profile to use\n(compshare or -: the default), as mount(8) and fstab "
                 "pass it. Unmount: fusermount3 -u MOUNTPOINT\n\ncompsharefs options:\n");
    for (size_t i = 0; i < N_RULES; i++)
        if (RULES[i].kind == OWN)
            print_rule(out, &RULES[i]);
    fprintf(out, "\nFUSE options:\n");
    for (size_t i = 0; i < N_RULES; i++)
        if (RULES[i].kind != OWN && RULES[i].kind != REFUSED && RULES[i].text)
            print_rule(out, &RULES[i]);
    fputc('\n', out);
    print_list(out, "Passed on to the kernel, as mount(8) gives them", FUSE);
    print_list(out, "Accepted and ignored (for mount(8) and systemd, or always on)", IGNORED);
    print_list(out, "Refused, with the reason (modes, owners and caching are compsharefs's own)",
               REFUSED);
    fprintf(out, "\nKeys, first found wins: credentials=FILE; UCLOUD_PUBLIC_KEY + "
                 "UCLOUD_PRIVATE_KEY;\n~/.ucloud/credential.json.\n\nExit status:\n");
    for (size_t i = 0; i < sizeof EXIT_STATUSES / sizeof *EXIT_STATUSES; i++)
        fprintf(out, "    %d  %s\n", EXIT_STATUSES[i].status, EXIT_STATUSES[i].meaning);
    fprintf(out, "Without -f, the command returns 0 once mounted and the daemon runs on.\n");
}

void options_free(cmd_options *o)
{
    const char **all[] = {
        &o->cfg.endpoint,    &o->cfg.region,  &o->cfg.zone,  &o->cfg.project_id, &o->cfg.profile,
        &o->cfg.credentials, &o->cfg.ca_file, &o->cfg.ttl,   &o->cfg.timeout,    &o->log_level,
        &o->log_file,        &o->source,      &o->mountpoint};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        free((char *)*all[i]);
        *all[i] = NULL;
    }
}

/* Where url's user:password@ is: *start and the length (0 when none). */
static size_t userinfo_span(const char *url, size_t *start)
{
    const char *p = strstr(url, "://");
    if (!p)
        return 0;
    p += 3;
    size_t host_end = strcspn(p, "/?#,"); /* ',' ends an -o element in argv */
    const char *at = memchr(p, '@', host_end);
    *start = (size_t)(p - url);
    return at ? (size_t)(at - p) + 1 : 0;
}

void options_hide_secrets(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        for (char *e = argv[i]; (e = strstr(e, "endpoint=")) != NULL; e += 9) {
            size_t start = 0, n = userinfo_span(e, &start);
            memset(e + start, 'x', n ? n - 1 : 0); /* keep the '@': it still reads as a URL */
        }
}
