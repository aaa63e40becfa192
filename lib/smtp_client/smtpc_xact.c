/* smtpc_xact.c - MAIL/RCPT/DATA, pipelined or in lock-step, and the
 * content (see smtpc_xact.h). */
#include "smtp_client/smtpc_xact.h"
#include "smtp/xtext.h"
#include "smtp_client/smtpc_body.h"
#include "util/mem.h"

#include <string.h>

static void mail_command(const smtpc_session_t *ss, const smtpc_message_t *m,
                         buf_t *out)
{
    unsigned f = ss->ext.flags;

    buf_printf(out, "MAIL FROM:<%s>", m->sender);
    if ((f & SMTP_EXT_SIZE) && m->size > 0)
        buf_printf(out, " SIZE=%llu", m->size);
    if ((f & SMTP_EXT_8BITMIME) && m->eight_bit)
        buf_puts(out, " BODY=8BITMIME");
    if (f & SMTP_EXT_DSN) {
        if (m->ret == SMTP_RET_FULL)
            buf_puts(out, " RET=FULL");
        else if (m->ret == SMTP_RET_HDRS)
            buf_puts(out, " RET=HDRS");
        if (m->envid && m->envid[0]) {
            buf_puts(out, " ENVID=");
            xtext_encode(m->envid, strlen(m->envid), out);
        }
    }
}

static void notify_param(unsigned notify, buf_t *out)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {SMTP_NOTIFY_SUCCESS, "SUCCESS"}, {SMTP_NOTIFY_FAILURE, "FAILURE"},
        {SMTP_NOTIFY_DELAY, "DELAY"},
    };
    const char *sep = " NOTIFY=";

    if (notify & SMTP_NOTIFY_NEVER) {
        buf_puts(out, " NOTIFY=NEVER");
        return;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (notify & names[i].bit) {
            buf_printf(out, "%s%s", sep, names[i].name);
            sep = ",";
        }
    }
}

static void rcpt_command(const smtpc_session_t *ss, const smtpc_rcpt_t *r, buf_t *out)
{
    const char *semi;

    buf_printf(out, "RCPT TO:<%s>", r->addr);
    if (!(ss->ext.flags & SMTP_EXT_DSN))
        return;
    notify_param(r->notify, out);
    if (r->orcpt && (semi = strchr(r->orcpt, ';')) != NULL && semi > r->orcpt) {
        buf_puts(out, " ORCPT=");
        buf_append(out, r->orcpt, (size_t) (semi - r->orcpt + 1));
        xtext_encode(semi + 1, strlen(semi + 1), out);
    }
}

/* Sets every recipient still undecided (cls 0) to o. */
static void settle_open(smtpc_message_t *m, const smtpc_outcome_t *o)
{
    for (size_t i = 0; i < m->rcpt_count; i++)
        if (m->rcpts[i].result.cls == 0)
            smtpc_outcome_copy(&m->rcpts[i].result, o);
}

typedef struct xact {
    smtpc_session_t *ss;
    smtpc_message_t *m;
    smtpc_outcome_t fail;    /* why the conversation broke */
    bool mail_ok;
    size_t accepted;
} xact_t;

static int send_line(xact_t *x, const buf_t *line, int timeout, const char *while_text)
{
    stream_set_timeout(x->ss->s, timeout * 1000, timeout * 1000);
    if (stream_write(x->ss->s, line->data, line->len) < 0
        || stream_write(x->ss->s, "\r\n", 2) < 0) {
        x->ss->failure = stream_error(x->ss->s) == STREAM_ERR_TIMEOUT
                       ? SMTPC_READ_TIMEOUT : SMTPC_READ_LOST;
        smtpc_session_failed(x->ss, while_text, &x->fail);
        return -1;
    }
    return 0;
}

static int flush(xact_t *x, int timeout, const char *while_text)
{
    stream_set_timeout(x->ss->s, timeout * 1000, timeout * 1000);
    if (stream_flush(x->ss->s) < 0) {
        x->ss->failure = stream_error(x->ss->s) == STREAM_ERR_TIMEOUT
                       ? SMTPC_READ_TIMEOUT : SMTPC_READ_LOST;
        smtpc_session_failed(x->ss, while_text, &x->fail);
        return -1;
    }
    return 0;
}

