/* main.c - the smtpd(8) program: the SMTP server master runs for the "smtp
 * inet" service of master.cf. All of it lives in lib/smtpd (shared with
 * submission); see smtpd_daemon.h. */
#include "smtpd/smtpd_daemon.h"

int main(int argc, char **argv)
{
    return smtpd_daemon_main(argc, argv);
}
