/* smtpc_session.h - one SMTP client session on a connected stream: the
 * greeting, EHLO (HELO when EHLO is refused with 5xx, or always with
 * never_send_ehlo), mail transactions (smtpc_xact.h), RSET before reuse,
 * QUIT. The caller connects, wraps the socket in a stream and hands it
 * over; the session owns it from then on.
 *
 * Every step sets its own read/write timeout (smtp_helo_timeout & co,
 * seconds). Failures are described in an smtpc_outcome_t in Postfix's
 * words, ready for the log line and the DSN: "host mx[192.0.2.1] refused
 * to talk to me: 554 ...", "host X said: 550 ... (in reply to HELO
 * command)", "lost connection with X while performing the EHLO
 * handshake", "conversation with X timed out while receiving the initial
 * server greeting" (4.4.2). A session whose stream failed is marked
 * unusable. */
#ifndef POSTERN_SMTP_CLIENT_SESSION_H
#define POSTERN_SMTP_CLIENT_SESSION_H

#include <stdbool.h>

#include "smtp_client/smtpc_ext.h"
#include "smtp_client/smtpc_reply.h"
#include "util/buf.h"
#include "util/stream.h"

typedef struct smtpc_timeouts {   /* seconds */
    int helo, mail, rcpt, data_init, data_xfer, data_done, quit, starttls;
} smtpc_timeouts_t;

typedef struct smtpc_params {
    const char *helo_name;
    smtpc_timeouts_t t;
    bool skip_5xx_greeting;   /* a 5xx greeting only defers (next host) */
    bool never_send_ehlo;
} smtpc_params_t;

typedef struct smtpc_outcome {
    int cls;            /* 2 sent, 4 deferred, 5 bounced; 0 not decided */
    char dsn[16];
    buf_t text;
    bool relayed;       /* sent, but the server had no DSN for NOTIFY=SUCCESS */
    bool passed;        /* sent with NOTIFY to a server that has DSN */
    bool try_next;      /* another server of the next hop may do better */
    bool try_plain;     /* TLS failed at level may: try again without it */
} smtpc_outcome_t;

void smtpc_outcome_init(smtpc_outcome_t *o);
void smtpc_outcome_dispose(smtpc_outcome_t *o);
/* Sets class, code and text; clears the flags. */
void smtpc_outcome_set(smtpc_outcome_t *o, const char *dsn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void smtpc_outcome_copy(smtpc_outcome_t *to, const smtpc_outcome_t *from);

typedef struct smtpc_session {
    stream_t *s;
    const smtpc_params_t *p;
    char *name;          /* "host[addr]" */
    char *relay;         /* "host[addr]:port", what relay= shows */
    smtpc_ext_t ext;
    bool esmtp;
    bool usable;         /* stream healthy and in step with the server */
    bool tls;            /* STARTTLS done */
    smtpc_reply_t reply; /* the last reply */
    int transactions;    /* mail transactions completed */
    smtpc_read_error_t failure; /* why the last read failed */
    char *failure_text;
} smtpc_session_t;

/* Takes ownership of s. host is the server's name (or its address),
 * addr its address, port its port. */
void smtpc_session_init(smtpc_session_t *ss, stream_t *s, const smtpc_params_t *p,
                        const char *host, const char *addr, const char *port);
/* Closes the stream (without QUIT) and frees everything. */
void smtpc_session_dispose(smtpc_session_t *ss);

/* Reads the greeting and says EHLO (or HELO). 0, or -1 with out set. */
int smtpc_session_start(smtpc_session_t *ss, smtpc_outcome_t *out);
/* EHLO again (after STARTTLS). 0, or -1 with out set. */
int smtpc_session_ehlo(smtpc_session_t *ss, smtpc_outcome_t *out);
/* RSET: 0 when the server answered 2xx; -1 otherwise (session unusable). */
int smtpc_session_rset(smtpc_session_t *ss);
/* QUIT and read the answer, ignoring failures. */
void smtpc_session_quit(smtpc_session_t *ss);

/* Sends one command line (CRLF added) and reads the reply into
 * ss->reply, with timeout seconds for each. 0 when a reply came (any
 * code), -1 with out set ("... while WHILE") when none did. */
int smtpc_command(smtpc_session_t *ss, const char *line, int timeout,
                  const char *while_text, smtpc_outcome_t *out);
/* Reads one reply (no command) as above. */
int smtpc_read(smtpc_session_t *ss, int timeout, const char *while_text,
               smtpc_outcome_t *out);
/* Sets out from the stream failure: lost connection / timed out /
 * protocol error, "... with NAME while WHILE"; marks the session unusable. */
void smtpc_session_failed(smtpc_session_t *ss, const char *while_text,
                          smtpc_outcome_t *out);
/* Sets out from ss->reply: "host NAME said: REPLY (in reply to CMD
 * command)", with the reply's class and code (class 2/3: protocol error,
 * 4.5.0 deferred). */
void smtpc_outcome_reply(smtpc_session_t *ss, const char *cmd, smtpc_outcome_t *out);

#endif
