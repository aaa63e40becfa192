/* saslsrv_impl.h - what a saslsrv backend implements (saslsrv.c
 * dispatches to it). Not an API. */
#ifndef POSTERN_SASL_SASLSRV_IMPL_H
#define POSTERN_SASL_SASLSRV_IMPL_H

#include "sasl/saslsrv.h"

typedef struct saslsrv_backend {
    const char *name;
    void *(*init)(const saslsrv_config_t *cfg, char **err);
    void (*done)(void *state);
    void *(*conn_new)(void *state, const saslsrv_peer_t *peer, char **err);
    void (*conn_free)(void *conn);
    int (*mechs)(void *conn, buf_t *out, char **err);
    saslsrv_result_t (*start)(void *conn, const char *mech, bool has_initial,
                              const void *initial, size_t len, buf_t *challenge,
                              buf_t *reason);
    saslsrv_result_t (*step)(void *conn, const void *resp, size_t len, buf_t *challenge,
                             buf_t *reason);
    const char *(*username)(const void *conn);
} saslsrv_backend_t;

extern const saslsrv_backend_t saslsrv_dovecot_backend;
extern const saslsrv_backend_t saslsrv_cyrus_backend;

/* true when mech (any case) is one of the words of the list. */
bool saslsrv_mech_listed(const char *list, const char *mech);

#endif
