/* smtpd_session.h - the ESMTP server session engine of smtpd: greeting,
 * EHLO/HELO, MAIL, RCPT, DATA, BDAT, RSET, NOOP, VRFY, QUIT, over a
 * stream (util/stream.h), with Postfix's replies and limits.
 *
 * Where a message goes is not the engine's business: the caller gives a
 * sink (callbacks) that accepts or refuses MAIL and RCPT, receives the
 * content line by line, and queues it at the end (returning a queue id).
 * Tests drive whole sessions against an in-memory sink.
 *
 * Behaviour, following Postfix where it has a parameter:
 *   smtpd_banner              220 greeting text
 *   message_size_limit        SIZE= check (552 5.3.4) and content check
 *   smtpd_recipient_limit     452 4.5.3 Error: too many recipients
 *   smtpd_hard_error_limit    421 4.7.0 HOST Error: too many errors, close
 *                             (a delivered message resets the count)
 *   smtpd_soft_error_limit    beyond it, each reply waits
 *   smtpd_error_sleep_time    this long (through cfg.sleep, so tests
 *                             need not wait)
 *   disable_vrfy_command      502 5.5.1 VRFY command is disabled
 *   smtpd_helo_required       503 5.5.1 Error: send HELO/EHLO first
 *   strict_rfc821_envelopes   <> required around addresses
 *   smtpd_forbid_unauth_pipelining  554 5.5.0 Error: SMTP protocol
 *                             synchronization and close, when input is
 *                             waiting after EHLO/HELO/DATA/VRFY/NOOP/QUIT,
 *                             or after any command when PIPELINING was not
 *                             announced (HELO); this also stops content
 *                             sent together with DATA (SMTP smuggling)
 *   smtpd_forbid_bare_newline bare LF policy for commands and content
 *   line_length_limit         command lines longer are refused (500
 *                             5.5.2 Error: line too long); content lines
 *                             are split (a DATA line beyond 1 MB refuses
 *                             the message with that reply)
 *   smtpd_timeout             421 4.4.2 HOST Error: timeout exceeded
 * STARTTLS (RFC 3207, session_starttls.c) when cfg.tls_level is not
 * none: see the tls_* fields below. AUTH (RFC 4954, session_auth.c) when
 * cfg.auth is set: see smtpd_auth_t below. HELP, EXPN and ETRN are not
 * implemented: they get 502 5.5.2 Error: command not recognized, as
 * unknown commands do (Postfix has no HELP either). Replies are flushed when no client input is
 * waiting (RFC 2920), and always before waiting for input.
 *
 * Log lines (msg_info), in Postfix's shape: "connect from NAME[ADDR]",
 * "disconnect from NAME[ADDR] ehlo=1 mail=1 rcpt=1 data=1 quit=1
 * commands=5" (name=ok/total when some failed), "lost connection after
 * CMD from ...", "timeout after CMD from ...", "too many errors after CMD
 * from ...", "improper command pipelining after CMD from ...". */
#ifndef POSTERN_SMTPD_SESSION_H
#define POSTERN_SMTPD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mail/address.h"
#include "smtp/data.h"
#include "smtp/mailcmd.h"
#include "util/buf.h"
#include "util/stream.h"

struct tls_ctx;
struct tls_info;
/* SMTP AUTH: the SASL work behind the AUTH command (the daemon gives
 * it over lib/sasl, smtpd_sasl_setup.c; tests give a fake). Challenges
 * and responses are raw bytes: the engine does the base64. */
typedef enum smtpd_auth_result {
    SMTPD_AUTH_DONE,                 /* authenticated */
    SMTPD_AUTH_CONTINUE,             /* send challenge, call step */
    SMTPD_AUTH_FAIL,                 /* 535 5.7.8 (reason) */
    SMTPD_AUTH_TEMP,                 /* 454 4.7.0 (reason) */
} smtpd_auth_result_t;

typedef struct smtpd_auth {
    void *ctx;
    /* The mechanisms to offer now, space-separated, appended to out
     * (nothing: AUTH is not offered); -1 with a message in err. tls:
     * the connection is encrypted. */
    int (*mechs)(void *ctx, bool tls, buf_t *out, buf_t *err);
    smtpd_auth_result_t (*start)(void *ctx, bool tls, const char *mech, bool has_initial,
                                 const void *initial, size_t len, buf_t *challenge,
                                 buf_t *reason);
    smtpd_auth_result_t (*step)(void *ctx, const void *resp, size_t len, buf_t *challenge,
                                buf_t *reason);
    /* After DONE: the login name. */
    const char *(*username)(void *ctx);
    /* Forget the exchange state (STARTTLS); may be NULL. */
    void (*reset)(void *ctx);
} smtpd_auth_t;

