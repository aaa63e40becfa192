/* smtpd_glue.h - the sink that connects the smtpd session engine
 * (smtpd_session.h) to the access policy (lib/policy) and to cleanup
 * (lib/cleanup_client): the daemon's per-connection transaction state.
 *
 *   MAIL   policy (with smtpd_delay_reject = no also the CONNECT and HELO
 *          lists, which the engine gives no earlier hook for)
 *   RCPT   policy; the first accepted recipient opens a cleanup
 *          transaction (logged "QUEUEID: client=NAME[ADDR]")
 *   DATA   smtpd_data_restrictions before the 354 reply (first BDAT:
 *          before its chunk is read); then the envelope, a Received:
 *          header and the content, sent to cleanup in chunks
 *   end    smtpd_end_of_data_restrictions, then cleanup finish: the
 *          250 reply follows cleanup's answer, which follows fsync
 *   RSET, lost connection, refused content: cleanup abort
 * After AUTH the policy sees the login (permit_sasl_authenticated, the
 * sender login checks), the "client=" line gets ", sasl_method=PLAIN,
 * sasl_username=joe", and the protocol is ESMTPA (RFC 3848).
 * HOLD and DISCARD actions become cleanup open flags; an action found
 * after the transaction was opened re-opens it before any content was
 * sent; a DISCARD at end of data aborts the file and still answers 250;
 * a HOLD at end of data goes with cleanup's finish (the committed file is
 * moved to hold/ before qmgr is woken).
 *
 * Failures: a cleanup that cannot be reached or breaks gives "451 4.3.0
 * Error: queue file write error"; a refusal from cleanup gives its dsn
 * and reason. */
#ifndef POSTERN_SMTPD_GLUE_H
#define POSTERN_SMTPD_GLUE_H

#include "policy/policy.h"
#include "smtpd_anvil.h"
#include "smtpd_client.h"
#include "smtpd_session.h"
#include "smtpd_sender_login.h"

typedef struct smtpd_glue_config {
    const policy_t *policy;
    const char *cleanup_path;      /* QUEUE/private/cleanup */
    int cleanup_timeout_ms;
    const char *myhostname;
    bool delay_reject;
    bool tls_received_header;      /* smtpd_tls_received_header */
    bool sasl_authenticated_header; /* "(Authenticated sender: joe)" */
    bool submission;               /* MSA checks at MAIL (smtpd_submission.h) */
    const smtpd_sender_login_t *sender_rule;  /* NULL: the policy's maps */
} smtpd_glue_config_t;

typedef struct smtpd_glue smtpd_glue_t;

/* cfg and client must outlive the glue. */
smtpd_glue_t *smtpd_glue_new(const smtpd_glue_config_t *cfg, const smtpd_client_t *client);
/* The session whose HELO name and extensions the checks use. */
void smtpd_glue_set_session(smtpd_glue_t *g, const smtpd_session_t *s);
void smtpd_glue_sink(smtpd_glue_t *g, smtpd_sink_t *sink);
/* The connection's anvil limits (smtpd_anvil.h) for MAIL and RCPT. */
void smtpd_glue_set_anvil(smtpd_glue_t *g, smtpd_anvil_t *a);
/* Aborts an open transaction and closes the cleanup connection. */
void smtpd_glue_free(smtpd_glue_t *g);

#endif
