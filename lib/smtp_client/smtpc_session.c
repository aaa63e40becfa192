/* smtpc_session.c - greeting, EHLO/HELO, RSET, QUIT and the command/reply
 * step with per-phase timeouts (see smtpc_session.h). */
#include "smtp_client/smtpc_session.h"
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void smtpc_outcome_init(smtpc_outcome_t *o)
{
    memset(o, 0, sizeof(*o));
    buf_init(&o->text);
}

void smtpc_outcome_dispose(smtpc_outcome_t *o)
{
    buf_dispose(&o->text);
}

void smtpc_outcome_set(smtpc_outcome_t *o, const char *dsn, const char *fmt, ...)
{
    va_list ap;

    snprintf(o->dsn, sizeof(o->dsn), "%s", dsn);
    o->cls = dsn[0] - '0';
    o->relayed = o->passed = o->try_next = o->try_plain = false;
    buf_reset(&o->text);
    va_start(ap, fmt);
    buf_vprintf(&o->text, fmt, ap);
    va_end(ap);
}

void smtpc_outcome_copy(smtpc_outcome_t *to, const smtpc_outcome_t *from)
{
    to->cls = from->cls;
    memcpy(to->dsn, from->dsn, sizeof(to->dsn));
    buf_set(&to->text, from->text.data ? from->text.data : "");
    to->relayed = from->relayed;
    to->passed = from->passed;
    to->try_next = from->try_next;
    to->try_plain = from->try_plain;
}

void smtpc_session_init(smtpc_session_t *ss, stream_t *s, const smtpc_params_t *p,
                        const char *host, const char *addr, const char *port)
{
    buf_t b = BUF_INIT;

    memset(ss, 0, sizeof(*ss));
    ss->s = s;
    ss->p = p;
    buf_printf(&b, "%s[%s]", host, addr);
    ss->name = buf_detach(&b);
    buf_printf(&b, "%s[%s]:%s", host, addr, port);
    ss->relay = buf_detach(&b);
    smtpc_ext_init(&ss->ext);
    smtpc_reply_init(&ss->reply);
    ss->usable = true;
}

void smtpc_session_dispose(smtpc_session_t *ss)
{
    stream_close(ss->s);
    ss->s = NULL;
    xfree(ss->name);
    xfree(ss->relay);
    xfree(ss->failure_text);
    smtpc_ext_dispose(&ss->ext);
    smtpc_reply_dispose(&ss->reply);
    ss->name = ss->relay = ss->failure_text = NULL;
}

void smtpc_session_failed(smtpc_session_t *ss, const char *while_text,
                          smtpc_outcome_t *out)
{
    ss->usable = false;
    switch (ss->failure) {
    case SMTPC_READ_TIMEOUT:
        smtpc_outcome_set(out, "4.4.2", "conversation with %s timed out while %s",
                          ss->name, while_text);
        break;
    case SMTPC_READ_MALFORMED:
        smtpc_outcome_set(out, "4.5.0", "remote protocol error with %s while %s: %s",
                          ss->name, while_text, ss->failure_text);
        break;
    default:
        smtpc_outcome_set(out, "4.4.2", "lost connection with %s while %s",
                          ss->name, while_text);
        break;
    }
    out->try_next = true;
}

void smtpc_outcome_reply(smtpc_session_t *ss, const char *cmd, smtpc_outcome_t *out)
{
    char dsn[16];
    int cls = smtpc_reply_class(&ss->reply);

    if (cls == 2 || cls == 3)
        snprintf(dsn, sizeof(dsn), "4.5.0");
    else
        smtpc_reply_dsn(&ss->reply, dsn);
    smtpc_outcome_set(out, dsn, "host %s said: %s (in reply to %s command)",
                      ss->name, ss->reply.text.data, cmd);
}

int smtpc_read(smtpc_session_t *ss, int timeout, const char *while_text,
               smtpc_outcome_t *out)
{
    stream_set_timeout(ss->s, timeout * 1000, timeout * 1000);
    xfree(ss->failure_text);
    ss->failure_text = NULL;
    if (smtpc_reply_read(ss->s, &ss->reply, &ss->failure, &ss->failure_text) == 0)
        return 0;
    smtpc_session_failed(ss, while_text, out);
    return -1;
}

