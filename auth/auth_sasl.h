/* auth_sasl.h - the SASL mechanisms of the auth service, through Cyrus
 * libsasl2 in this process.
 *
 * PLAIN and LOGIN check the password against the passdb through libsasl2's
 * SASL_CB_SERVER_USERDB_CHECKPASS callback. CRAM-MD5, SCRAM-SHA-1 and
 * SCRAM-SHA-256 need the password itself: an in-process auxprop plugin
 * ("postern") hands libsasl2 the {PLAIN} password of the user, so these
 * work only for such users, and are announced only while the passwd-file
 * holds at least one of them. No other libsasl2 plugin reads passwords
 * (auxprop_plugin and pwcheck_method point at ours; sasldb is never
 * consulted). Mechanisms libsasl2 does not have (libsasl2-modules not
 * installed) are not announced either.
 *
 * Failure: auth_sasl_init() returns -1 with an allocated message in *err
 * when libsasl2 cannot start or no wanted mechanism is available. A
 * session step returns AUTH_SASL_FAIL with a short reason that may be
 * shown to the client (never "unknown user" versus "bad password"). */
#ifndef POSTERN_AUTH_AUTH_SASL_H
#define POSTERN_AUTH_AUTH_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "passdb/passdb.h"
#include "util/buf.h"

typedef enum {
    AUTH_SASL_OK,
    AUTH_SASL_CONTINUE,
    AUTH_SASL_FAIL,
} auth_sasl_result_t;

/* hostname: the server's name for libsasl2 (myhostname; without it
 * libsasl2 would look the name up in the DNS for every request).
 * wanted: the auth_mechanisms words (case-insensitive). */
int auth_sasl_init(passdb_t *db, const char *hostname, char **wanted,
                   char **err);
void auth_sasl_done(void);

/* Appends the "MECH\tNAME\tflags\n" lines for what can be served now. */
void auth_sasl_announce(buf_t *out);
/* True when mech (any case) would be announced now; *canonical gets the
 * upper-case name. */
bool auth_sasl_offered(const char *mech, const char **canonical);

typedef struct auth_sasl_session auth_sasl_session_t;

auth_sasl_session_t *auth_sasl_new(const char *service, char **err);
void auth_sasl_free(auth_sasl_session_t *s);
/* First step. initial: decoded initial response or NULL for none. The
 * challenge (decoded) goes to *challenge on AUTH_SASL_CONTINUE. */
auth_sasl_result_t auth_sasl_start(auth_sasl_session_t *s, const char *mech,
                                   const char *initial, size_t len,
                                   buf_t *challenge, const char **reason);
auth_sasl_result_t auth_sasl_step(auth_sasl_session_t *s, const char *in,
                                  size_t len, buf_t *challenge,
                                  const char **reason);
/* The authenticated user after AUTH_SASL_OK; before that the login name
 * the client tried, if known; NULL otherwise. */
const char *auth_sasl_user(const auth_sasl_session_t *s);

/* Base64 through libsasl2: 0, or -1 for invalid input. */
int auth_base64_decode(const char *in, size_t len, buf_t *out);
void auth_base64_encode(const char *in, size_t len, buf_t *out);

#endif
