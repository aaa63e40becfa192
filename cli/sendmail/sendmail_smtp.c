/* sendmail_smtp.c - "sendmail -bs" (see sendmail_smtp.h): the smtpd
 * session engine with a sink that writes maildrop files. Sink failures
 * become SMTP replies; only a broken standard input/output ends the
 * session early. */
#include "sendmail_smtp.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "queue/qwriter.h"
#include "sendmail_maildrop.h"
#include "session_impl.h"
#include "smtp/reply.h"
#include "smtpd_session.h"
#include "util/fd_relay.h"
#include "util/mem.h"
#include "util/msg.h"

struct drop_rcpt {
    char *address;
    char *orcpt;               /* "type;addr" or NULL */
    int notify;                /* QDSN_NOTIFY_* */
};

struct drop_sink {
    const queue_t *q;
    const char *myhostname;
    const smtpd_session_t *session;
    buf_t sender;
    int ret;
    char *envid;
    struct drop_rcpt *rcpts;
    size_t rcpt_count;
    qwriter_t *w;
    bool failed;
};

static void drop_reset(struct drop_sink *d)
{
    for (size_t i = 0; i < d->rcpt_count; i++) {
        xfree(d->rcpts[i].address);
        xfree(d->rcpts[i].orcpt);
    }
    xfree(d->rcpts);
    d->rcpts = NULL;
    d->rcpt_count = 0;
    xfree(d->envid);
    d->envid = NULL;
    d->ret = 0;
    buf_reset(&d->sender);
    if (d->w != NULL)
        qwriter_free(d->w);    /* uncommitted: removed */
    d->w = NULL;
    d->failed = false;
}

static int drop_mail(void *ctx, const smtp_mail_args_t *mail, buf_t *reply)
{
    struct drop_sink *d = ctx;

    (void) reply;
    drop_reset(d);
    buf_append(&d->sender, mail->sender.addr.data, mail->sender.addr.len);
    d->ret = mail->ret == SMTP_RET_FULL ? QDSN_RET_FULL
             : mail->ret == SMTP_RET_HDRS ? QDSN_RET_HDRS : 0;
    if (mail->has_envid)
        d->envid = xstrndup(mail->envid.data, mail->envid.len);
    return 0;
}

static int notify_bits(unsigned smtp)
{
    return (smtp & SMTP_NOTIFY_NEVER ? QDSN_NOTIFY_NEVER : 0)
           | (smtp & SMTP_NOTIFY_SUCCESS ? QDSN_NOTIFY_SUCCESS : 0)
           | (smtp & SMTP_NOTIFY_FAILURE ? QDSN_NOTIFY_FAILURE : 0)
           | (smtp & SMTP_NOTIFY_DELAY ? QDSN_NOTIFY_DELAY : 0);
}

static int drop_rcpt(void *ctx, const smtp_rcpt_args_t *rcpt, buf_t *reply)
{
    struct drop_sink *d = ctx;
    struct drop_rcpt *r;

    (void) reply;
    d->rcpts = xrealloc(d->rcpts, (d->rcpt_count + 1) * sizeof(*d->rcpts));
    r = &d->rcpts[d->rcpt_count++];
    r->address = xstrndup(rcpt->rcpt.addr.data, rcpt->rcpt.addr.len);
    r->orcpt = NULL;
    if (rcpt->has_orcpt) {
        buf_t o = BUF_INIT;

        buf_printf(&o, "%s;%s", rcpt->orcpt_type.data, rcpt->orcpt_addr.data);
        r->orcpt = buf_detach(&o);
    }
    r->notify = notify_bits(rcpt->notify);
    return 0;
}

static void put_text_lines(qwriter_t *w, const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t len = nl ? (size_t) (nl - text) : strlen(text);

        qwriter_put_line(w, text, len);
        text += len + (nl != NULL);
    }
}