int smtpc_command(smtpc_session_t *ss, const char *line, int timeout,
                  const char *while_text, smtpc_outcome_t *out)
{
    stream_set_timeout(ss->s, timeout * 1000, timeout * 1000);
    if (stream_puts(ss->s, line) < 0 || stream_write(ss->s, "\r\n", 2) < 0
        || stream_flush(ss->s) < 0) {
        ss->failure = stream_error(ss->s) == STREAM_ERR_TIMEOUT
                    ? SMTPC_READ_TIMEOUT : SMTPC_READ_LOST;
        smtpc_session_failed(ss, while_text, out);
        return -1;
    }
    return smtpc_read(ss, timeout, while_text, out);
}

static int helo(smtpc_session_t *ss, smtpc_outcome_t *out)
{
    buf_t cmd = BUF_INIT;
    int rc;

    buf_printf(&cmd, "HELO %s", ss->p->helo_name);
    rc = smtpc_command(ss, cmd.data, ss->p->t.helo, "performing the HELO handshake", out);
    buf_dispose(&cmd);
    if (rc < 0)
        return -1;
    if (smtpc_reply_class(&ss->reply) != 2) {
        smtpc_outcome_reply(ss, "HELO", out);
        out->try_next = out->cls == 4;
        return -1;
    }
    ss->esmtp = false;
    smtpc_ext_parse(&ss->ext, "");
    return 0;
}

int smtpc_session_ehlo(smtpc_session_t *ss, smtpc_outcome_t *out)
{
    buf_t cmd = BUF_INIT;
    int rc;

    buf_printf(&cmd, "EHLO %s", ss->p->helo_name);
    rc = smtpc_command(ss, cmd.data, ss->p->t.helo, "performing the EHLO handshake", out);
    buf_dispose(&cmd);
    if (rc < 0)
        return -1;
    if (smtpc_reply_class(&ss->reply) == 5)
        return helo(ss, out);
    if (smtpc_reply_class(&ss->reply) != 2) {
        smtpc_outcome_reply(ss, "EHLO", out);
        out->try_next = true;
        return -1;
    }
    ss->esmtp = true;
    smtpc_ext_parse(&ss->ext, ss->reply.lines.data);
    return 0;
}

int smtpc_session_start(smtpc_session_t *ss, smtpc_outcome_t *out)
{
    char dsn[16];

    if (smtpc_read(ss, ss->p->t.helo, "receiving the initial server greeting", out) < 0)
        return -1;
    if (smtpc_reply_class(&ss->reply) != 2) {
        smtpc_reply_dsn(&ss->reply, dsn);
        if (dsn[0] != '4' && dsn[0] != '5')
            snprintf(dsn, sizeof(dsn), "4.5.0");
        if (dsn[0] == '5' && ss->p->skip_5xx_greeting)
            dsn[0] = '4';
        smtpc_outcome_set(out, dsn, "host %s refused to talk to me: %s",
                          ss->name, ss->reply.text.data);
        out->try_next = out->cls == 4;
        return -1;
    }
    if (ss->p->never_send_ehlo)
        return helo(ss, out);
    return smtpc_session_ehlo(ss, out);
}

int smtpc_session_rset(smtpc_session_t *ss)
{
    smtpc_outcome_t o;
    int rc;

    smtpc_outcome_init(&o);
    rc = smtpc_command(ss, "RSET", ss->p->t.helo, "sending RSET", &o);
    smtpc_outcome_dispose(&o);
    if (rc < 0 || smtpc_reply_class(&ss->reply) != 2) {
        ss->usable = false;
        return -1;
    }
    return 0;
}

void smtpc_session_quit(smtpc_session_t *ss)
{
    smtpc_outcome_t o;

    if (!ss->usable)
        return;
    smtpc_outcome_init(&o);
    (void) smtpc_command(ss, "QUIT", ss->p->t.quit, "sending QUIT", &o);
    smtpc_outcome_dispose(&o);
    ss->usable = false;
}
