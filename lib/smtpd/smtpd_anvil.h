/* smtpd_anvil.h - smtpd's and submission's use of the anvil service
 * (docs/ANVIL.md): Postfix's per-client limits and Postern's AUTH
 * failure back-off, enforced with the counts anvil keeps for all server
 * processes of a service.
 *
 *   smtpd_client_connection_count_limit   421 4.7.0 HOST Error: too many
 *   smtpd_client_connection_rate_limit      connections from ADDR (before
 *                                           the greeting; then close)
 *   smtpd_client_message_rate_limit       450 4.7.1 Error: too much mail from ADDR
 *   smtpd_client_recipient_rate_limit     450 4.7.1 Error: too many recipients from ADDR
 *   smtpd_client_auth_rate_limit          450 4.7.1 Error: too many AUTH commands from ADDR
 *   smtpd_client_auth_failure_*           delays, then 421 4.7.0 HOST Error:
 *                                           too many authentication failures
 * with Postfix's warning lines ("Connection rate limit exceeded: 31 from
 * NAME[ADDR] for service smtp") and Postern's one-line back-off events.
 * Clients matching smtpd_client_event_limit_exceptions are never
 * counted. Stand-alone mode (-S) does not use anvil.
 *
 * Failures: anvil unreachable or failing is a warning and the limit is
 * not applied (as Postfix); a bad exceptions list is reported by
 * smtpd_anvil_setup() (-1, *err). */
#ifndef POSTERN_SMTPD_ANVIL_H
#define POSTERN_SMTPD_ANVIL_H

#include <stdbool.h>

#include "policy/policy.h"
#include "smtpd_client.h"
#include "util/buf.h"
#include "util/stream.h"

/* Reads the parameters once per process (after privileges are dropped).
 * socket_path: QUEUE/private/anvil; service: master.cf service name ("":
 * stand-alone, no anvil); policy: for mynetworks. */
int smtpd_anvil_setup(const char *socket_path, const char *service, const policy_t *policy,
                      const char *myhostname, char **err);
void smtpd_anvil_shutdown(void);

/* One SMTP connection. client must outlive it. */
typedef struct smtpd_anvil smtpd_anvil_t;
smtpd_anvil_t *smtpd_anvil_begin(const smtpd_client_t *client);
/* At connect, before the greeting: 0 to go on, or -1 when a connection
 * limit is exceeded: the 421 reply was sent on st instead of the
 * greeting and the connect, warning and disconnect lines were logged;
 * the caller closes. */
int smtpd_anvil_connect(smtpd_anvil_t *a, stream_t *st);
/* Ends the connection's count and frees a (NULL ok). */
void smtpd_anvil_end(smtpd_anvil_t *a);

/* MAIL and RCPT: 0, or -1 with the 450 reply in *reply. a NULL: 0. */
int smtpd_anvil_mail(smtpd_anvil_t *a, buf_t *reply);
int smtpd_anvil_rcpt(smtpd_anvil_t *a, buf_t *reply);

/* Before an AUTH attempt: waits when the client is in back-off, then
 * 0, or -1 with the reply in *reply (450 rate limit; 421 during a
 * lockout: the engine closes the session after a 421). After a failed
 * attempt: smtpd_anvil_auth_failed() counts it (and logs the lockout's
 * start). a NULL: nothing is checked or counted. */
int smtpd_anvil_auth_begin(smtpd_anvil_t *a, buf_t *reply);
void smtpd_anvil_auth_failed(smtpd_anvil_t *a);

/* For tests: replaces the sleep used for back-off delays. */
void smtpd_anvil_set_sleep(void (*fn)(long ms));

#endif
