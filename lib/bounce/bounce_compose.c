/* bounce_compose.c - the text of an RFC 3464 delivery status notification
 * built from a queue file (see bounce.h). Headers of the original message
 * come from its content records; nothing here writes files. */
#include "bounce/bounce.h"
#include "util/buf.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct out {
    bounce_line_fn fn;
    void *ctx;
    buf_t line;
};

static void emit(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void emit(struct out *o, const char *fmt, ...)
{
    va_list ap;

    buf_reset(&o->line);
    va_start(ap, fmt);
    buf_vprintf(&o->line, fmt, ap);
    va_end(ap);
    o->fn(o->ctx, o->line.data, o->line.len);
}

static void rfc822_date(char *out, size_t len, time_t when)
{
    struct tm tm;

    localtime_r(&when, &tm);
    strftime(out, len, "%a, %d %b %Y %H:%M:%S %z", &tm);
}

static const char *action_word(bounce_action_t a)
{
    switch (a) {
    case BOUNCE_DELAYED:
        return "delayed";
    case BOUNCE_DELIVERED:
        return "delivered";
    case BOUNCE_RELAYED:
        return "relayed";
    default:
        return "failed";
    }
}

static const char *subject_of(bounce_action_t a, int postmaster_copy)
{
    if (postmaster_copy)
        return a == BOUNCE_DELAYED ? "Postmaster Warning: Delayed Mail"
            : "Postmaster Copy: Undelivered Mail";
    switch (a) {
    case BOUNCE_DELAYED:
        return "Delayed Mail (still being retried)";
    case BOUNCE_DELIVERED:
    case BOUNCE_RELAYED:
        return "Successful Mail Delivery Report";
    default:
        return "Undelivered Mail Returned to Sender";
    }
}

/* Text lines of a diagnostic may not contain line breaks (they are kept
 * out of queue records already; be safe anyway). */
static void clean_copy(buf_t *b, const char *s)
{
    buf_reset(b);
    for (; s && *s; s++)
        buf_putc(b, (*s == '\r' || *s == '\n') ? ' ' : *s);
}

static void emit_human_part(struct out *o, bounce_action_t action,
                            const bounce_rcpt_t *rcpts, size_t n,
                            const bounce_params_t *p)
{
    buf_t t = BUF_INIT;

    emit(o, "Content-Description: Notification");
    emit(o, "Content-Type: text/plain; charset=us-ascii");
    emit(o, "%s", "");
    emit(o, "This is the mail system at host %s.", p->myhostname);
    emit(o, "%s", "");
    if (p->postmaster_copy) {
        emit(o, "This is a copy for the postmaster of a notice about a message");
        emit(o, "that %s. Its headers are attached below.",
             action == BOUNCE_DELAYED ? "could not be delivered for some time"
             : "could not be delivered");
    } else if (action == BOUNCE_FAILED) {
        emit(o, "I'm sorry to have to inform you that your message could not");
        emit(o, "be delivered to one or more recipients. It's attached below.");
    } else if (action == BOUNCE_DELAYED) {
        emit(o, "Your message could not be delivered for some time. It will");
        emit(o, "be retried until it is too old; you need not send it again.");
    } else if (action == BOUNCE_RELAYED) {
        emit(o, "Your message was passed on to the server(s) listed below,");
        emit(o, "which do not report deliveries themselves; this is the last");
        emit(o, "report on success you will get for these recipients.");
    } else {
        emit(o, "Your message was delivered to the destination(s) listed");
        emit(o, "below, as you asked for a report on successful delivery.");
    }
    emit(o, "%s", "");
    emit(o, "For further assistance, please send mail to postmaster.");
    emit(o, "%s", "");
    emit(o, "                   The mail system");
    emit(o, "%s", "");
    for (size_t i = 0; i < n; i++) {
        clean_copy(&t, rcpts[i].text);
        emit(o, "<%s>: %s", rcpts[i].address, t.data);
    }
    buf_dispose(&t);
}

static void emit_status_part(struct out *o, const qenvelope_t *env,
                             bounce_action_t action,
                             const bounce_rcpt_t *rcpts, size_t n,
                             const bounce_params_t *p)
{
    char date[64];
    buf_t t = BUF_INIT;

    emit(o, "Content-Description: Delivery report");
    emit(o, "Content-Type: message/delivery-status");
    emit(o, "%s", "");
    if (env->envid && *env->envid)
        emit(o, "Original-Envelope-Id: %s", env->envid);
    emit(o, "Reporting-MTA: dns; %s", p->myhostname);
    emit(o, "X-Postern-Queue-ID: %s", p->queue_id);
    emit(o, "X-Postern-Sender: rfc822; %s", env->sender);
    rfc822_date(date, sizeof(date), (time_t) env->arrival.tv_sec);
    emit(o, "Arrival-Date: %s", date);
    for (size_t i = 0; i < n; i++) {
        const bounce_rcpt_t *r = &rcpts[i];

        emit(o, "%s", "");
        emit(o, "Final-Recipient: rfc822; %s", r->address);
        if (r->dsn_orcpt && strchr(r->dsn_orcpt, ';'))
            emit(o, "Original-Recipient: %s", r->dsn_orcpt);
        else if (r->orig && strcmp(r->orig, r->address) != 0)
            emit(o, "Original-Recipient: rfc822; %s", r->orig);
        emit(o, "Action: %s", action_word(action));
        emit(o, "Status: %s", r->dsn);
        if (r->remote_mta)
            emit(o, "Remote-MTA: dns; %s", r->remote_mta);
        clean_copy(&t, r->text);
        emit(o, "Diagnostic-Code: %s; %s", r->smtp_reply ? "smtp" : "X-Postern", t.data);
        if (action == BOUNCE_DELAYED && p->retry_until > 0) {
            rfc822_date(date, sizeof(date), p->retry_until);
            emit(o, "Will-Retry-Until: %s", date);
        }
    }
    buf_dispose(&t);
}

/* Copies the original message: headers only, or everything. A header
 * section ends at the first empty line. Lines are passed as stored. */
static int emit_original(struct out *o, qfile_t *qf, int headers_only,
                         char **err)
{
    const qenvelope_t *env = qfile_envelope(qf);
    qrecord_t rec;
    buf_t line = BUF_INIT;
    int rc, in_headers = 1;

    qfile_seek(qf, env->size.content_offset);
    while ((rc = qfile_next(qf, &rec, err)) == 1) {
        if (rec.type == QREC_PARTIAL) {
            buf_append(&line, rec.data, rec.len);
            continue;
        }
        if (rec.type == QREC_XTRACT || rec.type == QREC_END)
            break;
        if (rec.type != QREC_LINE)
            continue;
        buf_append(&line, rec.data, rec.len);
        if (in_headers && line.len == 0) {
            in_headers = 0;
            if (headers_only)
                break;
        }
        o->fn(o->ctx, line.data, line.len);
        buf_reset(&line);
    }
    if (rc == 1 && line.len && !headers_only)
        o->fn(o->ctx, line.data, line.len);   /* no final newline */
    buf_dispose(&line);
    return rc < 0 ? -1 : 0;
}

int bounce_compose(qfile_t *qf, bounce_action_t action,
                   const bounce_rcpt_t *rcpts, size_t n,
                   const bounce_params_t *p, bounce_line_fn fn, void *ctx,
                   char **err)
{
    const qenvelope_t *env = qfile_envelope(qf);
    struct out o = {fn, ctx, BUF_INIT};
    char date[64], boundary[160];
    int headers_only;
    int rc;

    headers_only = env->ret == QDSN_RET_HDRS || action != BOUNCE_FAILED || p->postmaster_copy
        || (p->size_limit > 0 && env->size.message_size > p->size_limit);
    snprintf(boundary, sizeof(boundary), "%s.%lld/%s", p->queue_id,
             (long long) p->now, p->myhostname);
    rfc822_date(date, sizeof(date), p->now);

    emit(&o, "Date: %s", date);
    emit(&o, "From: MAILER-DAEMON@%s (Mail Delivery System)", p->myhostname);
    emit(&o, "Subject: %s", subject_of(action, p->postmaster_copy));
    emit(&o, "To: %s", p->recipient ? p->recipient : env->sender);
    if (p->message_id)
        emit(&o, "Message-Id: <%s>", p->message_id);
    emit(&o, "Auto-Submitted: auto-replied");
    emit(&o, "MIME-Version: 1.0");
    emit(&o, "Content-Type: multipart/report; report-type=delivery-status;");
    emit(&o, "\tboundary=\"%s\"", boundary);
    emit(&o, "Content-Transfer-Encoding: 7bit");
    emit(&o, "%s", "");
    emit(&o, "This is a MIME-encapsulated message.");
    emit(&o, "%s", "");
    emit(&o, "--%s", boundary);
    emit_human_part(&o, action, rcpts, n, p);
    emit(&o, "%s", "");
    emit(&o, "--%s", boundary);
    emit_status_part(&o, env, action, rcpts, n, p);
    emit(&o, "%s", "");
    emit(&o, "--%s", boundary);
    emit(&o, "Content-Description: %s%s", action == BOUNCE_DELAYED ? "Delayed Message"
         : action == BOUNCE_DELIVERED || action == BOUNCE_RELAYED ? "Delivered Message"
         : "Undelivered Message",
         headers_only ? " Headers" : "");
    emit(&o, "Content-Type: %s", headers_only ? "text/rfc822-headers" : "message/rfc822");
    emit(&o, "%s", "");
    rc = emit_original(&o, qf, headers_only, err);
    if (rc == 0) {
        emit(&o, "%s", "");
        emit(&o, "--%s--", boundary);
    }
    buf_dispose(&o.line);
    return rc;
}
