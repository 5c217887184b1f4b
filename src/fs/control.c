/* SPDX-License-Identifier: MIT */
/* control.c - parsing the commands written to control files (sending them is
 * control_api.c's job).
 *
 * A write is one command. It is checked completely before anything is sent,
 * so a typo never reaches the API and a rejected write changes nothing:
 *  - at most CONTROL_MAX_WRITE (4 KiB) bytes, no NUL byte, valid UTF-8;
 *  - one trailing newline ("\n" or "\r\n") and surrounding blanks (space,
 *    tab) are ignored; any other line break means more than one line;
 *  - IDs and names are checked as control_check.c says.
 */
#include "control.h"
#include "control_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "clocks.h"
#include "utf8.h"
#include "why.h"

static const char *const USAGE = "reboot, stop, start, terminate, reinstall IMAGE_ID, "
                                 "mkimage NAME, wait STATE [SECONDS]";

/* The states an instance can be in (compshare-api.md), as the API spells them. */
static const char *const STATES[] = {"Initializing", "Starting",     "Running",   "Stopping",
                                     "Stopped",      "Install Fail", "Rebooting", "Resizing"};

/* wait STATE [SECONDS]: a state (case does not matter; "Install Fail" has a
 * blank), then maybe a number of seconds. */
static int parse_wait(const char *s, size_t n, control_cmd *out, char *why, size_t why_len)
{
    if (n == 0)
        return why_set(why, why_len, -EINVAL, "wait needs a state: wait STATE [SECONDS]");
    out->seconds = CONTROL_WAIT_DEFAULT_SECONDS;
    size_t last = n; /* the last word: seconds when it is all digits */
    while (last > 0 && !control_is_blank(s[last - 1]))
        last--;
    size_t digits = 0;
    while (last + digits < n && s[last + digits] >= '0' && s[last + digits] <= '9')
        digits++;
    if (last > 0 && last + digits == n) {
        if (digits > 6 || atol(s + last) > CONTROL_WAIT_MAX_SECONDS)
            return why_set(why, why_len, -EINVAL, "wait: at most %d seconds",
                           CONTROL_WAIT_MAX_SECONDS);
        out->seconds = atol(s + last);
        n = last;
        while (n && control_is_blank(s[n - 1]))
            n--;
    }
    for (size_t k = 0; k < sizeof STATES / sizeof STATES[0]; k++) {
        const char *st = STATES[k];
        if (strlen(st) == n && strncasecmp(st, s, n) == 0) {
            snprintf(out->arg, sizeof out->arg, "%s", st);
            return 0;
        }
    }
    char shown[48];
    control_quote(s, n, shown, sizeof shown);
    return why_set(why, why_len, -EINVAL,
                   "wait: unknown state \"%s\": Running, Stopped, Starting, Stopping, Rebooting, "
                   "Initializing, Install Fail, Resizing",
                   shown);
}

/* The ctl file: a verb, then an argument for reinstall and mkimage. */
/* password: the new one, 1 to 64 bytes of printable text. The reason never
 * quotes it. */
static int parse_password(const char *s, size_t n, control_cmd *out, char *why, size_t why_len)
{
    if (n > 64)
        return why_set(why, why_len, -EINVAL, "password: at most 64 bytes");
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (len == 0 || utf8_is_control(cp))
            return why_set(why, why_len, -EINVAL,
                           "password: printable UTF-8 only (byte %zu is not)", i + 1);
        i += len;
    }
    out->verb = CTL_PASSWORD;
    control_set_arg(out, s, n);
    return 0;
}

static int parse_ctl(const char *s, size_t n, control_cmd *out, char *why, size_t why_len)
{
    size_t w = 0;
    while (w < n && !control_is_blank(s[w]))
        w++;
    const char *rest = s + w;
    size_t rest_n = n - w;
    while (rest_n && control_is_blank(*rest))
        rest++, rest_n--;

    static const struct {
        const char *word;
        control_verb verb;
        int arg; /* 0 none, 1 an image ID, 2 a name */
    } verbs[] = {
        {"reboot", CTL_REBOOT, 0},       {"stop", CTL_STOP, 0},
        {"start", CTL_START, 0},         {"reinstall", CTL_REINSTALL, 1},
        {"mkimage", CTL_MKIMAGE, 2},     {"wait", CTL_WAIT, 3},
        {"terminate", CTL_TERMINATE, 0},
    };
    for (size_t k = 0; k < sizeof verbs / sizeof verbs[0]; k++) {
        if (strlen(verbs[k].word) != w || memcmp(verbs[k].word, s, w) != 0)
            continue;
        out->verb = verbs[k].verb;
        if (verbs[k].arg == 3)
            return parse_wait(rest, rest_n, out, why, why_len);
        int rc = 0;
        if (verbs[k].arg == 0 && rest_n)
            return why_set(why, why_len, -EINVAL, "%s takes no argument", verbs[k].word);
        if (verbs[k].arg == 1) {
            if (!rest_n)
                return why_set(why, why_len, -EINVAL,
                               "reinstall needs an image ID: reinstall IMAGE_ID");
            rc = control_check_id(rest, rest_n, "image ID", why, why_len);
        }
        if (verbs[k].arg == 2) {
            if (!rest_n)
                return why_set(why, why_len, -EINVAL, "mkimage needs a name: mkimage NAME");
            rc = control_check_name(rest, rest_n, "image name", why, why_len);
        }
        if (rc == 0)
            control_set_arg(out, rest, rest_n);
        return rc;
    }
    char shown[48];
    control_quote(s, w, shown, sizeof shown);
    return why_set(why, why_len, -EINVAL, "unknown command \"%s\": try %s", shown, USAGE);
}

