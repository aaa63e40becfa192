/* session_auth.c - SMTP AUTH (RFC 4954) in the smtpd session engine:
 * the EHLO keyword, the AUTH command and its 334 exchange, the MAIL
 * AUTH= parameter's extension flag, and forgetting everything after
 * STARTTLS. The SASL work itself is behind cfg.auth (smtpd_auth_t);
 * the engine only speaks the protocol:
 *
 *   EHLO     "AUTH mech ..." (and "AUTH=mech ..." with broken clients)
 *            when cfg.auth is set, the client said EHLO, TLS is active
 *            or smtpd_tls_auth_only is off, and the list is not empty
 *   AUTH     503 5.5.1 when not offered, after success, or inside a
 *            transaction; 501 5.5.4 without a mechanism; 504 5.5.4 for
 *            a mechanism not offered; 501 5.5.2 for bad base64; "*"
 *            aborts with 501 5.7.0; 235 2.7.0 on success; 535 5.7.8 on
 *            failure (with the fail2ban-friendly warning line
 *            "NAME[ADDR]: SASL MECH authentication failed: REASON");
 *            454 4.7.0 on a temporary backend failure; 500 5.5.6 for a
 *            response line longer than smtpd_sasl_response_limit
 *   hooks    sink.auth_check before each attempt (may refuse),
 *            sink.auth_failed after each failure
 * A read failure during the exchange ends the session as any other. */
#include "session_impl.h"

#include <string.h>
#include <strings.h>

#include "smtp/reply.h"
#include "util/base64.h"
#include "util/mem.h"
#include "util/msg.h"

#define SMTPD_MECH_MAX 20           /* RFC 4422 mechanism name length */
#define SMTPD_AUTH_ROUNDS_MAX 16    /* challenges in one exchange */

struct smtpd_auth_state {
    buf_t mechs;                /* offered at the last EHLO ("" none) */
    buf_t method;               /* after success: "PLAIN" */
    buf_t username;             /* after success: "joe" */
    bool authenticated;
    bool announced;             /* the last EHLO offered AUTH */
    buf_t challenge, reason, response, line;
};

static struct smtpd_auth_state *state_of(smtpd_session_t *s)
{
    if (s->auth == NULL) {
        s->auth = xcalloc(1, sizeof(*s->auth));
        buf_init(&s->auth->mechs);
        buf_init(&s->auth->method);
        buf_init(&s->auth->username);
        buf_init(&s->auth->challenge);
        buf_init(&s->auth->reason);
        buf_init(&s->auth->response);
        buf_init(&s->auth->line);
    }
    return s->auth;
}

void smtpd_auth_free(smtpd_session_t *s)
{
    struct smtpd_auth_state *a = s->auth;

    if (a == NULL)
        return;
    buf_dispose(&a->mechs);
    buf_dispose(&a->method);
    buf_dispose(&a->username);
    buf_dispose(&a->challenge);
    buf_dispose(&a->reason);
    buf_dispose(&a->response);
    buf_dispose(&a->line);
    xfree(a);
    s->auth = NULL;
}

void smtpd_auth_forget(smtpd_session_t *s)
{
    smtpd_auth_free(s);
    if (s->cfg.auth != NULL && s->cfg.auth->reset != NULL)
        s->cfg.auth->reset(s->cfg.auth->ctx);
}

static bool tls_active(const smtpd_session_t *s)
{
    return smtpd_session_tls_active(s);
}

unsigned smtpd_auth_ext(const smtpd_session_t *s)
{
    return s->auth != NULL && s->auth->announced ? SMTP_EXT_AUTH : 0;
}

void smtpd_auth_ehlo(smtpd_session_t *s, const char **lines, size_t *n, buf_t *keyword,
                     buf_t *compat)
{
    struct smtpd_auth_state *a;
    buf_t err = BUF_INIT;

    if (s->cfg.auth == NULL)
        return;
    a = state_of(s);
    buf_reset(&a->mechs);
    a->announced = false;
    if (s->cfg.tls_auth_only && !tls_active(s))
        return;
    if (a->authenticated) {
        a->announced = true;        /* MAIL's AUTH= stays valid */
        return;
    }
    buf_init(&err);
    if (s->cfg.auth->mechs(s->cfg.auth->ctx, tls_active(s), &a->mechs, &err) < 0) {
        msg_warn("%s[%s]: SASL: cannot list mechanisms: %s", s->cfg.client_name,
                 s->cfg.client_addr, err.len ? err.data : "unknown error");
        buf_reset(&a->mechs);
    }
    buf_dispose(&err);
    if (a->mechs.len == 0)
        return;
    a->announced = true;
    buf_printf(keyword, "AUTH %s", a->mechs.data);
    lines[(*n)++] = keyword->data;
    if (s->cfg.broken_sasl_auth_clients) {
        buf_printf(compat, "AUTH=%s", a->mechs.data);
        lines[(*n)++] = compat->data;
    }
}

