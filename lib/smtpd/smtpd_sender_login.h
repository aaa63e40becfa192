/* smtpd_sender_login.h - submission's rule for which envelope senders a
 * login may use when smtpd_sender_login_maps is not set (with the maps,
 * lib/policy's reject_sender_login_mismatch decides):
 *   - the null sender <> is allowed (bounces and receipts);
 *   - a login with '@' ("ann@example.org") may send only as itself;
 *   - a login without '@' ("ann") may send as ann@DOMAIN for each of
 *     the instance's own domains: $myorigin, $mydomain, $myhostname and
 *     the names in $mydestination (table entries there are skipped).
 * Comparison ignores case (ASCII). Nothing here fails. */
#ifndef POSTERN_SMTPD_SENDER_LOGIN_H
#define POSTERN_SMTPD_SENDER_LOGIN_H

#include <stdbool.h>

typedef struct smtpd_sender_login smtpd_sender_login_t;

/* domains: NULL-terminated list of the own domain names (copied). */
smtpd_sender_login_t *smtpd_sender_login_new(const char *const *domains);
/* From the loaded configuration (myorigin, mydomain, myhostname,
 * mydestination). */
smtpd_sender_login_t *smtpd_sender_login_from_config(void);
void smtpd_sender_login_free(smtpd_sender_login_t *r);

/* sender: the internal form ("" for <>). */
bool smtpd_sender_login_ok(const smtpd_sender_login_t *r, const char *login,
                           const char *sender);

#endif
