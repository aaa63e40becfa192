/* session_cmds.c - smtpd command handlers other than DATA and BDAT:
 * HELO, EHLO, MAIL, RCPT, RSET, NOOP, VRFY, QUIT. Each returns 0 after a
 * 2xx reply and -1 after a 4xx/5xx reply (counted as an error). */
#include "session_impl.h"

#include <inttypes.h>
#include <stdio.h>

#include "util/mem.h"

static int fail(smtpd_session_t *s, enum smtp_reply_id id)
{
    smtpd_reply_std(s, id);
    return -1;
}

static int greet(smtpd_session_t *s, const char *args, size_t len, bool ehlo)
{
    if (len == 0)
        return fail(s, ehlo ? SMTP_R_SYNTAX_EHLO : SMTP_R_SYNTAX_HELO);
    smtpd_reset_transaction(s);
    buf_reset(&s->helo);
    buf_append(&s->helo, args, len);
    s->helo_seen = true;
    s->ehlo_seen = ehlo;
    return 0;
}

int smtpd_cmd_helo(smtpd_session_t *s, const char *args, size_t len)
{
    if (greet(s, args, len, false) < 0)
        return -1;
    smtp_reply_add(&s->out, 250, NULL, "%s", s->cfg.myhostname);
    smtpd_send_out(s);
    return 0;
}

int smtpd_cmd_ehlo(smtpd_session_t *s, const char *args, size_t len)
{
    const char *lines[16];
    char size_line[64];
    unsigned ext = s->cfg.ext;
    size_t n = 0;
    buf_t auth_line = BUF_INIT, auth_compat = BUF_INIT;

    if (greet(s, args, len, true) < 0)
        return -1;
    lines[n++] = s->cfg.myhostname;
    if (ext & SMTP_EXT_PIPELINING)
        lines[n++] = "PIPELINING";
    if (ext & SMTP_EXT_SIZE) {
        if (s->cfg.message_size_limit)
            snprintf(size_line, sizeof(size_line), "SIZE %" PRIu64, s->cfg.message_size_limit);
        else
            snprintf(size_line, sizeof(size_line), "SIZE");
        lines[n++] = size_line;
    }
    if (!s->cfg.disable_vrfy)
        lines[n++] = "VRFY";
    if (smtpd_tls_offered(s))
        lines[n++] = "STARTTLS";
    smtpd_auth_ehlo(s, lines, &n, &auth_line, &auth_compat);
    if (ext & SMTP_EXT_ENHANCEDSTATUSCODES)
        lines[n++] = "ENHANCEDSTATUSCODES";
    if (ext & SMTP_EXT_8BITMIME)
        lines[n++] = "8BITMIME";
    if (ext & SMTP_EXT_DSN)
        lines[n++] = "DSN";
    if (ext & SMTP_EXT_SMTPUTF8)
        lines[n++] = "SMTPUTF8";
    if (ext & SMTP_EXT_CHUNKING)
        lines[n++] = "CHUNKING";
    smtp_reply_lines(&s->out, 250, NULL, lines, n);
    smtpd_send_out(s);
    buf_dispose(&auth_line);
    buf_dispose(&auth_compat);
    return 0;
}

static unsigned parse_opts(const smtpd_session_t *s)
{
    return s->cfg.strict_rfc821_envelopes ? SMTP_PARSE_STRICT : 0;
}

int smtpd_cmd_mail(smtpd_session_t *s, const char *args, size_t len)
{
    if (s->cfg.helo_required && !s->helo_seen)
        return fail(s, SMTP_R_NEED_HELO);
    if (s->bdat_active)
        return fail(s, SMTP_R_MAIL_AFTER_BDAT);
    if (s->in_mail)
        return fail(s, SMTP_R_NESTED_MAIL);
    if (smtp_mail_parse(args, len, smtpd_ext(s), parse_opts(s), &s->mail, &s->reply) < 0) {
        smtpd_reply_sink(s);
        return -1;
    }
    if (s->mail.has_size && s->cfg.message_size_limit
        && s->mail.size > s->cfg.message_size_limit)
        return fail(s, SMTP_R_SIZE_FIXED);
    if (s->sink.mail_begin && s->sink.mail_begin(s->sink.ctx, &s->mail, &s->reply) < 0) {
        smtpd_reply_sink(s);
        return -1;
    }
    buf_reset(&s->reply);
    s->in_mail = true;
    s->rcpt_count = 0;
    smtpd_reply_std(s, SMTP_R_MAIL_OK);
    return 0;
}

int smtpd_cmd_rcpt(smtpd_session_t *s, const char *args, size_t len)
{
    unsigned opts = parse_opts(s);

    if (!s->in_mail)
        return fail(s, SMTP_R_NEED_MAIL);
    if (s->bdat_active)
        return fail(s, SMTP_R_RCPT_AFTER_BDAT);
    if (s->mail.smtputf8)
        opts |= SMTP_PARSE_SMTPUTF8;
    if (smtp_rcpt_parse(args, len, smtpd_ext(s), opts, &s->rcpt, &s->reply) < 0) {
        smtpd_reply_sink(s);
        return -1;
    }
    if (s->cfg.recipient_limit && s->rcpt_count >= s->cfg.recipient_limit)
        return fail(s, SMTP_R_TOO_MANY_RCPT);
    if (s->sink.rcpt_check && s->sink.rcpt_check(s->sink.ctx, &s->rcpt, &s->reply) < 0) {
        smtpd_reply_sink(s);
        return -1;
    }
    buf_reset(&s->reply);
    s->rcpt_count++;
    smtpd_reply_std(s, SMTP_R_RCPT_OK);
    return 0;
}

int smtpd_cmd_rset(smtpd_session_t *s, const char *args, size_t len)
{
    (void) args;
    if (len != 0)
        return fail(s, SMTP_R_SYNTAX_RSET);
    smtpd_reset_transaction(s);
    smtpd_reply_std(s, SMTP_R_OK);
    return 0;
}

int smtpd_cmd_noop(smtpd_session_t *s, const char *args, size_t len)
{
    (void) args;
    (void) len;
    smtpd_reply_std(s, SMTP_R_OK);
    return 0;
}

int smtpd_cmd_vrfy(smtpd_session_t *s, const char *args, size_t len)
{
    mail_addr_t addr;
    char *err = NULL;
    int rc = 0;

    if (s->cfg.disable_vrfy)
        return fail(s, SMTP_R_VRFY_DISABLED);
    if (len == 0)
        return fail(s, SMTP_R_SYNTAX_VRFY);
    mail_addr_init(&addr);
    if (mail_addr_parse_path(args, len, MAIL_ADDR_OPT_UTF8, &addr, NULL, &err) < 0
        || (addr.flags & MAIL_ADDR_F_NULL)) {
        rc = fail(s, SMTP_R_BAD_RCPT);
    } else if (s->sink.vrfy && s->sink.vrfy(s->sink.ctx, &addr, &s->reply) < 0) {
        smtpd_reply_sink(s);
        rc = -1;
    } else {
        buf_reset(&s->reply);
        smtp_reply_add(&s->out, 252, "2.0.0", "%s", addr.addr.data);
        smtpd_send_out(s);
    }
    xfree(err);
    mail_addr_dispose(&addr);
    return rc;
}

int smtpd_cmd_quit(smtpd_session_t *s, const char *args, size_t len)
{
    (void) args;
    (void) len;
    smtpd_reply_std(s, SMTP_R_BYE);
    s->closing = true;
    s->end = SMTPD_END_QUIT;
    return 0;
}
