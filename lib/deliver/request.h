/* request.h - the delivery agent's side of the qmgr -> agent protocol
 * (docs/DELIVERY.md), shared by local(8) and virtual(8): parse a
 * "deliver" request strictly, build the answer, log Postfix's line per
 * recipient, and serve a connection with a per-request callback.
 * Parse errors come back as -1 with *err; a connection that breaks makes
 * dlv_serve() return -1 with *err. */
#ifndef POSTERN_DELIVER_REQUEST_H
#define POSTERN_DELIVER_REQUEST_H

#include <sys/time.h>

#include "deliver/result.h"
#include "ipc/attr.h"
#include "util/buf.h"
#include "util/stream.h"

#define DLV_RCPT_MAX 1000   /* recipients in one request */

typedef struct dlv_rcpt {
    const char *addr, *orig;
    int index, notify;
} dlv_rcpt_t;

typedef struct dlv_request {
    const char *queue_name, *queue_id, *nexthop, *sender;
    struct timeval arrival, active;
    int count;
    dlv_rcpt_t *rcpts;
} dlv_request_t;

/* Strict: every attribute of docs/DELIVERY.md present and typed, nothing
 * else, request = "deliver", 1..DLV_RCPT_MAX recipients. Strings point
 * into l. 0 or -1 with *err. */
int dlv_request_parse(const attr_list_t *l, dlv_request_t *req, char **err);
void dlv_request_free(dlv_request_t *req);

/* The answer: status 0, relay RELAY, rcpt_status/dsn/text per recipient
 * (rcpt_action "relayed" or "passed" where set; site_fail 1 when every recipient was
 * deferred with site_fail);
 * or, with reason != NULL, status 1 and the reason. */
void dlv_response_build(attr_list_t *resp, const char *relay,
                        const dlv_request_t *req, const dlv_result_t *results,
                        const char *reason);

/* "delay=D, delays=a/b/c/d" numbers in Postfix's rounding. */
void dlv_agent_format_delay(buf_t *out, double seconds);

/* Logs "QUEUEID: to=<..>, [orig_to=<..>, ]relay=RELAY, delay=.., delays=
 * a/b/0/d, dsn=.., status=.. (TEXT)"; start is when this recipient's
 * delivery began. */
void dlv_agent_log(const dlv_request_t *req, const dlv_rcpt_t *r,
                   const char *relay, const struct timeval *start,
                   const dlv_result_t *res);
/* The same with the connection setup time of a network agent (smtp):
 * delays=a/b/c/d with c from start to setup_done (DNS, connect, greeting,
 * EHLO, TLS) and d from setup_done to now. */
void dlv_agent_log_setup(const dlv_request_t *req, const dlv_rcpt_t *r,
                         const char *relay, const struct timeval *start,
                         const struct timeval *setup_done,
                         const dlv_result_t *res);

/* Delivers every recipient of req: results[i] for req->rcpts[i] (already
 * initialised). Returns 0, or -1 with *err when the request as a whole
 * failed (queue file missing, corrupt, locked). */
typedef int (*dlv_deliver_fn)(void *ctx, const dlv_request_t *req,
                              dlv_result_t *results, char **err);

/* Serves one connection: announces "delivery", answers requests through
 * deliver until the peer closes. Returns 0 at a clean end, -1 with *err
 * on a protocol or I/O error (the caller drops the connection). */
int dlv_serve(stream_t *s, const char *relay, dlv_deliver_fn deliver,
              void *ctx, char **err);

#endif
