/* saslsrv_cyrus.c - the "cyrus" saslsrv backend: Cyrus libsasl2 in this
 * process, as Postfix's smtpd_sasl_type = cyrus. The library is set up
 * once per process with the application name cfg.path (its
 * configuration file is NAME.conf in the cfg.config_path directories);
 * how passwords are checked (auxprop/sasldb, saslauthd ...) is that
 * file's business. libsasl2's own log messages go to msg_warn. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <sasl/sasl.h>

#include "sasl/saslsrv_impl.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/msg.h"

struct cyrus_state {
    char *service, *hostname, *realm, *config_path;
};

struct cyrus_conn {
    sasl_conn_t *sasl;
};

/* libsasl2 keeps pointers to the application name and reads the
 * configuration path through a callback: both live as long as the
 * library is initialized. */
static bool cyrus_initialized;
static char *cyrus_app_name;
static char *cyrus_config_path;

static int log_callback(void *context, int level, const char *message)
{
    (void) context;
    if (message != NULL && level <= SASL_LOG_FAIL)
        msg_warn("SASL authentication problem: %s", message);
    return SASL_OK;
}

static int config_path_callback(void *context, const char **path)
{
    (void) context;
    *path = cyrus_config_path;
    return SASL_OK;
}

static const sasl_callback_t callbacks[] = {
    {SASL_CB_LOG, (int (*)(void)) (void (*)(void)) log_callback, NULL},
    {SASL_CB_GETCONFPATH, (int (*)(void)) (void (*)(void)) config_path_callback, NULL},
    {SASL_CB_LIST_END, NULL, NULL},
};

static void forget_globals(void)
{
    xfree(cyrus_config_path);
    cyrus_config_path = NULL;
    xfree(cyrus_app_name);
    cyrus_app_name = NULL;
}

static void *cy_init(const saslsrv_config_t *cfg, char **err)
{
    struct cyrus_state *st;
    const char *app = cfg->path && *cfg->path ? cfg->path : "smtpd";
    int rc;

    if (cyrus_initialized) {
        errstr_set(err, "cyrus SASL: already initialized in this process");
        return NULL;
    }
    cyrus_config_path = xstrdup(cfg->config_path && *cfg->config_path ? cfg->config_path
                                : "/etc/sasl2:/usr/lib/sasl2");
    cyrus_app_name = xstrdup(app);
    if ((rc = sasl_server_init(callbacks, cyrus_app_name)) != SASL_OK) {
        errstr_set(err, "cyrus SASL: cannot initialize server (%s): %s", app,
                   sasl_errstring(rc, NULL, NULL));
        forget_globals();
        return NULL;
    }
    cyrus_initialized = true;
    st = xcalloc(1, sizeof(*st));
    st->service = xstrdup(cfg->service && *cfg->service ? cfg->service : "smtp");
    st->hostname = xstrdup(cfg->hostname && *cfg->hostname ? cfg->hostname : "localhost");
    st->realm = cfg->realm && *cfg->realm ? xstrdup(cfg->realm) : NULL;
    return st;
}

static void cy_done(void *state)
{
    struct cyrus_state *st = state;

    sasl_server_done();
    cyrus_initialized = false;
    forget_globals();
    xfree(st->service);
    xfree(st->hostname);
    xfree(st->realm);
    xfree(st);
}

/* "addr;port" as libsasl2 wants it, or NULL when unknown. */
static const char *ip_port(char *buf, size_t size, const char *addr, const char *port)
{
    if (addr == NULL || *addr == '\0' || port == NULL || *port == '\0')
        return NULL;
    if ((size_t) snprintf(buf, size, "%s;%s", addr, port) >= size)
        return NULL;
    return buf;
}

static sasl_ssf_t security_flags(unsigned security)
{
    sasl_ssf_t f = 0;

    if (security & SASLSRV_SEC_NOANONYMOUS)
        f |= SASL_SEC_NOANONYMOUS;
    if (security & SASLSRV_SEC_NOPLAINTEXT)
        f |= SASL_SEC_NOPLAINTEXT;
    if (security & SASLSRV_SEC_NODICTIONARY)
        f |= SASL_SEC_NODICTIONARY;
    if (security & SASLSRV_SEC_NOACTIVE)
        f |= SASL_SEC_NOACTIVE;
    if (security & SASLSRV_SEC_MUTUAL_AUTH)
        f |= SASL_SEC_MUTUAL_AUTH;
    if (security & SASLSRV_SEC_FORWARD_SECRECY)
        f |= SASL_SEC_FORWARD_SECRECY;
    return f;
}

