/* attr_names.h - every attribute name spoken between Postern services,
 * in one place (see attr.h for the protocol). Names are [a-z0-9_], at
 * most 64 bytes. Add a service's names here in its own section; never
 * reuse a name with a different meaning or type. */
#ifndef POSTERN_IPC_ATTR_NAMES_H
#define POSTERN_IPC_ATTR_NAMES_H

/* Generic, used by every protocol. */
#define ATTR_PROTOCOL  "protocol"   /* str: announcement, server's name */
#define ATTR_REQUEST   "request"    /* str: the operation a request asks for */
#define ATTR_STATUS    "status"     /* int: response status, 0 = success */
#define ATTR_REASON    "reason"     /* str: why a request failed (for logs) */
#define ATTR_FLAGS     "flags"      /* int: request-specific flag bits */
#define ATTR_SIZE      "size"       /* long: a byte count */
#define ATTR_COUNT     "count"      /* long: an item count */
#define ATTR_DATA      "data"       /* data: an opaque payload or chunk */
#define ATTR_NAME      "name"       /* str: the name an operation is about */
#define ATTR_VALUE     "value"      /* str: the value that goes with it */

/* Delivery protocol: qmgr -> delivery agents (local, virtual, smtp, relay,
 * error, discard, retry). Full description: docs/DELIVERY.md.
 * One request per delivery attempt, on a connection to the agent's unix
 * socket (announced protocol name: "delivery"). The agent reads the queue
 * file itself (read-only, shared lock), delivers, logs the Postfix
 * "to=<...>, relay=..., delay=..., delays=a/b/c/d, dsn=..., status=..."
 * line per recipient, and answers with one result per recipient. qmgr
 * marks a recipient done in the queue file only after that answer
 * (at-least-once delivery). Recipient i (0-based) uses names with the
 * suffix _<i>: "rcpt_addr_0", "rcpt_orig_0", ... */
#define ATTR_DLV_PROTOCOL    "delivery"
#define ATTR_QUEUE_NAME      "queue_name"   /* str: "active" */
#define ATTR_QUEUE_ID        "queue_id"     /* str */
#define ATTR_NEXTHOP         "nexthop"      /* str: "[relay.example]:25", "" = default */
#define ATTR_SENDER          "sender"       /* str: envelope sender, "" = <> */
#define ATTR_ARRIVAL_TIME    "arrival_time" /* long: seconds, queue file T record */
#define ATTR_ARRIVAL_USEC    "arrival_usec" /* long: microseconds part */
#define ATTR_ACTIVE_TIME     "active_time"  /* long: when qmgr took it (delays= b) */
#define ATTR_ACTIVE_USEC     "active_usec"  /* long */
#define ATTR_RCPT_COUNT      "rcpt_count"   /* int: recipients in this request */
#define ATTR_RCPT_ADDR       "rcpt_addr"    /* str, suffixed _<i>: address to deliver to */
#define ATTR_RCPT_ORIG       "rcpt_orig"    /* str, suffixed _<i>: original recipient */
#define ATTR_RCPT_INDEX      "rcpt_index"   /* int, suffixed _<i>: index in the queue file */
#define ATTR_RCPT_NOTIFY     "rcpt_notify"  /* int, suffixed _<i>: DSN NOTIFY bits */
/* Response, per recipient i: */
#define ATTR_RCPT_STATUS     "rcpt_status"  /* int, suffixed _<i>: DLV_STATUS_* */
#define ATTR_RCPT_DSN        "rcpt_dsn"     /* str, suffixed _<i>: "2.0.0", "4.4.1", "5.1.1" */
#define ATTR_RCPT_TEXT       "rcpt_text"    /* str, suffixed _<i>: "delivered to maildir" */
#define ATTR_RCPT_ACTION     "rcpt_action"  /* str, suffixed _<i>, optional: "relayed" (smtp: sent to a server without DSN while NOTIFY=SUCCESS) */
#define ATTR_RELAY           "relay"        /* str: "local", "mx.example[192.0.2.1]:25" */
#define ATTR_SITE_FAIL       "site_fail"    /* int, optional: 1 = no host of the next hop
                                               could be reached (every recipient deferred,
                                               text = the last connection error) */

