/* dlv_log.h - the per-recipient delivery log line every delivery agent
 * (and qmgr, for the error/discard/retry transports and expiry) writes,
 * in Postfix's shape so that log analysers such as pflogsumm read it:
 *   QUEUEID: to=<rcpt>, orig_to=<orig>, relay=RELAY, delay=D,
 *     delays=a/b/c/d, dsn=X.Y.Z, status=STATUS (TEXT)
 * a = arrival to active queue, b = in qmgr until the delivery started,
 * c = connection set-up, d = transmission; all in seconds. */
#ifndef POSTERN_MAIL_DLV_LOG_H
#define POSTERN_MAIL_DLV_LOG_H

#include <sys/time.h>

#include "util/buf.h"

typedef struct dlv_times {
    struct timeval arrival;     /* message arrival (queue file T record) */
    struct timeval active;      /* qmgr took the message */
    struct timeval agent;       /* delivery agent started this delivery */
    struct timeval connected;   /* connection set up (= agent when none) */
    struct timeval done;        /* delivery finished */
} dlv_times_t;

/* Formats a delay the way Postfix prints them: "0", "0.05", "1.2", "12". */
void dlv_format_delay(buf_t *out, double seconds);
/* Formats the whole line (without "QUEUEID: " when queue_id is NULL).
 * orig: printed as orig_to=<...> only when not NULL and different. */
void dlv_format_line(buf_t *out, const char *queue_id, const char *rcpt,
                     const char *orig, const char *relay,
                     const dlv_times_t *t, const char *dsn,
                     const char *status, const char *text);
/* Formats and logs it with msg_info(). */
void dlv_log(const char *queue_id, const char *rcpt, const char *orig,
             const char *relay, const dlv_times_t *t, const char *dsn,
             const char *status, const char *text);

#endif
