/* smtpd_sasl_setup.c - the smtpd daemon's SASL: parameters, the
 * per-connection saslsrv state, and the engine callbacks over it (see
 * smtpd_sasl_setup.h). A fresh saslsrv connection is made for every
 * AUTH attempt and when TLS changes what may be offered. */
#include "smtpd_sasl_setup.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "sasl/saslsrv.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/sock.h"

struct smtpd_sasl {
    saslsrv_t *srv;
    unsigned security;             /* smtpd_sasl_security_options */
    unsigned tls_security;         /* smtpd_sasl_tls_security_options */
};

struct smtpd_sasl_conn {
    smtpd_sasl_t *sasl;
    const smtpd_client_t *client;
    sock_peer_t local;
    bool have_local;
    bool loopback;
    saslsrv_conn_t *conn;
    bool conn_tls;                 /* what conn was made for */
    bool conn_used;                /* a start was made on it */
    smtpd_auth_t ops;
};

bool smtpd_sasl_loopback(const char *addr)
{
    struct in6_addr a6;
    struct in_addr a4;

    if (addr == NULL)
        return false;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &a6) != 1)
        return false;
    if (IN6_IS_ADDR_LOOPBACK(&a6))
        return true;
    return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

static char *socket_path(const char *queue_dir, const char *path)
{
    buf_t b = BUF_INIT;

    if (path[0] == '/')
        return xstrdup(path);
    buf_printf(&b, "%s/%s", queue_dir, path);
    return buf_detach(&b);
}

static char *cyrus_config_path(void)
{
    const char *set = cfg_str("cyrus_sasl_config_path");
    buf_t b = BUF_INIT;

    if (set != NULL && *set != '\0')
        return xstrdup(set);
    buf_printf(&b, "%s/sasl:/etc/sasl2", config_dir());
    return buf_detach(&b);
}

static int read_security(const char *name, unsigned *flags, char **err)
{
    char *why = NULL;

    if (saslsrv_parse_security(cfg_str(name), flags, &why) == 0)
        return 0;
    errstr_set(err, "%s: %s", name, why);
    xfree(why);
    return -1;
}

int smtpd_sasl_setup(const char *queue_dir, int timeout_ms, smtpd_sasl_t **out, char **err)
{
    saslsrv_config_t cfg;
    smtpd_sasl_t *s;
    const char *type = cfg_str("smtpd_sasl_type");
    bool dovecot = strcasecmp(type, "dovecot") == 0;
    char *path, *config_path;
    unsigned security, tls_security;

    *out = NULL;
    if (!cfg_bool("smtpd_sasl_auth_enable"))
        return 0;
    if (read_security("smtpd_sasl_security_options", &security, err) < 0
        || read_security("smtpd_sasl_tls_security_options", &tls_security, err) < 0)
        return -1;
    path = dovecot ? socket_path(queue_dir, cfg_str("smtpd_sasl_path"))
           : xstrdup(cfg_str("smtpd_sasl_path"));
    config_path = cyrus_config_path();
    memset(&cfg, 0, sizeof(cfg));
    cfg.type = type;
    cfg.path = path;
    cfg.service = cfg_str("smtpd_sasl_service");
    cfg.hostname = cfg_str("myhostname");
    cfg.realm = cfg_str("smtpd_sasl_local_domain");
    cfg.config_path = config_path;
    cfg.timeout_ms = timeout_ms;
    s = xcalloc(1, sizeof(*s));
    s->security = security;
    s->tls_security = tls_security;
    s->srv = saslsrv_new(&cfg, err);
    xfree(path);
    xfree(config_path);
    if (s->srv == NULL) {
        xfree(s);
        return -1;
    }
    *out = s;
    return 0;
}

void smtpd_sasl_free(smtpd_sasl_t *s)
{
    if (s == NULL)
        return;
    saslsrv_free(s->srv);
    xfree(s);
}

static void drop_conn(smtpd_sasl_conn_t *c)
{
    saslsrv_conn_free(c->conn);
    c->conn = NULL;
    c->conn_used = false;
}

/* The saslsrv connection for the current TLS state; fresh after a
 * start when fresh is true. */
