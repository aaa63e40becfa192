/* saslsrv_dovecot.c - the "dovecot" saslsrv backend: SASL exchanges are
 * relayed to an authentication server over the Dovecot protocol
 * (dovecot_client.h). The process keeps one connection, made at first
 * use; a connection found broken is replaced, and a request whose first
 * line could not be delivered is retried once on a fresh connection
 * (the server may have restarted since the last client). Mechanisms are
 * those of the server's handshake, less the private ones and those the
 * security options exclude. */
#include <string.h>
#include <strings.h>

#include "sasl/dovecot_client.h"
#include "sasl/saslsrv_impl.h"
#include "util/errstr.h"
#include "util/mem.h"

struct dovecot_state {
    char *path;
    char *service;
    int timeout_ms;
    dovecot_client_t *client;
};

struct dovecot_conn {
    struct dovecot_state *state;
    char *client_addr, *client_port, *server_addr, *server_port;
    bool secured;
    unsigned security;
    dovecot_answer_t answer;
    buf_t username;
};

static void *dv_init(const saslsrv_config_t *cfg, char **err)
{
    struct dovecot_state *st;

    if (cfg->path == NULL || *cfg->path == '\0') {
        errstr_set(err, "dovecot SASL: no authentication socket path");
        return NULL;
    }
    st = xcalloc(1, sizeof(*st));
    st->path = xstrdup(cfg->path);
    st->service = xstrdup(cfg->service && *cfg->service ? cfg->service : "smtp");
    st->timeout_ms = cfg->timeout_ms;
    return st;
}

static void dv_done(void *state)
{
    struct dovecot_state *st = state;

    dovecot_client_close(st->client);
    xfree(st->path);
    xfree(st->service);
    xfree(st);
}

