/* session_impl.h - internals shared by the smtpd session files: the
 * session state, command counters and the reply helpers. Not an API. */
#ifndef POSTERN_SMTPD_SESSION_IMPL_H
#define POSTERN_SMTPD_SESSION_IMPL_H

#include "smtp/data.h"
#include "smtp/mailcmd.h"
#include "smtp/reply.h"
#include "smtpd_session.h"

/* Command counter slots, in the order of the disconnect log line. */
enum smtpd_counter {
    CNT_HELO, CNT_EHLO, CNT_STARTTLS, CNT_AUTH, CNT_MAIL, CNT_RCPT, CNT_DATA,
    CNT_BDAT, CNT_RSET, CNT_NOOP, CNT_VRFY, CNT_ETRN, CNT_QUIT, CNT_UNKNOWN,
    CNT_COUNT
};

struct smtpd_session {
    smtpd_config_t cfg;
    smtpd_sink_t sink;
    stream_t *st;
    buf_t out;                  /* replies not yet written to the stream */
    buf_t line;                 /* current command line */
    buf_t reply;                /* scratch reply from the sink */
    const char *where;          /* last command, for log lines */
    /* session */
    buf_t helo;                 /* HELO/EHLO argument */
    bool helo_seen;
    bool ehlo_seen;
    bool closing;
    enum smtpd_end end;
    unsigned errors;
    unsigned queued;
    uint64_t bare_lf_seen;
    unsigned total[CNT_COUNT];
    unsigned ok[CNT_COUNT];
    /* transaction */
    bool in_mail;
    unsigned rcpt_count;
    smtp_mail_args_t mail;
    smtp_rcpt_args_t rcpt;
    bool bdat_active;
    bool bdat_failed;
    buf_t bdat_error;           /* reply repeated for later chunks */
    uint64_t bdat_total;
    smtp_data_t data;
    bool data_active;
    bool content_too_long;      /* a DATA line beyond what we can keep */
    struct tls_conn *tls;       /* TLS active (owned by the stream) */
    struct smtpd_auth_state *auth; /* SMTP AUTH (session_auth.c) */
};

/* Extensions in effect: what EHLO announced, nothing after HELO. */
unsigned smtpd_ext(const smtpd_session_t *s);

/* Writes the reply built in s->out to the stream (buffered). */
void smtpd_send_out(smtpd_session_t *s);
void smtpd_reply_std(smtpd_session_t *s, enum smtp_reply_id id);
/* Copies a sink reply, or the fallback when the sink left it empty. */
void smtpd_reply_sink(smtpd_session_t *s);
/* The same, into *to instead of the output (a reply kept for later). */
void smtpd_reply_sink_to(smtpd_session_t *s, buf_t *to);
/* Abandons the transaction (tells the sink if one was open). */
void smtpd_reset_transaction(smtpd_session_t *s);
/* True (after replying 554 and setting closing) if input is waiting
 * where the client should have waited for our reply. */
bool smtpd_pipelining_violation(smtpd_session_t *s, bool last_in_group);
/* Handles a failed read: lost connection or timeout. */
void smtpd_read_failed(smtpd_session_t *s);

/* Command handlers: 0 on success, -1 on a 4xx/5xx reply. */
int smtpd_cmd_helo(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_ehlo(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_mail(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_rcpt(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_rset(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_noop(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_vrfy(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_quit(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_data(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_bdat(smtpd_session_t *s, const char *args, size_t len);
int smtpd_cmd_starttls(smtpd_session_t *s, const char *args, size_t len);

/* TLS hooks (session_starttls.c). */
/* EHLO: announce STARTTLS? */
bool smtpd_tls_offered(const smtpd_session_t *s);
/* At level encrypt before TLS, replies 530 5.7.0 and returns true for
 * the commands that need TLS first. */
bool smtpd_tls_refused_before_starttls(smtpd_session_t *s, enum smtpd_counter cmd);
/* Wrapper mode: the handshake before the greeting; -1 (closing) on failure. */
int smtpd_tls_wrapper_start(smtpd_session_t *s);
/* Forgets everything the client told before the TLS handshake (RFC 3207
 * section 4.2): HELO/EHLO, the transaction. Engine parts that keep
 * client-given session state (AUTH) add their reset call here. */
void smtpd_session_forget(smtpd_session_t *s);
/* The Received: header's TLS lines ("\t(using TLSv1.3 with cipher ...
 * (256/256 bits))\n\t(No client certificate requested)\n"); nothing
 * without TLS. */
void smtpd_tls_received_lines(const smtpd_session_t *s, buf_t *out);
int smtpd_cmd_auth(smtpd_session_t *s, const char *args, size_t len);

/* AUTH hooks (session_auth.c). EHLO: adds the AUTH keyword lines (their
 * text kept in keyword and compat until the reply is built). */
void smtpd_auth_ehlo(smtpd_session_t *s, const char **lines, size_t *n, buf_t *keyword,
                     buf_t *compat);
/* SMTP_EXT_AUTH when the last EHLO offered AUTH (MAIL's AUTH=). */
unsigned smtpd_auth_ext(const smtpd_session_t *s);
/* STARTTLS: forget the authentication state. */
void smtpd_auth_forget(smtpd_session_t *s);
void smtpd_auth_free(smtpd_session_t *s);

#endif
