/* smtpc_tls.c - STARTTLS by security level (see smtpc_tls.h). */
#include "smtp_client/smtpc_tls.h"
#include "util/mem.h"
#include "util/msg.h"

int smtpc_session_starttls(smtpc_session_t *ss, tls_ctx_t *ctx, enum tls_level level,
                           const char *host, const char *addr, unsigned port,
                           smtpc_outcome_t *out)
{
    tls_client_args_t args = {level, host, addr, port, host, NULL};
    char *err = NULL;

    if (level == TLS_LEV_NONE || ctx == NULL)
        return 0;
    if (!(ss->ext.flags & SMTP_EXT_STARTTLS)) {
        if (level == TLS_LEV_MAY)
            return 0;
        smtpc_outcome_set(out, "4.7.4", "TLS is required, but was not offered by host %s",
                          ss->name);
        out->try_next = true;
        return -1;
    }
    if (smtpc_command(ss, "STARTTLS", ss->p->t.starttls, "sending STARTTLS", out) < 0)
        return -1;
    if (smtpc_reply_class(&ss->reply) != 2) {
        if (level == TLS_LEV_MAY)
            return 0;
        smtpc_outcome_reply(ss, "STARTTLS", out);
        out->try_next = true;
        return -1;
    }
    stream_set_timeout(ss->s, ss->p->t.starttls * 1000, ss->p->t.starttls * 1000);
    if (tls_client_start(ctx, ss->s, &args, &err) == NULL) {
        msg_warn("TLS handshake with %s failed: %s", ss->name, err ? err : "unknown error");
        xfree(err);
        ss->usable = false;
        smtpc_outcome_set(out, "4.7.5", "Cannot start TLS: handshake failure");
        out->try_next = true;
        out->try_plain = level == TLS_LEV_MAY;
        return -1;
    }
    ss->tls = true;
    if (smtpc_session_ehlo(ss, out) < 0)
        return -1;
    return 1;
}
