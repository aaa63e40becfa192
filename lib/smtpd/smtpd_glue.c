/* smtpd_glue.c - smtpd's sink: policy checks and the cleanup transaction
 * for one SMTP connection (see smtpd_glue.h). Errors become SMTP replies;
 * nothing here is fatal. */
#include "smtpd_glue.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cleanup_client/cleanup_client.h"
#include "ipc/attr_names.h"
#include "queue/qrec.h"
#include "session_impl.h"
#include "smtp/reply.h"
#include "smtpd_submission.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#define CONTENT_CHUNK 65536

struct smtpd_glue {
    const smtpd_glue_config_t *cfg;
    const smtpd_client_t *client;
    const smtpd_session_t *session;
    smtpd_anvil_t *anvil;           /* per-client rate limits, NULL: none */
    int in_mynetworks;
    policy_decision_t decision;
    cleanup_client_t *cleanup;      /* connection, kept across messages */
    /* transaction */
    bool in_mail;
    buf_t sender;                   /* quoted, as written between <> */
    buf_t sender_internal;          /* for cleanup */
    int ret;
    buf_t envid;
    bool has_envid;
    char **rcpts;                   /* internal form */
    char **rcpt_orcpts;             /* "rfc822;addr" or NULL */
    int *rcpt_notify;
    size_t rcpt_count;
    bool hold, discard;
    bool opened;                    /* cleanup open done */
    int open_flags;
    char queue_id[64];
    bool content_started;
    bool content_failed;
    buf_t content;                  /* not yet sent */
    buf_t prepend;                  /* PREPEND header lines, LF-ended */
};

smtpd_glue_t *smtpd_glue_new(const smtpd_glue_config_t *cfg, const smtpd_client_t *client)
{
    smtpd_glue_t *g = xcalloc(1, sizeof(*g));

    g->cfg = cfg;
    g->client = client;
    g->in_mynetworks = policy_mynetworks_match(cfg->policy, client->addr);
    policy_decision_init(&g->decision);
    buf_init(&g->sender);
    buf_init(&g->sender_internal);
    buf_init(&g->envid);
    buf_init(&g->content);
    buf_init(&g->prepend);
    return g;
}

void smtpd_glue_set_session(smtpd_glue_t *g, const smtpd_session_t *s)
{
    g->session = s;
}

void smtpd_glue_set_anvil(smtpd_glue_t *g, smtpd_anvil_t *a)
{
    g->anvil = a;
}

static void close_cleanup(smtpd_glue_t *g)
{
    if (g->cleanup != NULL)
        cleanup_client_close(g->cleanup);
    g->cleanup = NULL;
}

static void forget_recipients(smtpd_glue_t *g)
{
    for (size_t i = 0; i < g->rcpt_count; i++) {
        xfree(g->rcpts[i]);
        xfree(g->rcpt_orcpts[i]);
    }
    xfree(g->rcpts);
    xfree(g->rcpt_orcpts);
    xfree(g->rcpt_notify);
    g->rcpts = g->rcpt_orcpts = NULL;
    g->rcpt_notify = NULL;
    g->rcpt_count = 0;
}

/* Tells cleanup to drop an opened file (if any). */
static void abort_cleanup(smtpd_glue_t *g)
{
    char *err = NULL;

    if (g->opened && g->cleanup != NULL && cleanup_client_abort(g->cleanup, &err) < 0) {
        msg_warn("%s: cleanup abort: %s", g->queue_id, err ? err : "failed");
        close_cleanup(g);
    }
    xfree(err);
    g->opened = false;
}

static void reset_transaction(smtpd_glue_t *g)
{
    abort_cleanup(g);
    forget_recipients(g);
    g->in_mail = false;
    buf_reset(&g->sender);
    buf_reset(&g->sender_internal);
    buf_reset(&g->envid);
    buf_reset(&g->content);
    buf_reset(&g->prepend);
    g->has_envid = false;
    g->ret = 0;
    g->hold = g->discard = false;
    g->content_started = g->content_failed = false;
    g->queue_id[0] = 0;
}

void smtpd_glue_free(smtpd_glue_t *g)
{
    if (g == NULL)
        return;
    reset_transaction(g);
    close_cleanup(g);
    policy_decision_dispose(&g->decision);
    buf_dispose(&g->sender);
    buf_dispose(&g->sender_internal);
    buf_dispose(&g->envid);
    buf_dispose(&g->content);
    buf_dispose(&g->prepend);
    xfree(g);
}

