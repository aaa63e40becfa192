/* smtpd_daemon.h - the smtpd daemon as a function, so that every program
 * serving SMTP connections handed over by master (smtpd, submission) runs
 * the same code: configuration, policy, session engine, cleanup glue.
 * Returns only through server_main (exit status). */
#ifndef POSTERN_SMTPD_DAEMON_H
#define POSTERN_SMTPD_DAEMON_H

int smtpd_daemon_main(int argc, char **argv);

#endif
