/* smtpc_tls.h - STARTTLS on an SMTP client session (RFC 3207), by
 * smtp_tls_security_level:
 *   none     never
 *   may      when the server offers it; a refused STARTTLS continues in
 *            plaintext on the same session; a failed handshake leaves the
 *            session unusable and sets out->try_plain, so the caller can
 *            try the same server again in plaintext on a new connection
 *   encrypt, verify, secure
 *            required: not offered 4.7.4 "TLS is required, but was not
 *            offered by host NAME[ADDR]", refused "host NAME said: ... (in
 *            reply to STARTTLS command)", handshake or verification
 *            failure 4.7.5 "Cannot start TLS: handshake failure"
 *            (deferred; the next server may be tried)
 * After the handshake, EHLO is sent again (the extensions may differ).
 * The handshake has smtp_starttls_timeout. */
#ifndef POSTERN_SMTP_CLIENT_TLS_H
#define POSTERN_SMTP_CLIENT_TLS_H

#include "smtp_client/smtpc_session.h"
#include "tls/tls.h"

/* Returns 1 when TLS is on, 0 when the session goes on in plaintext, -1
 * with out set when it cannot be used. */
int smtpc_session_starttls(smtpc_session_t *ss, tls_ctx_t *ctx, enum tls_level level,
                           const char *host, const char *addr, unsigned port,
                           smtpc_outcome_t *out);

#endif