static dovecot_client_t *client_of(struct dovecot_state *st, char **err)
{
    if (st->client != NULL && dovecot_client_broken(st->client)) {
        dovecot_client_close(st->client);
        st->client = NULL;
    }
    if (st->client == NULL)
        st->client = dovecot_client_connect(st->path, st->timeout_ms, err);
    return st->client;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

static void *dv_conn_new(void *state, const saslsrv_peer_t *peer, char **err)
{
    struct dovecot_conn *c = xcalloc(1, sizeof(*c));

    (void) err;
    c->state = state;
    c->client_addr = dup_or_null(peer->client_addr);
    c->client_port = dup_or_null(peer->client_port);
    c->server_addr = dup_or_null(peer->server_addr);
    c->server_port = dup_or_null(peer->server_port);
    c->secured = peer->secured;
    c->security = peer->security;
    dovecot_answer_init(&c->answer);
    buf_init(&c->username);
    return c;
}

static void dv_conn_free(void *conn)
{
    struct dovecot_conn *c = conn;

    xfree(c->client_addr);
    xfree(c->client_port);
    xfree(c->server_addr);
    xfree(c->server_port);
    dovecot_answer_dispose(&c->answer);
    buf_dispose(&c->username);
    xfree(c);
}

static bool mech_allowed(unsigned flags, unsigned security)
{
    if (flags & DOVECOT_MECH_PRIVATE)
        return false;
    if ((security & SASLSRV_SEC_NOANONYMOUS) && (flags & DOVECOT_MECH_ANONYMOUS))
        return false;
    if ((security & SASLSRV_SEC_NOPLAINTEXT) && (flags & DOVECOT_MECH_PLAINTEXT))
        return false;
    if ((security & SASLSRV_SEC_NODICTIONARY) && (flags & DOVECOT_MECH_DICTIONARY))
        return false;
    if ((security & SASLSRV_SEC_NOACTIVE) && (flags & DOVECOT_MECH_ACTIVE))
        return false;
    if ((security & SASLSRV_SEC_MUTUAL_AUTH) && !(flags & DOVECOT_MECH_MUTUAL_AUTH))
        return false;
    if ((security & SASLSRV_SEC_FORWARD_SECRECY) && !(flags & DOVECOT_MECH_FORWARD_SECRECY))
        return false;
    return true;
}

static int dv_mechs(void *conn, buf_t *out, char **err)
{
    struct dovecot_conn *c = conn;
    dovecot_client_t *client = client_of(c->state, err);
    const dovecot_handshake_t *hs;

    if (client == NULL)
        return -1;
    hs = dovecot_client_handshake(client);
    for (size_t i = 0; i < hs->mech_count; i++) {
        if (!mech_allowed(hs->mech[i].flags, c->security))
            continue;
        if (out->len > 0 && out->data[out->len - 1] != ' ')
            buf_putc(out, ' ');
        buf_puts(out, hs->mech[i].name);
    }
    return 0;
}

/* An answer (or the error that replaced it) as a saslsrv result. */
static saslsrv_result_t result_of(struct dovecot_conn *c, int rc, char *err, buf_t *challenge,
                                  buf_t *reason)
{
    dovecot_answer_t *a = &c->answer;

    if (rc < 0) {
        buf_puts(reason, err ? err : "authentication server failure");
        xfree(err);
        return SASLSRV_TEMP;
    }
    switch (a->kind) {
    case DOVECOT_ANSWER_CONT:
        buf_append(challenge, a->data.data, a->data.len);
        return SASLSRV_CONTINUE;
    case DOVECOT_ANSWER_OK:
        if (a->user.len == 0 || strlen(a->user.data) != a->user.len) {
            buf_puts(reason, "authentication server sent no user name");
            return SASLSRV_TEMP;
        }
        buf_set(&c->username, a->user.data);
        return SASLSRV_DONE;
    case DOVECOT_ANSWER_FAIL:
    default:
        buf_puts(reason, a->reason.len ? a->reason.data : "authentication failure");
        return a->temp ? SASLSRV_TEMP : SASLSRV_FAIL;
    }
}

static saslsrv_result_t dv_start(void *conn, const char *mech, bool has_initial,
                                 const void *initial, size_t len, buf_t *challenge,
                                 buf_t *reason)
{
    struct dovecot_conn *c = conn;
    dovecot_request_t req;
    dovecot_client_t *client;
    char *err = NULL;
    int rc = -1;

    memset(&req, 0, sizeof(req));
    req.mech = mech;
    req.service = c->state->service;
    req.local_ip = c->server_addr;
    req.local_port = c->server_port;
    req.remote_ip = c->client_addr;
    req.remote_port = c->client_port;
    req.secured = c->secured;
    req.has_initial = has_initial;
    req.initial = initial;
    req.initial_len = len;
    buf_reset(&c->username);
    for (int attempt = 0; attempt < 2 && rc < 0; attempt++) {
        bool reused = c->state->client != NULL && !dovecot_client_broken(c->state->client);

        xfree(err);
        err = NULL;
        if ((client = client_of(c->state, &err)) == NULL)
            break;
        rc = dovecot_client_begin(client, &req, &c->answer, &err);
        if (!reused)
            break;              /* a fresh connection failed: no retry */
    }
    return result_of(c, rc, err, challenge, reason);
}

static saslsrv_result_t dv_step(void *conn, const void *resp, size_t len, buf_t *challenge,
                                buf_t *reason)
{
    struct dovecot_conn *c = conn;
    dovecot_client_t *client = c->state->client;
    char *err = NULL;
    int rc;

    if (client == NULL || dovecot_client_broken(client)) {
        buf_puts(reason, "connection lost to authentication server");
        return SASLSRV_TEMP;
    }
    rc = dovecot_client_continue(client, resp, len, &c->answer, &err);
    return result_of(c, rc, err, challenge, reason);
}

static const char *dv_username(const void *conn)
{
    const struct dovecot_conn *c = conn;

    return c->username.len ? c->username.data : NULL;
}

const saslsrv_backend_t saslsrv_dovecot_backend = {
    .name = "dovecot",
    .init = dv_init,
    .done = dv_done,
    .conn_new = dv_conn_new,
    .conn_free = dv_conn_free,
    .mechs = dv_mechs,
    .start = dv_start,
    .step = dv_step,
    .username = dv_username,
};