/* Postfix's Received: shape for a stand-alone smtpd session. */
static void put_received(struct drop_sink *d)
{
    const char *helo = smtpd_session_helo(d->session);
    buf_t h = BUF_INIT;
    char date[64];
    time_t now = time(NULL);
    struct tm tm;

    if (localtime_r(&now, &tm) == NULL
        || strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z (%Z)", &tm) == 0)
        snprintf(date, sizeof(date), "Thu, 01 Jan 1970 00:00:00 +0000");
    buf_printf(&h, "Received: from %s (localhost [127.0.0.1])\n", helo ? helo : "localhost");
    buf_printf(&h, "\tby %s (Postern) with %s id %s", d->myhostname,
               smtpd_ext(d->session) != 0 ? "ESMTP" : "SMTP", qwriter_id(d->w));
    if (d->rcpt_count == 1)
        buf_printf(&h, "\n\tfor <%s>", d->rcpts[0].address);
    buf_printf(&h, "; %s", date);
    put_text_lines(d->w, h.data);
    buf_dispose(&h);
}

/* The maildrop file, its envelope and our header: 0 or -1 (warned). */
static int drop_open(struct drop_sink *d)
{
    struct timeval now;
    char *err = NULL;

    if ((d->w = qwriter_create(d->q, QUEUE_MAILDROP, &err)) == NULL) {
        msg_warn("cannot create a file in %s/%s: %s", queue_root(d->q), QUEUE_MAILDROP, err);
        xfree(err);
        return -1;
    }
    gettimeofday(&now, NULL);
    qwriter_put_time(d->w, QREC_TIME, &now);
    qwriter_put_sender(d->w, d->sender.data ? d->sender.data : "");
    if (d->envid)
        qwriter_put_envid(d->w, d->envid);
    if (d->ret)
        qwriter_put_ret(d->w, d->ret);
    for (size_t i = 0; i < d->rcpt_count; i++)
        qwriter_put_rcpt(d->w, d->rcpts[i].address, NULL, d->rcpts[i].orcpt,
                         d->rcpts[i].notify);
    qwriter_begin_content(d->w);
    put_received(d);
    return 0;
}

static int drop_line(void *ctx, const char *text, size_t len, unsigned flags)
{
    struct drop_sink *d = ctx;

    if (d->failed)
        return -1;
    if (d->w == NULL && drop_open(d) < 0) {
        d->failed = true;
        return -1;
    }
    if (flags & SMTP_DATA_PARTIAL)
        qwriter_put_partial(d->w, text, len);
    else
        qwriter_put_line(d->w, text, len);
    return 0;
}

static int drop_end(void *ctx, buf_t *queue_id, buf_t *reply)
{
    struct drop_sink *d = ctx;
    char *err = NULL;

    if (d->w == NULL && (d->failed || drop_open(d) < 0)) {
        smtp_reply_add(reply, 451, "4.3.0", "Error: queue file write error");
        return -1;
    }
    qwriter_end_content(d->w);
    if (qwriter_commit(d->w, &err) < 0) {
        msg_warn("maildrop queue file write error: %s", err);
        xfree(err);
        smtp_reply_add(reply, 451, "4.3.0", "Error: queue file write error");
        return -1;
    }
    buf_puts(queue_id, qwriter_id(d->w));
    sendmail_make_readable(d->q, qwriter_id(d->w));
    sendmail_wake_pickup(d->q);
    qwriter_free(d->w);
    d->w = NULL;
    drop_reset(d);
    return 0;
}

static void drop_abort(void *ctx)
{
    drop_reset(ctx);
}

static int ms_from_seconds(long seconds)
{
    return seconds > INT_MAX / 1000 ? INT_MAX : seconds < 0 ? -1 : (int) (seconds * 1000);
}

static unsigned cfg_count(const char *name)
{
    long v = cfg_int(name);

    return v <= 0 ? 0 : v > (long) UINT_MAX ? UINT_MAX : (unsigned) v;
}

static void session_config(smtpd_config_t *cfg)
{
    long long size = cfg_size("message_size_limit");
    long line_limit = cfg_int("line_length_limit");

    smtpd_config_defaults(cfg);
    cfg->myhostname = cfg_str("myhostname");
    cfg->banner = cfg_str("smtpd_banner");
    cfg->message_size_limit = size > 0 ? (uint64_t) size : 0;
    cfg->recipient_limit = cfg_count("smtpd_recipient_limit");
    cfg->soft_error_limit = cfg_count("smtpd_soft_error_limit");
    cfg->hard_error_limit = cfg_count("smtpd_hard_error_limit");
    cfg->error_sleep_ms = ms_from_seconds(cfg_time("smtpd_error_sleep_time"));
    cfg->disable_vrfy = cfg_bool("disable_vrfy_command");
    cfg->helo_required = cfg_bool("smtpd_helo_required");
    cfg->strict_rfc821_envelopes = cfg_bool("strict_rfc821_envelopes");
    cfg->forbid_unauth_pipelining = false;
    if (smtp_bare_lf_parse(cfg_str("smtpd_forbid_bare_newline"), &cfg->bare_lf) < 0)
        msg_fatal_status(EX_CONFIG, "bad smtpd_forbid_bare_newline value: %s",
                         cfg_str("smtpd_forbid_bare_newline"));
    if (line_limit > 0)
        cfg->line_limit = (size_t) line_limit;
    cfg->timeout_ms = ms_from_seconds(cfg_time("smtpd_timeout"));
    cfg->client_name = "localhost";
    cfg->client_addr = "127.0.0.1";
}

int sendmail_smtp(const queue_t *q)
{
    struct drop_sink d;
    smtpd_sink_t sink = {0};
    smtpd_config_t cfg;
    smtpd_session_t *session;
    stream_t *st;
    enum smtpd_end end;
    char *err = NULL;
    pid_t relay;
    int fd, relay_status;

    memset(&d, 0, sizeof(d));
    d.q = q;
    d.myhostname = cfg_str("myhostname");
    buf_init(&d.sender);
    session_config(&cfg);
    sink.ctx = &d;
    sink.mail_begin = drop_mail;
    sink.rcpt_check = drop_rcpt;
    sink.data_line = drop_line;
    sink.data_end = drop_end;
    sink.abort = drop_abort;
    if ((fd = fd_relay_start(0, 1, &relay, &err)) < 0) {
        msg_warn("%s", err);
        xfree(err);
        return EX_TEMPFAIL;
    }
    session = smtpd_session_new(&cfg, &sink);
    d.session = session;
    st = stream_open_fd(fd, STREAM_CLOSE_FD);
    end = smtpd_session_run(session, st);
    stream_close(st);
    smtpd_session_free(session);
    drop_reset(&d);
    buf_dispose(&d.sender);
    relay_status = fd_relay_wait(relay);
    if (end == SMTPD_END_TIMEOUT || end == SMTPD_END_IO_ERROR || relay_status != 0)
        return EX_IOERR;
    return 0;
}
