/* SPDX-License-Identifier: MIT */
/* cmdlog.h - the `log` file of each instance: the commands issued on it
 * through this mount, newest last, one per line:
 *   TIME<TAB>uid UID<TAB>COMMAND<TAB>OUTCOME
 * e.g. "2026-11-30T12:00:00Z	uid 1000	mkimage my-env	ok compshareImage-xyz",
 * so who did what, and a new image's ID, are one `cat` away. The last
 * CMDLOG_LINES commands of each instance are kept. Thread-safe. */
#ifndef COMPSHAREFS_CMDLOG_H
#define COMPSHAREFS_CMDLOG_H

#define CMDLOG_LINES 100

typedef struct cmdlog cmdlog;

cmdlog *cmdlog_new(void);
void cmdlog_free(cmdlog *l);

/* command and outcome are made one line each (no secret may be passed). */
void cmdlog_add(cmdlog *l, const char *uhost_id, long long when_ns, unsigned uid,
                const char *command, const char *outcome);

/* malloc'd copy of the instance's log ("" when none); *changed_ns gets when
 * it last grew (0: never). */
char *cmdlog_text(cmdlog *l, const char *uhost_id, long long *changed_ns);

#endif
