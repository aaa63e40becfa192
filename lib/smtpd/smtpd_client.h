/* smtpd_client.h - who is on the other end of an SMTP connection: the
 * peer address and, when the reverse lookup gives a name whose forward
 * lookup leads back to the address, that name (else "unknown"), as
 * Postfix's smtpd logs it in "connect from NAME[ADDR]".
 *
 * Never fails: a socket without a peer address gives "unknown[unknown]". */
#ifndef POSTERN_SMTPD_CLIENT_H
#define POSTERN_SMTPD_CLIENT_H

#include <stdbool.h>

typedef struct smtpd_client {
    char name[1025];          /* verified name or "unknown" */
    char reverse_name[1025];  /* PTR name, or "unknown" */
    char addr[64];            /* "192.0.2.1", "2001:db8::1" */
    char port[16];
    bool name_verified;       /* name is forward-confirmed */
    bool name_tempfail;       /* a lookup failed temporarily */
} smtpd_client_t;

/* Fills c from the peer of fd. lookup false: no DNS (smtpd_peername_lookup
 * = no), the name stays "unknown". */
void smtpd_client_lookup(int fd, bool lookup, smtpd_client_t *c);

#endif
