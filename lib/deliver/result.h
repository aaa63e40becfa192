/* result.h - the outcome of one delivery (local, virtual), in the shape of Postfix's
 * log line "status=sent (delivered to maildir)", "dsn=4.3.0": a status,
 * an RFC 3463 code and the text that goes inside the parentheses. Also the
 * two tables that decide codes: errno of a failed mailbox write, and a
 * command's sysexits(3) exit status. */
#ifndef POSTERN_DELIVER_RESULT_H
#define POSTERN_DELIVER_RESULT_H

#include <stdbool.h>

#include "util/buf.h"

typedef enum {
    DLV_SENT,      /* dsn 2.x.x */
    DLV_DEFERRED,  /* dsn 4.x.x: the queue manager retries later */
    DLV_BOUNCED,   /* dsn 5.x.x: returned to the sender */
} dlv_status_t;

typedef struct dlv_result {
    dlv_status_t status;
    char dsn[12];    /* "2.0.0" */
    buf_t text;      /* "delivered to maildir" */
    bool relayed;    /* sent on to a server without DSN support while the
                      * sender asked NOTIFY=SUCCESS (smtp): qmgr may send a
                      * "relayed" DSN */
    bool passed;     /* sent on with NOTIFY to a server that supports DSN
                      * (smtp): that server reports, qmgr does not */
    bool site_fail;  /* deferred because no host of the next hop could be
                      * reached or would talk (smtp); when every recipient
                      * has it, the answer carries site_fail = 1 */
} dlv_result_t;

void dlv_result_init(dlv_result_t *r);
void dlv_result_dispose(dlv_result_t *r);
/* Sets dsn and text; the status follows the dsn's class digit. */
void dlv_result_set(dlv_result_t *r, const char *dsn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void dlv_result_copy(dlv_result_t *to, const dlv_result_t *from);
/* "sent", "deferred" or "bounced", as in status=... */
const char *dlv_status_name(dlv_status_t s);

/* The code for a failed mailbox/maildir/file write: EAGAIN/ESTALE 4.2.0,
 * ENOSPC 4.3.0, EDQUOT 4.2.2 (deferred), EFBIG 5.2.2 (mailbox_size_limit:
 * bounced), 0 (the message content could not be read) 4.3.0, anything
 * else def. */
const char *dlv_dsn_for_errno(int errnum, const char *def);

/* Looks up a sysexits(3) status (64..78): its code (EX_TEMPFAIL 4.3.0,
 * EX_OSERR 4.3.0, EX_NOUSER 5.1.1, EX_NOHOST 5.1.2, EX_DATAERR 5.6.0,
 * EX_NOPERM 5.7.0, EX_PROTOCOL 5.5.0, EX_CONFIG 5.3.5, EX_CANTCREAT 5.2.0,
 * others 5.3.0) and its short text ("temporary failure"). False when the
 * status is not a sysexits code. */
bool dlv_sysexit(int status, const char **dsn, const char **text);

#endif
