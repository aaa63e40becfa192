/* tls_config.h - TLS context parameters from main.cf (and master.cf -o
 * options): the smtpd_tls_* parameters for the SMTP server, the
 * smtp_tls_* parameters for the SMTP client. The strings point into the
 * configuration (valid until it changes): create the context right away.
 * A bad numeric value is fatal (config.h's cfg_int). */
#ifndef POSTERN_TLS_CONFIG_H
#define POSTERN_TLS_CONFIG_H

#include <stdbool.h>

#include "tls.h"

/* The server level: smtpd_tls_security_level when set, else encrypt when
 * smtpd_enforce_tls = yes, may when smtpd_use_tls = yes, else none.
 * Returns -1 (*err set) for an unknown or client-only level. */
int tls_server_level_from_config(enum tls_level *level, char **err);

/* mandatory: use smtpd_tls_mandatory_protocols/_ciphers (level encrypt)
 * instead of smtpd_tls_protocols/_ciphers. The ticket key file is
 * $data_directory/smtpd_tls_ticket.key; tickets live
 * smtpd_tls_session_cache_timeout. */
void tls_server_params_from_config(bool mandatory, tls_server_params_t *p, buf_t *key_path);

/* smtp_tls_CAfile, smtp_tls_CApath, smtp_tls_[mandatory_]protocols,
 * smtp_tls_[mandatory_]ciphers, smtp_tls_loglevel. */
void tls_client_params_from_config(tls_client_params_t *p);

#endif
