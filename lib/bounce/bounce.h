/* bounce.h - delivery status notifications (RFC 3464) for the queue.
 *
 * bounce_compose() turns a queue file and the outcome of some of its
 * recipients into the lines of a multipart/report message from
 * MAILER-DAEMON: a human-readable part, a message/delivery-status part
 * (Reporting-MTA, Arrival-Date, Original-Envelope-Id; per recipient
 * Final-Recipient, Original-Recipient, Action, Status, Remote-MTA,
 * Diagnostic-Code, Will-Retry-Until), and the original message: whole
 * (message/rfc822) or its headers only (text/rfc822-headers) when the
 * sender asked RET=HDRS or the message is larger than the size limit.
 *
 * bounce_queue() writes such a message as a new queue file with the null
 * sender to the original sender (or to p->recipient) into incoming/ (committed: fsync + rename + directory fsync), so
 * qmgr delivers it like any other message. The caller decides who gets a
 * notice (NOTIFY, null sender: never a bounce for a bounce). */
#ifndef POSTERN_BOUNCE_BOUNCE_H
#define POSTERN_BOUNCE_BOUNCE_H

#include <stddef.h>
#include <time.h>

#include "queue/qfile.h"
#include "queue/queue.h"

typedef enum {
    BOUNCE_FAILED,      /* Action: failed   (non-delivery) */
    BOUNCE_DELAYED,     /* Action: delayed  (delay warning) */
    BOUNCE_DELIVERED,   /* Action: delivered (NOTIFY=SUCCESS) */
    BOUNCE_RELAYED,     /* Action: relayed (NOTIFY=SUCCESS, sent on to a
                           server that does not report delivery itself) */
} bounce_action_t;

typedef struct bounce_rcpt {
    const char *address;     /* final recipient */
    const char *orig;        /* original recipient or NULL */
    const char *dsn_orcpt;   /* DSN ORCPT "rfc822;addr" or NULL */
    const char *dsn;         /* enhanced status "5.1.1" */
    const char *text;        /* diagnostic text */
    const char *remote_mta;  /* "mx.example.com" or NULL */
    int smtp_reply;          /* nonzero: text is a remote SMTP reply */
} bounce_rcpt_t;

typedef struct bounce_params {
    const char *myhostname;       /* Reporting-MTA and From: domain */
    const char *queue_id;         /* the original message's id */
    long long size_limit;         /* bounce_size_limit */
    time_t now;
    time_t retry_until;           /* for delayed: arrival + lifetime, or 0 */
    const char *message_id;       /* Message-Id of the notice, or NULL */
    const char *recipient;        /* who gets it; NULL: the message's sender */
    int postmaster_copy;          /* nonzero: a copy for the postmaster
                                     (notify_classes): "Postmaster Copy:" /
                                     "Postmaster Warning:" subject, headers
                                     of the original only */
} bounce_params_t;

/* Called once per line of the composed message, without line end. */
typedef void (*bounce_line_fn)(void *ctx, const char *line, size_t len);

/* Composes the notice. Returns 0, or -1 with *err (reading qf failed). */
int bounce_compose(qfile_t *qf, bounce_action_t action,
                   const bounce_rcpt_t *rcpts, size_t n,
                   const bounce_params_t *p, bounce_line_fn fn, void *ctx,
                   char **err);

/* Writes the notice to the sender of qf as a new file in incoming/.
 * *new_id (caller frees) is its queue id. Returns 0 or -1 with *err. */
int bounce_queue(const queue_t *q, qfile_t *qf, bounce_action_t action,
                 const bounce_rcpt_t *rcpts, size_t n,
                 const bounce_params_t *p, char **new_id, char **err);

#endif