static const char *sasl_username(const smtpd_glue_t *g)
{
    return g->session ? smtpd_session_sasl_username(g->session) : NULL;
}

/* The Received: and cleanup protocol name (RFC 3848: A after AUTH). */
static const char *protocol_name(const smtpd_glue_t *g)
{
    const char *p = g->session ? smtpd_session_protocol(g->session) : "SMTP";

    if (sasl_username(g) == NULL)
        return p;
    return strcmp(p, "ESMTPS") == 0 ? "ESMTPSA" : "ESMTPA";
}

static void fill_session(const smtpd_glue_t *g, policy_session_t *ps, const char *rcpt)
{
    memset(ps, 0, sizeof(*ps));
    ps->client_name = g->client->name;
    ps->client_addr = g->client->addr;
    ps->client_name_verified = g->client->name_verified;
    ps->reverse_client_name = g->client->reverse_name;
    ps->client_name_tempfail = g->client->name_tempfail;
    ps->helo_name = g->session ? smtpd_session_helo(g->session) : NULL;
    ps->esmtp = g->session && smtpd_ext(g->session) != 0;
    ps->in_mynetworks = g->in_mynetworks;
    ps->sasl_username = g->session ? smtpd_session_sasl_username(g->session) : NULL;
    ps->sender = g->in_mail ? g->sender.data : NULL;
    ps->recipient = rcpt;
    ps->queue_id = g->opened ? g->queue_id : NULL;
}

/* One policy event: 0 accepted (actions remembered), -1 with the reply
 * set and the refusal logged. */
static int check(smtpd_glue_t *g, policy_event_t event, const char *rcpt, buf_t *reply)
{
    policy_session_t ps;
    buf_t line = BUF_INIT;

    fill_session(g, &ps, rcpt);
    if (policy_check(g->cfg->policy, event, &ps, &g->decision) == POLICY_ACCEPT) {
        g->hold |= g->decision.hold;
        g->discard |= g->decision.discard;
        for (size_t i = 0; i < g->decision.prepend_count; i++)
            buf_printf(&g->prepend, "%s\n", g->decision.prepend[i]);
        if (g->decision.hold)
            msg_info("%s: hold: %s", g->opened ? g->queue_id : "NOQUEUE",
                     g->decision.hold_reason.data ? g->decision.hold_reason.data : "");
        if (g->decision.discard)
            msg_info("%s: discard: %s", g->opened ? g->queue_id : "NOQUEUE",
                     g->decision.discard_reason.data ? g->decision.discard_reason.data : "");
        return 0;
    }
    policy_log_line(&line, "reject", policy_event_command(event, &ps), &ps,
                    g->decision.reply.data);
    msg_info("%s", line.data);
    buf_dispose(&line);
    smtp_reply_add(reply, g->decision.code, g->decision.dsn, "%s", g->decision.text.data);
    return -1;
}

static void quote_addr(const mail_addr_t *a, buf_t *out)
{
    buf_reset(out);
    mail_addr_quote(a->addr.data, a->addr.len, out);
}

/* Submission: AUTH first, and the sender must belong to the login.
 * 0, or -1 with the reply set and the refusal logged. */
static int submission_check(smtpd_glue_t *g, buf_t *reply)
{
    policy_session_t ps;
    buf_t line = BUF_INIT, text = BUF_INIT;

    if (smtpd_submission_mail_check(g->cfg->sender_rule, sasl_username(g),
                                    g->sender_internal.data, reply) == 0)
        return 0;
    fill_session(g, &ps, NULL);
    buf_append(&text, reply->data, reply->len);
    while (text.len > 0 && (text.data[text.len - 1] == '\n' || text.data[text.len - 1] == '\r'))
        buf_truncate(&text, text.len - 1);
    policy_log_line(&line, "reject", "MAIL", &ps, text.data);
    msg_info("%s", line.data);
    buf_dispose(&line);
    buf_dispose(&text);
    return -1;
}

