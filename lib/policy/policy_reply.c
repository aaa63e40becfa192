/* policy_reply.c - builds Postfix-shaped replies and log lines: the
 * "<name>: Class rejected: text" form, enhanced status codes fixed for the
 * reply class, warn_if_reject (log instead of refuse), defer_if_reject
 * (refuse softly), and the "NOQUEUE: reject: RCPT from ..." log line. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy_impl.h"
#include "util/mem.h"
#include "util/msg.h"

static const char *const class_names[POLICY_LIST_COUNT] = {
    [POLICY_LIST_CLIENT] = "Client host",
    [POLICY_LIST_HELO] = "Helo command",
    [POLICY_LIST_SENDER] = "Sender address",
    [POLICY_LIST_RELAY] = "Recipient address",
    [POLICY_LIST_RECIPIENT] = "Recipient address",
    [POLICY_LIST_DATA] = "Data command",
    [POLICY_LIST_END_OF_DATA] = "End-of-data",
};

const char *policy_reply_class(policy_list_id_t id)
{
    return class_names[id];
}

static const char *nonnull(const char *s, const char *dflt)
{
    return s != NULL ? s : dflt;
}

const char *policy_reply_name(const eval_ctx_t *c, buf_t *scratch)
{
    const policy_session_t *s = c->s;

    switch (c->list) {
    case POLICY_LIST_CLIENT:
        buf_reset(scratch);
        buf_printf(scratch, "%s[%s]", nonnull(s->client_name, "unknown"),
                   nonnull(s->client_addr, "unknown"));
        return scratch->data;
    case POLICY_LIST_HELO:
        return nonnull(s->helo_name, "");
    case POLICY_LIST_SENDER:
        return nonnull(s->sender, "");
    case POLICY_LIST_RELAY:
    case POLICY_LIST_RECIPIENT:
        return nonnull(s->recipient, "");
    case POLICY_LIST_DATA:
        return "DATA";
    case POLICY_LIST_END_OF_DATA:
    case POLICY_LIST_COUNT:
        break;
    }
    return "END-OF-MESSAGE";
}

void policy_fix_dsn(char *dsn, size_t size, int code, policy_list_id_t id)
{
    bool sender = id == POLICY_LIST_SENDER;
    bool recipient = id == POLICY_LIST_RELAY || id == POLICY_LIST_RECIPIENT;

    if (dsn[0] == '\0' || size < 8)
        snprintf(dsn, size, "%d.0.0", code / 100);
    dsn[0] = (char) ('0' + code / 100);
    if (strncmp(dsn + 1, ".1.", 3) != 0)
        return;
    if (sender && (strcmp(dsn + 4, "1") == 0 || strcmp(dsn + 4, "2") == 0))
        dsn[4] = dsn[4] == '1' ? '7' : '8';
    else if (recipient && (strcmp(dsn + 4, "7") == 0 || strcmp(dsn + 4, "8") == 0))
        dsn[4] = dsn[4] == '7' ? '1' : '2';
    else if (!sender && !recipient)
        snprintf(dsn, size, "%d.0.0", code / 100);
}

void policy_log_line(buf_t *out, const char *what, const char *command,
                     const policy_session_t *s, const char *text)
{
    buf_printf(out, "%s: %s: %s from %s[%s]: %s;", nonnull(s->queue_id, "NOQUEUE"), what,
               command, nonnull(s->client_name, "unknown"), nonnull(s->client_addr, "unknown"),
               text);
    if (s->sender != NULL)
        buf_printf(out, " from=<%s>", s->sender);
    if (s->recipient != NULL)
        buf_printf(out, " to=<%s>", s->recipient);
    buf_printf(out, " proto=%s", s->esmtp ? "ESMTP" : "SMTP");
    if (s->helo_name != NULL)
        buf_printf(out, " helo=<%s>", s->helo_name);
}

const char *policy_event_command(policy_event_t event, const policy_session_t *s)
{
    switch (event) {
    case POLICY_AT_CONNECT:
        return "CONNECT";
    case POLICY_AT_HELO:
        return s->esmtp ? "EHLO" : "HELO";
    case POLICY_AT_MAIL:
        return "MAIL";
    case POLICY_AT_RCPT:
        return "RCPT";
    case POLICY_AT_DATA:
        return "DATA";
    case POLICY_AT_END_OF_DATA:
        break;
    }
    return "END-OF-MESSAGE";
}

void policy_log_event(const eval_ctx_t *c, const char *what, const char *text)
{
    buf_t line = BUF_INIT;

    buf_init(&line);
    policy_log_line(&line, what, policy_event_command(c->event, c->s), c->s, text);
    msg_info("%s", line.data);
    buf_dispose(&line);
}

static void fill(eval_ctx_t *c, int code, const char *dsn, const char *text)
{
    policy_decision_t *d = c->d;

    d->verdict = code >= 500 ? POLICY_REJECT : POLICY_DEFER;
    d->code = code;
    snprintf(d->dsn, sizeof(d->dsn), "%s", dsn);
    buf_set(&d->text, text);
    buf_reset(&d->reply);
    buf_printf(&d->reply, "%d %s %s", code, d->dsn, text);
}

static eval_result_t refuse_text(eval_ctx_t *c, bool policy, int code, const char *dsn_in,
                                 const char *text)
{
    char dsn[16];
    buf_t line = BUF_INIT;

    if (policy && c->dir.active && code >= 500 && !c->warn_if_reject) {
        fill(c, c->dir.code, c->dir.dsn, c->dir.text.data);
        return EVAL_REFUSE;
    }
    snprintf(dsn, sizeof(dsn), "%s", dsn_in);
    policy_fix_dsn(dsn, sizeof(dsn), code, c->list);
    if (policy && c->warn_if_reject) {
        buf_init(&line);
        buf_printf(&line, "%d %s %s", code, dsn, text);
        policy_log_event(c, "reject_warning", line.data);
        buf_dispose(&line);
        return EVAL_DUNNO;
    }
    fill(c, code, dsn, text);
    return EVAL_REFUSE;
}

eval_result_t policy_refuse(eval_ctx_t *c, int code, const char *dsn, const char *fmt, ...)
{
    buf_t text = BUF_INIT;
    va_list ap;
    eval_result_t rc;

    buf_init(&text);
    va_start(ap, fmt);
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    rc = refuse_text(c, true, code, dsn, text.data);
    buf_dispose(&text);
    return rc;
}

eval_result_t policy_fail(eval_ctx_t *c, int code, const char *dsn, const char *fmt, ...)
{
    buf_t text = BUF_INIT;
    va_list ap;
    eval_result_t rc;

    buf_init(&text);
    va_start(ap, fmt);
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    rc = refuse_text(c, false, code, dsn, text.data);
    buf_dispose(&text);
    return rc;
}

eval_result_t policy_config_error(eval_ctx_t *c, const char *why)
{
    msg_warn("%s", why);
    return policy_fail(c, 451, "4.3.5", "Server configuration error");
}
