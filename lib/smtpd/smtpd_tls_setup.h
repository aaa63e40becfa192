/* smtpd_tls_setup.h - TLS for the smtpd daemon body from the smtpd_tls_*
 * parameters (also per service through master.cf -o options):
 * smtpd_tls_security_level (or the older smtpd_enforce_tls /
 * smtpd_use_tls), smtpd_tls_wrappermode, smtpd_tls_received_header and
 * the context parameters of lib/tls (tls_config.h).
 *
 * smtpd_tls_setup() runs while privileged (pre_init), so that key files
 * only root can read work; a bad level is fatal; a context that cannot be
 * made (missing certificate, bad protocol list) is a warning "...:
 * disabling TLS support": level may then offers no STARTTLS, level
 * encrypt answers it with 454 4.7.0, wrapper mode drops connections. */
#ifndef POSTERN_SMTPD_TLS_SETUP_H
#define POSTERN_SMTPD_TLS_SETUP_H

#include "smtpd_glue.h"
#include "smtpd_session.h"

void smtpd_tls_setup(void);
/* After smtpd_config_defaults() & co: fills in the TLS fields. */
void smtpd_tls_apply(smtpd_config_t *cfg, smtpd_glue_config_t *glue);
void smtpd_tls_cleanup(void);

#endif
