/* mailbox.h - the final steps of local delivery: a user's mailbox (Maildir
 * or mbox, by home_mailbox / mail_spool_directory, or mailbox_command) and
 * delivery to /file (mbox append; a trailing '/' means Maildir; /dev/null
 * accepts and discards).
 *
 * The caller runs these with the right privileges (the recipient's for a
 * mailbox; for files, the rights expand.h says); nothing here changes uid,
 * except that mailbox_command runs through command.h.
 *
 * Results (Postfix's texts):
 *   "delivered to maildir"     "maildir delivery failed: REASON"
 *   "delivered to mailbox"     "cannot update mailbox PATH for user USER. REASON"
 *   "delivered to file: PATH"  "cannot append message to file PATH: REASON"
 *   "delivered to command: CMD" (mailbox_command; see command.h)
 * with codes from dlv_dsn_for_errno() (default 4.2.0: deferred; a file
 * that is not a regular file - directory, symlink, device - 5.2.0;
 * mailbox_size_limit 5.2.2). */
#ifndef POSTERN_LOCAL_MAILBOX_H
#define POSTERN_LOCAL_MAILBOX_H

#include <time.h>

#include "local/command.h"
#include "local/expand.h"
#include "deliver/result.h"
#include "mbox/mbox.h"
#include "util/sink.h"

typedef struct local_mailbox_cfg {
    const char *home_mailbox;         /* "" default; "Maildir/" common */
    const char *mail_spool_directory; /* "/var/mail" */
    const char *mailbox_command;      /* "" default; already expanded */
    off_t mailbox_size_limit;         /* 51200000; 0: none */
    long command_time_limit;          /* 1000 */
    const mbox_opts_t *mbox;          /* locks; NULL: defaults */
} local_mailbox_cfg_t;

typedef struct local_message {
    const char *sender;      /* envelope sender, "" for <> */
    time_t arrival;          /* for the From_ line */
    sink_producer_fn produce;/* the message with its delivery prefix */
    void *ctx;
} local_message_t;

/* True when mailbox delivery should run with the user's effective ids
 * (home_mailbox, or a Maildir spool); false for mailbox_command (the
 * command child drops privileges itself) and for an mbox in a root-owned
 * mail_spool_directory (created as root, then given to the user). */
bool local_mailbox_as_user(const local_mailbox_cfg_t *cfg);

void local_deliver_mailbox(const local_mailbox_cfg_t *cfg,
                           const local_user_t *user,
                           const local_command_env_t *env,
                           const local_message_t *msg, dlv_result_t *res);

void local_deliver_file(const local_mailbox_cfg_t *cfg, const char *path,
                        const local_message_t *msg, dlv_result_t *res);

#endif