const char *smtpd_session_sasl_username(const smtpd_session_t *s)
{
    return s->auth != NULL && s->auth->authenticated ? s->auth->username.data : NULL;
}

const char *smtpd_session_sasl_method(const smtpd_session_t *s)
{
    return s->auth != NULL && s->auth->authenticated ? s->auth->method.data : NULL;
}

static int refuse(smtpd_session_t *s, int code, const char *enh, const char *text)
{
    smtp_reply_add(&s->out, code, enh, "%s", text);
    smtpd_send_out(s);
    return -1;
}

/* true when word is one of the space-separated mechanisms offered. */
static bool offered(const buf_t *mechs, const char *word, size_t len)
{
    for (const char *p = mechs->data; *p;) {
        size_t w = strcspn(p, " ");

        if (w == len && len > 0 && strncasecmp(p, word, len) == 0)
            return true;
        p += w;
        p += strspn(p, " ");
    }
    return false;
}

/* Text that fail2ban's postfix-sasl filter accepts after "failed:"
 * (letters, digits, blanks, '+', '/', ':'); anything else is replaced by
 * the generic reason. */
static const char *log_reason(const buf_t *reason)
{
    if (reason->len == 0 || strspn(reason->data, "abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +/:") != reason->len)
        return "authentication failure";
    return reason->data;
}

static int auth_failed(smtpd_session_t *s, const char *mech)
{
    struct smtpd_auth_state *a = s->auth;

    msg_warn("%s[%s]: SASL %s authentication failed: %s", s->cfg.client_name,
             s->cfg.client_addr, mech, log_reason(&a->reason));
    if (s->sink.auth_failed)
        s->sink.auth_failed(s->sink.ctx, mech);
    smtp_reply_add(&s->out, 535, "5.7.8", "Error: authentication failed: %s",
                   a->reason.len ? a->reason.data : "authentication failure");
    smtpd_send_out(s);
    return -1;
}

static int auth_temp(smtpd_session_t *s, const char *mech)
{
    struct smtpd_auth_state *a = s->auth;

    msg_warn("%s[%s]: SASL %s authentication aborted: %s", s->cfg.client_name,
             s->cfg.client_addr, mech, a->reason.len ? a->reason.data : "server failure");
    smtp_reply_add(&s->out, 454, "4.7.0", "Temporary authentication failure: %s",
                   a->reason.len ? a->reason.data : "server failure");
    smtpd_send_out(s);
    return -1;
}

/* Sends "334 base64(challenge)" and reads the client's line into
 * a->response (decoded). Returns 0, 1 when the client aborted ("*",
 * replied), or -1 (replied, or the session is closing). */
static int exchange(smtpd_session_t *s, const char *mech)
{
    struct smtpd_auth_state *a = s->auth;
    stream_line_end_t end;
    buf_t line = BUF_INIT;
    int rc;

    /* written directly: RFC 4954 lets challenge lines exceed the 512
     * bytes smtp_reply_add() cuts replies to, and base64 needs no
     * sanitizing */
    buf_init(&line);
    buf_puts(&line, "334 ");
    base64_encode(&line, a->challenge.data, a->challenge.len);
    buf_puts(&line, "\r\n");
    buf_append(&s->out, line.data, line.len);
    buf_dispose(&line);
    smtpd_send_out(s);
    if (s->closing || stream_flush(s->st) < 0) {
        s->closing = true;
        s->end = SMTPD_END_IO_ERROR;
        return -1;
    }
    rc = stream_read_line(s->st, &a->line, s->cfg.sasl_response_limit, 0, &end);
    if (rc <= 0 || end == STREAM_END_EOF) {
        smtpd_read_failed(s);
        return -1;
    }
    if (end == STREAM_END_TOOLONG)
        return refuse(s, 500, "5.5.6", "Authentication Error: line too long");
    if (a->line.len == 1 && a->line.data[0] == '*') {
        msg_info("%s[%s]: SASL %s authentication aborted", s->cfg.client_name,
                 s->cfg.client_addr, mech);
        refuse(s, 501, "5.7.0", "Authentication aborted");
        return 1;
    }
    buf_reset(&a->response);
    if (base64_decode(&a->response, a->line.data, a->line.len) < 0)
        return refuse(s, 501, "5.5.2", "Cannot decode response");
    return 0;
}

