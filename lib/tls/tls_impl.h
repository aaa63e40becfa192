/* tls_impl.h - internals shared by the lib/tls files: the context and
 * connection structures, OpenSSL error text, ticket keys. Not an API. */
#ifndef POSTERN_TLS_IMPL_H
#define POSTERN_TLS_IMPL_H

#include <openssl/ssl.h>

#include "tls.h"
#include "util/buf.h"

#define TLS_TICKET_NAME_LEN 16
#define TLS_TICKET_AES_LEN  32
#define TLS_TICKET_HMAC_LEN 32
#define TLS_TICKET_KEY_LEN  (TLS_TICKET_NAME_LEN + TLS_TICKET_AES_LEN + TLS_TICKET_HMAC_LEN)

struct tls_ticket_key {
    unsigned char name[TLS_TICKET_NAME_LEN];
    unsigned char aes[TLS_TICKET_AES_LEN];
    unsigned char hmac[TLS_TICKET_HMAC_LEN];
};

struct tls_proto_cipher {
    unsigned protocols;             /* TLS_PROTO_* */
    char *cipherlist;
};

struct tls_ctx {
    SSL_CTX *ssl_ctx;
    bool server;
    int loglevel;
    struct tls_ticket_key ticket;
    struct tls_proto_cipher opportunistic;  /* client: level may */
    struct tls_proto_cipher mandatory;      /* client: encrypt and above */
};

/* Appends the queued OpenSSL errors ("; "-separated) to out and clears
 * the queue; "unknown error" when none was queued. */
void tls_openssl_errors(buf_t *out);
/* errstr_set(err, "PREFIX: OPENSSL ERRORS") */
void tls_error(char **err, const char *prefix);

/* Protocol bits -> min/max version and holes on an SSL object. */
int tls_apply_protocols(SSL *ssl, unsigned protocols);

/* Loads or creates the key file (tls_ticket.c). Returns 0, or -1 with
 * *warning set and a random key in *key. */
int tls_ticket_key_load(const char *path, struct tls_ticket_key *key, char **warning);
/* Installs the ticket callback on a server context. */
void tls_ticket_install(tls_ctx_t *ctx, long timeout);

#endif
