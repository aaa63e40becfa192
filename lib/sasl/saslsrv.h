/* saslsrv.h - server-side SASL for the protocol servers (smtpd now,
 * pop3d and imapd later): one interface over two backends chosen as
 * Postfix's smtpd_sasl_type chooses them:
 *
 *   "dovecot"  a client of the Dovecot authentication protocol over the
 *              UNIX socket cfg.path (Dovecot's auth-client socket or
 *              Postern's auth service); one connection per process, made
 *              at first use and made again after it broke
 *   "cyrus"    Cyrus libsasl2 in this process: cfg.path is the
 *              application name ("smtpd": the configuration file
 *              smtpd.conf, found in cfg.config_path, a colon-separated
 *              directory list), with pwcheck_method auxprop (sasldb) or
 *              saslauthd as that file says
 *
 * The protocol server encodes and decodes its own wire format (base64 in
 * SMTP): challenges and responses here are raw bytes.
 *
 * Security options (smtpd_sasl_security_options syntax): noanonymous,
 * noplaintext, nodictionary, noactive, mutual_auth, forward_secrecy.
 * A connection lists only the mechanisms its options allow, and refuses
 * the others at start.
 *
 * Failures: saslsrv_new and saslsrv_conn_new return NULL, the others -1,
 * with an allocated message in *err. An exchange ends with
 * SASLSRV_FAIL (bad credentials: reason set) or SASLSRV_TEMP (the
 * backend cannot decide now: reason set). Nothing here logs, except
 * libsasl2's own messages, which go to msg_warn. */
#ifndef POSTERN_SASL_SASLSRV_H
#define POSTERN_SASL_SASLSRV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define SASLSRV_SEC_NOANONYMOUS     (1u << 0)
#define SASLSRV_SEC_NOPLAINTEXT     (1u << 1)
#define SASLSRV_SEC_NODICTIONARY    (1u << 2)
#define SASLSRV_SEC_NOACTIVE        (1u << 3)
#define SASLSRV_SEC_MUTUAL_AUTH     (1u << 4)
#define SASLSRV_SEC_FORWARD_SECRECY (1u << 5)

/* "noanonymous, noplaintext" -> flags; an unknown word is an error. */
int saslsrv_parse_security(const char *text, unsigned *flags, char **err);

typedef struct saslsrv_config {
    const char *type;              /* "dovecot" or "cyrus" */
    const char *path;              /* socket path / application name */
    const char *service;           /* "smtp" (smtpd_sasl_service) */
    const char *hostname;          /* server name (cyrus) */
    const char *realm;             /* smtpd_sasl_local_domain (cyrus); "" none */
    const char *config_path;       /* cyrus configuration directories */
    int timeout_ms;                /* dovecot: each wait */
} saslsrv_config_t;

typedef struct saslsrv saslsrv_t;
typedef struct saslsrv_conn saslsrv_conn_t;

/* Strings in cfg are copied. Cyrus: at most one per process. */
saslsrv_t *saslsrv_new(const saslsrv_config_t *cfg, char **err);
void saslsrv_free(saslsrv_t *s);                 /* NULL ok */

typedef struct saslsrv_peer {
    const char *client_addr, *client_port;       /* NULL: unknown */
    const char *server_addr, *server_port;
    bool secured;                  /* TLS is active */
    unsigned security;             /* SASLSRV_SEC_* */
} saslsrv_peer_t;

/* One client's authentication state; the strings are copied. */
saslsrv_conn_t *saslsrv_conn_new(saslsrv_t *s, const saslsrv_peer_t *peer, char **err);
void saslsrv_conn_free(saslsrv_conn_t *c);       /* NULL ok */

/* Appends the allowed mechanisms, upper case, separated by one space
 * (nothing when none). */
int saslsrv_conn_mechs(saslsrv_conn_t *c, buf_t *out, char **err);

typedef enum saslsrv_result {
    SASLSRV_DONE,                  /* authenticated: see username */
    SASLSRV_CONTINUE,              /* send the challenge, then step */
    SASLSRV_FAIL,                  /* refused (reason) */
    SASLSRV_TEMP,                  /* backend trouble (reason) */
} saslsrv_result_t;

/* Starts mech; initial is the client's initial response when
 * has_initial (may be empty). challenge and reason are reset first. */
saslsrv_result_t saslsrv_conn_start(saslsrv_conn_t *c, const char *mech, bool has_initial,
                                    const void *initial, size_t len, buf_t *challenge,
                                    buf_t *reason);
saslsrv_result_t saslsrv_conn_step(saslsrv_conn_t *c, const void *resp, size_t len,
                                   buf_t *challenge, buf_t *reason);
/* The login name after SASLSRV_DONE, else NULL. */
const char *saslsrv_conn_username(const saslsrv_conn_t *c);

#endif
