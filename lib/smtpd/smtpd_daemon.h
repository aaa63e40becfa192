/* smtpd_daemon.h - the smtpd daemon as a function, so that every program
 * serving SMTP connections handed over by master (smtpd, submission) runs
 * the same code: configuration, policy, session engine, cleanup glue.
 * Returns only through server_main (exit status). */
#ifndef POSTERN_SMTPD_DAEMON_H
#define POSTERN_SMTPD_DAEMON_H

#include <stdbool.h>

/* What differs between the programs that run this body. */
typedef struct smtpd_profile {
    bool submission;    /* MSA policy (smtpd_submission.h), fixed */
} smtpd_profile_t;

/* smtpd: smtpd_daemon_run() with the plain MTA profile. */
int smtpd_daemon_main(int argc, char **argv);
int smtpd_daemon_run(int argc, char **argv, const smtpd_profile_t *profile);

#endif
