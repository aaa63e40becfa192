/* smtpc_auth.h - SMTP AUTH on a client session (RFC 4954): "AUTH MECH
 * [initial response]", then 334 challenges answered until 235. The SASL
 * mechanism itself is behind smtpc_sasl_ops_t (the smtp agent plugs in
 * libsasl2 through lib/sasl/xsasl_client); this file does the SMTP and
 * base64 part. An initial response is sent on the AUTH line ("=" when
 * empty). At most SMTPC_AUTH_ROUNDS challenges.
 *
 * Failures (out set, the session stays usable after a refusal): the
 * server refused, "SASL authentication failed; server NAME said: 535 ..."
 * (always deferred, 4.7.x, as Postfix's smtp_sasl_auth_soft_bounce); the
 * mechanism failed, "SASL authentication failed; cannot authenticate to
 * server NAME: WHY" (4.7.0); a malformed challenge (4.5.0). */
#ifndef POSTERN_SMTP_CLIENT_AUTH_H
#define POSTERN_SMTP_CLIENT_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "smtp_client/smtpc_session.h"
#include "util/buf.h"

#define SMTPC_AUTH_ROUNDS 20

typedef struct smtpc_sasl_ops {
    /* Picks a mechanism among mechs; *mech must stay valid until the end
     * of the exchange. 0 or -1 with *err. */
    int (*first)(void *ctx, const char *mechs, const char **mech, buf_t *initial,
                 bool *has_initial, char **err);
    /* Answers one (decoded) challenge. 0 or -1 with *err. */
    int (*next)(void *ctx, const char *challenge, size_t len, buf_t *response,
                char **err);
} smtpc_sasl_ops_t;

/* mechs: the mechanisms to offer the SASL side (the server's, filtered).
 * 0 authenticated, -1 with out set. */
int smtpc_session_auth(smtpc_session_t *ss, const char *mechs,
                       const smtpc_sasl_ops_t *ops, void *ctx, smtpc_outcome_t *out);

#endif
