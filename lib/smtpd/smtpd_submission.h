/* smtpd_submission.h - the message submission (MSA, RFC 6409) policy that
 * the submission program runs the smtpd daemon body with (see
 * docs/SUBMISSION.md). Fixed, whatever main.cf or -o say:
 *   smtpd_sasl_auth_enable = yes, smtpd_tls_auth_only = yes (no AUTH
 *   before TLS), smtpd_tls_security_level = encrypt unless
 *   smtpd_tls_wrappermode = yes (465), smtpd_client_restrictions and
 *   smtpd_relay_restrictions = permit_sasl_authenticated, reject;
 *   with smtpd_sender_login_maps set, reject_sender_login_mismatch first
 *   in smtpd_sender_restrictions.
 * Per MAIL command (smtpd_submission_mail_check): AUTH required ("530
 * 5.7.0 Authentication required"), and without smtpd_sender_login_maps
 * the sender must belong to the login (smtpd_sender_login.h): "553 5.7.1
 * <SENDER>: Sender address rejected: not owned by user LOGIN".
 * Message-ID and Date are added by cleanup (local submission flag).
 * Nothing here fails: bad values are found by the readers later. */
#ifndef POSTERN_SMTPD_SUBMISSION_H
#define POSTERN_SMTPD_SUBMISSION_H

#include "smtpd_sender_login.h"
#include "util/buf.h"

/* Overrides the parameters above; call before any of them is read. */
void smtpd_submission_configure(void);

/* NULL when smtpd_sender_login_maps decides (policy), else the own-domain
 * rule from the configuration. */
smtpd_sender_login_t *smtpd_submission_sender_rule(void);

/* login: the SASL login, NULL before AUTH; sender: internal form.
 * 0, or -1 with the reply in *reply. */
int smtpd_submission_mail_check(const smtpd_sender_login_t *rule, const char *login,
                                const char *sender, buf_t *reply);

#endif