static int glue_mail(void *ctx, const smtp_mail_args_t *mail, buf_t *reply)
{
    smtpd_glue_t *g = ctx;

    reset_transaction(g);
    if (smtpd_anvil_mail(g->anvil, reply) < 0)
        return -1;
    quote_addr(&mail->sender, &g->sender);
    buf_reset(&g->sender_internal);
    buf_append(&g->sender_internal, mail->sender.addr.data, mail->sender.addr.len);
    g->in_mail = true;
    g->ret = mail->ret == SMTP_RET_FULL ? QDSN_RET_FULL
             : mail->ret == SMTP_RET_HDRS ? QDSN_RET_HDRS : 0;
    if ((g->has_envid = mail->has_envid))
        buf_append(&g->envid, mail->envid.data, mail->envid.len);
    if (g->cfg->submission && submission_check(g, reply) < 0) {
        g->in_mail = false;
        return -1;
    }
    if (!g->cfg->delay_reject
        && (check(g, POLICY_AT_CONNECT, NULL, reply) < 0
            || check(g, POLICY_AT_HELO, NULL, reply) < 0)) {
        g->in_mail = false;
        return -1;
    }
    if (check(g, POLICY_AT_MAIL, NULL, reply) < 0) {
        g->in_mail = false;
        return -1;
    }
    return 0;
}

static int cleanup_flags(const smtpd_glue_t *g)
{
    return (g->hold ? CLEANUP_FLAG_HOLD : 0) | (g->discard ? CLEANUP_FLAG_DISCARD : 0)
           | (g->cfg->submission ? CLEANUP_FLAG_LOCAL_SUBMISSION : 0);
}

static void queue_error(buf_t *reply)
{
    buf_reset(reply);
    smtp_reply_add(reply, 451, "4.3.0", "Error: queue file write error");
}

/* Opens the cleanup transaction with the current flags: 0 or -1 with
 * the reply set. */
static int open_cleanup(smtpd_glue_t *g, buf_t *reply)
{
    char *err = NULL;
    int rc;

    if (g->cleanup == NULL
        && (g->cleanup = cleanup_client_connect(g->cfg->cleanup_path,
                                                g->cfg->cleanup_timeout_ms, &err)) == NULL) {
        msg_warn("connect to cleanup service %s: %s", g->cfg->cleanup_path, err);
        xfree(err);
        queue_error(reply);
        return -1;
    }
    g->open_flags = cleanup_flags(g);
    if ((rc = cleanup_client_open(g->cleanup, g->open_flags, &err)) != 0) {
        msg_warn("cleanup open: %s", err ? err : "failed");
        xfree(err);
        if (rc < 0)
            close_cleanup(g);
        queue_error(reply);
        return -1;
    }
    g->opened = true;
    snprintf(g->queue_id, sizeof(g->queue_id), "%s", cleanup_client_queue_id(g->cleanup));
    if (sasl_username(g) != NULL)
        msg_info("%s: client=%s[%s], sasl_method=%s, sasl_username=%s", g->queue_id,
                 g->client->name, g->client->addr, smtpd_session_sasl_method(g->session),
                 sasl_username(g));
    else
        msg_info("%s: client=%s[%s]", g->queue_id, g->client->name, g->client->addr);
    return 0;
}

static int glue_rcpt(void *ctx, const smtp_rcpt_args_t *rcpt, buf_t *reply)
{
    smtpd_glue_t *g = ctx;
    buf_t quoted = BUF_INIT;
    size_t n = g->rcpt_count;
    int rc;

    if (smtpd_anvil_rcpt(g->anvil, reply) < 0)
        return -1;
    quote_addr(&rcpt->rcpt, &quoted);
    rc = check(g, POLICY_AT_RCPT, quoted.data, reply);
    buf_dispose(&quoted);
    if (rc < 0)
        return -1;
    if (!g->opened && open_cleanup(g, reply) < 0)
        return -1;
    g->rcpts = xrealloc(g->rcpts, (n + 1) * sizeof(*g->rcpts));
    g->rcpt_orcpts = xrealloc(g->rcpt_orcpts, (n + 1) * sizeof(*g->rcpt_orcpts));
    g->rcpt_notify = xrealloc(g->rcpt_notify, (n + 1) * sizeof(*g->rcpt_notify));
    g->rcpts[n] = xstrdup(rcpt->rcpt.addr.data);
    g->rcpt_orcpts[n] = NULL;
    if (rcpt->has_orcpt) {
        buf_t o = BUF_INIT;

        buf_printf(&o, "%s;%s", rcpt->orcpt_type.data, rcpt->orcpt_addr.data);
        g->rcpt_orcpts[n] = buf_detach(&o);
    }
    g->rcpt_notify[n] = (rcpt->notify & SMTP_NOTIFY_NEVER ? QDSN_NOTIFY_NEVER : 0)
                        | (rcpt->notify & SMTP_NOTIFY_SUCCESS ? QDSN_NOTIFY_SUCCESS : 0)
                        | (rcpt->notify & SMTP_NOTIFY_FAILURE ? QDSN_NOTIFY_FAILURE : 0)
                        | (rcpt->notify & SMTP_NOTIFY_DELAY ? QDSN_NOTIFY_DELAY : 0);
    g->rcpt_count = n + 1;
    return 0;
}