static int succeeded(smtpd_session_t *s, const char *mech)
{
    struct smtpd_auth_state *a = s->auth;
    const char *user = s->cfg.auth->username(s->cfg.auth->ctx);

    if (user == NULL || *user == '\0') {
        buf_set(&a->reason, "no user name after authentication");
        return auth_temp(s, mech);
    }
    a->authenticated = true;
    buf_set(&a->method, mech);
    buf_set(&a->username, user);
    buf_reset(&a->mechs);           /* AUTH is not offered again */
    smtp_reply_add(&s->out, 235, "2.7.0", "Authentication successful");
    smtpd_send_out(s);
    return 0;
}

/* Runs the exchange from the first backend answer to its end. */
static int converse(smtpd_session_t *s, const char *mech, smtpd_auth_result_t r)
{
    struct smtpd_auth_state *a = s->auth;
    const smtpd_auth_t *ops = s->cfg.auth;

    for (int rounds = 0; r == SMTPD_AUTH_CONTINUE; rounds++) {
        int rc;

        if (rounds >= SMTPD_AUTH_ROUNDS_MAX) {
            buf_set(&a->reason, "too many authentication rounds");
            return auth_failed(s, mech);
        }
        if ((rc = exchange(s, mech)) != 0)
            return -1;
        buf_reset(&a->challenge);
        buf_reset(&a->reason);
        r = ops->step(ops->ctx, a->response.data, a->response.len, &a->challenge, &a->reason);
    }
    switch (r) {
    case SMTPD_AUTH_DONE:
        return succeeded(s, mech);
    case SMTPD_AUTH_TEMP:
        return auth_temp(s, mech);
    case SMTPD_AUTH_FAIL:
    default:
        return auth_failed(s, mech);
    }
}

int smtpd_cmd_auth(smtpd_session_t *s, const char *args, size_t len)
{
    struct smtpd_auth_state *a;
    const smtpd_auth_t *ops = s->cfg.auth;
    char mech[SMTPD_MECH_MAX + 1];
    size_t mech_len = strcspn(args, " ") < len ? strcspn(args, " ") : len;
    const char *init = args + mech_len;
    size_t init_len = len - mech_len;
    bool has_init;

    if (ops == NULL || s->auth == NULL || (s->auth->mechs.len == 0 && !s->auth->authenticated))
        return refuse(s, 503, "5.5.1", "Error: authentication not enabled");
    a = s->auth;
    if (a->authenticated)
        return refuse(s, 503, "5.5.1", "Error: already authenticated");
    if (s->in_mail)
        return refuse(s, 503, "5.5.1", "Error: MAIL transaction in progress");
    if (mech_len == 0)
        return refuse(s, 501, "5.5.4", "Syntax: AUTH mechanism");
    while (init_len > 0 && *init == ' ')
        init++, init_len--;
    if (s->sink.auth_check && s->sink.auth_check(s->sink.ctx, &s->reply) < 0) {
        smtpd_reply_sink(s);
        return -1;
    }
    if (mech_len > SMTPD_MECH_MAX || !offered(&a->mechs, args, mech_len))
        return refuse(s, 504, "5.5.4", "Unsupported authentication mechanism");
    memcpy(mech, args, mech_len);
    mech[mech_len] = '\0';
    for (char *p = mech; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char) (*p - 'a' + 'A');
    has_init = init_len > 0;
    buf_reset(&a->response);
    buf_reset(&a->challenge);
    buf_reset(&a->reason);
    if (has_init && !(init_len == 1 && *init == '=')
        && base64_decode(&a->response, init, init_len) < 0)
        return refuse(s, 501, "5.5.2", "Cannot decode response");
    return converse(s, mech, ops->start(ops->ctx, tls_active(s), mech, has_init,
                                        a->response.data, a->response.len, &a->challenge,
                                        &a->reason));
}
