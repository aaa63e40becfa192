/* dovecot_client.h - a client of the Dovecot authentication protocol
 * over a UNIX socket: Dovecot's auth-client socket, or Postern's own auth
 * service, which speaks the same protocol. Nothing SMTP-specific here:
 * smtpd, pop3d and imapd use it alike.
 *
 * dovecot_client_connect() connects, sends VERSION and CPID, and reads
 * the server's handshake up to DONE (the mechanisms and their flags).
 * One authentication runs at a time: dovecot_client_begin() sends AUTH
 * with a fresh request id, dovecot_client_continue() sends CONT; both
 * wait for the answer (OK, CONT with a challenge, FAIL). Every wait is
 * bounded by the timeout given at connect.
 *
 * Failures: -1 (or NULL) with an allocated message in *err. After any
 * I/O or protocol error the connection is unusable (dovecot_client_broken
 * is true): close it and connect again. */
#ifndef POSTERN_SASL_DOVECOT_CLIENT_H
#define POSTERN_SASL_DOVECOT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "sasl/dovecot_proto.h"

typedef struct dovecot_client dovecot_client_t;

dovecot_client_t *dovecot_client_connect(const char *path, int timeout_ms, char **err);
void dovecot_client_close(dovecot_client_t *c);          /* NULL ok */
bool dovecot_client_broken(const dovecot_client_t *c);
const dovecot_handshake_t *dovecot_client_handshake(const dovecot_client_t *c);

typedef struct dovecot_request {
    const char *mech;              /* "PLAIN" */
    const char *service;           /* "smtp", "imap", "pop3" */
    const char *local_ip, *local_port;   /* NULL: not sent */
    const char *remote_ip, *remote_port;
    bool secured;                  /* TLS, or a local connection */
    bool has_initial;              /* send resp= (possibly empty) */
    const void *initial;
    size_t initial_len;
} dovecot_request_t;

int dovecot_client_begin(dovecot_client_t *c, const dovecot_request_t *req,
                         dovecot_answer_t *answer, char **err);
int dovecot_client_continue(dovecot_client_t *c, const void *resp, size_t len,
                            dovecot_answer_t *answer, char **err);

#endif