static int send_envelope(smtpd_glue_t *g)
{
    cleanup_rcpt_t *r = xcalloc(g->rcpt_count ? g->rcpt_count : 1, sizeof(*r));
    cleanup_envelope_t e;
    char *err = NULL;
    int rc;

    for (size_t i = 0; i < g->rcpt_count; i++) {
        r[i].address = g->rcpts[i];
        r[i].orcpt = g->rcpt_orcpts[i];
        r[i].notify = g->rcpt_notify[i];
    }
    memset(&e, 0, sizeof(e));
    e.sender = g->sender_internal.data ? g->sender_internal.data : "";
    e.envid = g->has_envid ? g->envid.data : NULL;
    e.ret = g->ret;
    e.client_name = g->client->name;
    e.client_address = g->client->addr;
    e.client_port = g->client->port;
    e.helo_name = g->session ? smtpd_session_helo(g->session) : NULL;
    e.protocol_name = protocol_name(g);
    e.rcpts = r;
    e.rcpt_count = g->rcpt_count;
    rc = cleanup_client_envelope(g->cleanup, &e, &err);
    xfree(r);
    if (rc != 0) {
        msg_warn("%s: cleanup envelope: %s", g->queue_id, err ? err : "refused");
        if (rc < 0)
            close_cleanup(g);
    }
    xfree(err);
    return rc == 0 ? 0 : -1;
}

