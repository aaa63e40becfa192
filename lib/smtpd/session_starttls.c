/* session_starttls.c - STARTTLS (RFC 3207) and wrapper-mode TLS in the
 * smtpd session engine: the command, what EHLO announces, the
 * "530 5.7.0 Must issue a STARTTLS command first" gate at level encrypt,
 * forgetting the pre-TLS session state, and the TLS accessors.
 *
 * Plaintext input pipelined after STARTTLS is discarded before the
 * handshake (lib/tls does it), so a command injected there is never
 * executed inside TLS. A failed handshake ends the session (the client
 * saw a broken TLS stream): "SSL_accept error from NAME[ADDR]: REASON",
 * then "lost connection after STARTTLS from NAME[ADDR]". */
#include "session_impl.h"

#include "tls/tls.h"
#include "util/mem.h"
#include "util/msg.h"

static int reply(smtpd_session_t *s, int code, const char *enh, const char *text)
{
    smtp_reply_add(&s->out, code, enh, "%s", text);
    smtpd_send_out(s);
    return code < 400 ? 0 : -1;
}

bool smtpd_tls_offered(const smtpd_session_t *s)
{
    return s->tls == NULL && !s->cfg.tls_wrapper && s->cfg.tls_level >= TLS_LEV_MAY;
}

bool smtpd_session_tls_active(const smtpd_session_t *s)
{
    return s->tls != NULL;
}

const struct tls_info *smtpd_session_tls_info(const smtpd_session_t *s)
{
    return s->tls ? tls_conn_info(s->tls) : NULL;
}

const char *smtpd_session_protocol(const smtpd_session_t *s)
{
    if (!s->ehlo_seen)
        return "SMTP";
    return s->tls ? "ESMTPS" : "ESMTP";
}

void smtpd_session_forget(smtpd_session_t *s)
{
    smtpd_reset_transaction(s);
    buf_reset(&s->helo);
    s->helo_seen = false;
    s->ehlo_seen = false;
    smtpd_auth_forget(s);
}

bool smtpd_tls_refused_before_starttls(smtpd_session_t *s, enum smtpd_counter cmd)
{
    if (s->tls != NULL || s->cfg.tls_level < TLS_LEV_ENCRYPT)
        return false;
    switch (cmd) {
    case CNT_HELO:
    case CNT_EHLO:
    case CNT_STARTTLS:
    case CNT_NOOP:
    case CNT_RSET:
    case CNT_QUIT:
        return false;
    default:
        reply(s, 530, "5.7.0", "Must issue a STARTTLS command first");
        return true;
    }
}

/* Runs the server handshake; on failure logs and ends the session. */
static int handshake(smtpd_session_t *s)
{
    char *err = NULL;

    s->tls = tls_server_start(s->cfg.tls_ctx, s->st, s->cfg.client_name, s->cfg.client_addr,
                              &err);
    if (s->tls != NULL)
        return 0;
    msg_info("SSL_accept error from %s[%s]: %s", s->cfg.client_name, s->cfg.client_addr, err);
    msg_info("lost connection after %s from %s[%s]", s->where, s->cfg.client_name,
             s->cfg.client_addr);
    xfree(err);
    s->closing = true;
    s->end = SMTPD_END_PROTOCOL;
    return -1;
}

int smtpd_cmd_starttls(smtpd_session_t *s, const char *args, size_t len)
{
    (void) args;
    if (s->cfg.tls_level < TLS_LEV_MAY && s->tls == NULL) {
        smtpd_reply_std(s, SMTP_R_UNRECOGNIZED);
        return -1;
    }
    if (s->tls != NULL)
        return reply(s, 554, "5.5.1", "Error: TLS already active");
    if (len != 0)
        return reply(s, 501, "5.5.4", "Syntax: STARTTLS");
    if (s->in_mail)
        return reply(s, 503, "5.5.1", "Error: MAIL transaction in progress");
    if (s->cfg.tls_ctx == NULL)
        return reply(s, 454, "4.7.0", "TLS not available due to local problem");
    reply(s, 220, "2.0.0", "Ready to start TLS");
    if (stream_flush(s->st) < 0) {
        s->closing = true;
        s->end = SMTPD_END_IO_ERROR;
        return -1;
    }
    if (handshake(s) < 0)
        return -1;
    smtpd_session_forget(s);
    return 0;
}

int smtpd_tls_wrapper_start(smtpd_session_t *s)
{
    if (s->cfg.tls_ctx == NULL) {
        msg_warn("TLS wrapper mode without a usable TLS context: dropping %s[%s]",
                 s->cfg.client_name, s->cfg.client_addr);
        s->closing = true;
        s->end = SMTPD_END_PROTOCOL;
        return -1;
    }
    return handshake(s);
}

void smtpd_tls_received_lines(const smtpd_session_t *s, buf_t *out)
{
    buf_t text = BUF_INIT;

    if (s->tls == NULL)
        return;
    tls_info_describe(tls_conn_info(s->tls), &text);
    buf_printf(out, "\t(using %s)\n\t(No client certificate requested)\n", text.data);
    buf_dispose(&text);
}
