/* SPDX-License-Identifier: MIT */
/* errlog.h - the text of the `error` files: the last failed operation of each
 * instance, and the last failed API request of the whole mount. Thread-safe. */
#ifndef COMPSHAREFS_ERRLOG_H
#define COMPSHAREFS_ERRLOG_H

#include "api_types.h"

typedef struct errlog errlog;

errlog *errlog_new(void);
void errlog_free(errlog *e);

/* Record a failure: one line, "<UTC time> <what> <uhost_id>: <ERRNO>: <message>
 * (RetCode N)", in the instance's file (when uhost_id is not NULL) and the
 * mount's, and in the log. what names the operation ("reboot", "read status"). */
void errlog_record(errlog *e, const char *uhost_id, const char *what, const api_error *err);
/* A command on the instance succeeded: its error file becomes empty again. */
void errlog_clear_instance(errlog *e, const char *uhost_id);

/* malloc'd copy of the current text ("" when none), ending in a newline when
 * not empty; *changed_ns (when not NULL) gets when it last changed (wall
 * clock), 0 when it never did. */
char *errlog_instance_text(errlog *e, const char *uhost_id, long long *changed_ns);
char *errlog_mount_text(errlog *e, long long *changed_ns);

#endif
