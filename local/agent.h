/* agent.h - the local delivery agent's request handling, short of the
 * daemon skeleton: read a qmgr "deliver" request (docs/DELIVERY.md),
 * open the queue file read-only under a shared lock, deliver every
 * recipient (Delivered-To loop check, expansion, mailbox / command / file
 * delivery), log Postfix's line per recipient (request parsing, the
 * answer and the serve loop are lib/deliver's).
 *
 * Per recipient the destinations of its expansion are combined: any
 * deferral defers the recipient (all its destinations are retried
 * later: at-least-once), otherwise one delivery makes it sent, otherwise
 * it bounces with the first error. Forwarded addresses of one recipient
 * go to cleanup as one new message per envelope sender (forward.h):
 * "forwarded as QUEUEID"; without cleanup_socket they defer with "mail
 * forwarding is not available". An owner-NAME alias becomes the sender
 * (with the recipient's domain).
 *
 * With switch_privileges (the daemon started as root), delivery to a home
 * mailbox or Maildir spool runs with the recipient's effective uid/gid,
 * an mbox in mail_spool_directory is opened as root and a new one given to
 * the recipient, file delivery runs with the rights expand.h gave the
 * destination (default_privs for aliases), and commands (also
 * mailbox_command) drop all root ids in their child (command.h). */
#ifndef POSTERN_LOCAL_AGENT_H
#define POSTERN_LOCAL_AGENT_H

#include <stdbool.h>
#include <sys/time.h>

#include "deliver/request.h"
#include "local/expand.h"
#include "local/mailbox.h"
#include "deliver/result.h"
#include "queue/queue.h"
#include "util/stream.h"


typedef struct local_agent {
    const queue_t *queue;
    local_expand_cfg_t expand;
    local_mailbox_cfg_t mailbox;
    local_user_t default_privs;   /* name, uid, gid for alias commands/files */
    bool switch_privileges;
    const char *cleanup_socket;   /* private/cleanup; NULL: no forwarding */
    void *priv;                   /* owned by agent_config.c when built there */
} local_agent_t;



/* Delivers every recipient; results[i] for req->rcpts[i] (initialised by
 * the caller). Returns 0, or -1 with *err when the request as a whole
 * failed (queue file missing, corrupt, locked, unreadable). */
int local_agent_deliver(const local_agent_t *a, const dlv_request_t *req,
                        dlv_result_t *results, char **err);


/* Serves one connection: announces "delivery", answers requests until the
 * peer closes. Returns 0 at a clean end, -1 with *err on a protocol or I/O
 * error (the caller drops the connection). */
int local_serve(stream_t *s, const local_agent_t *a, char **err);

#endif
