/* tls.h - TLS for Postern's SMTP server and client (OpenSSL 3).
 *
 * A context (tls_ctx_t) holds what every connection of one role shares:
 * certificates, protocol range, cipher list, CA locations, session ticket
 * keys. tls_server_start() / tls_client_start() turn an existing stream
 * (util/stream.h) into TLS: they run the handshake on the stream's
 * descriptor, bounded by the stream's read timeout (one deadline for the
 * whole handshake), and on success swap the stream's transport so that
 * every later stream call reads and writes TLS records. The caller must
 * flush its plaintext reply (e.g. "220 2.0.0 Ready to start TLS") first.
 * The descriptor is switched to non-blocking mode.
 *
 * Errors: the *_new and *_start functions return NULL with an allocated
 * message in *err (util/errstr.h). A failed handshake leaves the stream's
 * plaintext transport in place, but the connection is unusable (the peer
 * saw a broken handshake): close it. The context must outlive every
 * connection started with it; a connection (tls_conn_t) belongs to its
 * stream and is freed by stream_close() (a best-effort close_notify is
 * sent first).
 *
 * Logging (msg_info, when loglevel >= 1), in Postfix's shape:
 *   server: "Anonymous TLS connection established from NAME[ADDR]:
 *            TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"
 *   client: "Verified TLS connection established to HOST[ADDR]:PORT: ..."
 *            (Verified: chain and name checked; Trusted: chain verified;
 *            Untrusted: not verified)
 * loglevel >= 2 adds "setting up TLS connection from/to ..." and whether
 * a session was resumed.
 *
 * Session resumption (server): RFC 5077 tickets (TLS 1.2) and TLS 1.3
 * tickets are encrypted with a key read from ticket_key_file, so that any
 * smtpd process can resume a session another one started. The file holds
 * 80 random bytes (key name, AES-256 key, HMAC-SHA256 key); it is created
 * (mode 0600, atomically: written aside, then linked into place) when
 * missing. Without a file name, or when it cannot be read or created, the
 * process uses a random key of its own (resumption only within one
 * process) and *warning says why. Tickets live session_timeout seconds;
 * replacing the file rotates the key for processes started afterwards. */
#ifndef POSTERN_TLS_TLS_H
#define POSTERN_TLS_TLS_H

#include <stdbool.h>

#include "tls_params.h"
#include "util/stream.h"

typedef struct tls_ctx tls_ctx_t;
typedef struct tls_conn tls_conn_t;

/* Server context parameters (strings may be NULL or empty where noted). */
typedef struct tls_server_params {
    const char *cert_file;          /* PEM: certificate, then its chain */
    const char *key_file;           /* PEM private key; empty: cert_file */
    /* Files each holding a private key followed by its certificate and
     * chain (smtpd_tls_chain_files, list separated by commas or white
     * space); when not empty, cert_file and key_file are not used. */
    const char *chain_files;
    const char *protocols;          /* Postfix syntax, tls_params.h */
    const char *cipher_grade;       /* high medium null */
    const char *high_cipherlist;    /* OpenSSL cipher strings per grade */
    const char *medium_cipherlist;
    const char *null_cipherlist;
    int loglevel;
    const char *ticket_key_file;    /* NULL or empty: per-process key */
    long session_timeout;           /* seconds; 0 disables tickets */
} tls_server_params_t;

/* Client context parameters. The "mandatory" pair applies at the levels
 * encrypt, verify and secure; the other pair at "may". */
typedef struct tls_client_params {
    const char *CAfile;             /* may be empty */
    const char *CApath;             /* may be empty */
    const char *protocols;
    const char *mandatory_protocols;
    const char *cipher_grade;
    const char *mandatory_cipher_grade;
    const char *high_cipherlist;
    const char *medium_cipherlist;
    const char *null_cipherlist;
    int loglevel;
} tls_client_params_t;

/* *warning (may be NULL) receives an allocated note about a degraded
 * but working setup (ticket key file unusable); the caller logs it. */
tls_ctx_t *tls_server_ctx_new(const tls_server_params_t *p, char **warning, char **err);
tls_ctx_t *tls_client_ctx_new(const tls_client_params_t *p, char **err);
void tls_ctx_free(tls_ctx_t *ctx);
int tls_ctx_loglevel(const tls_ctx_t *ctx);

/* What a connection negotiated. */
typedef struct tls_info {
    char protocol[16];              /* "TLSv1.3" */
    char cipher[64];                /* "TLS_AES_256_GCM_SHA384" */
    int cipher_bits;                /* 256 */
    int cipher_alg_bits;            /* 256 */
    bool reused;                    /* session resumed */
    bool peer_cert;                 /* the peer presented a certificate */
    bool peer_trusted;              /* its chain verified against the CAs */
    bool peer_verified;             /* ... and its name matched */
    char peer_subject_cn[256];      /* "" when none */
    char peer_issuer_cn[256];
} tls_info_t;

/* Server handshake (after STARTTLS, or before the greeting in wrapper
 * mode). peer_name/peer_addr are for log lines. Buffered plaintext input
 * is discarded (commands pipelined after STARTTLS are never executed). */
tls_conn_t *tls_server_start(tls_ctx_t *ctx, stream_t *st, const char *peer_name,
                             const char *peer_addr, char **err);

typedef struct tls_client_args {
    enum tls_level level;           /* may encrypt verify secure (not none) */
    const char *host;               /* for logging; default match name */
    const char *addr;               /* for logging */
    unsigned port;                  /* for logging */
    const char *sni;                /* server name indication, NULL: none */
    /* Names the certificate must match at verify/secure (NULL-terminated;
     * NULL: { host }). Wildcards match one leftmost label. */
    const char *const *match_names;
} tls_client_args_t;

/* Client handshake. At verify and secure the handshake fails unless the
 * server's chain verifies against CAfile/CApath and its certificate
 * matches one of the names; at may and encrypt any certificate is
 * accepted (the info says whether it was trusted). */
tls_conn_t *tls_client_start(tls_ctx_t *ctx, stream_t *st, const tls_client_args_t *args,
                             char **err);

const tls_info_t *tls_conn_info(const tls_conn_t *conn);

/* "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)" */
void tls_info_describe(const tls_info_t *info, buf_t *out);

#endif
