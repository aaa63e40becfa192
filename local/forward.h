/* forward.h - forwarding: a copy of the message for other addresses
 * (alias members elsewhere, .forward entries) is handed to cleanup as a
 * new message (docs/CLEANUP.md), as Postfix's local(8) does. The copy gets
 * "Delivered-To: RECIPIENT" in front (so a loop comes back as "mail
 * forwarding loop"), keeps the original sender unless an owner- alias
 * replaces it, and the result is "forwarded as QUEUEID" (2.0.0). A
 * cleanup failure is deferred (4.3.0 or cleanup's own code when it is a
 * 4.x.x) or bounced with cleanup's 5.x.x code and reason. */
#ifndef POSTERN_LOCAL_FORWARD_H
#define POSTERN_LOCAL_FORWARD_H

#include <stddef.h>

#include "deliver/result.h"
#include "util/sink.h"

#define LOCAL_FORWARD_CHUNK 65536   /* bytes per content request */

typedef struct local_forward {
    const char *cleanup_socket;   /* path of private/cleanup */
    int timeout_ms;               /* per request; 0: 100 s */
    const char *sender;           /* envelope sender of the copy */
    const char *delivered_to;     /* the recipient being forwarded */
    const char *const *addrs;     /* the new recipients */
    size_t count;
    const char *orig_rcpt;        /* original recipient, for each */
    sink_producer_fn produce;     /* the message content */
    void *ctx;
} local_forward_t;

void local_forward_message(const local_forward_t *f, dlv_result_t *res);

#endif