int control_parse(const char *file, const char *buf, size_t len, control_cmd *out, char *why,
                  size_t why_len)
{
    memset(out, 0, sizeof *out);
    if (why && why_len)
        why[0] = '\0';
    if (len > CONTROL_MAX_WRITE)
        return why_set(why, why_len, -EINVAL, "write of %zu bytes: a command is at most %d bytes",
                       len, CONTROL_MAX_WRITE);
    if (!buf || len == 0)
        return why_set(why, why_len, -EINVAL, "empty write: one command per write");
    if (memchr(buf, '\0', len))
        return why_set(why, why_len, -EINVAL, "the command contains a NUL byte");

    size_t n = len;
    if (buf[n - 1] == '\n') {
        n--;
        if (n && buf[n - 1] == '\r')
            n--;
    }
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\n' || buf[i] == '\r')
            return why_set(why, why_len, -EINVAL, "more than one line: one command per write");
    const char *s = buf;
    while (n && control_is_blank(*s))
        s++, n--;
    while (n && control_is_blank(s[n - 1]))
        n--;
    if (strcmp(file, "stop_at") == 0) /* an empty line cancels */
        return control_parse_stop_at(s, n, clock_wall_ms() / 1000, out, why, why_len);
    if (n == 0)
        return why_set(why, why_len, -EINVAL, "empty command: try %s", USAGE);

    if (strcmp(file, "ctl") == 0)
        return parse_ctl(s, n, out, why, why_len);
    if (strcmp(file, "image") == 0) {
        out->verb = CTL_REINSTALL;
        out->from_image_file = true;
        int rc = control_check_id(s, n, "image ID", why, why_len);
        if (rc == 0)
            control_set_arg(out, s, n);
        return rc;
    }
    if (strcmp(file, "name") == 0) {
        out->verb = CTL_RENAME;
        int rc = control_check_name(s, n, "name", why, why_len);
        if (rc == 0)
            control_set_arg(out, s, n);
        return rc;
    }
    if (strcmp(file, "password") == 0)
        return parse_password(s, n, out, why, why_len);
    if (strcmp(file, "image-ctl") == 0) {
        if (n == 6 && memcmp(s, "delete", 6) == 0) {
            out->verb = CTL_DELETE_IMAGE;
            return 0;
        }
        return why_set(why, why_len, -EINVAL, "an image's ctl takes: delete");
    }
    if (strcmp(file, "root-ctl") == 0) {
        if (n > 7 && memcmp(s, "create", 6) == 0 && control_is_blank(s[6]))
            return control_parse_create(s + 7, n - 7, out, why, why_len);
        return why_set(why, why_len, -EINVAL,
                       "the root's ctl takes: create gpu_type=T gpus=N cpu=N memory_mb=N "
                       "image=ID [name= zone= machine_type= disk_gb= charge_type= count=]");
    }
    return why_set(why, why_len, -EINVAL, "%s is not a control file", file);
}

void control_cmd_wipe(control_cmd *cmd)
{
    if (cmd && cmd->verb == CTL_PASSWORD)
        OPENSSL_cleanse(cmd->arg, sizeof cmd->arg);
}

const char *control_help(void)
{
    return "reboot\n"
           "stop\n"
           "start\n"
           "reinstall IMAGE_ID\n"
           "terminate\n"
           "mkimage NAME\n"
           "wait STATE [SECONDS]\n";
}

const char *control_image_help(void) { return "delete\n"; }

const char *control_root_help(void)
{
    return "create gpu_type=TYPE gpus=N cpu=N memory_mb=N image=IMAGE_ID [name=NAME] "
           "[zone=ZONE] [machine_type=G] [disk_gb=N] [charge_type=Dynamic] [count=1]\n";
}

const char *control_verb_name(control_verb v)
{
    switch (v) {
    case CTL_REBOOT: return "reboot";
    case CTL_STOP: return "stop";
    case CTL_START: return "start";
    case CTL_REINSTALL: return "reinstall";
    case CTL_MKIMAGE: return "mkimage";
    case CTL_RENAME: return "rename";
    case CTL_WAIT: return "wait";
    case CTL_TERMINATE: return "terminate";
    case CTL_STOP_AT: return "stop_at";
    case CTL_STOP_AT_CANCEL: return "stop_at none";
    case CTL_PASSWORD: return "password";
    case CTL_DELETE_IMAGE: return "delete";
    case CTL_CREATE: return "create";
    }
    return "unknown";
}
