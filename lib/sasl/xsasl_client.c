/* xsasl_client.c - SMTP client SASL on Cyrus libsasl2 (see
 * xsasl_client.h). The callbacks hand libsasl2 the user name (as both
 * authentication and authorization name) and the password of the
 * session; no prompts are ever answered interactively. */
#include "sasl/xsasl_client.h"
#include "util/errstr.h"
#include "util/mem.h"

#include <sasl/sasl.h>
#include <string.h>
#include <strings.h>

struct xsasl_client {
    sasl_conn_t *conn;
    char *user;
    sasl_secret_t *secret;
    sasl_callback_t callbacks[4];
};

int xsasl_client_init(char **err)
{
    static bool done;
    int rc;

    if (done)
        return 0;
    if ((rc = sasl_client_init(NULL)) != SASL_OK) {
        errstr_set(err, "SASL library initialization: %s", sasl_errstring(rc, NULL, NULL));
        return -1;
    }
    done = true;
    return 0;
}

int xsasl_client_security_flags(const char *options, unsigned *flags, char **err)
{
    static const struct { const char *name; unsigned flag; } words[] = {
        {"noplaintext", SASL_SEC_NOPLAINTEXT}, {"noactive", SASL_SEC_NOACTIVE},
        {"nodictionary", SASL_SEC_NODICTIONARY}, {"noanonymous", SASL_SEC_NOANONYMOUS},
        {"mutual_auth", SASL_SEC_MUTUAL_AUTH},
    };
    const char *p = options;

    *flags = 0;
    while (*p) {
        size_t n;
        bool known = false;

        p += strspn(p, ", \t\r\n");
        n = strcspn(p, ", \t\r\n");
        if (n == 0)
            break;
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
            if (strlen(words[i].name) == n && strncasecmp(p, words[i].name, n) == 0) {
                *flags |= words[i].flag;
                known = true;
            }
        }
        if (!known) {
            errstr_set(err, "unknown SASL security option \"%.*s\"", (int) n, p);
            return -1;
        }
        p += n;
    }
    return 0;
}

static int get_user(void *context, int id, const char **result, unsigned *len)
{
    xsasl_client_t *c = context;

    if (id != SASL_CB_USER && id != SASL_CB_AUTHNAME)
        return SASL_BADPARAM;
    *result = c->user;
    if (len)
        *len = (unsigned) strlen(c->user);
    return SASL_OK;
}

static int get_secret(sasl_conn_t *conn, void *context, int id, sasl_secret_t **psecret)
{
    xsasl_client_t *c = context;

    (void) conn;
    if (id != SASL_CB_PASS)
        return SASL_BADPARAM;
    *psecret = c->secret;
    return SASL_OK;
}

static int fail(xsasl_client_t *c, char **err, const char *what, int rc)
{
    errstr_set(err, "%s: %s", what,
               c && c->conn ? sasl_errdetail(c->conn) : sasl_errstring(rc, NULL, NULL));
    return -1;
}

xsasl_client_t *xsasl_client_new(const char *server_host, const char *user,
                                 const char *password, unsigned sec_flags, char **err)
{
    xsasl_client_t *c = xcalloc(1, sizeof(*c));
    size_t plen = strlen(password);
    sasl_security_properties_t props;
    int rc;

    c->user = xstrdup(user);
    c->secret = xmalloc(sizeof(sasl_secret_t) + plen + 1);
    c->secret->len = plen;
    memcpy(c->secret->data, password, plen + 1);
    c->callbacks[0] = (sasl_callback_t) {SASL_CB_USER, (int (*)(void)) (void (*)(void)) get_user, c};
    c->callbacks[1] = (sasl_callback_t) {SASL_CB_AUTHNAME, (int (*)(void)) (void (*)(void)) get_user, c};
    c->callbacks[2] = (sasl_callback_t) {SASL_CB_PASS, (int (*)(void)) (void (*)(void)) get_secret, c};
    c->callbacks[3] = (sasl_callback_t) {SASL_CB_LIST_END, NULL, NULL};
    rc = sasl_client_new("smtp", server_host, NULL, NULL, c->callbacks, 0, &c->conn);
    if (rc != SASL_OK) {
        fail(NULL, err, "SASL client session", rc);
        c->conn = NULL;
        xsasl_client_free(c);
        return NULL;
    }
    memset(&props, 0, sizeof(props));
    props.max_ssf = 1;          /* no SASL security layer: TLS does that */
    props.maxbufsize = 0;
    props.security_flags = sec_flags;
    if ((rc = sasl_setprop(c->conn, SASL_SEC_PROPS, &props)) != SASL_OK) {
        fail(c, err, "SASL security properties", rc);
        xsasl_client_free(c);
        return NULL;
    }
    return c;
}

void xsasl_client_free(xsasl_client_t *c)
{
    if (c == NULL)
        return;
    if (c->conn)
        sasl_dispose(&c->conn);
    if (c->secret) {
        memset(c->secret->data, 0, c->secret->len);
        xfree(c->secret);
    }
    xfree(c->user);
    xfree(c);
}

int xsasl_client_first(xsasl_client_t *c, const char *mechs, const char **mech,
                       buf_t *initial, bool *has_initial, char **err)
{
    const char *out = NULL;
    unsigned out_len = 0;
    sasl_interact_t *interact = NULL;
    int rc = sasl_client_start(c->conn, mechs, &interact, &out, &out_len, mech);

    if (rc != SASL_OK && rc != SASL_CONTINUE)
        return fail(c, err, "cannot start SASL authentication", rc);
    buf_reset(initial);
    *has_initial = out != NULL;
    if (out)
        buf_append(initial, out, out_len);
    return 0;
}

int xsasl_client_next(xsasl_client_t *c, const char *challenge, size_t len,
                      buf_t *response, char **err)
{
    const char *out = NULL;
    unsigned out_len = 0;
    sasl_interact_t *interact = NULL;
    int rc = sasl_client_step(c->conn, challenge, (unsigned) len, &interact, &out, &out_len);

    if (rc != SASL_OK && rc != SASL_CONTINUE)
        return fail(c, err, "SASL authentication step", rc);
    buf_reset(response);
    if (out)
        buf_append(response, out, out_len);
    return 0;
}
