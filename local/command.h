/* command.h - delivery to |command (aliases, .forward, mailbox_command).
 *
 * The command runs as "/bin/sh -c COMMAND" in a child of its own process
 * group, as uid/gid when the caller is root (never as root: that is
 * refused), with the environment local(8) documents (HOME USER SHELL
 * LOGNAME SENDER RECIPIENT EXTENSION DOMAIN LOCAL ORIGINAL_RECIPIENT, plus
 * PATH and the caller's TZ/LANG/MAIL_CONFIG), the message on standard
 * input, and standard output and error captured (the first bytes become
 * "Command output: ..."). The parent temporarily ignores SIGPIPE.
 *
 * Results, as Postfix logs them:
 *   exit 0                 2.0.0 sent     "delivered to command: CMD"
 *   sysexits status        its code       "temporary failure" (EX_TEMPFAIL
 *                                          deferred 4.3.0), "user unknown"
 *                                          (EX_NOUSER bounced 5.1.1), ...
 *   other status           5.3.0 bounced  "Command died with status N: \"CMD\""
 *   killed by a signal     4.3.0 deferred "Command died with signal N: \"CMD\""
 *   over time_limit        5.3.0 bounced  "Command time limit exceeded: \"CMD\""
 *   message unreadable     4.3.0 deferred the producer's error
 * Output, when there is any, is appended as ". Command output: TEXT". */
#ifndef POSTERN_LOCAL_COMMAND_H
#define POSTERN_LOCAL_COMMAND_H

#include <sys/types.h>

#include "deliver/result.h"
#include "util/sink.h"

typedef struct local_command_env {
    const char *home, *user, *shell, *logname;
    const char *sender, *recipient, *original_recipient;
    const char *extension, *domain, *local;
} local_command_env_t;

typedef struct local_command {
    const char *command;
    uid_t uid;                  /* used when running as root */
    gid_t gid;
    const char *cwd;            /* NULL or unusable: "/" */
    const local_command_env_t *env;
    long time_limit;            /* command_time_limit in seconds; 0: 1000 */
    sink_producer_fn produce;
    void *ctx;
} local_command_t;

void local_deliver_command(const local_command_t *req, dlv_result_t *res);

#endif