static saslsrv_conn_t *conn_for(smtpd_sasl_conn_t *c, bool tls, bool fresh, buf_t *err)
{
    saslsrv_peer_t peer;
    char *why = NULL;

    if (c->conn != NULL && (c->conn_tls != tls || (fresh && c->conn_used)))
        drop_conn(c);
    if (c->conn != NULL)
        return c->conn;
    memset(&peer, 0, sizeof(peer));
    peer.client_addr = c->client->addr;
    peer.client_port = c->client->port;
    peer.server_addr = c->have_local ? c->local.addr : NULL;
    peer.server_port = c->have_local ? c->local.port : NULL;
    peer.secured = tls;
    peer.security = tls ? c->sasl->tls_security : c->sasl->security;
    if (!tls && !c->loopback)
        peer.security |= SASLSRV_SEC_NOPLAINTEXT;
    if ((c->conn = saslsrv_conn_new(c->sasl->srv, &peer, &why)) == NULL) {
        buf_puts(err, why ? why : "SASL setup failed");
        xfree(why);
        return NULL;
    }
    c->conn_tls = tls;
    return c->conn;
}

static int ops_mechs(void *ctx, bool tls, buf_t *out, buf_t *err)
{
    smtpd_sasl_conn_t *c = ctx;
    saslsrv_conn_t *conn = conn_for(c, tls, false, err);
    char *why = NULL;

    if (conn == NULL)
        return -1;
    if (saslsrv_conn_mechs(conn, out, &why) < 0) {
        buf_puts(err, why);
        xfree(why);
        return -1;
    }
    return 0;
}

static smtpd_auth_result_t result_of(saslsrv_result_t r)
{
    switch (r) {
    case SASLSRV_DONE:
        return SMTPD_AUTH_DONE;
    case SASLSRV_CONTINUE:
        return SMTPD_AUTH_CONTINUE;
    case SASLSRV_TEMP:
        return SMTPD_AUTH_TEMP;
    case SASLSRV_FAIL:
    default:
        return SMTPD_AUTH_FAIL;
    }
}

static smtpd_auth_result_t ops_start(void *ctx, bool tls, const char *mech, bool has_initial,
                                     const void *initial, size_t len, buf_t *challenge,
                                     buf_t *reason)
{
    smtpd_sasl_conn_t *c = ctx;
    saslsrv_conn_t *conn = conn_for(c, tls, true, reason);

    if (conn == NULL)
        return SMTPD_AUTH_TEMP;
    c->conn_used = true;
    return result_of(saslsrv_conn_start(conn, mech, has_initial, initial, len, challenge,
                                        reason));
}

static smtpd_auth_result_t ops_step(void *ctx, const void *resp, size_t len, buf_t *challenge,
                                    buf_t *reason)
{
    smtpd_sasl_conn_t *c = ctx;

    if (c->conn == NULL) {
        buf_puts(reason, "no authentication in progress");
        return SMTPD_AUTH_FAIL;
    }
    return result_of(saslsrv_conn_step(c->conn, resp, len, challenge, reason));
}

static const char *ops_username(void *ctx)
{
    smtpd_sasl_conn_t *c = ctx;

    return c->conn ? saslsrv_conn_username(c->conn) : NULL;
}

static void ops_reset(void *ctx)
{
    drop_conn(ctx);
}

smtpd_sasl_conn_t *smtpd_sasl_conn_new(smtpd_sasl_t *s, const smtpd_client_t *client, int fd)
{
    smtpd_sasl_conn_t *c = xcalloc(1, sizeof(*c));

    c->sasl = s;
    c->client = client;
    c->have_local = sock_local_of(fd, &c->local) == 0 && c->local.family != AF_UNIX;
    c->loopback = smtpd_sasl_loopback(client->addr);
    c->ops.ctx = c;
    c->ops.mechs = ops_mechs;
    c->ops.start = ops_start;
    c->ops.step = ops_step;
    c->ops.username = ops_username;
    c->ops.reset = ops_reset;
    return c;
}

const smtpd_auth_t *smtpd_sasl_conn_auth(const smtpd_sasl_conn_t *c)
{
    return &c->ops;
}

void smtpd_sasl_conn_free(smtpd_sasl_conn_t *c)
{
    if (c == NULL)
        return;
    drop_conn(c);
    xfree(c);
}
