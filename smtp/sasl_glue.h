/* sasl_glue.h - SASL authentication of the smtp agent to a relay
 * (smtp_sasl_auth_enable): the password lookup in smtp_sasl_password_maps
 * ("user:password" values) by the server's host name, then the next hop
 * as given ("[relay]:587"), as Postfix searches, then (our addition) the
 * next hop's domain without brackets and port; the server's AUTH mechanisms filtered
 * by smtp_sasl_mechanism_filter; smtp_sasl_security_options (and
 * smtp_sasl_tls_security_options once TLS is on) for libsasl2. Postfix's
 * default options "noplaintext, noanonymous" rule out PLAIN and LOGIN:
 * sites that relay with them set "noanonymous" (as in Postfix).
 * Without a password for the server, or when the server offers no AUTH,
 * the session goes on without authentication (as Postfix).
 * Configuration errors: -1 with *err at load time (fatal for the daemon);
 * a table lookup failure defers (4.3.0). */
#ifndef POSTERN_SMTP_SASL_GLUE_H
#define POSTERN_SMTP_SASL_GLUE_H

#include <stdbool.h>

#include "dict/dict.h"
#include "smtp_client/smtpc_session.h"

typedef struct smtp_sasl {
    bool enabled;
    dict_t **maps;
    size_t map_count;
    unsigned sec_flags, tls_sec_flags;
    char **mech_filter;          /* NULL-terminated; empty: all */
} smtp_sasl_t;

int smtp_sasl_load(smtp_sasl_t *s, char **err);
void smtp_sasl_dispose(smtp_sasl_t *s);

/* Authenticates when configured, offered and a password is known. 0 (on,
 * or not needed), -1 with out set. */
int smtp_sasl_authenticate(const smtp_sasl_t *s, smtpc_session_t *ss, const char *nexthop,
                           const char *server_host, smtpc_outcome_t *out);

#endif