#define DLV_STATUS_SENT      0  /* delivered: mark done */
#define DLV_STATUS_DEFERRED  1  /* temporary failure: retry later */
#define DLV_STATUS_BOUNCED   2  /* permanent failure: mark done, bounce */

/* Cleanup protocol: smtpd, submission, pickup -> cleanup (announced
 * protocol name "cleanup"). Full description: docs/CLEANUP.md.
 * Requests, in order, on one connection per message (the connection may
 * carry several messages one after another):
 *   request=open      flags                  -> status, queue_id
 *   request=envelope  sender, envid, ret, full_name, attributes (client_name ...),
 *                     rcpt_count, rcpt_addr_<i>, rcpt_orig_<i>,
 *                     rcpt_notify_<i>, rcpt_orcpt_<i>  -> status
 *   request=content   data (a chunk of the message, lines ended by LF;
 *                     chunks split anywhere)  -> status (may be sent
 *                     without waiting for each answer: pipelined)
 *   request=finish                            -> status, queue_id, dsn, reason
 *   request=abort                             -> status
 * A failure answer carries status != 0, a "dsn" (e.g. "5.3.4", "4.3.0")
 * and a "reason" the client passes on in its SMTP reply. */
#define ATTR_CLEANUP_PROTOCOL "cleanup"
#define ATTR_ENVID           "envid"        /* str: DSN ENVID, decoded */
#define ATTR_RET             "ret"          /* int: QDSN_RET_* */
#define ATTR_RCPT_ORCPT      "rcpt_orcpt"   /* str, suffixed _<i>: DSN ORCPT "rfc822;addr" */
#define ATTR_DSN             "dsn"          /* str: enhanced status code of a failure */
#define ATTR_CLIENT_NAME     "client_name"
#define ATTR_CLIENT_ADDR     "client_address"
#define ATTR_CLIENT_PORT     "client_port"
#define ATTR_HELO_NAME       "helo_name"
#define ATTR_PROTOCOL_NAME   "protocol_name" /* "ESMTP", "SMTP", "ESMTPS"... */
#define ATTR_SASL_METHOD     "sasl_method"
#define ATTR_SASL_USERNAME   "sasl_username"
#define ATTR_FULL_NAME       "full_name"    /* str: sender's full name (sendmail -F), for an added From: */
/* open flags */
#define CLEANUP_FLAG_LOCAL_SUBMISSION 1 /* add Message-ID, Date, From when missing */
#define CLEANUP_FLAG_HOLD             2 /* put the message into hold/ */
#define CLEANUP_FLAG_DISCARD          4 /* accept and throw away (DISCARD action) */

/* Anvil protocol: smtpd, submission -> anvil (announced protocol name
 * "anvil"). Full description: docs/ANVIL.md. One long-lived connection
 * per client process; each request names an ident ("service:address"):
 *   request=connect       ident  -> status, count, rate
 *   request=disconnect    ident  -> status
 *   request=message       ident  -> status, rate
 *   request=recipient     ident  -> status, rate
 *   request=newtls        ident  -> status, rate
 *   request=auth          ident  -> status, rate, failures, lockout
 *   request=auth_failure  ident, window, lockout_limit, lockout_time
 *                                -> status, failures, lockout, started
 * Connections a client process announced and did not end are ended by
 * anvil when that process's connection closes. */
#define ATTR_ANVIL_PROTOCOL  "anvil"
#define ATTR_IDENT           "ident"         /* str: "service:client-address" */
#define ATTR_RATE            "rate"          /* int: events in the current window */
#define ATTR_FAILURES        "failures"      /* int: failed AUTH attempts remembered */
#define ATTR_LOCKOUT         "lockout"       /* long: seconds of lockout left, 0 = none */
#define ATTR_STARTED         "started"       /* int: 1 = this failure started the lockout */
#define ATTR_WINDOW          "window"        /* long: seconds a failure is remembered */
#define ATTR_LOCKOUT_LIMIT   "lockout_limit" /* int: failures that start a lockout, 0 = never */
#define ATTR_LOCKOUT_TIME    "lockout_time"  /* long: seconds a lockout lasts */

#endif