static void *cy_conn_new(void *state, const saslsrv_peer_t *peer, char **err)
{
    struct cyrus_state *st = state;
    char local[160], remote[160];
    sasl_security_properties_t props;
    struct cyrus_conn *c;
    sasl_conn_t *conn = NULL;
    int rc = sasl_server_new(st->service, st->hostname, st->realm,
                             ip_port(local, sizeof(local), peer->server_addr, peer->server_port),
                             ip_port(remote, sizeof(remote), peer->client_addr,
                                     peer->client_port),
                             NULL, 0, &conn);

    if (rc != SASL_OK) {
        errstr_set(err, "cyrus SASL: per-connection setup failed: %s",
                   sasl_errstring(rc, NULL, NULL));
        if (conn != NULL)
            sasl_dispose(&conn);
        return NULL;
    }
    memset(&props, 0, sizeof(props));
    props.min_ssf = 0;
    props.max_ssf = 0;             /* SMTP has no SASL security layer */
    props.maxbufsize = 0;
    props.security_flags = (unsigned) security_flags(peer->security);
    if ((rc = sasl_setprop(conn, SASL_SEC_PROPS, &props)) != SASL_OK) {
        errstr_set(err, "cyrus SASL: cannot set security properties: %s",
                   sasl_errstring(rc, NULL, NULL));
        sasl_dispose(&conn);
        return NULL;
    }
    c = xcalloc(1, sizeof(*c));
    c->sasl = conn;
    return c;
}

static void cy_conn_free(void *conn)
{
    struct cyrus_conn *c = conn;

    sasl_dispose(&c->sasl);
    xfree(c);
}

static int cy_mechs(void *conn, buf_t *out, char **err)
{
    struct cyrus_conn *c = conn;
    const char *list = NULL;
    unsigned len = 0;
    int count = 0;
    int rc = sasl_listmech(c->sasl, NULL, "", " ", "", &list, &len, &count);

    if (rc == SASL_NOMECH)
        return 0;
    if (rc != SASL_OK) {
        errstr_set(err, "cyrus SASL: cannot list mechanisms: %s", sasl_errstring(rc, NULL, NULL));
        return -1;
    }
    buf_append(out, list, len);
    return 0;
}

static saslsrv_result_t result_of(int rc, const char *out, unsigned outlen, buf_t *challenge,
                                  buf_t *reason)
{
    switch (rc) {
    case SASL_OK:
        return SASLSRV_DONE;
    case SASL_CONTINUE:
        if (out != NULL)
            buf_append(challenge, out, outlen);
        return SASLSRV_CONTINUE;
    case SASL_TRYAGAIN:
    case SASL_UNAVAIL:
    case SASL_NOMEM:
        buf_puts(reason, sasl_errstring(rc, NULL, NULL));
        return SASLSRV_TEMP;
    default:
        buf_puts(reason, sasl_errstring(rc, NULL, NULL));
        return SASLSRV_FAIL;
    }
}

static saslsrv_result_t cy_start(void *conn, const char *mech, bool has_initial,
                                 const void *initial, size_t len, buf_t *challenge,
                                 buf_t *reason)
{
    struct cyrus_conn *c = conn;
    const char *out = NULL;
    unsigned outlen = 0;
    int rc;

    if (len > UINT_MAX) {
        buf_puts(reason, "response too long");
        return SASLSRV_FAIL;
    }
    rc = sasl_server_start(c->sasl, mech, has_initial ? (initial ? initial : "") : NULL,
                           (unsigned) len, &out, &outlen);
    return result_of(rc, out, outlen, challenge, reason);
}

static saslsrv_result_t cy_step(void *conn, const void *resp, size_t len, buf_t *challenge,
                                buf_t *reason)
{
    struct cyrus_conn *c = conn;
    const char *out = NULL;
    unsigned outlen = 0;
    int rc;

    if (len > UINT_MAX) {
        buf_puts(reason, "response too long");
        return SASLSRV_FAIL;
    }
    rc = sasl_server_step(c->sasl, resp ? resp : "", (unsigned) len, &out, &outlen);
    return result_of(rc, out, outlen, challenge, reason);
}

static const char *cy_username(const void *conn)
{
    const struct cyrus_conn *c = conn;
    const void *name = NULL;

    if (sasl_getprop(c->sasl, SASL_USERNAME, &name) != SASL_OK)
        return NULL;
    return name;
}

const saslsrv_backend_t saslsrv_cyrus_backend = {
    .name = "cyrus",
    .init = cy_init,
    .done = cy_done,
    .conn_new = cy_conn_new,
    .conn_free = cy_conn_free,
    .mechs = cy_mechs,
    .start = cy_start,
    .step = cy_step,
    .username = cy_username,
};