typedef struct smtpd_config {
    const char *myhostname;
    const char *banner;              /* text after "220 " */
    unsigned ext;                    /* SMTP_EXT_* announced after EHLO */
    uint64_t message_size_limit;     /* 0: no limit */
    unsigned recipient_limit;        /* 0: no limit */
    unsigned soft_error_limit;       /* 0: no slowing down */
    unsigned hard_error_limit;       /* 0: no limit */
    int error_sleep_ms;              /* smtpd_error_sleep_time */
    void (*sleep)(int ms);           /* NULL: nanosleep */
    bool disable_vrfy;
    bool helo_required;
    bool strict_rfc821_envelopes;
    bool forbid_unauth_pipelining;
    enum smtp_bare_lf bare_lf;
    size_t line_limit;
    int timeout_ms;                  /* negative: no timeout */
    const char *client_name;         /* for log lines */
    const char *client_addr;
    /* TLS (smtpd_tls_security_level, lib/tls). tls_level is an enum
     * tls_level: TLS_LEV_NONE (no STARTTLS), TLS_LEV_MAY (offered),
     * TLS_LEV_ENCRYPT (530 5.7.0 Must issue a STARTTLS command first for
     * everything but EHLO HELO STARTTLS NOOP RSET QUIT). A NULL tls_ctx at
     * may or encrypt answers STARTTLS with 454 4.7.0 TLS not available due
     * to local problem. tls_wrapper: handshake before the greeting (465). */
    struct tls_ctx *tls_ctx;
    int tls_level;
    bool tls_wrapper;
    /* SMTP AUTH (NULL: not offered; smtpd_sasl_auth_enable = no) */
    const smtpd_auth_t *auth;
    bool tls_auth_only;              /* smtpd_tls_auth_only */
    bool broken_sasl_auth_clients;   /* also announce "AUTH=..." */
    size_t sasl_response_limit;      /* smtpd_sasl_response_limit */
} smtpd_config_t;

/* Postfix's defaults: size limit 10240000, recipient limit 1000, error
 * limits 10/20, error sleep 1s, VRFY enabled, HELO not required, not strict, pipelining
 * enforcement on, bare newline "normalize", line limit 2048, timeout
 * 300s, all of PIPELINING SIZE ENHANCEDSTATUSCODES 8BITMIME DSN SMTPUTF8
 * CHUNKING announced. Host name "localhost", client "unknown[unknown]". */
void smtpd_config_defaults(smtpd_config_t *cfg);

/* The sink. Each check returns 0 to accept (the engine sends the usual
 * 250 reply) or -1 having put a complete reply into *reply with
 * smtp_reply_add(); an empty reply gets "451 4.3.0 Error: server local
 * error", and a 421 reply closes the session after it is sent. Any
 * callback may be NULL: accept / discard. */
typedef struct smtpd_sink {
    void *ctx;
    int (*mail_begin)(void *ctx, const smtp_mail_args_t *mail, buf_t *reply);
    int (*rcpt_check)(void *ctx, const smtp_rcpt_args_t *rcpt, buf_t *reply);
    /* Content lines as smtp/data.h passes them; negative: write error. */
    int (*data_line)(void *ctx, const char *text, size_t len, unsigned flags);
    /* The message is complete: queue it, put its id into *queue_id. */
    int (*data_end)(void *ctx, buf_t *queue_id, buf_t *reply);
    /* The transaction is abandoned (RSET, HELO/EHLO, refused content,
     * lost connection): forget the message. */
    void (*abort)(void *ctx);
    /* VRFY: accept gives "252 2.0.0 ADDRESS". */
    int (*vrfy)(void *ctx, const mail_addr_t *addr, buf_t *reply);
    /* DATA, or the first BDAT of a message, before the 354 reply or the
     * chunk is read: refuse (smtpd_data_restrictions) before the content.
     * A refused DATA keeps the envelope; a refused BDAT's chunks are read
     * and discarded, each answered with this reply. */
    int (*data_start)(void *ctx, buf_t *reply);
    /* Before each AUTH attempt (rate limits): -1 refuses with reply. */
    int (*auth_check)(void *ctx, buf_t *reply);
    /* After each failed AUTH attempt (535), with the mechanism. */
    void (*auth_failed)(void *ctx, const char *mech);
} smtpd_sink_t;

enum smtpd_end {
    SMTPD_END_QUIT,          /* client said QUIT */
    SMTPD_END_LOST,          /* end of input */
    SMTPD_END_TIMEOUT,       /* smtpd_timeout */
    SMTPD_END_IO_ERROR,      /* read or write error */
    SMTPD_END_ERRORS,        /* too many errors */
    SMTPD_END_PROTOCOL       /* pipelining violation, bad BDAT, 521 */
};

typedef struct smtpd_session smtpd_session_t;

/* cfg and sink are copied; the strings in cfg must outlive the session. */
smtpd_session_t *smtpd_session_new(const smtpd_config_t *cfg, const smtpd_sink_t *sink);
void smtpd_session_free(smtpd_session_t *s);

/* Runs one session from greeting to end. The stream's timeouts are set
 * from cfg. The stream is flushed but not closed. */
enum smtpd_end smtpd_session_run(smtpd_session_t *s, stream_t *st);

/* "ehlo=1 mail=1 rcpt=0/1 ... commands=3/4" as in the disconnect line. */
void smtpd_session_counts(const smtpd_session_t *s, buf_t *out);
/* The HELO/EHLO argument, NULL before any (for Received: and logs; a
 * sink reaches the session through its ctx). */
const char *smtpd_session_helo(const smtpd_session_t *s);
/* Messages queued in this session. */
unsigned smtpd_session_queued(const smtpd_session_t *s);
/* TLS: whether it is active (after STARTTLS or in wrapper mode), and what
 * was negotiated (NULL when not active). */
bool smtpd_session_tls_active(const smtpd_session_t *s);
const struct tls_info *smtpd_session_tls_info(const smtpd_session_t *s);
/* The Received: protocol name: SMTP after HELO, ESMTP after EHLO,
 * ESMTPS with TLS. */
const char *smtpd_session_protocol(const smtpd_session_t *s);
/* After a successful AUTH: the login and the mechanism, else NULL. */
const char *smtpd_session_sasl_username(const smtpd_session_t *s);
const char *smtpd_session_sasl_method(const smtpd_session_t *s);

#endif
