/* saslsrv.c - the backend-independent part of server-side SASL
 * (saslsrv.h): backend choice, security options, mechanism checks. */
#include "sasl/saslsrv.h"

#include <string.h>
#include <strings.h>

#include "sasl/saslsrv_impl.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/strutil.h"

struct saslsrv {
    const saslsrv_backend_t *backend;
    void *state;
};

struct saslsrv_conn {
    const saslsrv_backend_t *backend;
    void *conn;
    bool started;
    bool done;
};

int saslsrv_parse_security(const char *text, unsigned *flags, char **err)
{
    static const struct { const char *word; unsigned flag; } words[] = {
        {"noanonymous", SASLSRV_SEC_NOANONYMOUS}, {"noplaintext", SASLSRV_SEC_NOPLAINTEXT},
        {"nodictionary", SASLSRV_SEC_NODICTIONARY}, {"noactive", SASLSRV_SEC_NOACTIVE},
        {"mutual_auth", SASLSRV_SEC_MUTUAL_AUTH}, {"forward_secrecy", SASLSRV_SEC_FORWARD_SECRECY},
    };
    char *copy = xstrdup(text ? text : ""), *cursor = copy, *word;
    int rc = 0;

    *flags = 0;
    while (rc == 0 && (word = str_token(&cursor, ", \t\r\n")) != NULL) {
        size_t i;

        for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (strcasecmp(word, words[i].word) == 0)
                break;
        if (i == sizeof(words) / sizeof(words[0]))
            rc = -1, errstr_set(err, "unknown SASL security option \"%s\"", word);
        else
            *flags |= words[i].flag;
    }
    xfree(copy);
    return rc;
}

static char *str_upper(char *s)
{
    for (char *p = s; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char) (*p - 'a' + 'A');
    return s;
}

bool saslsrv_mech_listed(const char *list, const char *mech)
{
    size_t n = strlen(mech);

    for (const char *p = list; *p;) {
        size_t w = strcspn(p, " ");

        if (w == n && n > 0 && strncasecmp(p, mech, n) == 0)
            return true;
        p += w;
        p += strspn(p, " ");
    }
    return false;
}

saslsrv_t *saslsrv_new(const saslsrv_config_t *cfg, char **err)
{
    const saslsrv_backend_t *b;
    saslsrv_t *s;
    void *state;

    if (cfg->type != NULL && strcasecmp(cfg->type, "dovecot") == 0) {
        b = &saslsrv_dovecot_backend;
    } else if (cfg->type != NULL && strcasecmp(cfg->type, "cyrus") == 0) {
        b = &saslsrv_cyrus_backend;
    } else {
        errstr_set(err, "unsupported SASL server implementation: %s", cfg->type ? cfg->type : "");
        return NULL;
    }
    if ((state = b->init(cfg, err)) == NULL)
        return NULL;
    s = xcalloc(1, sizeof(*s));
    s->backend = b;
    s->state = state;
    return s;
}

void saslsrv_free(saslsrv_t *s)
{
    if (s == NULL)
        return;
    s->backend->done(s->state);
    xfree(s);
}

saslsrv_conn_t *saslsrv_conn_new(saslsrv_t *s, const saslsrv_peer_t *peer, char **err)
{
    void *conn = s->backend->conn_new(s->state, peer, err);
    saslsrv_conn_t *c;

    if (conn == NULL)
        return NULL;
    c = xcalloc(1, sizeof(*c));
    c->backend = s->backend;
    c->conn = conn;
    return c;
}

void saslsrv_conn_free(saslsrv_conn_t *c)
{
    if (c == NULL)
        return;
    c->backend->conn_free(c->conn);
    xfree(c);
}

/* Appends the words of list to out, one space between words, none
 * before the first or after the last (libsasl2 may add some). */
static void append_words(buf_t *out, const char *list)
{
    const char *p = list;

    while (*p) {
        size_t w;

        p += strspn(p, " \t");
        w = strcspn(p, " \t");
        if (w == 0)
            break;
        if (out->len > 0)
            buf_putc(out, ' ');
        buf_append(out, p, w);
        p += w;
    }
}

int saslsrv_conn_mechs(saslsrv_conn_t *c, buf_t *out, char **err)
{
    buf_t raw = BUF_INIT;
    int rc;

    buf_init(&raw);
    if ((rc = c->backend->mechs(c->conn, &raw, err)) == 0)
        append_words(out, raw.data);
    buf_dispose(&raw);
    return rc;
}

static saslsrv_result_t finished(saslsrv_conn_t *c, saslsrv_result_t r)
{
    c->started = r == SASLSRV_CONTINUE;
    c->done = r == SASLSRV_DONE;
    return r;
}

saslsrv_result_t saslsrv_conn_start(saslsrv_conn_t *c, const char *mech, bool has_initial,
                                    const void *initial, size_t len, buf_t *challenge,
                                    buf_t *reason)
{
    buf_t list = BUF_INIT;
    char *err = NULL, *upper;
    saslsrv_result_t r;
    bool allowed;

    buf_reset(challenge);
    buf_reset(reason);
    if (c->done) {
        buf_puts(reason, "already authenticated");
        return SASLSRV_FAIL;
    }
    buf_init(&list);
    if (saslsrv_conn_mechs(c, &list, &err) < 0) {
        buf_puts(reason, err);
        xfree(err);
        buf_dispose(&list);
        return finished(c, SASLSRV_TEMP);
    }
    allowed = saslsrv_mech_listed(list.data, mech);
    buf_dispose(&list);
    if (!allowed) {
        buf_puts(reason, "Invalid authentication mechanism");
        return finished(c, SASLSRV_FAIL);
    }
    upper = str_upper(xstrdup(mech));
    r = c->backend->start(c->conn, upper, has_initial, initial, len, challenge, reason);
    xfree(upper);
    return finished(c, r);
}

saslsrv_result_t saslsrv_conn_step(saslsrv_conn_t *c, const void *resp, size_t len,
                                   buf_t *challenge, buf_t *reason)
{
    buf_reset(challenge);
    buf_reset(reason);
    if (!c->started) {
        buf_puts(reason, "no authentication in progress");
        return SASLSRV_FAIL;
    }
    return finished(c, c->backend->step(c->conn, resp, len, challenge, reason));
}

const char *saslsrv_conn_username(const saslsrv_conn_t *c)
{
    return c->done ? c->backend->username(c->conn) : NULL;
}