static int mail_reply(xact_t *x)
{
    smtpc_outcome_t o;

    if (smtpc_read(x->ss, x->ss->p->t.mail, "sending MAIL FROM", &x->fail) < 0)
        return -1;
    if (smtpc_reply_class(&x->ss->reply) == 2) {
        x->mail_ok = true;
        return 0;
    }
    smtpc_outcome_init(&o);
    smtpc_outcome_reply(x->ss, "MAIL FROM", &o);
    settle_open(x->m, &o);
    smtpc_outcome_dispose(&o);
    return 0;
}

static int rcpt_reply(xact_t *x, smtpc_rcpt_t *r)
{
    if (smtpc_read(x->ss, x->ss->p->t.rcpt, "sending RCPT TO", &x->fail) < 0)
        return -1;
    if (!x->mail_ok)
        return 0;
    if (smtpc_reply_class(&x->ss->reply) == 2)
        x->accepted++;
    else
        smtpc_outcome_reply(x->ss, "RCPT TO", &r->result);
    return 0;
}

/* DATA was answered: 1 to send the content, 0 when not (recipients
 * settled), -1 on a broken session. After 354 with nothing to send, the
 * server gets an empty message's end ("."), whose reply is ignored. */
static int data_reply(xact_t *x)
{
    smtpc_outcome_t o;

    if (smtpc_read(x->ss, x->ss->p->t.data_init, "sending DATA command", &x->fail) < 0)
        return -1;
    if (smtpc_reply_class(&x->ss->reply) == 3 && x->accepted > 0 && x->mail_ok)
        return 1;
    if (smtpc_reply_class(&x->ss->reply) == 3) {
        if (smtpc_command(x->ss, ".", x->ss->p->t.data_done,
                          "sending end of data", &x->fail) < 0)
            return -1;
        return 0;
    }
    if (x->accepted > 0 && x->mail_ok) {
        smtpc_outcome_init(&o);
        smtpc_outcome_reply(x->ss, "DATA", &o);
        settle_open(x->m, &o);
        smtpc_outcome_dispose(&o);
    }
    return 0;
}

/* The content and the end of data; settles the accepted recipients. */
static int send_content(xact_t *x)
{
    smtpc_body_sink_t body;
    char *err = NULL;
    int rc;

    stream_set_timeout(x->ss->s, x->ss->p->t.data_xfer * 1000,
                       x->ss->p->t.data_xfer * 1000);
    smtpc_body_sink_init(&body, x->ss->s);
    rc = x->m->body(&body.base, x->m->body_ctx, &err);
    if (rc < 0 && !body.base.error) {
        smtpc_outcome_set(&x->fail, "4.3.0", "error reading the queued message: %s",
                          err ? err : "unknown error");
        x->ss->usable = false;
    } else if (rc < 0 || smtpc_body_sink_finish(&body) < 0) {
        x->ss->failure = stream_error(x->ss->s) == STREAM_ERR_TIMEOUT
                       ? SMTPC_READ_TIMEOUT : SMTPC_READ_LOST;
        smtpc_session_failed(x->ss, "sending message body", &x->fail);
        rc = -1;
    }
    xfree(err);
    smtpc_body_sink_dispose(&body);
    if (rc < 0)
        return -1;
    if (smtpc_read(x->ss, x->ss->p->t.data_done,
                   "sending end of data -- message may be sent more than once",
                   &x->fail) < 0)
        return -1;
    for (size_t i = 0; i < x->m->rcpt_count; i++) {
        smtpc_rcpt_t *r = &x->m->rcpts[i];

        if (r->result.cls != 0)
            continue;
        if (smtpc_reply_class(&x->ss->reply) == 2) {
            char dsn[16];

            smtpc_outcome_set(&r->result, smtpc_reply_dsn(&x->ss->reply, dsn),
                              "%s", x->ss->reply.text.data);
            r->result.relayed = (r->notify & SMTP_NOTIFY_SUCCESS)
                                && !(x->ss->ext.flags & SMTP_EXT_DSN);
            r->result.passed = r->notify != 0 && (x->ss->ext.flags & SMTP_EXT_DSN);
        } else {
            smtpc_outcome_reply(x->ss, "end of DATA", &r->result);
        }
    }
    x->ss->transactions++;
    return 0;
}