/* Postfix's Received: header shape. */
static void received_header(const smtpd_glue_t *g, buf_t *out)
{
    const char *helo = g->session ? smtpd_session_helo(g->session) : NULL;
    char date[64];
    time_t now = time(NULL);
    struct tm tm;

    if (localtime_r(&now, &tm) == NULL
        || strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z (%Z)", &tm) == 0)
        snprintf(date, sizeof(date), "Thu, 01 Jan 1970 00:00:00 +0000");
    buf_printf(out, "Received: from %s (%s [%s])\n", helo ? helo : g->client->name,
               g->client->name, g->client->addr);
    if (g->cfg->tls_received_header && g->session)
        smtpd_tls_received_lines(g->session, out);
    if (g->cfg->sasl_authenticated_header && sasl_username(g) != NULL)
        buf_printf(out, "\t(Authenticated sender: %s)\n", sasl_username(g));
    buf_printf(out, "\tby %s (Postern) with %s id %s", g->cfg->myhostname, protocol_name(g),
               g->queue_id);
    if (g->rcpt_count == 1) {
        buf_t q = BUF_INIT;

        mail_addr_quote(g->rcpts[0], strlen(g->rcpts[0]), &q);
        buf_printf(out, "\n\tfor <%s>", q.data);
        buf_dispose(&q);
    }
    buf_printf(out, "; %s\n", date);
}

static int flush_content(smtpd_glue_t *g)
{
    char *err = NULL;
    int rc;

    if (g->content.len == 0)
        return 0;
    rc = cleanup_client_content(g->cleanup, g->content.data, g->content.len, &err);
    buf_reset(&g->content);
    if (rc != 0) {
        msg_warn("%s: cleanup content: %s", g->queue_id, err ? err : "refused");
        if (rc < 0)
            close_cleanup(g);
    }
    xfree(err);
    return rc == 0 ? 0 : -1;
}

/* Before the first content line: re-open when actions changed the flags,
 * send the envelope and our header lines. */
static int start_content(smtpd_glue_t *g)
{
    buf_t ignored = BUF_INIT;

    g->content_started = true;
    if (g->opened && g->open_flags != cleanup_flags(g)) {
        abort_cleanup(g);
        if (open_cleanup(g, &ignored) < 0) {
            buf_dispose(&ignored);
            return -1;
        }
    }
    buf_dispose(&ignored);
    if (!g->opened || g->cleanup == NULL || send_envelope(g) < 0)
        return -1;
    /* as Postfix: PREPEND headers come before our Received: */
    if (g->prepend.len > 0)
        buf_append(&g->content, g->prepend.data, g->prepend.len);
    received_header(g, &g->content);
    return 0;
}

static int glue_data_line(void *ctx, const char *text, size_t len, unsigned flags)
{
    smtpd_glue_t *g = ctx;

    if (g->content_failed)
        return -1;
    if (!g->content_started && start_content(g) < 0) {
        g->content_failed = true;
        return -1;
    }
    buf_append(&g->content, text, len);
    if (!(flags & SMTP_DATA_PARTIAL))
        buf_putc(&g->content, '\n');
    if (g->content.len >= CONTENT_CHUNK && flush_content(g) < 0) {
        g->content_failed = true;
        return -1;
    }
    return 0;
}

/* cleanup's refusal as an SMTP reply. */
static void refusal_reply(const cleanup_result_t *res, const char *err, buf_t *reply)
{
    const char *dsn = res->dsn[0] ? res->dsn : "4.3.0";
    const char *reason = res->reason[0] ? res->reason : err ? err : "queue file write error";
    int code = dsn[0] == '5' ? (strcmp(dsn, "5.3.4") == 0 ? 552 : 554) : 451;

    buf_reset(reply);
    smtp_reply_add(reply, code, dsn, "Error: %s", reason);
}

static int glue_data_end(void *ctx, buf_t *queue_id, buf_t *reply)
{
    smtpd_glue_t *g = ctx;
    cleanup_result_t res;
    char *err = NULL;
    int rc;

    if (!g->content_started && start_content(g) < 0)
        g->content_failed = true;
    if (g->content_failed || flush_content(g) < 0) {
        queue_error(reply);
        return -1;
    }
    if (check(g, POLICY_AT_END_OF_DATA, NULL, reply) < 0)
        return -1;                  /* the engine aborts the transaction */
    if (g->discard && !(g->open_flags & CLEANUP_FLAG_DISCARD)) {
        buf_puts(queue_id, g->queue_id);
        reset_transaction(g);       /* aborts the file: accepted, dropped */
        return 0;
    }
    memset(&res, 0, sizeof(res));
    /* a HOLD found after the open goes with finish (cleanup: hold/) */
    rc = cleanup_client_finish_flags(g->cleanup, g->hold && !(g->open_flags & CLEANUP_FLAG_HOLD)
                                     ? CLEANUP_FLAG_HOLD : 0, &res, &err);
    g->opened = false;              /* finished or failed: nothing to abort */
    if (rc != 0) {
        msg_warn("%s: cleanup finish: %s", g->queue_id,
                 res.reason[0] ? res.reason : err ? err : "failed");
        if (rc < 0) {
            close_cleanup(g);
            queue_error(reply);
        } else {
            refusal_reply(&res, err, reply);
        }
        xfree(err);
        return -1;
    }
    xfree(err);
    buf_puts(queue_id, res.queue_id[0] ? res.queue_id : g->queue_id);
    reset_transaction(g);
    return 0;
}

/* DATA / first BDAT, before 354: smtpd_data_restrictions. */
static int glue_data_start(void *ctx, buf_t *reply)
{
    return check(ctx, POLICY_AT_DATA, NULL, reply);
}

static void glue_abort(void *ctx)
{
    reset_transaction(ctx);
}

static int glue_auth_check(void *ctx, buf_t *reply)
{
    smtpd_glue_t *g = ctx;

    return smtpd_anvil_auth_begin(g->anvil, reply);
}

static void glue_auth_failed(void *ctx, const char *mech)
{
    smtpd_glue_t *g = ctx;

    (void) mech;
    smtpd_anvil_auth_failed(g->anvil);
}

void smtpd_glue_sink(smtpd_glue_t *g, smtpd_sink_t *sink)
{
    memset(sink, 0, sizeof(*sink));
    sink->ctx = g;
    sink->mail_begin = glue_mail;
    sink->rcpt_check = glue_rcpt;
    sink->data_start = glue_data_start;
    sink->data_line = glue_data_line;
    sink->data_end = glue_data_end;
    sink->abort = glue_abort;
    sink->auth_check = glue_auth_check;
    sink->auth_failed = glue_auth_failed;
}
