/* smtpc_auth.c - the AUTH command and its 334 exchange (see
 * smtpc_auth.h). */
#include "smtp_client/smtpc_auth.h"
#include "util/base64.h"
#include "util/mem.h"

#include <string.h>

static void refused(smtpc_session_t *ss, smtpc_outcome_t *out)
{
    char dsn[16];

    smtpc_reply_dsn(&ss->reply, dsn);
    dsn[0] = '4';
    if (strncmp(dsn + 1, ".0.0", 4) == 0)
        memcpy(dsn, "4.7.0", 6);
    smtpc_outcome_set(out, dsn, "SASL authentication failed; server %s said: %s",
                      ss->name, ss->reply.text.data);
    out->try_next = true;
}

static int mech_failed(smtpc_session_t *ss, smtpc_outcome_t *out, char *why)
{
    smtpc_outcome_set(out, "4.7.0", "SASL authentication failed; cannot authenticate "
                      "to server %s: %s", ss->name, why ? why : "unknown error");
    out->try_next = true;
    xfree(why);
    return -1;
}

/* The text of a 334 reply after the code: the base64 challenge. */
static int challenge(smtpc_session_t *ss, buf_t *decoded)
{
    const char *text = ss->reply.lines.data;
    size_t len = strcspn(text, "\n");

    buf_reset(decoded);
    return ss->reply.line_count == 1 ? base64_decode(decoded, text, len) : -1;
}

/* Sends "AUTH MECH [initial]" and the exchange; the session stays in
 * step unless the stream broke. */
static int exchange(smtpc_session_t *ss, const char *mech, const buf_t *initial,
                    bool has_initial, const smtpc_sasl_ops_t *ops, void *ctx,
                    smtpc_outcome_t *out)
{
    buf_t line = BUF_INIT, data = BUF_INIT, reply = BUF_INIT;
    int rc = -1, rounds = 0;
    char *err = NULL;

    buf_printf(&line, "AUTH %s", mech);
    if (has_initial) {
        buf_putc(&line, ' ');
        if (initial->len == 0)
            buf_putc(&line, '=');
        else
            base64_encode(&line, initial->data, initial->len);
    }
    if (smtpc_command(ss, line.data, ss->p->t.helo, "sending AUTH command", out) < 0)
        goto done;
    while (ss->reply.code == 334 && rounds++ < SMTPC_AUTH_ROUNDS) {
        buf_reset(&line);
        if (challenge(ss, &data) < 0) {
            smtpc_outcome_set(out, "4.5.0", "SASL authentication failed; malformed "
                              "challenge from server %s", ss->name);
            buf_set(&line, "*");    /* cancel the exchange (RFC 4954 4) */
        } else if (ops->next(ctx, data.data ? data.data : "", data.len, &reply, &err) < 0) {
            mech_failed(ss, out, err);
            err = NULL;
            buf_set(&line, "*");
        } else {
            base64_encode(&line, reply.data ? reply.data : "", reply.len);
        }
        if (smtpc_command(ss, line.data, ss->p->t.helo, "sending AUTH command", out) < 0)
            goto done;
        if (line.data[0] == '*')
            goto done;
    }
    if (smtpc_reply_class(&ss->reply) == 2)
        rc = 0;
    else
        refused(ss, out);
    if (ss->reply.code == 334)
        ss->usable = false;     /* gave up inside the exchange */
done:
    buf_dispose(&line);
    buf_dispose(&data);
    buf_dispose(&reply);
    return rc;
}

int smtpc_session_auth(smtpc_session_t *ss, const char *mechs,
                       const smtpc_sasl_ops_t *ops, void *ctx, smtpc_outcome_t *out)
{
    buf_t initial = BUF_INIT;
    const char *mech = NULL;
    bool has_initial = false;
    char *err = NULL;
    int rc;

    if (ops->first(ctx, mechs, &mech, &initial, &has_initial, &err) < 0) {
        buf_dispose(&initial);
        return mech_failed(ss, out, err);
    }
    rc = exchange(ss, mech, &initial, has_initial, ops, ctx, out);
    buf_dispose(&initial);
    return rc;
}
