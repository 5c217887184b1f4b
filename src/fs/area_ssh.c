/* SPDX-License-Identifier: MIT */
/* area_ssh.c - /ssh_config: an OpenSSH client configuration with one Host
 * per instance that has an address, so that `Include /mnt/compshare/ssh_config`
 * in ~/.ssh/config makes `ssh train-1` work:
 *
 *   Host train-1 uhost-1a2b3c4d
 *       HostName 117.50.1.2
 *       Port 23001
 *       User root
 *
 * HostName, Port and User come from the API's SshLoginCommand
 * ("ssh -p 23001 root@117.50.1.2"); without one, HostName is the first IP.
 * The name is an alias only when it is unique in the fleet and safe as an
 * ssh host pattern (letters, digits, '.', '_', '-', not leading '-', not
 * another instance's ID); the UHostId always is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stamps.h"
#include "tree_internal.h"

typedef struct login {
    char host[256], user[64], port[8];
} login;

static bool safe_word(const char *s)
{
    if (!*s || *s == '-' || strlen(s) > 63)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return false;
    return true;
}

static bool numeric(const char *s) { return *s && strspn(s, "0123456789") == strlen(s); }

/* Read "ssh [-p PORT] [-l USER] [-o X ...] [USER@]HOST" (other options and
 * their arguments skipped). false when no host can be found. */
static bool parse_login(const char *cmd, login *out)
{
    memset(out, 0, sizeof *out);
    char buf[512];
    snprintf(buf, sizeof buf, "%s", cmd);
    char *save = NULL, *tok = strtok_r(buf, " \t", &save);
    if (!tok || (strcmp(tok, "ssh") != 0 && strstr(tok, "/ssh") == NULL))
        return false;
    while ((tok = strtok_r(NULL, " \t", &save))) {
        if (tok[0] == '-' && tok[1]) {
            char opt = tok[1]; /* the options of ssh(1) that take an argument */
            bool takes = strchr("bcDEeFIiJLlmOopQRSWw", opt) != NULL;
            const char *arg = tok[2] ? tok + 2 : takes ? strtok_r(NULL, " \t", &save) : "";
            if (!arg)
                return false;
            if (opt == 'p' && numeric(arg) && strlen(arg) < sizeof out->port)
                snprintf(out->port, sizeof out->port, "%s", arg);
            else if (opt == 'l' && safe_word(arg))
                snprintf(out->user, sizeof out->user, "%s", arg);
            continue;
        }
        const char *at = strrchr(tok, '@');
        const char *host = at ? at + 1 : tok;
        if (at && (size_t)(at - tok) < sizeof out->user) {
            snprintf(out->user, sizeof out->user, "%.*s", (int)(at - tok), tok);
            if (!safe_word(out->user))
                out->user[0] = '\0';
        }
        if (!*host || strpbrk(host, " \t\"'") || strlen(host) >= sizeof out->host)
            return false;
        snprintf(out->host, sizeof out->host, "%s", host);
        return true;
    }
    return false;
}

/* Is name held by one instance only, and no instance's ID? */
static bool unique_name(const inst_snap *s, const char *name)
{
    size_t holders = 0;
    for (size_t k = 0; k < s->list.n; k++) {
        holders += strcmp(s->list.items[k].name, name) == 0;
        if (strcmp(s->list.items[k].uhost_id, name) == 0)
            return false;
    }
    return holders == 1;
}

static void host_block(strbuf *b, const inst_snap *s, const api_instance *i)
{
    login l;
    if (!parse_login(i->ssh_login_command, &l)) {
        if (i->n_ips == 0 || !safe_word(i->ips[0]))
            return;
        memset(&l, 0, sizeof l);
        snprintf(l.host, sizeof l.host, "%s", i->ips[0]);
    }
    strbuf_puts(b, "Host");
    if (safe_word(i->name) && unique_name(s, i->name))
        strbuf_printf(b, " %s", i->name);
    strbuf_printf(b, " %s\n    HostName %s\n", i->uhost_id, l.host);
    if (l.port[0])
        strbuf_printf(b, "    Port %s\n", l.port);
    if (l.user[0])
        strbuf_printf(b, "    User %s\n", l.user);
}

static int ssh_config_stat(tree *t, const tree_path *p, node_attr *attr, tree_blob **content)
{
    if (p->n != 1)
        return tree_no_such_path(attr);
    inst_snap *s;
    int rc = tree_get_instances(t, &s);
    if (rc)
        return rc;
    int files[] = {render_find_index(render_instance_files, "ssh"),
                   render_find_index(render_instance_files, "name"),
                   render_find_index(render_instance_files, "ip")};
    long long changed = stamps_instance_set(s);
    strbuf b;
    strbuf_init(&b);
    strbuf_puts(&b, "# compsharefs: one Host per instance with an address.\n"
                    "# Include it from ~/.ssh/config, then: ssh NAME or ssh UHOSTID\n");
    for (size_t k = 0; k < s->list.n; k++) {
        const api_instance *i = &s->list.items[k];
        if (!control_valid_id(i->uhost_id))
            continue;
        host_block(&b, s, i);
        for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
            long long at = stamps_instance(s, k, files[f]);
            changed = at > changed ? at : changed;
        }
    }
    rc = tree_file_answer(&b, FILE_RO, changed, tree_valid_ms(t, s->started_ms), attr, content);
    inst_snap_put(s);
    return rc;
}

const tree_area tree_area_ssh_config = {.name = "ssh_config", .stat = ssh_config_stat};
