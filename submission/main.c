/* main.c - the submission program: the mail submission agent master runs
 * for the "submission" (587, STARTTLS) and "submissions" (465, implicit
 * TLS: -o smtpd_tls_wrappermode=yes) services. It is the smtpd daemon
 * body of lib/smtpd with the fixed MSA policy of smtpd_submission.h
 * (TLS before AUTH, AUTH before MAIL, relaying only for logged-in users,
 * the sender must belong to the login, Message-ID and Date added).
 * docs/SUBMISSION.md describes it. */
#include "smtpd/smtpd_daemon.h"

int main(int argc, char **argv)
{
    static const smtpd_profile_t msa = {.submission = true};

    return smtpd_daemon_run(argc, argv, &msa);
}