static int pipelined(xact_t *x)
{
    buf_t line = BUF_INIT;
    int rc = 0;

    mail_command(x->ss, x->m, &line);
    rc = send_line(x, &line, x->ss->p->t.mail, "sending MAIL FROM");
    for (size_t i = 0; rc == 0 && i < x->m->rcpt_count; i++) {
        buf_reset(&line);
        rcpt_command(x->ss, &x->m->rcpts[i], &line);
        rc = send_line(x, &line, x->ss->p->t.rcpt, "sending RCPT TO");
    }
    buf_set(&line, "DATA");
    if (rc == 0)
        rc = send_line(x, &line, x->ss->p->t.data_init, "sending DATA command");
    buf_dispose(&line);
    if (rc < 0 || flush(x, x->ss->p->t.mail, "sending MAIL FROM") < 0
        || mail_reply(x) < 0)
        return -1;
    for (size_t i = 0; i < x->m->rcpt_count; i++)
        if (rcpt_reply(x, &x->m->rcpts[i]) < 0)
            return -1;
    rc = data_reply(x);
    return rc <= 0 ? rc : send_content(x);
}

static int lock_step(xact_t *x)
{
    buf_t line = BUF_INIT;
    int rc;

    mail_command(x->ss, x->m, &line);
    rc = send_line(x, &line, x->ss->p->t.mail, "sending MAIL FROM") < 0
      || flush(x, x->ss->p->t.mail, "sending MAIL FROM") < 0 || mail_reply(x) < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && x->mail_ok && i < x->m->rcpt_count; i++) {
        buf_reset(&line);
        rcpt_command(x->ss, &x->m->rcpts[i], &line);
        if (send_line(x, &line, x->ss->p->t.rcpt, "sending RCPT TO") < 0
            || flush(x, x->ss->p->t.rcpt, "sending RCPT TO") < 0
            || rcpt_reply(x, &x->m->rcpts[i]) < 0)
            rc = -1;
    }
    buf_dispose(&line);
    if (rc < 0 || !x->mail_ok || x->accepted == 0)
        return rc;
    if (smtpc_command(x->ss, "DATA", x->ss->p->t.data_init, "sending DATA command",
                      &x->fail) < 0)
        return -1;
    if (smtpc_reply_class(&x->ss->reply) != 3) {
        smtpc_outcome_t o;

        smtpc_outcome_init(&o);
        smtpc_outcome_reply(x->ss, "DATA", &o);
        settle_open(x->m, &o);
        smtpc_outcome_dispose(&o);
        return 0;
    }
    return send_content(x);
}

static bool too_big(smtpc_session_t *ss, smtpc_message_t *m)
{
    smtpc_outcome_t o;

    if (!(ss->ext.flags & SMTP_EXT_SIZE) || ss->ext.size_limit == 0
        || m->size <= ss->ext.size_limit)
        return false;
    smtpc_outcome_init(&o);
    smtpc_outcome_set(&o, "5.3.4", "message size %llu exceeds size limit %llu of server %s",
                      m->size, (unsigned long long) ss->ext.size_limit, ss->name);
    settle_open(m, &o);
    smtpc_outcome_dispose(&o);
    return true;
}

int smtpc_transaction(smtpc_session_t *ss, smtpc_message_t *m)
{
    xact_t x = {ss, m, {0}, false, 0};
    int rc;

    if (too_big(ss, m))
        return ss->usable ? 0 : -1;
    smtpc_outcome_init(&x.fail);
    if (ss->ext.flags & SMTP_EXT_PIPELINING)
        rc = pipelined(&x);
    else
        rc = lock_step(&x);
    if (rc < 0 || x.fail.cls != 0)
        settle_open(m, &x.fail);
    smtpc_outcome_dispose(&x.fail);
    return rc < 0 || !ss->usable ? -1 : 0;
}
