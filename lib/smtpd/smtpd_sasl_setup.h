/* smtpd_sasl_setup.h - SMTP AUTH for the smtpd daemon: reads the
 * smtpd_sasl_* parameters once per process and gives each connection
 * the engine's SASL callbacks (smtpd_auth_t) over lib/sasl.
 *
 *   smtpd_sasl_auth_enable           no: no setup, AUTH is not offered
 *   smtpd_sasl_type                  dovecot | cyrus
 *   smtpd_sasl_path                  dovecot: socket (relative paths are
 *                                    under queue_directory); cyrus: the
 *                                    application name (NAME.conf)
 *   smtpd_sasl_service               service name given to the backend
 *   smtpd_sasl_local_domain          cyrus realm
 *   smtpd_sasl_security_options      before TLS
 *   smtpd_sasl_tls_security_options  with TLS
 *   cyrus_sasl_config_path           cyrus: where NAME.conf is
 *                                    (default $config_directory/sasl
 *                                    then /etc/sasl2)
 * Postern's addition: over an unencrypted connection from an address
 * that is not loopback, plaintext mechanisms (PLAIN, LOGIN) are never
 * offered, whatever the security options say.
 *
 * Failure: smtpd_sasl_setup returns -1 with *err for a configuration
 * that cannot work (unknown type, bad option word, Cyrus init failure);
 * the daemon treats that as fatal. Backend trouble at run time becomes
 * "454 4.7.0" replies in the engine. */
#ifndef POSTERN_SMTPD_SASL_SETUP_H
#define POSTERN_SMTPD_SASL_SETUP_H

#include "smtpd_client.h"
#include "smtpd_session.h"

typedef struct smtpd_sasl smtpd_sasl_t;
typedef struct smtpd_sasl_conn smtpd_sasl_conn_t;

/* *out is NULL when smtpd_sasl_auth_enable = no. queue_dir: for
 * relative socket paths. timeout_ms: each wait on the auth server. */
int smtpd_sasl_setup(const char *queue_dir, int timeout_ms, smtpd_sasl_t **out, char **err);
void smtpd_sasl_free(smtpd_sasl_t *s);                  /* NULL ok */

/* Per connection: client must outlive the result; fd gives the local
 * address. */
smtpd_sasl_conn_t *smtpd_sasl_conn_new(smtpd_sasl_t *s, const smtpd_client_t *client, int fd);
const smtpd_auth_t *smtpd_sasl_conn_auth(const smtpd_sasl_conn_t *c);
void smtpd_sasl_conn_free(smtpd_sasl_conn_t *c);        /* NULL ok */

/* true for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z (text form). */
bool smtpd_sasl_loopback(const char *addr);

#endif
