/* agent.h - the local delivery agent's request handling, short of the
 * daemon skeleton: read a qmgr "deliver" request (docs/DELIVERY.md),
 * open the queue file read-only under a shared lock, deliver every
 * recipient (Delivered-To loop check, expansion, mailbox / command / file
 * delivery), log Postfix's line per recipient, and build the answer.
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

#include "ipc/attr.h"
#include "local/expand.h"
#include "local/mailbox.h"
#include "local/result.h"
#include "queue/queue.h"
#include "util/stream.h"

#define LOCAL_RCPT_MAX 1000   /* recipients in one request */

typedef struct local_agent {
    const queue_t *queue;
    local_expand_cfg_t expand;
    local_mailbox_cfg_t mailbox;
    local_user_t default_privs;   /* name, uid, gid for alias commands/files */
    bool switch_privileges;
    const char *cleanup_socket;   /* private/cleanup; NULL: no forwarding */
    void *priv;                   /* owned by agent_config.c when built there */
} local_agent_t;

typedef struct local_rcpt {
    const char *addr, *orig;
    int index, notify;
} local_rcpt_t;

typedef struct local_request {
    const char *queue_name, *queue_id, *nexthop, *sender;
    struct timeval arrival, active;
    int count;
    local_rcpt_t *rcpts;
} local_request_t;

/* Strict: every attribute of docs/DELIVERY.md present and typed, nothing
 * else, request = "deliver", 1..LOCAL_RCPT_MAX recipients. Strings point
 * into l. 0 or -1 with *err. */
int local_request_parse(const attr_list_t *l, local_request_t *req, char **err);
void local_request_free(local_request_t *req);

/* Delivers every recipient; results[i] for req->rcpts[i] (initialised by
 * the caller). Returns 0, or -1 with *err when the request as a whole
 * failed (queue file missing, corrupt, locked, unreadable). */
int local_agent_deliver(const local_agent_t *a, const local_request_t *req,
                        local_result_t *results, char **err);

/* The answer: status 0, relay "local", rcpt_status/dsn/text per recipient;
 * or, with reason != NULL, status 1 and the reason. */
void local_response_build(attr_list_t *resp, const local_request_t *req,
                          const local_result_t *results, const char *reason);

/* "delay=D, delays=a/b/c/d" numbers in Postfix's rounding. */
void local_format_delay(buf_t *out, double seconds);

/* Serves one connection: announces "delivery", answers requests until the
 * peer closes. Returns 0 at a clean end, -1 with *err on a protocol or I/O
 * error (the caller drops the connection). */
int local_serve(stream_t *s, const local_agent_t *a, char **err);

#endif
