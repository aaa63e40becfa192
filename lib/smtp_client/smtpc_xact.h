/* smtpc_xact.h - one mail transaction on an open session: MAIL FROM
 * (SIZE=, BODY=8BITMIME, RET=, ENVID= as the server supports them), RCPT
 * TO per recipient (NOTIFY=, ORCPT= when the server supports DSN), DATA,
 * the dot-stuffed content and the end of data. With PIPELINING, MAIL,
 * every RCPT and DATA go out as one group (RFC 2920) and the replies are
 * read in order; without it, one command at a time.
 *
 * Before anything is sent, a message larger than the server's SIZE limit
 * is refused for every recipient: 5.3.4 "message size N exceeds size
 * limit M of server HOST[ADDR]".
 * Each recipient ends with an outcome: 2 sent (text: the server's reply
 * to the end of data; relayed set when NOTIFY=SUCCESS was asked and the
 * server has no DSN, passed when NOTIFY went on to a server with DSN), 4 deferred or 5 bounced with the server's reply and
 * the command it answered, or the reason the conversation broke. A
 * producer failure (queue file unreadable) defers every recipient still
 * open with 4.3.0 and breaks the session (the DATA cannot be taken back).
 * Returns 0 when the session can carry another transaction (after RSET),
 * -1 when it cannot. */
#ifndef POSTERN_SMTP_CLIENT_XACT_H
#define POSTERN_SMTP_CLIENT_XACT_H

#include <stdbool.h>
#include <stddef.h>

#include "smtp_client/smtpc_session.h"
#include "util/sink.h"

typedef struct smtpc_rcpt {
    const char *addr;
    const char *orcpt;      /* "rfc822;a@b" (decoded), NULL: none */
    unsigned notify;        /* SMTP_NOTIFY_* (smtp/mailcmd.h), 0: not given */
    smtpc_outcome_t result;
} smtpc_rcpt_t;

typedef struct smtpc_message {
    const char *sender;     /* "" for <> */
    const char *envid;      /* decoded, NULL: none */
    int ret;                /* SMTP_RET_* */
    unsigned long long size;/* for SIZE=; 0: not known */
    bool eight_bit;         /* BODY=8BITMIME when the server offers it */
    smtpc_rcpt_t *rcpts;
    size_t rcpt_count;
    sink_producer_fn body;  /* writes the content as LF-terminated lines */
    void *body_ctx;
} smtpc_message_t;

int smtpc_transaction(smtpc_session_t *ss, smtpc_message_t *m);

#endif
