/* auth_client.h - one client connection of the auth service (smtpd,
 * later pop3d/imapd), served from the event loop without blocking:
 * the server handshake (VERSION, MECH..., SPID, CUID, COOKIE, DONE) is
 * sent at once; the client's VERSION (major 1) and CPID must come before
 * any AUTH; each AUTH/CONT request runs through auth_sasl and is
 * answered with OK, CONT or FAIL. A failed authentication is answered
 * only after auth_failure_delay (a timer: other requests and clients go
 * on meanwhile).
 *
 * A protocol violation (bad line, NUL byte, line over AUTH_LINE_MAX,
 * unknown command, wrong major version, duplicate or unknown request id,
 * too many requests at once, a client that stops reading) is logged and
 * ends that connection. */
#ifndef POSTERN_AUTH_AUTH_CLIENT_H
#define POSTERN_AUTH_AUTH_CLIENT_H

#include <stdbool.h>

#define AUTH_CLIENT_REQUESTS_MAX 64

struct auth_client_settings {
    long failure_delay_ms;
};

void auth_client_configure(const struct auth_client_settings *settings);
/* Takes over a connected non-blocking socket from the server skeleton
 * (SERVER_EVENT); its end is server_disconnect(fd). */
void auth_client_start(int fd);
/* Number of open clients (tests). */
int auth_client_count(void);

#endif
